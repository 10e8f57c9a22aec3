import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Properties of a `NodeRole`. */
export interface NodeRoleProps {
  /** What the nodes with this role are, for the IAM console. */
  readonly description: string;
}

/**
 * The instance role shared by the nodes of one kind: SSM Session Manager access (how students connect,
 * with no open port), and nothing else until the stack grants it a secret or an asset.
 */
export class NodeRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: props.description,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason:
        "AWS's policy for the SSM agent, which Session Manager needs: students connect with aws ssm start-session instead of an open SSH port. AWS keeps it in step with the agent.",
    });
  }
}
