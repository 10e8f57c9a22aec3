/**
 * Custom resource that orders a traffic switch around target health (the microservices lab).
 *
 * - Create / Update: waits until the target group has at least `MinHealthy` healthy targets, then
 *   answers SUCCESS. The listener rule that sends a path to this target group depends on this resource,
 *   so CloudFormation creates the rule only once the new tasks pass the load balancer's health check.
 *   CloudFormation's own wait on an ECS service does not promise that: it can finish as soon as tasks
 *   run, before their first health check. If no target becomes healthy in time (a broken image, say),
 *   it answers FAILED and the deploy rolls back before any traffic moved.
 * - Delete: waits `SettleSeconds`, then answers SUCCESS. CloudFormation deletes the rule first (it
 *   depends on this resource), then this resource, then the ECS service. The pause lets every load
 *   balancer node apply the rule's removal before ECS starts draining the tasks, so no node still routes
 *   to a target group whose targets are all draining.
 *
 * It speaks the custom resource protocol directly (a PUT of the result to the pre-signed `ResponseURL`).
 */
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { putResponse } from '../shared/cloudformation-response';

/** The fields of a CloudFormation custom resource event that this handler reads. */
export interface HealthyTargetsEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: {
    readonly TargetGroupArn?: unknown;
    readonly MinHealthy?: unknown;
    readonly SettleSeconds?: unknown;
  };
}

/** The health of a target group's targets, counted by state. */
export interface TargetStates {
  readonly healthy: number;
  /** Every target as `id:port state (reason)`, for the failure message. */
  readonly summary: string[];
}

export interface Deps {
  describe(targetGroupArn: string): Promise<TargetStates>;
  sleep(ms: number): Promise<void>;
  put(url: string, body: string): Promise<void>;
}

/** How often target health is read while waiting. */
export const POLL_MS = 5_000;
/** Time kept back from the Lambda timeout to send the answer. */
export const ANSWER_MARGIN_MS = 15_000;
/** The longest delete-time pause accepted (it runs inside one Lambda invocation). */
export const MAX_SETTLE_SECONDS = 120;

function wholeNumber(name: string, raw: unknown, min: number, max: number): number {
  // CloudFormation passes every custom resource property as a string.
  const n = /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Builds the handler with AWS, the clock and the transport injectable, so tests exercise the real logic. */
export function makeHandler(deps: Deps) {
  return async (event: HealthyTargetsEvent, context: { getRemainingTimeInMillis(): number }): Promise<void> => {
    const props = event.ResourceProperties;
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: event.PhysicalResourceId ?? `healthy-targets-${event.RequestId}`,
    };
    let response: Record<string, unknown>;
    if (event.RequestType === 'Delete') {
      // Never FAILED on delete: that would leave the stack stuck in DELETE_FAILED.
      let settle = 0;
      try {
        settle = wholeNumber('SettleSeconds', props.SettleSeconds, 0, MAX_SETTLE_SECONDS);
      } catch (err) {
        console.log(`ignored on delete: ${(err as Error).message}`);
      }
      await deps.sleep(settle * 1000);
      response = { ...base, Status: 'SUCCESS' };
    } else {
      try {
        const arn = String(props.TargetGroupArn ?? '');
        if (!arn.startsWith('arn:')) throw new Error(`TargetGroupArn must be a target group ARN, got ${JSON.stringify(props.TargetGroupArn)}`);
        const minHealthy = wholeNumber('MinHealthy', props.MinHealthy, 1, 100);
        wholeNumber('SettleSeconds', props.SettleSeconds, 0, MAX_SETTLE_SECONDS);
        let states = await deps.describe(arn);
        while (states.healthy < minHealthy) {
          if (context.getRemainingTimeInMillis() < POLL_MS + ANSWER_MARGIN_MS) {
            throw new Error(
              `${states.healthy} of the ${minHealthy} targets needed are healthy in ${arn} after waiting as long as this ` +
                `function may run; targets: ${states.summary.join(', ') || 'none registered'}. ` +
                "The ECS service's events say why (aws ecs describe-services); the deploy rolls back before any traffic moved.",
            );
          }
          await deps.sleep(POLL_MS);
          states = await deps.describe(arn);
        }
        response = { ...base, Status: 'SUCCESS', Data: { Healthy: states.healthy } };
      } catch (err) {
        response = { ...base, Status: 'FAILED', Reason: err instanceof Error ? err.message : String(err) };
      }
    }
    console.log(JSON.stringify({ requestType: event.RequestType, response }));
    await deps.put(event.ResponseURL, JSON.stringify(response));
  };
}

const elb = new ElasticLoadBalancingV2Client({});

async function describe(targetGroupArn: string): Promise<TargetStates> {
  const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return {
    healthy: TargetHealthDescriptions.filter((t) => t.TargetHealth?.State === 'healthy').length,
    summary: TargetHealthDescriptions.map(
      (t) => `${t.Target?.Id}:${t.Target?.Port} ${t.TargetHealth?.State}${t.TargetHealth?.Reason ? ` (${t.TargetHealth.Reason})` : ''}`,
    ),
  };
}

export const handler = makeHandler({
  describe,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  put: putResponse,
});
