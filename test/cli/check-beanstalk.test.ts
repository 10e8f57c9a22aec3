/**
 * The Beanstalk lab's `labs check` module against the lab's real app (its server and DynamoDB store, on
 * dynalite) over HTTP, with Elastic Beanstalk's DescribeEnvironments answered by a stub in the API's
 * documented shape; and against broken variants of the app, each of which a check must fail.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { DeleteItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeEnvironmentsCommand } from '@aws-sdk/client-elastic-beanstalk';
import { DynamoSignupStore, SignupStore } from '../../lib/beanstalk/app/src/backends';
import { createSignupServer } from '../../lib/beanstalk/app/src/server';
import { AwsSession } from '../../lib/cli/aws/session';
import { BEANSTALK_CHECKS, CHECK_NAMES } from '../../lib/cli/check/beanstalk';
import { checksFor } from '../../lib/cli/check';
import { CheckContext } from '../../lib/cli/check/types';
import { LabStack } from '../../lib/cli/inventory/stacks';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';

const TABLE = 'BeanstalkLabStack-Signups';
const NOW = new Date('2026-12-05T01:00:00.000Z');
let dynamo: LocalDynamo;
const servers: http.Server[] = [];

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE, { partitionKey: 'email' });
});
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await dynamo.stop();
});

/** Serves the app with `store` (the real one by default) and returns its URL. */
async function serveApp(store: SignupStore = new DynamoSignupStore(dynamo.client, TABLE)): Promise<string> {
  const server = createSignupServer({ store, notifier: { notify: async () => undefined }, servedBy: 'test', log: () => {} });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function labStack(outputs: Record<string, string>): LabStack {
  return { name: 'BeanstalkLabStack', id: 'arn:aws:cloudformation:us-east-1:111122223333:stack/BeanstalkLabStack/x', lab: 'beanstalk', status: 'CREATE_COMPLETE', createdAt: NOW, outputs, tags: {} };
}

/** DescribeEnvironments answers, one per call (the last repeats). */
function context(outputs: Record<string, string>, environments: Array<Record<string, string>>) {
  const calls: unknown[] = [];
  const progress: string[] = [];
  const sleeps: number[] = [];
  const elasticBeanstalk = {
    send: async (command: unknown) => {
      expect(command).toBeInstanceOf(DescribeEnvironmentsCommand);
      calls.push((command as DescribeEnvironmentsCommand).input);
      const environment = environments[Math.min(calls.length - 1, environments.length - 1)];
      return { Environments: environment ? [{ EnvironmentName: 'BeanstalkLabStack', ...environment }] : [] };
    },
  };
  const ctx: CheckContext = {
    stack: labStack(outputs),
    session: { elasticBeanstalk, dynamoDb: dynamo.client } as unknown as AwsSession,
    fetch: globalThis.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    now: () => NOW,
    progress: (line) => progress.push(line),
  };
  return { ctx, calls, progress, sleeps };
}

const outputsFor = (url: string) => ({ EnvironmentName: 'BeanstalkLabStack', EnvironmentUrl: url, SignupTableName: TABLE });
const statuses = (results: readonly { name: string; status: string }[]) => Object.fromEntries(results.map((r) => [r.name, r.status]));
const tableEmails = async () => (await dynamo.client.send(new ScanCommand({ TableName: TABLE }))).Items!.map((i) => i.email.S);

test('is registered for the lab id the stack is tagged with', () => {
  expect(checksFor('beanstalk')).toBe(BEANSTALK_CHECKS);
});

test('the plan says what is read and written, and that the test item is deleted', () => {
  expect(BEANSTALK_CHECKS.plan(labStack(outputsFor('http://x.example/')))).toEqual([
    'Reads Elastic Beanstalk environment BeanstalkLabStack and its page http://x.example/.',
    `Signs up a test address labs-check-<time>@example.com through the page's POST /signup, twice, and reads it in table ${TABLE}; then deletes that item. The app publishes the sign-up to the lab's topic, so a subscribed address gets one email about it.`,
  ]);
});

test('a working lab passes every check, and the test sign-up is gone afterwards', async () => {
  const url = await serveApp();
  const { ctx, calls } = context(outputsFor(url), [{ Status: 'Ready', Health: 'Green', HealthStatus: 'Ok' }]);
  const results = await BEANSTALK_CHECKS.run(ctx);
  expect(results).toEqual([
    { name: CHECK_NAMES.environment, status: 'PASS', detail: 'BeanstalkLabStack: status Ready, health Green (Ok)' },
    { name: CHECK_NAMES.page, status: 'PASS', detail: `${url} answered 200 with the sign-up form` },
    { name: CHECK_NAMES.signup, status: 'PASS', detail: `POST /signup answered 201 and labs-check-${NOW.getTime()}@example.com is in table ${TABLE}` },
    { name: CHECK_NAMES.duplicate, status: 'PASS', detail: `the same address again answered 409: {"error":"labs-check-${NOW.getTime()}@example.com has already signed up."}` },
  ]);
  expect(calls).toEqual([{ EnvironmentNames: ['BeanstalkLabStack'], IncludeDeleted: false }]);
  expect(await tableEmails()).toEqual([]);
});

test('an environment still updating is waited for; one that stays Red fails with what to run', async () => {
  const url = await serveApp();
  const waited = context(outputsFor(url), [{ Status: 'Updating', Health: 'Grey' }, { Status: 'Ready', Health: 'Green' }]);
  expect((await BEANSTALK_CHECKS.run(waited.ctx))[0].status).toBe('PASS');
  expect(waited.sleeps).toEqual([15_000]);
  expect(waited.progress).toEqual(['environment BeanstalkLabStack is Updating; waiting for it (1/12)']);

  const red = context(outputsFor(url), [{ Status: 'Ready', Health: 'Red', HealthStatus: 'Severe' }]);
  expect((await BEANSTALK_CHECKS.run(red.ctx))[0]).toEqual({
    name: CHECK_NAMES.environment,
    status: 'FAIL',
    detail: "BeanstalkLabStack: status Ready, health Red (Severe); run the stack's HealthCommand output (or the console's Health tab) to see which instance and why",
  });
  const gone = context(outputsFor(url), []);
  expect((await BEANSTALK_CHECKS.run(gone.ctx))[0].detail).toBe(
    'Elastic Beanstalk has no environment BeanstalkLabStack: it was terminated outside the stack; redeploy the lab',
  );
});

test('an app that lets a duplicate through fails the duplicate check, and its item is still removed', async () => {
  const overwriting: SignupStore = {
    async add(signup) {
      await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: { email: { S: signup.email }, name: { S: signup.name } } }));
      return true;
    },
  };
  const { ctx } = context(outputsFor(await serveApp(overwriting)), [{ Status: 'Ready', Health: 'Green' }]);
  const results = await BEANSTALK_CHECKS.run(ctx);
  expect(statuses(results)).toEqual({ [CHECK_NAMES.environment]: 'PASS', [CHECK_NAMES.page]: 'PASS', [CHECK_NAMES.signup]: 'PASS', [CHECK_NAMES.duplicate]: 'FAIL' });
  expect(results[3].detail).toBe('the same address again answered 201, not 409: duplicates are not refused');
  expect(await tableEmails()).toEqual([]);
});

test('an app that answers 201 without storing fails the sign-up check', async () => {
  const { ctx } = context(outputsFor(await serveApp({ add: async () => true })), [{ Status: 'Ready', Health: 'Green' }]);
  const results = await BEANSTALK_CHECKS.run(ctx);
  expect(results[2]).toEqual({
    name: CHECK_NAMES.signup,
    status: 'FAIL',
    detail: `POST /signup answered 201 but labs-check-${NOW.getTime()}@example.com is not in table ${TABLE}: is SIGNUP_TABLE the stack's table?`,
  });
  expect(results[3].status).toBe('SKIP');
});

test('an environment that does not answer fails the page and sign-up checks with what was seen', async () => {
  const { ctx } = context(outputsFor('http://127.0.0.1:9/'), [{ Status: 'Ready', Health: 'Green' }]);
  const results = await BEANSTALK_CHECKS.run(ctx);
  expect(statuses(results)).toEqual({ [CHECK_NAMES.environment]: 'PASS', [CHECK_NAMES.page]: 'FAIL', [CHECK_NAMES.signup]: 'FAIL', [CHECK_NAMES.duplicate]: 'SKIP' });
  expect(results[1].detail).toMatch(/^no answer from http:\/\/127\.0\.0\.1:9\/ \(.+\); is the environment Green\?$/);
});

test('an unexpected AWS error is that check\'s FAIL, and a sign-up that cannot be deleted is named, with the results still printed', async () => {
  const url = await serveApp();
  const { ctx, progress } = context(outputsFor(url), [{ Status: 'Ready', Health: 'Green' }]);
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
  const send = dynamo.client.send.bind(dynamo.client) as (c: unknown) => Promise<unknown>;
  const session = {
    elasticBeanstalk: { send: async () => Promise.reject(throttled) },
    dynamoDb: { send: async (c: unknown) => (c instanceof DeleteItemCommand ? Promise.reject(throttled) : send(c)) },
  } as unknown as AwsSession;
  const results = await BEANSTALK_CHECKS.run({ ...ctx, session });
  expect(statuses(results)).toEqual({ [CHECK_NAMES.environment]: 'FAIL', [CHECK_NAMES.page]: 'PASS', [CHECK_NAMES.signup]: 'PASS', [CHECK_NAMES.duplicate]: 'PASS' });
  expect(results[0].detail).toMatch(/Rate exceeded/);
  const email = `labs-check-${NOW.getTime()}@example.com`;
  expect(progress).toContainEqual(expect.stringMatching(new RegExp(`^Could not delete the test sign-up ${email} from ${TABLE} \\(.*Rate exceeded\\): aws dynamodb delete-item`)));
  await dynamo.client.send(new DeleteItemCommand({ TableName: TABLE, Key: { email: { S: email } } }));
});

test('a stack without the outputs fails with one line saying so, and writes nothing', async () => {
  const { ctx, calls } = context({}, [{ Status: 'Ready', Health: 'Green' }]);
  expect(await BEANSTALK_CHECKS.run(ctx)).toEqual([
    { name: CHECK_NAMES.environment, status: 'FAIL', detail: 'the stack has no EnvironmentName output (deployed from an older version?); redeploy it' },
    { name: CHECK_NAMES.page, status: 'FAIL', detail: 'the stack has no EnvironmentUrl output (deployed from an older version?); redeploy it' },
    { name: CHECK_NAMES.signup, status: 'SKIP', detail: 'the stack has no EnvironmentUrl output (deployed from an older version?); redeploy it' },
    { name: CHECK_NAMES.duplicate, status: 'SKIP', detail: 'the stack has no EnvironmentUrl output (deployed from an older version?); redeploy it' },
  ]);
  expect(calls).toEqual([]);
});
