import { CfnWaitCondition, CfnWaitConditionHandle, Duration } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/** Properties of a `BootstrapReadiness`. */
export interface BootstrapReadinessProps {
  /**
   * Identifies what the instances boot with (for the container cluster: orchestrator, nodes, scripts,
   * workload). When it changes, the wait condition and its handle are new resources, so a redeploy that
   * replaces the instances waits for the new ones exactly as the first deploy did; otherwise a completed
   * wait condition would let it return at once.
   */
  readonly generation: string;
  /** How long CloudFormation waits, from the moment every instance exists, for the bootstrap to report. */
  readonly timeout: Duration;
}

/**
 * "Ready means ready": a CloudFormation wait condition that an instance signals, through the handle's
 * presigned URL, once the lab works (the container cluster's control plane when every node is Ready; the
 * web server when it has fetched its own pages). Until then the deploy does not return. An instance that
 * fails its bootstrap signals FAILURE with the step that failed, which fails the deploy at once with that
 * reason in the stack events; an instance that cannot report at all fails it at `timeout`.
 *
 * A wait condition rather than a creation policy on an instance: the container cluster's workers are
 * created after the control plane (their user data names it), so the control plane cannot itself wait for
 * them to exist. And a handle rather than `cloudformation:SignalResource`: a signal through the handle
 * carries a reason, which is what a student reads in the stack events, and the instances need no
 * CloudFormation permission. The handle's URL is in the user data, so whoever may read user data in the
 * account could send a false signal; it grants nothing else.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-waitcondition.html
 */
export class BootstrapReadiness extends Construct {
  /** The URL the instances PUT their signal to (deploy-time value). */
  public readonly signalUrl: string;
  public readonly waitCondition: CfnWaitCondition;

  constructor(scope: Construct, id: string, props: BootstrapReadinessProps) {
    super(scope, id);
    const handle = new CfnWaitConditionHandle(this, `Handle${props.generation}`);
    this.signalUrl = handle.ref;
    this.waitCondition = new CfnWaitCondition(this, `WaitCondition${props.generation}`, {
      handle: handle.ref,
      count: 1, // one SUCCESS (the control plane's, the web server's); any FAILURE ends the wait at once
      timeout: String(props.timeout.toSeconds()),
    });
  }

  /** Starts the wait only when `instances` exist, so the timeout measures the bootstrap, not the launches. */
  public waitFor(...instances: IConstruct[]): void {
    this.waitCondition.node.addDependency(...instances);
  }
}
