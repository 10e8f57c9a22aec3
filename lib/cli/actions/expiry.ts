/**
 * A lab's expiry schedule: the one-time EventBridge Scheduler schedule (`lib/shared/expiry.ts`) that calls
 * CloudFormation DeleteStack on the stack at its `at(...)` time, and its retry, a second such schedule an
 * hour later.
 *
 * It is found from the stack's own resource list (type `AWS::Scheduler::Schedule`), never by a fixed name or
 * schedule group, and it is only ever changed after checking that its target deletes this very stack.
 */
import { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import {
  GetScheduleCommand,
  GetScheduleCommandOutput,
  paginateListSchedules,
  UpdateScheduleCommand,
  UpdateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { computeExpiry, EXPIRY_RETRY_HOURS } from '../../../lambda/expiry';
import { AwsSession } from '../aws/session';
import { isNotFound } from '../aws/errors';
import { LabStack, listStackResources } from '../inventory/stacks';
import { formatUtc } from '../format';

/** The Scheduler universal target that calls CloudFormation DeleteStack. */
export const DELETE_STACK_TARGET = 'arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack';

/** A lab's expiry schedule as Scheduler returns it, and the time it fires. */
export interface ExpirySchedule {
  readonly name: string;
  readonly group: string;
  readonly schedule: GetScheduleCommandOutput;
  /** When it fires, if its expression is a one-time `at(...)` in UTC. */
  readonly at?: Date;
  /**
   * The stack's other schedules that delete it, later than this one: the retry an hour after the expiry
   * (`lib/shared/expiry.ts`). Only on the schedule `findExpirySchedule` returns.
   * @default - none
   */
  readonly retries?: readonly ExpirySchedule[];
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Etc/UCT', 'UCT', 'Universal', 'Zulu']);

/** The instant of a one-time `at(yyyy-mm-ddThh:mm:ss)` expression in UTC; undefined for anything else. */
export function parseAt(expression: string | undefined, timezone: string | undefined): Date | undefined {
  const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression ?? '');
  if (!match || (timezone && !UTC_ZONES.has(timezone))) return undefined;
  const date = new Date(`${match[1]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** True if the schedule's target is CloudFormation DeleteStack on this stack (by ARN or name). */
export function deletesStack(schedule: Pick<GetScheduleCommandOutput, 'Target'>, stack: Pick<LabStack, 'id' | 'name'>): boolean {
  if (schedule.Target?.Arn !== DELETE_STACK_TARGET) return false;
  try {
    const input = JSON.parse(schedule.Target.Input ?? '{}') as { StackName?: unknown };
    return input.StackName === stack.id || input.StackName === stack.name;
  } catch {
    return false;
  }
}

/**
 * The stack's expiry schedule (the earliest of its schedules that delete it), with the later ones as its
 * `retries`; undefined if its resource list holds none (deployed with ttlHours=0). Throws if no listed
 * schedule exists any more and deletes this stack.
 */
export async function findExpirySchedule(
  session: AwsSession,
  stack: LabStack,
  stackResources?: readonly StackResourceSummary[],
): Promise<ExpirySchedule | undefined> {
  const resources = stackResources ?? (await listStackResources(session, stack.id));
  const live = resources.filter((r) => r.PhysicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE');
  const listed = live.filter((r) => r.ResourceType === 'AWS::Scheduler::Schedule');
  if (listed.length === 0) return undefined;
  const stackGroups = new Set(live.filter((r) => r.ResourceType === 'AWS::Scheduler::ScheduleGroup').map((r) => r.PhysicalResourceId));

  const found: ExpirySchedule[] = [];
  for (const resource of listed) {
    // A schedule's physical id is its name (what Ref returns); its group is whichever group holds a schedule
    // of that name (the stack's own group if it has one, else `default`), so every group is searched. An
    // ARN (`...:schedule/<group>/<name>`) names both.
    const arn = /^arn:[^:]+:scheduler:[^:]*:\d*:schedule\/([^/]+)\/([^/]+)$/.exec(resource.PhysicalResourceId as string);
    const name = arn ? arn[2] : (resource.PhysicalResourceId as string);
    const groups: string[] = arn ? [arn[1]] : [];
    if (!arn) {
      for await (const page of paginateListSchedules({ client: session.scheduler }, { NamePrefix: name })) {
        for (const s of page.Schedules ?? []) if (s.Name === name && s.GroupName) groups.push(s.GroupName);
      }
    }
    groups.sort((a, b) => Number(stackGroups.has(b)) - Number(stackGroups.has(a)) || Number(b === 'default') - Number(a === 'default'));
    for (const group of groups) {
      let schedule: GetScheduleCommandOutput;
      try {
        schedule = await session.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }));
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      if (!deletesStack(schedule, stack)) continue;
      found.push({ name, group, schedule, at: parseAt(schedule.ScheduleExpression, schedule.ScheduleExpressionTimezone) });
      break;
    }
  }
  if (!found.length) throw new ExpiryScheduleMissing(listed.map((r) => r.PhysicalResourceId as string));
  // Earliest first; a schedule whose time cannot be read goes last.
  found.sort((a, b) => (a.at?.getTime() ?? Infinity) - (b.at?.getTime() ?? Infinity));
  const [first, ...retries] = found;
  return retries.length ? { ...first, retries } : first;
}

/** The stack lists an expiry schedule that no longer exists (it fired and the self-delete failed) or was changed. */
export class ExpiryScheduleMissing extends Error {
  constructor(public readonly names: readonly string[]) {
    super(`expiry schedule ${names.join(', ')} not found, or no longer deletes this stack`);
  }
}

/** Text `labs extend` appends to the schedule's description; replaced, not repeated, on the next extend. */
const EXTENDED_NOTE = / Moved by labs extend .*$/;

/**
 * The UpdateSchedule request that moves `schedule` to `at`, keeping every other field as it is: Scheduler
 * resets any field an update leaves out to its default ("UpdateSchedule ... uses all values, including empty
 * values ... and overrides the existing schedule"), so each is copied from GetSchedule.
 */
export function moveScheduleInput(schedule: GetScheduleCommandOutput, group: string, at: Date, now: Date): UpdateScheduleCommandInput {
  const expression = `at(${at.toISOString().slice(0, 19)})`;
  const base = (schedule.Description ?? '').replace(EXTENDED_NOTE, '');
  const note = ` Moved by labs extend on ${formatUtc(now)} to ${formatUtc(at)}.`;
  return {
    Name: schedule.Name,
    GroupName: group,
    ScheduleExpression: expression,
    // The new time is computed in UTC, so the zone is UTC whatever it was (LabExpiry uses Etc/UTC).
    ScheduleExpressionTimezone: schedule.ScheduleExpressionTimezone && UTC_ZONES.has(schedule.ScheduleExpressionTimezone) ? schedule.ScheduleExpressionTimezone : 'Etc/UTC',
    StartDate: schedule.StartDate,
    EndDate: schedule.EndDate,
    Description: `${base}${note}`.slice(0, 512),
    State: schedule.State,
    KmsKeyArn: schedule.KmsKeyArn,
    Target: schedule.Target,
    FlexibleTimeWindow: schedule.FlexibleTimeWindow ?? { Mode: 'OFF' },
    ActionAfterCompletion: schedule.ActionAfterCompletion,
  };
}

/** Where `labs extend` moved the expiry. */
export interface ExtendResult {
  readonly schedule: ExpirySchedule;
  readonly from?: Date;
  readonly to: Date;
}

/** `hours` from `now`, rounded up to the minute as the deploy rounds: where `labs extend` moves the expiry. */
export function extendedTime(hours: number, now: Date): Date {
  return new Date(computeExpiry(now, hours).ExpiresAt);
}

/**
 * Moves the stack's expiry to `hours` from `now` (rounded up to the minute, as the deploy does), in place:
 * UpdateSchedule with all the fields GetSchedule gave. Its retries move too, keeping their distance from
 * the expiry (`EXPIRY_RETRY_HOURS` when a time cannot be read); they move first, so that a failure half-way
 * leaves the expiry where it was rather than a retry before it.
 */
export async function extendExpiry(session: AwsSession, schedule: ExpirySchedule, hours: number, now: Date = new Date()): Promise<ExtendResult> {
  const to = extendedTime(hours, now);
  const moves = [
    ...(schedule.retries ?? []).map((retry) => {
      const offset = retry.at && schedule.at ? retry.at.getTime() - schedule.at.getTime() : EXPIRY_RETRY_HOURS * 3_600_000;
      return { target: retry, at: new Date(to.getTime() + offset) };
    }),
    { target: schedule, at: to },
  ];
  for (const { target, at } of moves) {
    const end = target.schedule.EndDate;
    if (end && end.getTime() < at.getTime()) {
      // Past its end date the schedule never fires, and the lab would never expire.
      throw new Error(`schedule ${target.name} has an end date (${formatUtc(end)}) before ${formatUtc(at)}`);
    }
  }
  for (const { target, at } of moves) {
    await session.scheduler.send(new UpdateScheduleCommand(moveScheduleInput(target.schedule, target.group, at, now)));
  }
  return { schedule, from: schedule.at, to };
}
