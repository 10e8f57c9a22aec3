import * as path from 'path';
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LabFunction } from '../shared/lab-function';
import { markAsPlumbing } from '../shared/plumbing';

/** Properties of a `HealthyTargetsGate`. */
export interface HealthyTargetsGateProps {
  /**
   * The longest a deploy waits for a new deployable's targets to become healthy before it fails and
   * rolls back (the function's timeout). Healthy tasks pass in about 15 s; a broken image never does.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
  /**
   * How long the removal of a deployable pauses between deleting its route rule and deleting its ECS
   * service, so every load balancer node has stopped routing to it before its tasks drain.
   * @default Duration.seconds(20)
   */
  readonly settleTime?: Duration;
}

/** What a gate waits for. */
export interface GateOptions {
  /** The target group that the rule created after the gate forwards to. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** How many targets must be healthy (the service's desired count). */
  readonly minHealthy: number;
}

/**
 * One Lambda function (`lambda/healthy-targets`) and, per deployable, a custom resource that sits
 * between the ECS service and the listener rule that sends traffic to it: created after the service,
 * it answers only when the target group has `minHealthy` healthy targets; deleted after the rule, it
 * pauses `settleTime` before the service goes. See the handler for why CloudFormation's own ordering is
 * not enough.
 */
export class HealthyTargetsGate extends Construct {
  /** The function behind every gate. */
  public readonly handler: LabFunction;
  private readonly settleSeconds: number;
  private readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: HealthyTargetsGateProps = {}) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(10);
    const settle = props.settleTime ?? Duration.seconds(20);
    if (timeout.toSeconds() < 60 || timeout.toSeconds() > 900) {
      throw new Error(`HealthyTargetsGate timeout must be from 1 to 15 minutes (a Lambda invocation), got ${timeout.toHumanString()}`);
    }
    if (settle.toSeconds() > 120) throw new Error(`HealthyTargetsGate settleTime must be at most 120 seconds, got ${settle.toSeconds()}`);
    this.settleSeconds = settle.toSeconds();
    this.timeout = timeout;

    this.handler = new LabFunction(this, 'Function', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'healthy-targets', 'index.ts'),
      description: 'Microservices lab: lets a listener rule switch traffic only to healthy targets, and pauses before a drained service is removed.',
      timeout,
    });
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['elasticloadbalancing:DescribeTargetHealth'], resources: ['*'] }),
    );
    Validations.of(this.handler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'elasticloadbalancing:DescribeTargetHealth supports no resource-level permissions (Service Authorization Reference); the role may only read target health.',
    });
  }

  /** A gate for one target group; make the traffic-switching rule depend on it. */
  public gate(scope: Construct, id: string, options: GateOptions): CustomResource {
    const gate = new CustomResource(scope, id, {
      serviceToken: this.handler.function.functionArn,
      resourceType: 'Custom::HealthyTargets',
      // If the function ever dies without answering, the deploy fails a minute after its own timeout
      // rather than after CloudFormation's default hour.
      serviceTimeout: this.timeout.plus(Duration.minutes(1)),
      properties: {
        TargetGroupArn: options.targetGroup.targetGroupArn,
        MinHealthy: options.minHealthy,
        SettleSeconds: this.settleSeconds,
      },
    });
    markAsPlumbing(gate, 'holds a deploy until the target group has healthy targets, so the path rule never sends traffic nowhere');
    return gate;
  }
}
