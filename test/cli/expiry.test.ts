/** `labs extend`: reading the expiry schedule, checking it deletes the right stack, and moving it in place. */
import { GetScheduleCommandOutput } from '@aws-sdk/client-scheduler';
import { deletesStack, extendExpiry, findExpirySchedule, moveScheduleInput, parseAt, DELETE_STACK_TARGET, ExpiryScheduleMissing } from '../../lib/cli/actions/expiry';
import { awsError, labStack, scriptedSession } from './fixtures';

const stack = labStack('SiteLabStack');
const schedule: GetScheduleCommandOutput = {
  $metadata: {},
  Name: 'LabExpiryDeleteStackSchedule-1A2B',
  GroupName: 'SiteLabStack-expiry',
  ScheduleExpression: 'at(2026-11-26T14:05:00)',
  ScheduleExpressionTimezone: 'Etc/UTC',
  Description: "Deletes this course lab's CloudFormation stack 4 h after it was deployed.",
  State: 'ENABLED',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'NONE',
  Target: {
    Arn: DELETE_STACK_TARGET,
    RoleArn: 'arn:aws:iam::123456789012:role/expiry',
    Input: JSON.stringify({ StackName: stack.id }),
    RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
  },
};

afterEach(() => jest.restoreAllMocks());

test('parseAt reads one-time UTC expressions only', () => {
  expect(parseAt('at(2026-11-26T14:05:00)', 'Etc/UTC')).toEqual(new Date('2026-11-26T14:05:00Z'));
  expect(parseAt('at(2026-11-26T14:05:00)', undefined)).toEqual(new Date('2026-11-26T14:05:00Z'));
  expect(parseAt('at(2026-11-26T14:05:00)', 'Europe/Paris')).toBeUndefined();
  expect(parseAt('rate(4 hours)', 'UTC')).toBeUndefined();
});

test('a schedule counts as the expiry only if it calls DeleteStack on this stack', () => {
  expect(deletesStack(schedule, stack)).toBe(true);
  expect(deletesStack({ Target: { ...schedule.Target!, Input: JSON.stringify({ StackName: stack.name }) } }, stack)).toBe(true);
  expect(deletesStack({ Target: { ...schedule.Target!, Input: JSON.stringify({ StackName: 'OtherStack' }) } }, stack)).toBe(false);
  expect(deletesStack({ Target: { ...schedule.Target!, Arn: 'arn:aws:lambda:us-east-1:1:function:f' } }, stack)).toBe(false);
  expect(deletesStack({ Target: { ...schedule.Target!, Input: 'not json' } }, stack)).toBe(false);
});

test('the update keeps every field but the time, and notes the move once', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const input = moveScheduleInput(schedule, 'SiteLabStack-expiry', new Date('2026-11-26T18:00:00Z'), now);
  expect(input).toEqual({
    Name: schedule.Name,
    GroupName: 'SiteLabStack-expiry',
    ScheduleExpression: 'at(2026-11-26T18:00:00)',
    ScheduleExpressionTimezone: 'Etc/UTC',
    StartDate: undefined,
    EndDate: undefined,
    Description: "Deletes this course lab's CloudFormation stack 4 h after it was deployed. Moved by labs extend on 2026-11-26 12:00 UTC to 2026-11-26 18:00 UTC.",
    State: 'ENABLED',
    KmsKeyArn: undefined,
    Target: schedule.Target,
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'NONE',
  });
  const again = moveScheduleInput({ ...schedule, Description: input.Description }, 'g', new Date('2026-11-27T00:00:00Z'), now);
  expect(again.Description).toBe("Deletes this course lab's CloudFormation stack 4 h after it was deployed. Moved by labs extend on 2026-11-26 12:00 UTC to 2026-11-27 00:00 UTC.");
});

test('the schedule is found from the stack resource list, in whichever group holds it, and checked before use', async () => {
  const { session, calls } = scriptedSession({
    ListSchedulesCommand: () => ({
      Schedules: [
        { Name: schedule.Name, GroupName: 'default' },
        { Name: schedule.Name, GroupName: 'SiteLabStack-expiry' },
        { Name: `${schedule.Name}-other`, GroupName: 'default' },
      ],
    }),
    GetScheduleCommand: (input) =>
      input.GroupName === 'SiteLabStack-expiry' ? schedule : { ...schedule, GroupName: 'default', Target: { ...schedule.Target, Input: '{"StackName":"Other"}' } },
  });
  const resources = [
    { LogicalResourceId: 'Group', ResourceType: 'AWS::Scheduler::ScheduleGroup', PhysicalResourceId: 'SiteLabStack-expiry', ResourceStatus: 'CREATE_COMPLETE' },
    { LogicalResourceId: 'Sched', ResourceType: 'AWS::Scheduler::Schedule', PhysicalResourceId: schedule.Name, ResourceStatus: 'CREATE_COMPLETE' },
  ] as never[];
  const found = await findExpirySchedule(session, stack, resources);
  expect(found).toMatchObject({ name: schedule.Name, group: 'SiteLabStack-expiry', at: new Date('2026-11-26T14:05:00Z') });
  // The stack's own group is tried first, so the look-alike in `default` is never read.
  expect(calls.filter((c) => c.command === 'GetScheduleCommand').map((c) => c.input.GroupName)).toEqual(['SiteLabStack-expiry']);
  expect(calls.find((c) => c.command === 'ListSchedulesCommand')?.input).toEqual({ NamePrefix: schedule.Name });

  expect(await findExpirySchedule(session, stack, [])).toBeUndefined();
});

test('a listed schedule that is gone, or deletes another stack, is reported as missing', async () => {
  const { session } = scriptedSession({
    ListSchedulesCommand: () => ({ Schedules: [{ Name: schedule.Name, GroupName: 'default' }] }),
    GetScheduleCommand: () => {
      throw awsError('ResourceNotFoundException', 'Schedule not found');
    },
  });
  const resources = [{ ResourceType: 'AWS::Scheduler::Schedule', PhysicalResourceId: schedule.Name, ResourceStatus: 'CREATE_COMPLETE' }] as never[];
  await expect(findExpirySchedule(session, stack, resources)).rejects.toBeInstanceOf(ExpiryScheduleMissing);
});

test('extend rounds up to the minute as the deploy does, and refuses a time past the schedule\'s end date', async () => {
  const { session, calls } = scriptedSession({ UpdateScheduleCommand: () => ({}) });
  const now = new Date('2026-11-26T12:00:30Z');
  const result = await extendExpiry(session, { name: schedule.Name!, group: 'g', schedule, at: new Date('2026-11-26T14:05:00Z') }, 8, now);
  expect(result.to).toEqual(new Date('2026-11-26T20:01:00Z'));
  expect(calls.map((c) => [c.command, c.input.ScheduleExpression])).toEqual([['UpdateScheduleCommand', 'at(2026-11-26T20:01:00)']]);

  const ending = { ...schedule, EndDate: new Date('2026-11-26T16:00:00Z') };
  await expect(extendExpiry(session, { name: 'n', group: 'g', schedule: ending }, 8, now)).rejects.toThrow('has an end date (2026-11-26 16:00 UTC) before 2026-11-26 20:01 UTC');
  expect(calls).toHaveLength(1);
});

test('a physical id that is an ARN names the group itself', async () => {
  const { session, calls } = scriptedSession({ GetScheduleCommand: () => schedule });
  const arn = `arn:aws:scheduler:us-east-1:123456789012:schedule/SiteLabStack-expiry/${schedule.Name}`;
  const found = await findExpirySchedule(session, stack, [{ ResourceType: 'AWS::Scheduler::Schedule', PhysicalResourceId: arn, ResourceStatus: 'CREATE_COMPLETE' }] as never[]);
  expect(found).toMatchObject({ name: schedule.Name, group: 'SiteLabStack-expiry' });
  expect(calls.map((c) => c.command)).toEqual(['GetScheduleCommand']);
});

describe('a stack with the expiry and its retry an hour later', () => {
  const retry = { ...schedule, Name: `${schedule.Name}-retry`, ScheduleExpression: 'at(2026-11-26T15:05:00)' };
  const resources = [
    { ResourceType: 'AWS::Scheduler::ScheduleGroup', PhysicalResourceId: 'SiteLabStack-expiry', ResourceStatus: 'CREATE_COMPLETE' },
    // Listed retry first: the expiry is whichever fires first, not whichever CloudFormation lists first.
    { ResourceType: 'AWS::Scheduler::Schedule', PhysicalResourceId: retry.Name, ResourceStatus: 'CREATE_COMPLETE' },
    { ResourceType: 'AWS::Scheduler::Schedule', PhysicalResourceId: schedule.Name, ResourceStatus: 'CREATE_COMPLETE' },
  ] as never[];
  const handlers = () => ({
    ListSchedulesCommand: (input: any) => ({ Schedules: [{ Name: input.NamePrefix, GroupName: 'SiteLabStack-expiry' }] }),
    GetScheduleCommand: (input: any) => (input.Name === retry.Name ? retry : schedule),
    UpdateScheduleCommand: () => ({}),
  });

  test('the expiry is the earlier schedule, the later one its retry', async () => {
    const { session } = scriptedSession(handlers());
    const found = await findExpirySchedule(session, stack, resources);
    expect(found).toMatchObject({ name: schedule.Name, at: new Date('2026-11-26T14:05:00Z') });
    expect(found!.retries).toHaveLength(1);
    expect(found!.retries![0]).toMatchObject({ name: retry.Name, at: new Date('2026-11-26T15:05:00Z') });
  });

  test('extend moves both, the retry first, keeping the hour between them', async () => {
    const { session, calls } = scriptedSession(handlers());
    const found = await findExpirySchedule(session, stack, resources);
    const result = await extendExpiry(session, found!, 8, new Date('2026-11-26T12:00:30Z'));
    expect(result.to).toEqual(new Date('2026-11-26T20:01:00Z'));
    expect(calls.filter((c) => c.command === 'UpdateScheduleCommand').map((c) => [c.input.Name, c.input.ScheduleExpression])).toEqual([
      [retry.Name, 'at(2026-11-26T21:01:00)'],
      [schedule.Name, 'at(2026-11-26T20:01:00)'],
    ]);
  });

  test("a retry whose end date would stop it is refused before anything changes", async () => {
    const { session, calls } = scriptedSession({ ...handlers(), GetScheduleCommand: (input: any) => (input.Name === retry.Name ? { ...retry, EndDate: new Date('2026-11-26T20:30:00Z') } : schedule) });
    const found = await findExpirySchedule(session, stack, resources);
    await expect(extendExpiry(session, found!, 8, new Date('2026-11-26T12:00:30Z'))).rejects.toThrow(/has an end date/);
    expect(calls.filter((c) => c.command === 'UpdateScheduleCommand')).toEqual([]);
  });
});
