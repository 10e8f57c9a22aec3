import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Properties of a `JoinSecret`. */
export interface JoinSecretProps {
  /** What the secret holds, for the Secrets Manager console. */
  readonly description: string;
}

/**
 * Where the control plane hands the workers what they need to join (a Kubernetes bootstrap token or a
 * Swarm join token), without it appearing in the template, the outputs or any log.
 *
 * The stack creates the secret with a random value, so it owns it: `cdk destroy` deletes it (CloudFormation
 * deletes secrets without a recovery window), and nothing a node writes outlives the lab. Only the control
 * plane may write it and only the workers may read it, each on this one ARN. It is encrypted with the
 * account's AWS managed key for Secrets Manager.
 */
export class JoinSecret extends Construct {
  public readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: JoinSecretProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: props.description,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Written once by the control plane at boot and read by the workers as they join; it lives as long as the lab (hours), and the token in it is only good for joining a cluster whose API only the nodes can reach. A rotation Lambda would have nothing to rotate to.',
    });
  }

  /** Lets `role` write the join data (the control plane). */
  public grantPublish(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: [this.secret.secretArn] }));
  }

  /** Lets `role` read the join data (the workers). */
  public grantRead(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }));
  }
}
