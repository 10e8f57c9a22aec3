/**
 * The expiry on small stacks built for the test: when its clock starts, what it refuses, and how a change of
 * ttlHours reaches a deployed stack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import {
  App,
  CliCredentialsStackSynthesizer,
  DefaultStackSynthesizer,
  IStackSynthesizer,
  LegacyStackSynthesizer,
  RemovalPolicy,
  CfnResource,
  Stack,
} from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { makeHandler } from '../../lambda/expiry';
import { EXPIRY_SERVICE_TIMEOUT } from '../../lib/shared/expiry';
import { LabStack } from '../../lib/shared/lab-stack';
import { CDK_JSON_CONTEXT, CfnResourceJson } from '../helpers/synth';
import { findCycle } from '../helpers/template-graph';

const LAB = { id: 'test-lab', title: 'Test lab' };

function labStack(props: Partial<ConstructorParameters<typeof LabStack>[2]> = {}) {
  const app = new App({ context: CDK_JSON_CONTEXT });
  return { app, stack: new LabStack(app, 'TestLabStack', { lab: LAB, ...props }) };
}

const templateOf = (app: App): { Resources: Record<string, CfnResourceJson> } =>
  app.synth().getStackByName('TestLabStack').template;

const logicalIdsUnder = (stack: Stack, scope: { node: { findAll(): any[] } }) =>
  scope.node.findAll().filter(CfnResource.isCfnResource).map((r: CfnResource) => stack.resolve(r.logicalId) as string);

describe('a lab with resources added after the expiry, including a function that gets its log group from an aspect', () => {
  const { app, stack } = labStack({ ttlHours: 6 });
  new s3.Bucket(stack, 'Results', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  const worker = new lambda.Function(stack, 'Worker', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
  const { Resources: resources } = templateOf(app);
  const expiry = stack.expiry!;
  const clockId = stack.resolve((expiry.clock.node.defaultChild as CfnResource).logicalId);
  const clock = resources[clockId];

  test('the clock starts only once every other resource exists, those added by the lab and by aspects included', () => {
    const own = logicalIdsUnder(stack, expiry);
    const others = Object.keys(resources).filter((id) => !own.includes(id));
    const workerId = stack.resolve((worker.node.defaultChild as CfnResource).logicalId);
    const workerLogGroupId = resources[workerId].Properties!.LoggingConfig.LogGroup.Ref; // created by the OwnedLogGroups aspect
    expect(others).toEqual(expect.arrayContaining([workerId, workerLogGroupId]));
    expect([...(clock.DependsOn ?? [])].sort()).toEqual(others.sort());
  });

  test("the clock waits for none of the expiry's own resources, and the template has no dependency cycle", () => {
    const own = logicalIdsUnder(stack, expiry);
    expect(own.length).toBeGreaterThanOrEqual(9); // function, its role, policy and log group; clock; group; role, policy; two schedules
    expect((clock.DependsOn ?? []).filter((id) => own.includes(id))).toEqual([]);
    expect(findCycle(resources)).toBeUndefined();
  });

  test('CloudFormation waits minutes, not an hour, for an answer from the expiry function, as the README says', () => {
    expect(clock.Properties!.ServiceTimeout).toBe(String(EXPIRY_SERVICE_TIMEOUT.toSeconds()));
    expect(EXPIRY_SERVICE_TIMEOUT.toMinutes()).toBe(5);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(`CloudFormation waits at most ${EXPIRY_SERVICE_TIMEOUT.toMinutes()} minutes for the function's answer`);
  });

  /** The clock's answer to a Create at 08:00:30, from the expiry handler run on the template's properties. */
  const clockAnswer = async () => {
    const answers: any[] = [];
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await makeHandler({ now: () => new Date('2026-11-22T08:00:30Z'), put: async (_url, body) => void answers.push(JSON.parse(body)) })({
      RequestType: 'Create',
      ResponseURL: 'https://example.invalid/response',
      StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/TestLabStack/guid',
      RequestId: 'req-1',
      LogicalResourceId: clockId,
      ResourceProperties: Object.fromEntries(Object.entries(clock.Properties!).map(([k, v]) => [k, String(v)])),
    });
    jest.restoreAllMocks();
    return answers[0];
  };

  test('a refused deletion is tried again: a second one-time schedule calls the same DeleteStack an hour after the expiry', async () => {
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule').map((r) => r.Properties!);
    expect(schedules).toHaveLength(2);
    const [first, retry] = ['ScheduleExpression', 'RetryScheduleExpression'].map((a) => schedules.find((p) => p.ScheduleExpression['Fn::GetAtt'][1] === a)!);
    expect(retry.ScheduleExpression['Fn::GetAtt'][0]).toBe(clockId);
    expect(retry.Target).toEqual(first.Target);
    expect(retry).toMatchObject({ ScheduleExpressionTimezone: 'Etc/UTC', FlexibleTimeWindow: { Mode: 'OFF' }, State: 'ENABLED', GroupName: first.GroupName });
    const answer = await clockAnswer();
    expect(answer.Data.ScheduleExpression).toBe('at(2026-11-22T14:01:00)');
    expect(answer.Data.RetryScheduleExpression).toBe('at(2026-11-22T15:01:00)');
    // Both are the expiry's own: the clock waits for neither, and nothing outside the expiry may use them.
    expect(logicalIdsUnder(stack, expiry)).toEqual(expect.arrayContaining([stack.resolve((expiry.retrySchedule.node.defaultChild as CfnResource).logicalId)]));
  });

  test('the schedule fires once: its expression is the one-time at(...) the clock answers, ttlHours later, in UTC', async () => {
    const schedule = Object.values(resources).find((r) => r.Type === 'AWS::Scheduler::Schedule' && r.Properties!.ScheduleExpression['Fn::GetAtt'][1] === 'ScheduleExpression')!.Properties!;
    expect(schedule).toMatchObject({ ScheduleExpressionTimezone: 'Etc/UTC', FlexibleTimeWindow: { Mode: 'OFF' }, State: 'ENABLED' });
    expect(schedule.StartDate).toBeUndefined();
    const [answeredBy, attribute] = schedule.ScheduleExpression['Fn::GetAtt'];
    expect(answeredBy).toBe(clockId);
    expect(clock.Type).toBe('Custom::LabExpiryTime');
    // The clock's function is the expiry handler: run it on the properties CloudFormation would send (as strings).
    const answers: any[] = [];
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await makeHandler({ now: () => new Date('2026-11-22T08:00:30Z'), put: async (_url, body) => void answers.push(JSON.parse(body)) })({
      RequestType: 'Create',
      ResponseURL: 'https://example.invalid/response',
      StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/TestLabStack/guid',
      RequestId: 'req-1',
      LogicalResourceId: clockId,
      ResourceProperties: Object.fromEntries(Object.entries(clock.Properties!).map(([k, v]) => [k, String(v)])),
    });
    jest.restoreAllMocks();
    expect(answers[0].Status).toBe('SUCCESS');
    expect(answers[0].Data[attribute]).toBe('at(2026-11-22T14:01:00)');
  });
});

test("a resource that uses the lab's expiry time is refused, naming it: the clock waits for it, so it would be a cycle", () => {
  const { app, stack } = labStack({ ttlHours: 6 });
  new ssm.StringParameter(stack, 'ExpiryNote', { stringValue: stack.expiresAt! });
  expect(() => app.synth()).toThrow(
    /TestLabStack\/ExpiryNote\/Resource \(AWS::SSM::Parameter\) uses the lab's expiry time, .* Show the expiry in a stack output instead\./,
  );
});

describe('self-deletion needs the CloudFormation execution role of CDK\'s default synthesizer', () => {
  test.each<[string, () => IStackSynthesizer, string]>([
    ['CliCredentialsStackSynthesizer', () => new CliCredentialsStackSynthesizer(), "CliCredentialsStackSynthesizer, not CDK's DefaultStackSynthesizer"],
    ['LegacyStackSynthesizer', () => new LegacyStackSynthesizer(), "LegacyStackSynthesizer, not CDK's DefaultStackSynthesizer"],
    [
      'DefaultStackSynthesizer without an execution role',
      () => new DefaultStackSynthesizer({ cloudFormationExecutionRole: '' }),
      'a DefaultStackSynthesizer without a cloudFormationExecutionRole',
    ],
  ])('refused at synth with %s', (_name, synthesizer, what) => {
    const { app } = labStack({ ttlHours: 4, synthesizer: synthesizer() });
    expect(() => app.synth()).toThrow(
      `TestLabStack deletes itself after ttlHours, which needs CloudFormation to hold an execution role for the stack, but the stack is synthesized with ${what}: ` +
        "the expiry schedule's DeleteStack would run with its own narrow role and fail on every resource. " +
        'Use the default synthesizer (with its cloudFormationExecutionRole), or set ttlHours to 0.',
    );
  });

  test('accepted with a DefaultStackSynthesizer naming its own execution role, and with any synthesizer when the lab never expires', () => {
    const named = labStack({ ttlHours: 4, synthesizer: new DefaultStackSynthesizer({ cloudFormationExecutionRole: 'arn:aws:iam::111122223333:role/lab-deployer' }) });
    new s3.Bucket(named.stack, 'Something', { removalPolicy: RemovalPolicy.DESTROY });
    expect(() => named.app.synth()).not.toThrow();
    const neverExpires = labStack({ ttlHours: 0, synthesizer: new CliCredentialsStackSynthesizer() });
    new s3.Bucket(neverExpires.stack, 'Something', { removalPolicy: RemovalPolicy.DESTROY });
    expect(() => neverExpires.app.synth()).not.toThrow();
  });
});

test('changing ttlHours updates the expiry in place: same resources, nothing replaced, the clock sees only the new TtlHours', () => {
  const template = (ttlHours: number) => {
    const { app, stack } = labStack({ ttlHours });
    new s3.Bucket(stack, 'Something', { removalPolicy: RemovalPolicy.DESTROY });
    return templateOf(app);
  };
  const before = template(4);
  const after = template(8);
  expect(Object.keys(after.Resources).sort()).toEqual(Object.keys(before.Resources).sort());

  const changes: Record<string, { impact: ResourceImpact; properties: string[] }> = {};
  fullDiff(before, after).resources.forEachDifference((id, change) => {
    changes[id] = { impact: change.changeImpact, properties: Object.keys(change.propertyUpdates).sort() };
  });
  const byType = (type: string, prefix = '') => Object.keys(before.Resources).find((id) => before.Resources[id].Type === type && id.includes(prefix))!;
  expect(changes).toEqual({
    // cloudformation-diff knows no custom resource type, so it reports the clock's change as NO_CHANGE; a
    // custom resource is replaced only if its handler answers an Update with a new physical id, which the
    // expiry handler never does (test/lambda/expiry.test.ts, "Update keeps the physical id").
    [byType('Custom::LabExpiryTime')]: { impact: ResourceImpact.NO_CHANGE, properties: ['TtlHours'] },
    [byType('AWS::Scheduler::Schedule', 'DeleteStackSchedule')]: { impact: ResourceImpact.WILL_UPDATE, properties: ['Description'] },
    // The retry's description names no ttlHours: nothing to update (its time comes from the clock at deploy).
  });
});
