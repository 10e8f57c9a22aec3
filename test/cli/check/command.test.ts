/** `labs check` and `labs trial` as commands: arguments, output, exit statuses, with AWS and the CDK CLI faked. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LAB_CHECKS } from '../../../lib/cli/check';
import { checkCommand, parseSeconds, stackNameFor } from '../../../lib/cli/commands/check';
import { liveTrialDeps, minutesSeconds, renderTrial, runTrial, TrialDeps, trialExit } from '../../../lib/cli/commands/trial';
import { CheckDeps, StackReport } from '../../../lib/cli/check/run';
import { staticSiteChecks } from '../../../lib/cli/check/static-site';
import { skip } from '../../../lib/cli/check/util';
import { CliError } from '../../../lib/cli/errors';
import { EXIT } from '../../../lib/cli/exit-codes';
import { io } from '../../../lib/cli/io';
import { run as runLabs } from '../../../lib/cli/main';
import { awsError, fakeFetch, fakeSession, objectBody } from './fakes';

const BUCKET = 'staticsitelabstack-sitebucket-abc123';
const CDN = 'https://d111111abcdef8.cloudfront.net';
const PAGE = '<h1>Version 1</h1>';

const cfnStack = (name: string, lab: string | undefined, outputs: Record<string, string> = {}, status = 'CREATE_COMPLETE') => ({
  StackName: name,
  StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/0f0f0f0f-0000-0000-0000-000000000000`,
  StackStatus: status,
  CreationTime: new Date('2026-12-01T10:00:00Z'),
  Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  Tags: lab ? [{ Key: 'course-labs:project', Value: 'course-labs' }, { Key: 'course-labs:lab', Value: lab }, { Key: 'course-labs:stack', Value: name }] : [],
});

const STATIC = cfnStack('StaticSiteLabStack', 'static-site', { SiteUrl: CDN, BucketName: BUCKET });
const STATIC_ALICE = cfnStack('StaticSiteLabStack-alice', 'static-site', { SiteUrl: CDN, BucketName: BUCKET });
const OTHER = cfnStack('NotALab', undefined);

function aws(stacks: any[], versioning = 'Enabled') {
  return fakeSession({
    DescribeStacksCommand: (input) => {
      if (!input.StackName) return { Stacks: stacks };
      const found = stacks.filter((s) => s.StackName === input.StackName);
      if (!found.length) throw awsError('ValidationError', `Stack with id ${input.StackName} does not exist`);
      return { Stacks: found };
    },
    GetObjectCommand: () => objectBody(PAGE),
    GetBucketVersioningCommand: () => ({ Status: versioning }),
  });
}

const deps = (): CheckDeps => ({
  ...fakeFetch({ [CDN]: () => ({ status: 200, body: PAGE }), [`https://${BUCKET}.s3.us-east-1.amazonaws.com/index.html`]: () => ({ status: 403 }) }),
  sleep: async () => undefined,
  now: () => new Date(),
  progress: () => undefined,
});

let out: string[];
beforeEach(() => {
  out = [];
  delete process.env.AWS_ENDPOINT_URL;
  jest.spyOn(io, 'out').mockImplementation((line) => void out.push(line));
  jest.spyOn(io, 'err').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

test('labs check <stack> prints the plan, then one line per check, and returns when all pass', async () => {
  await checkCommand(aws([STATIC]).session, 'StaticSiteLabStack', {}, deps());
  expect(out[0]).toMatch(/^StaticSiteLabStack: Reads /);
  expect(out.filter((l) => /^(PASS|FAIL|SKIP) /.test(l))).toEqual([
    expect.stringMatching(/^PASS  site answers 200 with the deployed page: /),
    expect.stringMatching(/^PASS  bucket versioning is on: /),
    expect.stringMatching(/^PASS  bucket refuses a direct read: /),
  ]);
  expect(out[out.length - 1]).toBe('StaticSiteLabStack: 3 passed, 0 failed, 0 skipped.');
});

test('a failing check exits with the checks-failed status after printing every line', async () => {
  const err = await checkCommand(aws([STATIC], 'Suspended').session, 'StaticSiteLabStack', {}, deps()).catch((e) => e);
  expect(err).toBeInstanceOf(CliError);
  expect(err.exitCode).toBe(EXIT.checksFailed);
  expect(err.message).toBe('1 check failed on StaticSiteLabStack (FAIL lines above say what to do).');
  expect(out.some((l) => l.startsWith('FAIL  bucket versioning is on: '))).toBe(true);
});

test('--stack-suffix checks one student\'s copy; --json prints one document for graders', async () => {
  await checkCommand(aws([STATIC, STATIC_ALICE]).session, 'StaticSiteLabStack', { stackSuffix: 'alice', json: true }, deps());
  const doc = JSON.parse(out.join('\n'));
  expect(doc).toMatchObject({ region: 'us-east-1', ok: true, stacks: [{ stack: 'StaticSiteLabStack-alice', lab: 'static-site', ok: true }] });
  expect(doc.stacks[0].checks).toHaveLength(3);
  expect(stackNameFor('StaticSiteLabStack-alice', 'alice')).toBe('StaticSiteLabStack-alice');

  // With --all, --stack-suffix keeps that student's copies only; a suffix with no copies is one line.
  out = [];
  await checkCommand(aws([STATIC, STATIC_ALICE]).session, undefined, { all: true, stackSuffix: 'alice', json: true }, deps());
  expect(JSON.parse(out.join('\n')).stacks.map((r: StackReport) => r.stack)).toEqual(['StaticSiteLabStack-alice']);
  const none = await checkCommand(aws([STATIC, STATIC_ALICE]).session, undefined, { all: true, stackSuffix: 'bob' }, deps()).catch((e) => e);
  expect(none).toMatchObject({ exitCode: EXIT.notFound, message: 'There are no lab stacks with suffix -bob in us-east-1.' });
});

test('--all prints one table row per lab stack, and a stack mid-deploy fails', async () => {
  const creating = cfnStack('HadoopLabStack', 'hadoop', {}, 'CREATE_IN_PROGRESS');
  const err = await checkCommand(aws([creating, STATIC, OTHER]).session, undefined, { all: true }, deps()).catch((e) => e);
  expect(err.exitCode).toBe(EXIT.checksFailed);
  const lines = out.join('\n').split('\n');
  const tableStart = lines.findIndex((l) => l.startsWith('STACK'));
  expect(lines.slice(tableStart, tableStart + 3)).toEqual([
    'STACK               LAB          RESULT  PASS  FAIL  SKIP',
    'HadoopLabStack      hadoop       FAIL       0     1     0',
    'StaticSiteLabStack  static-site  PASS       3     0     0',
  ]);
  expect(out).toContain('FAIL  HadoopLabStack: stack is deployed: HadoopLabStack is CREATE_IN_PROGRESS: wait for the deploy to finish, or redeploy it.');
});

test('exit 0 needs every check to pass: a SKIP is only for what does not apply, so a lab nobody proved works fails', async () => {
  // Under --all, a lab stack this version of labs has no checks for is a FAIL row, not a silent SKIP.
  const future = cfnStack('QuantumLabStack', 'quantum', {});
  const err = await checkCommand(aws([future, STATIC]).session, undefined, { all: true, json: true }, deps()).catch((e) => e);
  expect(err.exitCode).toBe(EXIT.checksFailed);
  const doc = JSON.parse(out.join('\n'));
  expect(doc.ok).toBe(false);
  expect(doc.stacks[0]).toMatchObject({ stack: 'QuantumLabStack', ok: false, checks: [{ name: 'lab has checks', status: 'FAIL' }] });
  expect(doc.stacks[1]).toMatchObject({ stack: 'StaticSiteLabStack', ok: true });

  // A run in which every check skipped proves nothing: it fails too.
  out = [];
  jest.spyOn(staticSiteChecks, 'run').mockResolvedValue([skip('site answers 200 with the deployed page', 'not applicable')]);
  const skipped = await checkCommand(aws([STATIC]).session, 'StaticSiteLabStack', {}, deps()).catch((e) => e);
  expect(skipped.exitCode).toBe(EXIT.checksFailed);
  expect(out).toContain('FAIL  at least one check ran: every check was skipped, so nothing shows this lab works (the SKIP lines say why).');
});

test('bad input is one line and a non-zero exit', async () => {
  const fails = async (p: Promise<unknown>) => (await p.then(() => undefined, (e) => e)) as CliError;
  expect(await fails(checkCommand(aws([STATIC]).session, 'NoSuchLabStack', {}, deps()))).toMatchObject({
    exitCode: EXIT.notFound,
    message: 'No stack named "NoSuchLabStack" in us-east-1. Lab stacks in us-east-1: StaticSiteLabStack.',
  });
  expect(await fails(checkCommand(aws([OTHER]).session, 'NotALab', {}, deps()))).toMatchObject({ exitCode: EXIT.notFound, message: expect.stringMatching(/is not a course lab/) });
  expect(await fails(checkCommand(aws([OTHER]).session, undefined, { all: true }, deps()))).toMatchObject({ exitCode: EXIT.notFound, message: 'There are no lab stacks in us-east-1.' });
  expect(await fails(checkCommand(aws([STATIC]).session, 'StaticSiteLabStack', { watch: true }, deps()))).toMatchObject({ exitCode: EXIT.usage, message: expect.stringMatching(/--watch is for the microservices lab/) });
  expect(await fails(checkCommand(aws([STATIC]).session, 'StaticSiteLabStack', { seconds: 5 }, deps()))).toMatchObject({ exitCode: EXIT.usage });
  expect(await fails(checkCommand(aws([STATIC]).session, undefined, {}, deps()))).toMatchObject({ exitCode: EXIT.usage });
  expect(() => parseSeconds('0')).toThrow(/whole number of seconds from 1/);
  expect(() => parseSeconds('1.5')).toThrow(/whole number/);
  expect(() => parseSeconds('abc')).toThrow(/whole number/);
  expect(parseSeconds('90')).toBe(90);
});

test('through the command line, --seconds 0 and a -c without key=value are usage errors with one line', async () => {
  const lines: string[] = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
  expect(await runLabs(['check', 'MicroservicesLabStack', '--watch', '--seconds', '0'], (l) => lines.push(l))).toBe(1);
  expect(await runLabs(['trial', 'StaticSiteLabStack', '-c', 'ttlHours'], (l) => lines.push(l))).toBe(1);
  expect(lines.join('')).toMatch(/"0" is not allowed: a whole number of seconds from 1 to 3600/);
  expect(lines.join('')).toMatch(/"ttlHours" is not a setting: write key=value, one per -c/);
});

test('--watch runs while the stack is being redeployed; plain checks wait for the deploy to finish', async () => {
  const MICRO_URL = 'http://board.example';
  const micro = cfnStack('MicroservicesLabStack', 'microservices', { MessageBoardUrl: MICRO_URL, Phase: 'monolith: the monolith (/api*).' }, 'UPDATE_IN_PROGRESS');
  const routes = Object.fromEntries(
    ['/api/users', '/api/users/1', '/api/threads', '/api/threads/1', '/api/posts/in-thread/1', '/api/posts/by-user/1'].map((p) => [`${MICRO_URL}${p}`, () => ({ status: 200, body: '[]' })]),
  );
  const d = { ...deps(), ...fakeFetch(routes) };
  const watched = await checkCommand(aws([micro]).session, 'MicroservicesLabStack', { watch: true, seconds: 1 }, d);
  expect(watched[0].checks.map((c) => c.status)).toEqual(Array(6).fill('PASS'));
  const plain = await checkCommand(aws([micro]).session, 'MicroservicesLabStack', {}, d).catch((e) => e);
  expect(plain.exitCode).toBe(EXIT.checksFailed);
  expect(out).toContain('FAIL  stack is deployed: MicroservicesLabStack is UPDATE_IN_PROGRESS: wait for the deploy to finish, or redeploy it.');
});

describe('labs trial', () => {
  const report = (ok: boolean): StackReport => ({
    stack: 'StaticSiteLabStack-trial',
    lab: 'static-site',
    ok,
    plan: [],
    checks: [{ name: 'site answers 200 with the deployed page', status: ok ? 'PASS' : 'FAIL', detail: ok ? 'fine' : 'answered 403' }],
  });
  /** The CDK CLI and AWS as fakes: `cdk` answers with the exit status given per subcommand; time moves 1 s per call. */
  function fakes(opts: { deploy?: number; destroy?: number; exists?: boolean; ok?: boolean; leftovers?: string[] } = {}) {
    const cdkCalls: string[][] = [];
    let t = 0;
    const d: TrialDeps = {
      region: 'us-east-1',
      synth: (context) => {
        expect(context).toEqual(['stackSuffix=trial', 'staticSiteHosting=website']);
        // An instance bills $0.0104/h in the price table (t4g.micro); the trial's cost is that over its duration.
        return [{ name: 'StaticSiteLabStack-trial', template: { Resources: { Node: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 't4g.micro', BlockDeviceMappings: [] } } } } }];
      },
      cdk: async (args) => {
        cdkCalls.push([...args]);
        t += args[0] === 'deploy' ? 250_000 : 125_000;
        return args[0] === 'deploy' ? (opts.deploy ?? 0) : (opts.destroy ?? 0);
      },
      stackExists: async () => opts.exists ?? false,
      check: async () => report(opts.ok ?? true),
      leftovers: async () => opts.leftovers ?? [],
      clock: () => t,
    };
    return { d, cdkCalls };
  }
  const options = { context: ['stackSuffix=trial', 'staticSiteHosting=website'] };

  test('deploys through the CDK CLI, checks, destroys, finds no leftovers and prints the figures', async () => {
    const { d, cdkCalls } = fakes();
    const err: string[] = [];
    jest.spyOn(io, 'err').mockImplementation((line) => void err.push(line));
    const t = await runTrial('StaticSiteLabStack', options, d);
    // The commands printed are the ones run, so a user can repeat them (the suffixed stack, every setting).
    expect(err).toEqual([
      `Deploying StaticSiteLabStack-trial: npx cdk ${cdkCalls[0].join(' ')}`,
      `Destroying StaticSiteLabStack-trial: npx cdk ${cdkCalls[1].join(' ')}`,
    ]);
    expect(cdkCalls).toEqual([
      ['deploy', 'StaticSiteLabStack-trial', '--require-approval', 'never', '--no-notices', '-c', 'stackSuffix=trial', '-c', 'staticSiteHosting=website'],
      ['destroy', 'StaticSiteLabStack-trial', '--force', '--no-notices', '-c', 'stackSuffix=trial', '-c', 'staticSiteHosting=website'],
    ]);
    expect(trialExit(t)).toBe(EXIT.ok);
    const lines = renderTrial(t);
    expect(lines[0]).toBe('Trial of StaticSiteLabStack-trial (-c stackSuffix=trial -c staticSiteHosting=website) in us-east-1:');
    expect(lines).toContain('  deploy time   4m 10s');
    expect(lines).toContain('  destroy time  2m 05s');
    expect(lines).toContain('  leftovers     none');
    expect(t.usdPerHour).toBeGreaterThan(0);
    expect(t.usd).toBeCloseTo(t.usdPerHour * (375 / 3600), 10);
  });

  test('a failed deploy is still destroyed and reported, and the checks do not run', async () => {
    const { d, cdkCalls } = fakes({ deploy: 1 });
    const t = await runTrial('StaticSiteLabStack', options, d);
    expect(cdkCalls.map((c) => c[0])).toEqual(['deploy', 'destroy']);
    expect(t.checks).toBeUndefined();
    expect(trialExit(t)).toBe(EXIT.incomplete);
    expect(renderTrial(t)).toContain('  checks        not run: the deploy failed');
    // What the failed deploy left is looked for and reported, with --keep too (there is nothing to keep).
    for (const keep of [false, true]) {
      const left = fakes({ deploy: 1, leftovers: ['log group /aws/lambda/x (tagged StaticSiteLabStack-trial)'] });
      const kept = await runTrial('StaticSiteLabStack', { ...options, keep }, left.d);
      expect(left.cdkCalls.map((c) => c[0])).toEqual(['deploy', 'destroy']);
      expect(renderTrial(kept)).toEqual(expect.arrayContaining(['  leftovers     1: run npx labs sweep', '    log group /aws/lambda/x (tagged StaticSiteLabStack-trial)']));
      expect(trialExit(kept)).toBe(EXIT.incomplete);
    }
  });

  test('failed checks, a failed destroy and leftovers set the exit status', async () => {
    expect(trialExit(await runTrial('StaticSiteLabStack', options, fakes({ ok: false }).d))).toBe(EXIT.checksFailed);
    const left = await runTrial('StaticSiteLabStack', options, fakes({ leftovers: ['bucket x (tagged StaticSiteLabStack-trial)'] }).d);
    expect(trialExit(left)).toBe(EXIT.incomplete);
    expect(renderTrial(left)).toContain('    bucket x (tagged StaticSiteLabStack-trial)');
    expect(trialExit(await runTrial('StaticSiteLabStack', options, fakes({ destroy: 1 }).d))).toBe(EXIT.incomplete);
  });

  test('checks that stop with an error are a failed check, and the lab is still destroyed', async () => {
    const { d, cdkCalls } = fakes();
    const t = await runTrial('StaticSiteLabStack', options, { ...d, check: async () => Promise.reject(new CliError('Access denied: SSM SendCommand: not allowed', EXIT.accessDenied)) });
    expect(cdkCalls.map((c) => c[0])).toEqual(['deploy', 'destroy']);
    expect(trialExit(t)).toBe(EXIT.checksFailed);
    expect(renderTrial(t)).toContain('    FAIL  checks ran: the checks stopped: Access denied: SSM SendCommand: not allowed');
  });

  test('--keep skips the destroy and the leftover search', async () => {
    const { d, cdkCalls } = fakes();
    const t = await runTrial('StaticSiteLabStack', { ...options, keep: true }, d);
    expect(cdkCalls.map((c) => c[0])).toEqual(['deploy']);
    expect(renderTrial(t)).toContain('  destroy time  kept (--keep): destroy it when done');
  });

  test('refuses a stack that already exists, or one the app does not have, before deploying anything', async () => {
    const exists = fakes({ exists: true });
    await expect(runTrial('StaticSiteLabStack', options, exists.d)).rejects.toThrow(/already exists in us-east-1: a trial deploys and destroys its own copy/);
    expect(exists.cdkCalls).toEqual([]);
    const unknown = fakes();
    await expect(runTrial('NoSuchLabStack', options, unknown.d)).rejects.toThrow(/The app has no stack NoSuchLabStack-trial/);
    expect(unknown.cdkCalls).toEqual([]);
  });

  test('durations are printed to the second', () => {
    expect(minutesSeconds(42)).toBe('42s');
    expect(minutesSeconds(3725)).toBe('62m 05s');
  });
});

test('every lab with checks has a guide that ends with the command that checks it', () => {
  expect(LAB_CHECKS.map((c) => c.lab)).toEqual(expect.arrayContaining(['container-cluster', 'hadoop', 'microservices', 'serverless', 'static-site']));
  for (const { lab } of LAB_CHECKS) {
    const guide = fs.readFileSync(path.join(__dirname, '../../../lib', lab, 'README.md'), 'utf8');
    const stack = `${lab.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}LabStack`;
    expect(guide.trimEnd().split('\n').pop()).toBe(`Check your lab: \`npx labs check ${stack}\``);
  }
});

test("the trial's CDK CLI runs in the project with the region and returns its exit status", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labs-trial-test-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
    // A stand-in for the CDK CLI: records its arguments and region, prints like the CLI does, exits 3 on destroy.
    const script = path.join(dir, 'node_modules', '.bin', 'cdk');
    fs.writeFileSync(script, `#!/bin/sh\necho "$AWS_REGION $*" >> "${dir}/calls"\necho "Outputs: ..."\n[ "$1" = destroy ] && exit 3\nexit 0\n`, { mode: 0o755 });
    const d = liveTrialDeps(fakeSession({}).session, 'eu-west-3', dir);
    expect(await d.cdk(['deploy', 'StaticSiteLabStack', '--require-approval', 'never'])).toBe(0);
    expect(await d.cdk(['destroy', 'StaticSiteLabStack', '--force'])).toBe(3);
    expect(fs.readFileSync(path.join(dir, 'calls'), 'utf8')).toBe('eu-west-3 deploy StaticSiteLabStack --require-approval never\neu-west-3 destroy StaticSiteLabStack --force\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
