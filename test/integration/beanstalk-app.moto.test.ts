/**
 * The Beanstalk lab's sign-up app as Elastic Beanstalk runs it: the very source bundle the stack deploys
 * (`bundleSignupApp`: esbuild's `app.js` and the Procfile), started with `node app.js` and the environment
 * the stack sets, called over real HTTP. Its DynamoDB is dynalite and its SNS is moto_server, reached
 * through the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, so the bundled SDK clients, the
 * conditional put and the publish are the real ones. SNS delivers to an HTTP subscriber in this file,
 * which is how the test sees each notification.
 *
 * In the moto suite (`npm run test:moto`) because it needs moto_server; the routes and refusals are also
 * tested in-process by test/beanstalk/app.test.ts, in `npm test`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { listSolutionStacks, newestNodeSolutionStack } from '../../lambda/beanstalk-platform';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beanstalkStorageNote } from '../../lib/cli/actions/beanstalk-storage';
import { bundleSignupApp, SIGNUP_APP_PROCFILE } from '../../lib/beanstalk/signup-app-bundle';
import { LocalDynamo, LOCAL_AWS, startDynalite } from '../helpers/dynalite';
import { Moto, startMoto } from '../helpers/moto';

jest.setTimeout(60_000);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // this file's own SNS client, on Node 20

const TABLE = 'BeanstalkLabStack-Signups';
let dynamo: LocalDynamo;
let moto: Moto;
let bundleDir: string;
let app: ChildProcess;
let appOutput = '';
let baseUrl: string;
let topicArn: string;
const notifications: Array<{ Subject?: string; Message: string; TopicArn: string }> = [];
let subscriber: http.Server;

beforeAll(async () => {
  [dynamo, moto] = await Promise.all([startDynalite(), startMoto()]);
  await dynamo.createTable(TABLE, { partitionKey: 'email' });

  subscriber = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const message = JSON.parse(body);
      if (message.Type === 'Notification') notifications.push(message);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
  const sns = new SNSClient({ ...LOCAL_AWS, endpoint: moto.url });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'signups' }))).TopicArn!;
  await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/` }),
  );
  sns.destroy();

  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signup-bundle-'));
  bundleSignupApp(bundleDir);
  app = spawn(process.execPath, ['app.js'], {
    cwd: bundleDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      SIGNUP_TABLE: TABLE,
      SIGNUP_TOPIC_ARN: topicArn,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SNS: moto.url,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  app.stderr!.on('data', (c) => (appOutput += c));
  const port = await new Promise<number>((resolve, reject) => {
    app.stdout!.on('data', (c: Buffer) => {
      appOutput += c;
      const m = /listening on (\d+)/.exec(appOutput);
      if (m) resolve(Number(m[1]));
    });
    app.once('exit', (code) => reject(new Error(`app.js exited with ${code}:\n${appOutput}`)));
  });
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGTERM');
    await exited;
  }
  await new Promise<void>((resolve) => (subscriber ? subscriber.close(() => resolve()) : resolve()));
  await Promise.all([dynamo?.stop(), moto?.stop()]);
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

const post = (body: string, contentType = 'application/x-www-form-urlencoded', accept = 'application/json') =>
  fetch(`${baseUrl}/signup`, { method: 'POST', headers: { 'Content-Type': contentType, Accept: accept }, body });

async function waitForNotifications(count: number): Promise<void> {
  for (let i = 0; i < 50 && notifications.length < count; i++) await new Promise((r) => setTimeout(r, 100));
}

test('the bundle is app.js and the Procfile that runs it, nothing to install', () => {
  expect(fs.readdirSync(bundleDir).sort()).toEqual(['Procfile', 'app.js']);
  expect(fs.readFileSync(path.join(bundleDir, 'Procfile'), 'utf8')).toBe(SIGNUP_APP_PROCFILE);
});

test('GET / answers 200 with the sign-up form', async () => {
  const res = await fetch(`${baseUrl}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const page = await res.text();
  expect(page).toContain('<form id="signup" method="post" action="/signup">');
  expect(page).toMatch(/name="email"/);
});

test('a sign-up is stored with a conditional put and published once; the same address again is refused with 409', async () => {
  const res = await post('name=Ana+Lima&email=Ana%40Example.com&previewAccess=yes');
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ message: 'Thanks, Ana Lima! You are signed up as ana@example.com.', notified: true });

  const item = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { email: { S: 'ana@example.com' } } }));
  expect(item.Item).toEqual({
    email: { S: 'ana@example.com' },
    name: { S: 'Ana Lima' },
    previewAccess: { BOOL: true },
    signedUpAt: { S: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) },
  });
  await waitForNotifications(1);
  expect(notifications).toEqual([
    expect.objectContaining({
      TopicArn: topicArn,
      Subject: 'New sign-up: ana@example.com',
      Message: expect.stringContaining('Ana Lima <ana@example.com> signed up at'),
    }),
  ]);

  const again = await post(JSON.stringify({ name: 'Someone Else', email: 'ANA@example.com' }), 'application/json');
  expect(again.status).toBe(409);
  expect(await again.json()).toEqual({ error: 'ana@example.com has already signed up.' });
  const still = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { email: { S: 'ana@example.com' } } }));
  expect(still.Item!.name).toEqual({ S: 'Ana Lima' }); // not overwritten
  await new Promise((r) => setTimeout(r, 300));
  expect(notifications).toHaveLength(1); // nothing published for a refused sign-up
});

test('bad input is a 400 with a message, and nothing is stored or published', async () => {
  const before = notifications.length;
  const res = await post('name=Bob&email=not-an-address');
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: 'email "not-an-address" is not an email address such as ana@example.com.' });
  const item = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { email: { S: 'not-an-address' } } }));
  expect(item.Item).toBeUndefined();
  expect(notifications).toHaveLength(before);
  // The process is still up and answering.
  expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
});

test('a browser posting the form without script gets an HTML answer', async () => {
  const res = await post('name=Cy&email=cy%40example.org', 'application/x-www-form-urlencoded', 'text/html,application/xhtml+xml');
  expect(res.status).toBe(201);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await res.text()).toContain('Thanks, Cy! You are signed up as cy@example.org.');
});

test("the platform resolver's ListAvailableSolutionStacks call, against moto's copy of Elastic Beanstalk's list, picks the newest Node.js on AL2023", async () => {
  const client = new ElasticBeanstalkClient({ ...LOCAL_AWS, endpoint: moto.url });
  const names = await listSolutionStacks(client);
  client.destroy();
  expect(names).toEqual(expect.arrayContaining(['64bit Amazon Linux 2 v5.11.0 running Node.js 18']));
  expect(newestNodeSolutionStack(names)).toMatch(/^64bit Amazon Linux 2023 v\d+\.\d+\.\d+ running Node\.js (2[2-9]|[3-9]\d)$/);
});

describe("labs sweep's note on Elastic Beanstalk's bucket (S3 as moto answers it)", () => {
  const s3 = () => new S3Client({ ...LOCAL_AWS, endpoint: moto.url, forcePathStyle: true });

  test('no bucket in the region: nothing to say', async () => {
    const client = s3();
    expect(await beanstalkStorageNote({ s3: client } as any, 'us-east-1', '123456789012')).toEqual([]);
    client.destroy();
  });

  test("the bucket exists (with Elastic Beanstalk's deny-delete policy): one line with its size, saying it stays and why", async () => {
    const client = s3();
    const bucket = 'elasticbeanstalk-us-east-1-123456789012';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'resources/environments/e-abc/_runtime/config.json', Body: 'x'.repeat(2048) }));
    await client.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2008-10-17',
          Statement: [{ Sid: 'eb-58950a8c-feb6-11e2-89e0-0800277d041b', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:DeleteBucket', Resource: `arn:aws:s3:::${bucket}` }],
        }),
      }),
    );
    expect(await beanstalkStorageNote({ s3: client } as any, 'us-east-1', '123456789012')).toEqual([
      `Kept: S3 bucket ${bucket} (1 object(s), 2.0 KiB). Elastic Beanstalk made it for every Beanstalk application in this account and region, ` +
        'not only the labs; it has no lab tags and a policy that denies deleting it, so sweep never touches it. ' +
        'It bills only as S3 storage, for the size above. To remove it once no Beanstalk environment here needs it, ' +
        'follow lib/beanstalk/README.md, "What stays after teardown".',
    ]);
    client.destroy();
  });
});
