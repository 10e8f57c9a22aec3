/**
 * Custom resource that turns a lab's time-to-live into a concrete expiry time at deploy time.
 *
 * The template cannot hold a timestamp (it must be the same on every synth), so the stack asks this
 * function, once when the stack is created and again whenever `TtlHours` changes, for "now + TtlHours".
 * The answer feeds two one-time EventBridge Scheduler schedules (`at(...)`), the expiry and its retry an
 * hour later, and the stack's outputs.
 *
 * It speaks the CloudFormation custom resource protocol directly (a PUT of the result to the pre-signed
 * `ResponseURL`), so it needs no SDK and no framework function of its own.
 */

import { putResponse } from '../shared/cloudformation-response';

/** The fields of a CloudFormation custom resource event that this handler reads. */
export interface ExpiryEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly TtlHours?: unknown };
}

/** What the stack reads back with `Fn::GetAtt`. */
export interface Expiry {
  /** When the lab deletes itself, as an ISO 8601 UTC timestamp to the minute, e.g. `2026-11-22T13:05:00Z`. */
  readonly ExpiresAt: string;
  /** The same instant as an EventBridge Scheduler one-time expression, e.g. `at(2026-11-22T13:05:00)` (UTC). */
  readonly ScheduleExpression: string;
  /**
   * The second try, `EXPIRY_RETRY_HOURS` later, as a one-time expression: the retry schedule calls
   * DeleteStack again then, in case CloudFormation refused the first call (the stack was mid-deploy).
   */
  readonly RetryScheduleExpression: string;
}

/** Hours between the expiry and the second DeleteStack call (see `lib/shared/expiry.ts`). */
export const EXPIRY_RETRY_HOURS = 1;

type Put = (url: string, body: string) => Promise<void>;

const MINUTE_MS = 60_000;

/**
 * The expiry `ttlHours` after `now`, rounded up to the next whole minute (Scheduler's `at()` has
 * minute precision; rounding up means a lab never expires early).
 */
export function computeExpiry(now: Date, ttlHours: number): Expiry {
  if (!Number.isInteger(ttlHours) || ttlHours < 1) {
    throw new Error(`TtlHours must be a whole number of hours of at least 1, got ${ttlHours}`);
  }
  const at = new Date(Math.ceil((now.getTime() + ttlHours * 3_600_000) / MINUTE_MS) * MINUTE_MS);
  const iso = (d: Date) => d.toISOString().slice(0, 19); // yyyy-mm-ddThh:mm:ss, always UTC
  const retry = new Date(at.getTime() + EXPIRY_RETRY_HOURS * 3_600_000);
  return { ExpiresAt: `${iso(at)}Z`, ScheduleExpression: `at(${iso(at)})`, RetryScheduleExpression: `at(${iso(retry)})` };
}

/** Builds the handler with its clock and transport injectable, so tests exercise the real logic. */
export function makeHandler(deps: { now: () => Date; put: Put }) {
  return async (event: ExpiryEvent): Promise<void> => {
    const physicalId = event.PhysicalResourceId ?? `expiry-${event.RequestId}`;
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: physicalId,
    };
    let response: Record<string, unknown>;
    try {
      if (event.RequestType === 'Delete') {
        response = { ...base, Status: 'SUCCESS' };
      } else {
        // CloudFormation passes every custom resource property as a string.
        const raw = event.ResourceProperties.TtlHours;
        const ttl = /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
        if (Number.isNaN(ttl)) throw new Error(`TtlHours must be a whole number of hours of at least 1, got ${JSON.stringify(raw)}`);
        response = { ...base, Status: 'SUCCESS', Data: computeExpiry(deps.now(), ttl) };
      }
    } catch (err) {
      // A FAILED response makes CloudFormation roll the change back with this reason, instead of
      // waiting an hour for a response that never comes.
      response = { ...base, Status: 'FAILED', Reason: err instanceof Error ? err.message : String(err) };
    }
    console.log(JSON.stringify({ requestType: event.RequestType, response }));
    await deps.put(event.ResponseURL, JSON.stringify(response));
  };
}

export const handler = makeHandler({ now: () => new Date(), put: putResponse });
