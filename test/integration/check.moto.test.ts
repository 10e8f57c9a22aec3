/**
 * `labs check` over real HTTP: AWS is moto_server (CloudFormation stacks with the labs' tags and outputs, S3,
 * DynamoDB, Cognito, EMR, SSM), and small local HTTP servers stand in for what moto does not serve: the
 * sites (CloudFront), the API (API Gateway and the ride function: it reads the Cognito token moto issued and
 * writes the ride to moto's DynamoDB) and the load balancer (the message board's own server, one per
 * deployable, behind a router that follows the listener rules).
 *
 * Where moto cannot answer, its answer is injected and the test says so: SSM runs no command (moto accepts
 * SendCommand and reports Success with no output, so the output kubectl or docker would print is put into
 * GetCommandInvocation's answer), an EMR step never leaves RUNNING in moto, and moto has no
 * GetAutoTerminationPolicy.
 *
 * Commands run in-process through `run()`, as bin/labs does, with their output captured.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { CloudFormationClient, CreateStackCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EMRClient, GetAutoTerminationPolicyCommand, ListStepsCommand, RunJobFlowCommand, TerminateJobFlowsCommand } from '@aws-sdk/client-emr';
import { DescribeVpcsCommand, EC2Client, RunInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateBucketCommand, PutBucketPolicyCommand, PutBucketTaggingCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsSession } from '../../lib/cli/aws/session';
import { liveTrialDeps } from '../../lib/cli/commands/trial';
import { io } from '../../lib/cli/io';
import { run } from '../../lib/cli/main';
import { Moto, pointAwsSdkAt, startMoto } from '../helpers/moto';
import { labTags } from './seed';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createServer: createBoardServer } = require('../../lib/microservices/app/src/server.js');

jest.setTimeout(120_000);

let moto: Moto;
let local: http.Server;
let LOCAL: string;
/** What the local server does for the current test, by path prefix. */
let handlers: Record<string, http.RequestListener> = {};

beforeAll(async () => {
  moto = await startMoto();
  pointAwsSdkAt(moto);
  local = http.createServer((req, res) => {
    const prefix = Object.keys(handlers).find((p) => (req.url ?? '').startsWith(p));
    if (!prefix) return void res.writeHead(404).end('no handler');
    handlers[prefix](req, res);
  });
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  LOCAL = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => local?.close(resolve));
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  handlers = {};
});
afterEach(() => jest.restoreAllMocks());

async function labs(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  jest.spyOn(io, 'out').mockImplementation((line) => void out.push(line));
  jest.spyOn(io, 'err').mockImplementation((line) => void err.push(line));
  const code = await run(args, (line) => err.push(line));
  (io.out as jest.Mock).mockRestore();
  (io.err as jest.Mock).mockRestore();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A lab stack as LabStack tags it, with the outputs the checks read. */
async function labStack(name: string, lab: string, outputs: Record<string, string>): Promise<void> {
  const body = JSON.stringify({
    Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
    Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
  });
  await new CloudFormationClient({}).send(new CreateStackCommand({ StackName: name, TemplateBody: body, Tags: labTags(name, lab) }));
}

/** The lines of `labs check` output that report a check: `PASS  name: detail`. */
const checkLines = (out: string) => out.split('\n').filter((l) => /^(PASS|FAIL|SKIP) /.test(l));
const statusOf = (out: string, name: string) => checkLines(out).find((l) => l.includes(`  ${name}: `))?.slice(0, 4);

describe('static site', () => {
  const PAGE = '<!doctype html><title>Lab 2</title><h1>Version 1</h1>';
  const s3 = () => new S3Client({ forcePathStyle: true });

  async function seedSite(bucket: string, website: boolean) {
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'index.html', Body: PAGE, ContentType: 'text/html' }));
    if (website) {
      const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] };
      await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    }
  }

  test('CloudFront mode: passes with the page served and moto refusing the anonymous direct read; fails when the site answers 403', async () => {
    await seedSite('lab-site-cf', false);
    await labStack('StaticSiteLabStack', 'static-site', { SiteUrl: `${LOCAL}/cdn`, BucketName: 'lab-site-cf' });
    let status = 200;
    handlers['/cdn'] = (_req, res) => res.writeHead(status, { 'Content-Type': 'text/html' }).end(status === 200 ? PAGE : '<Error><Code>AccessDenied</Code></Error>');

    const ok = await labs('check', 'StaticSiteLabStack');
    expect(ok.code).toBe(0);
    expect(checkLines(ok.out)).toEqual([
      expect.stringMatching(/^PASS  site answers 200 with the deployed page: /),
      expect.stringMatching(/^PASS  bucket versioning is on: /),
      expect.stringMatching(/^PASS  bucket refuses a direct read: .* answered 403/),
    ]);

    status = 403;
    const broken = await labs('check', 'StaticSiteLabStack');
    expect(broken.code).toBe(7);
    expect(statusOf(broken.out, 'site answers 200 with the deployed page')).toBe('FAIL');
    expect(broken.err).toMatch(/^labs: 1 check failed on StaticSiteLabStack/m);
  });

  test('website mode: the public-read policy moto holds passes; --json for graders', async () => {
    await seedSite('lab-site-web', true);
    await labStack('StaticSiteLabStack-alice', 'static-site', { SiteUrl: `${LOCAL}/web.s3-website-us-east-1.amazonaws.com`, BucketName: 'lab-site-web' });
    handlers['/web'] = (_req, res) => res.writeHead(200).end(PAGE);
    const { code, out } = await labs('check', 'StaticSiteLabStack', '--stack-suffix', 'alice', '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.stacks[0].checks.map((c: { status: string; name: string }) => `${c.status} ${c.name}`)).toEqual([
      'PASS site answers 200 with the deployed page',
      'PASS bucket versioning is on',
      'PASS bucket policy allows public read',
    ]);
  });
});

describe('serverless', () => {
  async function seedServerless() {
    const cognito = new CognitoIdentityProviderClient({});
    const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'riders' }))).UserPool!.Id!;
    const client = (
      await cognito.send(
        new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    const ddb = new DynamoDBClient({});
    await ddb.send(
      new CreateTableCommand({ TableName: 'Rides', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'RideId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'RideId', AttributeType: 'S' }] }),
    );
    const outputs = { SiteUrl: `${LOCAL}/rydes`, ApiUrl: `${LOCAL}/api/prod/`, UserPoolId: pool, UserPoolClientId: client, RidesTableName: 'Rides' };
    await labStack('ServerlessLabStack', 'serverless', outputs);
    return { pool, client, outputs, cognito, ddb };
  }

  /** The site, and an API that does what API Gateway's Cognito authorizer and the ride function do. */
  function serve(o: Record<string, string>, rideStatus: () => number) {
    handlers['/rydes/config.json'] = (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ region: 'us-east-1', userPoolId: o.UserPoolId, userPoolClientId: o.UserPoolClientId, apiUrl: o.ApiUrl }));
    handlers['/rydes'] = (_req, res) => res.writeHead(200).end('<!doctype html><title>Wild Rydes</title>');
    handlers['/api/prod/faq'] = (_req, res) => res.writeHead(200).end(JSON.stringify({ Topic: 'unicorns', Question: 'Do unicorns fly?', Answer: 'Only on Tuesdays.' }));
    handlers['/api/prod/ride'] = (req, res) => {
      const token = req.headers.authorization;
      if (!token) return void res.writeHead(401).end(JSON.stringify({ message: 'Unauthorized' }));
      // The token moto's Cognito issued: its payload's cognito:username is the rider.
      const rider = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())['cognito:username'];
      if (rideStatus() !== 201) return void res.writeHead(500).end(JSON.stringify({ error: 'Internal server error' }));
      const RideId = `ride-${Date.now()}`;
      new DynamoDBClient({})
        .send(new PutItemCommand({ TableName: 'Rides', Item: { RideId: { S: RideId }, User: { S: rider }, UnicornName: { S: 'Shadowfax' } } }))
        .then(() => res.writeHead(201).end(JSON.stringify({ RideId, Unicorn: { Name: 'Shadowfax' }, Rider: rider })));
    };
  }

  test('a working lab passes with a temporary rider signed in through moto Cognito and the ride found in moto DynamoDB; both are removed', async () => {
    const s = await seedServerless();
    // One ride of a real student, which the check must leave alone.
    await s.ddb.send(new PutItemCommand({ TableName: 'Rides', Item: { RideId: { S: 'student-ride' }, User: { S: 'student' } } }));
    serve(s.outputs, () => 201);
    const { code, out } = await labs('check', 'ServerlessLabStack');
    expect(checkLines(out).map((l) => l.slice(0, 4))).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS']);
    expect(code).toBe(0);
    expect((await s.cognito.send(new ListUsersCommand({ UserPoolId: s.pool }))).Users).toEqual([]);
    expect((await s.ddb.send(new ScanCommand({ TableName: 'Rides' }))).Items?.map((i) => i.RideId.S)).toEqual(['student-ride']);
  });

  test('a 500 from the API fails the ride check, and the temporary rider is still removed', async () => {
    const s = await seedServerless();
    serve(s.outputs, () => 500);
    const { code, out } = await labs('check', 'ServerlessLabStack');
    expect(code).toBe(7);
    expect(statusOf(out, 'POST /ride as a signed-in rider gets 201')).toBe('FAIL');
    expect(out).toMatch(/got 500 /);
    const users = (await s.cognito.send(new ListUsersCommand({ UserPoolId: s.pool }))).Users ?? [];
    expect(users).toEqual([]);
    await expect(s.cognito.send(new AdminGetUserCommand({ UserPoolId: s.pool, Username: 'labs-check-x' }))).rejects.toThrow();
  });
});

describe('container cluster', () => {
  const CP = 'i-0a1b2c3d4e5f60718';

  /** moto accepts SendCommand but runs nothing: GetCommandInvocation's output is replaced by what the cluster would print. */
  function injectCommandOutput(answer: (script: string) => string) {
    const scripts = new Map<string, string>();
    const original = SSMClient.prototype.send;
    jest.spyOn(SSMClient.prototype, 'send').mockImplementation(async function (this: SSMClient, command: any) {
      const result: any = await (original as any).call(this, command);
      if (command instanceof SendCommandCommand) scripts.set(result.Command.CommandId, command.input.Parameters!.commands[0]);
      if (command instanceof GetCommandInvocationCommand) return { ...result, StandardOutputContent: answer(scripts.get(command.input.CommandId!)!) };
      return result;
    } as any);
    return scripts;
  }

  test('Kubernetes through SSM: Ready nodes pass; a NotReady node fails', async () => {
    await labStack('ContainerClusterLabStack', 'container-cluster', {
      ControlPlaneSession: `aws ssm start-session --target ${CP} --region us-east-1`,
      Worker1Session: 'aws ssm start-session --target i-0000000000000aaa1 --region us-east-1',
      Worker2Session: 'aws ssm start-session --target i-0000000000000aaa2 --region us-east-1',
      FirstCommands: 'kubectl get nodes -o wide && kubectl apply -f ~/workload/kubernetes/web.yaml && kubectl get pods -o wide',
    });
    let worker2 = 'Ready';
    const scripts = injectCommandOutput((script) => {
      if (script.includes('get nodes')) return `cp   Ready   control-plane   9m   v1.33.1\nw1   Ready   <none>   8m   v1.33.1\nw2   ${worker2}   <none>   8m   v1.33.1\n`;
      if (script.includes('kube-dns')) return 'coredns-a   1/1   Running   0   9m\ncoredns-b   1/1   Running   0   9m\n';
      const name = /deployment\/(labs-check-[0-9a-f]+)/.exec(script)![1];
      return ['w1', 'w2', 'w1', 'w2'].map((n, i) => `${name}-x${i}   1/1   Running   0   9s   10.244.1.${i}   ${n}   <none>   <none>`).join('\n');
    });
    const ok = await labs('check', 'ContainerClusterLabStack');
    expect(checkLines(ok.out).map((l) => l.slice(0, 4))).toEqual(['PASS', 'PASS', 'PASS']);
    expect(ok.code).toBe(0);
    expect([...scripts.values()][2]).toMatch(/trap 'kubectl delete deployment labs-check-/);

    worker2 = 'NotReady';
    const broken = await labs('check', 'ContainerClusterLabStack');
    expect(broken.code).toBe(7);
    expect(checkLines(broken.out)[0]).toMatch(/^FAIL  every node is Ready: w2 is NotReady/);
  });
});

describe('hadoop', () => {
  const STEP = 'os-requests';
  let clusterInStack: string | undefined;

  // moto's CloudFormation cannot create an AWS::EMR::Cluster, so the stack's resource list is given the
  // cluster RunJobFlow made, as CloudFormation would list it. Everything else about the cluster is moto's.
  beforeEach(() => {
    clusterInStack = undefined;
    const original = CloudFormationClient.prototype.send;
    jest.spyOn(CloudFormationClient.prototype, 'send').mockImplementation(async function (this: CloudFormationClient, command: any) {
      const result: any = await (original as any).call(this, command);
      if (command instanceof ListStackResourcesCommand && clusterInStack) {
        result.StackResourceSummaries = [
          ...(result.StackResourceSummaries ?? []),
          { LogicalResourceId: 'ClusterEB0386A7', PhysicalResourceId: clusterInStack, ResourceType: 'AWS::EMR::Cluster', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
        ];
      }
      return result;
    } as any);
  });
  const ROWS = 'Android\x01855\nLinux\x01813\nWindows\x01883\niOS\x01794\n';

  async function seedHadoop(mode: 'long-running' | 'transient', rows: string | undefined) {
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'hadoop-results' }));
    if (rows !== undefined) {
      await s3.send(new PutObjectCommand({ Bucket: 'hadoop-results', Key: 'output/os_requests/_SUCCESS', Body: '' }));
      await s3.send(new PutObjectCommand({ Bucket: 'hadoop-results', Key: 'output/os_requests/000000_0', Body: rows }));
    }
    const { JobFlowId } = await new EMRClient({}).send(
      new RunJobFlowCommand({
        Name: 'HadoopLabStack cluster',
        ReleaseLabel: 'emr-7.0.0',
        Instances: { InstanceCount: 3, MasterInstanceType: 'm4.large', SlaveInstanceType: 'm4.large', KeepJobFlowAliveWhenNoSteps: mode === 'long-running' },
        AutoTerminationPolicy: { IdleTimeout: 3600 },
        Steps: [{ Name: STEP, ActionOnFailure: 'CONTINUE', HadoopJarStep: { Jar: 'command-runner.jar', Args: ['hive-script', '--run-hive-script'] } }],
        JobFlowRole: 'EMR_EC2_DefaultRole',
        ServiceRole: 'EMR_DefaultRole',
      }),
    );
    clusterInStack = JobFlowId;
    await labStack('HadoopLabStack', 'hadoop', {
      ClusterId: JobFlowId!,
      ResultsUri: 's3://hadoop-results/output/os_requests/',
      DescribeStepCommand: `aws emr describe-step --cluster-id ${JobFlowId} --query Step.Status --step-id $(aws emr list-steps --cluster-id ${JobFlowId} --query 'Steps[?Name==\`${STEP}\`].Id | [0]' --output text)`,
    });
    return JobFlowId!;
  }

  /** moto never moves a step past RUNNING, and has no GetAutoTerminationPolicy: those answers are injected. */
  function injectEmr(stepCompleted = true) {
    const original = EMRClient.prototype.send;
    jest.spyOn(EMRClient.prototype, 'send').mockImplementation(async function (this: EMRClient, command: any) {
      if (command instanceof GetAutoTerminationPolicyCommand) return { AutoTerminationPolicy: { IdleTimeout: 3600 } };
      const result: any = await (original as any).call(this, command);
      if (command instanceof ListStepsCommand && stepCompleted) for (const s of result.Steps ?? []) s.Status.State = 'COMPLETED';
      return result;
    } as any);
  }

  test("moto's running step: FAIL as not finished, with no rows yet", async () => {
    injectEmr(false);
    await seedHadoop('long-running', undefined);
    const { code, out } = await labs('check', 'HadoopLabStack');
    expect(code).toBe(7);
    expect(checkLines(out)[0]).toMatch(/^FAIL  course step completed: Step "os-requests" is RUNNING: not finished yet/);
    expect(statusOf(out, 'os_requests/ holds rows')).toBe('FAIL');
  });

  test('a completed step with rows passes; the same with an empty result fails', async () => {
    injectEmr();
    await seedHadoop('long-running', ROWS);
    const ok = await labs('check', 'HadoopLabStack');
    expect(checkLines(ok.out).map((l) => l.slice(0, 4))).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(ok.code).toBe(0);

    await moto.reset();
    await seedHadoop('long-running', '');
    const empty = await labs('check', 'HadoopLabStack');
    expect(empty.code).toBe(7);
    expect(checkLines(empty.out)[1]).toMatch(/^FAIL  os_requests\/ holds rows: The step completed but .* holds no rows/);
  });

  test('transient mode: a cluster moto terminated passes; one still waiting after its step fails', async () => {
    injectEmr();
    const cluster = await seedHadoop('transient', ROWS);
    const waiting = await labs('check', 'HadoopLabStack');
    expect(checkLines(waiting.out)[3]).toMatch(/^FAIL  cluster stops billing on its own: Transient cluster .* still WAITING/);
    await new EMRClient({}).send(new TerminateJobFlowsCommand({ JobFlowIds: [cluster] }));
    const done = await labs('check', 'HadoopLabStack');
    expect(checkLines(done.out)[3]).toMatch(/^PASS  cluster stops billing on its own: Transient cluster .* TERMINATED/);
  });
});

describe('microservices', () => {
  /** The board's own server, one per deployable, on free ports. */
  async function deployables(): Promise<{ urls: Record<string, string>; close: () => Promise<void> }> {
    const servers: http.Server[] = [];
    const urls: Record<string, string> = {};
    for (const name of ['monolith', 'users', 'threads', 'posts']) {
      const s: http.Server = createBoardServer(name, { log: () => undefined });
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      servers.push(s);
      urls[name] = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    }
    return { urls, close: async () => void (await Promise.all(servers.map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))))) };
  }

  /** A load balancer at /lb that sends each path where `target(path)` says, or answers `status` itself. */
  function loadBalancer(target: (path: string) => string | number) {
    handlers['/lb'] = (req, res) => {
      const path = (req.url ?? '').slice('/lb'.length);
      const to = target(path);
      if (typeof to === 'number') return void res.writeHead(to).end('<html>502 Bad Gateway</html>');
      http.get(`${to}${path}`, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
    };
  }
  /**
   * The ECS host as moto's ELBv2 sees it: one instance registered in each deployable's target group (the
   * containers' ports), healthy while it runs. Returns the outputs naming the groups, and the instance.
   */
  async function targetGroups(): Promise<{ outputs: Record<string, string>; instance: string }> {
    const ec2 = new EC2Client({});
    const elb = new ElasticLoadBalancingV2Client({});
    const vpc = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0].VpcId!;
    const instance = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't4g.micro', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    const outputs: Record<string, string> = {};
    for (const [i, prefix] of ['Monolith', 'Users', 'Threads', 'Posts'].entries()) {
      const arn = (await elb.send(new CreateTargetGroupCommand({ Name: `board-${prefix.toLowerCase()}`, Protocol: 'HTTP', Port: 3000, VpcId: vpc, TargetType: 'instance' }))).TargetGroups![0].TargetGroupArn!;
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: instance, Port: 32768 + i }] }));
      outputs[`${prefix}TargetGroupArn`] = arn;
    }
    return { outputs, instance };
  }

  const splitRules = (urls: Record<string, string>) => (path: string) =>
    path.startsWith('/api/users') ? urls.users : path.startsWith('/api/threads') ? urls.threads : path.startsWith('/api/posts') ? urls.posts : urls.monolith;

  test('split phase: healthy targets in moto ELBv2 and every route through the listener rules pass; a wrong X-Served-By and a stopped host fail', async () => {
    const d = await deployables();
    try {
      const tgs = await targetGroups();
      await labStack('MicroservicesLabStack', 'microservices', { MessageBoardUrl: `${LOCAL}/lb`, Phase: 'split: the monolith (/api*); the users service (/api/users*); ...', ...tgs.outputs });
      loadBalancer(splitRules(d.urls));
      const ok = await labs('check', 'MicroservicesLabStack');
      expect(checkLines(ok.out)).toHaveLength(7);
      expect(checkLines(ok.out)[0]).toBe("PASS  every target of the phase's target groups is healthy: healthy targets: monolith 1/1, users 1/1, threads 1/1, posts 1/1.");
      expect(checkLines(ok.out).every((l) => l.startsWith('PASS'))).toBe(true);
      expect(ok.code).toBe(0);

      loadBalancer(() => d.urls.monolith);
      const wrong = await labs('check', 'MicroservicesLabStack');
      expect(wrong.code).toBe(7);
      expect(checkLines(wrong.out)[1]).toMatch(/^FAIL  GET \/api\/users answers the tutorial's data: served by monolith, but in the split phase users serves it/);

      await new EC2Client({}).send(new StopInstancesCommand({ InstanceIds: [tgs.instance] }));
      const stopped = await labs('check', 'MicroservicesLabStack');
      expect(checkLines(stopped.out)[0]).toMatch(/^FAIL  every target of the phase's target groups is healthy: monolith target i-\w+:32768 is unused \(Target.InvalidState\)/);
    } finally {
      await d.close();
    }
  });

  test('--watch counts requests and failures per route and status while the load balancer answers 502 for a moment', async () => {
    const d = await deployables();
    try {
      await labStack('MicroservicesLabStack', 'microservices', { MessageBoardUrl: `${LOCAL}/lb`, Phase: 'monolith: the monolith (/api*).' });
      let n = 0;
      loadBalancer(() => (++n <= 3 ? 502 : d.urls.monolith));
      const { code, out } = await labs('check', 'MicroservicesLabStack', '--watch', '--seconds', '1');
      expect(code).toBe(7);
      const lines = checkLines(out);
      expect(lines).toHaveLength(6);
      // 20 requests in 1 s over 6 routes: the first three (one per route of the first three) got the 502.
      expect(lines[0]).toMatch(/^FAIL  GET \/api\/users never fails while watched: 4 requests, 1 failed \(200: 3, 502: 1\)/);
      expect(lines[5]).toMatch(/^PASS  GET \/api\/posts\/by-user\/1 never fails while watched: 3 requests, 0 failed \(200: 3\)/);
    } finally {
      await d.close();
    }
  });
});

test('--all: one table row per lab stack in the region, then every FAIL', async () => {
  await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'lab-site-all' }));
  await labStack('StaticSiteLabStack', 'static-site', { SiteUrl: `${LOCAL}/all`, BucketName: 'lab-site-all' });
  await labStack('HadoopLabStack', 'hadoop', {});
  handlers['/all'] = (_req, res) => res.writeHead(404).end('NoSuchKey');
  const { code, out } = await labs('check', '--all');
  expect(code).toBe(7);
  const lines = out.split('\n');
  const table = lines.slice(lines.findIndex((l) => l.startsWith('STACK')));
  expect(table.slice(0, 3)).toEqual([
    'STACK               LAB          RESULT  PASS  FAIL  SKIP',
    'HadoopLabStack      hadoop       FAIL       0     1     0',
    'StaticSiteLabStack  static-site  FAIL       0     3     0',
  ]);
  expect(table).toContain('FAIL  HadoopLabStack: os_requests/ holds rows: HadoopLabStack has no ResultsUri output: redeploy it from this checkout (npx cdk deploy HadoopLabStack).');
});

test('bad input: a region with no labs, an unknown stack, a stack that is not a lab', async () => {
  const none = await labs('check', '--all');
  expect(none).toMatchObject({ code: 4, err: 'labs: There are no lab stacks in us-east-1.' });
  await new CloudFormationClient({}).send(
    new CreateStackCommand({ StackName: 'BillingTeamStack', TemplateBody: JSON.stringify({ Resources: { H: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } }) }),
  );
  expect((await labs('check', 'BillingTeamStack')).err).toMatch(/^labs: Stack "BillingTeamStack" is not a course lab/);
  expect((await labs('check', 'NoSuchLabStack')).code).toBe(4);
});

test("labs trial's leftover search (the sweep's inventory): what still carries the trial stack's tag, nothing of another stack's", async () => {
  const s3 = new S3Client({ forcePathStyle: true });
  for (const [bucket, stack] of [['trial-left-behind', 'StaticSiteLabStack-trial'], ['someone-elses', 'StaticSiteLabStack-alice']]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: labTags(stack, 'static-site') } }));
  }
  await labStack('StaticSiteLabStack-alice', 'static-site', {});
  const deps = liveTrialDeps(new AwsSession({ region: 'us-east-1' }), 'us-east-1');
  const left = await deps.leftovers('StaticSiteLabStack-trial');
  expect(left).toEqual([expect.stringContaining('trial-left-behind')]);
  expect(await deps.stackExists('StaticSiteLabStack-trial')).toBe(false);
  expect(await deps.stackExists('StaticSiteLabStack-alice')).toBe(true);
  // A stack that is still there (a failed destroy) is a leftover too.
  expect(await deps.leftovers('StaticSiteLabStack-alice')).toEqual(expect.arrayContaining([expect.stringMatching(/^stack StaticSiteLabStack-alice still exists \(CREATE_COMPLETE\)$/), expect.stringContaining('someone-elses')]));
});
