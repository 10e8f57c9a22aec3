import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeSessionManagerWildcard, sessionManagerPolicy } from '../shared/session-manager';

/** Properties of a `NodeRole`. */
export interface NodeRoleProps {
  /** What the nodes with this role are, for the IAM console. */
  readonly description: string;
}

/**
 * The instance role shared by the nodes of one kind: what the SSM Agent needs for Session Manager (how
 * students connect, with no open port) and Run Command, as one inline policy, and nothing else until the
 * stack grants it a secret or an asset.
 *
 * Not the AWS managed policy `AmazonSSMManagedInstanceCore`: it also lets the nodes read every Systems
 * Manager parameter in the account (`ssm:GetParameter`, `ssm:GetParameters` on `*`), and anything on a
 * node with the role's credentials could. See `lib/shared/session-manager.ts` for the actions and their source.
 */
export class NodeRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: props.description,
      inlinePolicies: { SsmAgent: sessionManagerPolicy({ runCommand: true }) },
    });
    acknowledgeSessionManagerWildcard(this.role, { runCommand: true });
  }
}
