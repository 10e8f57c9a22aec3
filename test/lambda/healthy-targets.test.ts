import { ANSWER_MARGIN_MS, HealthyTargetsEvent, makeHandler, POLL_MS, TargetStates } from '../../lambda/healthy-targets';

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/Micro-Users/0123456789abcdef';

const event = (over: Partial<HealthyTargetsEvent> = {}): HealthyTargetsEvent => ({
  RequestType: 'Create',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/MicroservicesLabStack/guid',
  RequestId: 'req-1',
  LogicalResourceId: 'UsersServiceHealthyTargets',
  ResourceProperties: { TargetGroupArn: TG, MinHealthy: '2', SettleSeconds: '20' },
  ...over,
});

/**
 * Runs the handler against a scripted sequence of target-health readings and a fake clock: each sleep
 * advances the clock, and the Lambda's remaining time shrinks with it.
 */
async function run(e: HealthyTargetsEvent, readings: TargetStates[], lambdaMs = 600_000) {
  let elapsed = 0;
  const sleeps: number[] = [];
  const described: string[] = [];
  const puts: any[] = [];
  const handler = makeHandler({
    describe: async (arn) => {
      described.push(arn);
      return readings[Math.min(described.length - 1, readings.length - 1)];
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      elapsed += ms;
    },
    put: async (url, body) => void puts.push({ url, ...JSON.parse(body) }),
  });
  await handler(e, { getRemainingTimeInMillis: () => lambdaMs - elapsed });
  expect(puts).toHaveLength(1);
  return { answer: puts[0], sleeps, described };
}

const states = (healthy: number, ...summary: string[]): TargetStates => ({ healthy, summary });

beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('Create and Update wait for healthy targets', () => {
  test('answers SUCCESS once MinHealthy targets are healthy, polling every 5 s', async () => {
    const { answer, sleeps, described } = await run(event(), [
      states(0, 'i-1:32768 initial (Elb.RegistrationInProgress)'),
      states(1, 'i-1:32768 healthy', 'i-1:32769 initial'),
      states(2, 'i-1:32768 healthy', 'i-1:32769 healthy'),
    ]);
    expect(described).toEqual([TG, TG, TG]);
    expect(sleeps).toEqual([POLL_MS, POLL_MS]);
    expect(answer).toEqual({
      url: 'https://example.invalid/response',
      Status: 'SUCCESS',
      StackId: event().StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'UsersServiceHealthyTargets',
      PhysicalResourceId: 'healthy-targets-req-1',
      Data: { Healthy: 2 },
    });
  });

  test('does not wait when the targets are already healthy, and an Update keeps the physical id', async () => {
    const { answer, sleeps } = await run(
      event({ RequestType: 'Update', PhysicalResourceId: 'healthy-targets-old', ResourceProperties: { TargetGroupArn: TG, MinHealthy: 1, SettleSeconds: 20 } }),
      [states(1, 'i-1:32768 healthy')],
    );
    expect(sleeps).toEqual([]);
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'healthy-targets-old', Data: { Healthy: 1 } });
  });

  test('answers FAILED, naming the targets and their states, before the function would time out', async () => {
    const lambdaMs = 60_000;
    const { answer, sleeps } = await run(event(), [states(0, 'i-1:32768 unhealthy (Target.ResponseCodeMismatch)')], lambdaMs);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain(`0 of the 2 targets needed are healthy in ${TG}`);
    expect(answer.Reason).toContain('i-1:32768 unhealthy (Target.ResponseCodeMismatch)');
    expect(answer.Reason).toContain('aws ecs describe-services');
    // It stopped with time left to answer.
    const waited = sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(lambdaMs - POLL_MS - ANSWER_MARGIN_MS - POLL_MS);
    expect(lambdaMs - waited).toBeGreaterThanOrEqual(ANSWER_MARGIN_MS);
  });

  test('an AWS error becomes FAILED with its message, not a hung stack', async () => {
    const puts: any[] = [];
    const handler = makeHandler({
      describe: async () => {
        throw new Error('User is not authorized to perform: elasticloadbalancing:DescribeTargetHealth');
      },
      sleep: async () => undefined,
      put: async (_url, body) => void puts.push(JSON.parse(body)),
    });
    await handler(event(), { getRemainingTimeInMillis: () => 600_000 });
    expect(puts).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining('not authorized') })]);
  });

  test.each([
    [{ TargetGroupArn: 'users', MinHealthy: '1', SettleSeconds: '20' }, 'TargetGroupArn must be a target group ARN, got "users"'],
    [{ TargetGroupArn: TG, MinHealthy: '0', SettleSeconds: '20' }, 'MinHealthy must be a whole number from 1 to 100, got "0"'],
    [{ TargetGroupArn: TG, MinHealthy: 'two', SettleSeconds: '20' }, 'MinHealthy must be a whole number from 1 to 100, got "two"'],
    [{ TargetGroupArn: TG, MinHealthy: '1', SettleSeconds: '600' }, 'SettleSeconds must be a whole number from 0 to 120, got "600"'],
  ])('bad properties %p are FAILED without calling AWS', async (props, reason) => {
    const { answer, described } = await run(event({ ResourceProperties: props }), [states(5)]);
    expect(described).toEqual([]);
    expect(answer).toMatchObject({ Status: 'FAILED', Reason: reason });
  });
});

describe('Delete pauses, then always succeeds', () => {
  test('waits SettleSeconds, reads no target health, answers SUCCESS with the same physical id', async () => {
    const { answer, sleeps, described } = await run(
      event({ RequestType: 'Delete', PhysicalResourceId: 'healthy-targets-req-1' }),
      [states(0)],
    );
    expect(sleeps).toEqual([20_000]);
    expect(described).toEqual([]);
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'healthy-targets-req-1' });
  });

  test('a bad SettleSeconds on delete does not block the stack: no pause, SUCCESS', async () => {
    const { answer, sleeps } = await run(
      event({ RequestType: 'Delete', PhysicalResourceId: 'p', ResourceProperties: { SettleSeconds: 'forever' } }),
      [states(0)],
    );
    expect(sleeps).toEqual([0]);
    expect(answer.Status).toBe('SUCCESS');
  });
});
