import { CfnWaitCondition, CfnWaitConditionHandle, Duration } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/** Properties of a `ClusterReadiness`. */
export interface ClusterReadinessProps {
  /**
   * Identifies the cluster's make-up (orchestrator, nodes, scripts, workload). When it changes, the wait
   * condition and its handle are new resources, so a redeploy that rebuilds the cluster waits for the new
   * cluster exactly as the first deploy did; otherwise a completed wait condition would let it return at once.
   */
  readonly generation: string;
  /** How long CloudFormation waits, from the moment every node exists, for the cluster to report. */
  readonly timeout: Duration;
}

/**
 * "Ready means ready": a CloudFormation wait condition that the control plane signals, through the handle's
 * presigned URL, once every node is Ready. Until then the deploy does not return. A node that fails its
 * bootstrap signals FAILURE with the reason, which fails the deploy at once with that reason in the stack
 * events; a node that cannot report at all fails it at `timeout`.
 *
 * A wait condition rather than a creation policy on the control plane: the workers are created after the
 * control plane (their user data names it), so the control plane cannot itself wait for them to exist.
 * And a handle rather than `cloudformation:SignalResource`: a signal through the handle carries a reason,
 * which is what a student reads in the stack events, and the nodes need no CloudFormation permission. The
 * handle's URL is in the nodes' user data, so whoever may read user data in the account could send a
 * false signal; it grants nothing else.
 */
export class ClusterReadiness extends Construct {
  /** The URL the nodes PUT their signal to (deploy-time value). */
  public readonly signalUrl: string;
  public readonly waitCondition: CfnWaitCondition;

  constructor(scope: Construct, id: string, props: ClusterReadinessProps) {
    super(scope, id);
    const handle = new CfnWaitConditionHandle(this, `Handle${props.generation}`);
    this.signalUrl = handle.ref;
    this.waitCondition = new CfnWaitCondition(this, `WaitCondition${props.generation}`, {
      handle: handle.ref,
      count: 1, // the control plane's SUCCESS; any FAILURE ends the wait at once
      timeout: String(props.timeout.toSeconds()),
    });
  }

  /** Starts the wait only when `nodes` exist, so the timeout measures the bootstrap, not the launches. */
  public waitFor(...nodes: IConstruct[]): void {
    this.waitCondition.node.addDependency(...nodes);
  }
}
