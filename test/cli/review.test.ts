/**
 * `labs review`: the report on fixture template pairs (create, update, replace, destroy, IAM broadening, a
 * security group opened to the world, a cost change), and the git side (temporary worktree, dependencies,
 * one-line errors) on a scratch repository with a stand-in synth.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTemplates, synthFailure } from '../../lib/cli/assembly';
import { runReview } from '../../lib/cli/commands/review';
import { CliError } from '../../lib/cli/errors';
import { EXIT } from '../../lib/cli/exit-codes';
import { run } from '../../lib/cli/main';
import { LintFinding, Linter, parseCfnLintJson } from '../../lib/cli/review/lint';
import { nagFindings } from '../../lib/cli/review/nag';
import { reviewStacks, renderReview } from '../../lib/cli/review/report';

const FIXTURES = path.join(__dirname, 'fixtures', 'review');
const BASE = path.join(FIXTURES, 'base');
const HEAD = path.join(FIXTURES, 'head');

/** A stand-in for cfn-lint: reports what a template lists under Metadata.FixtureLintFindings. */
const fixtureLinter: Linter = (file) => {
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  const listed: { rule: string; where: string; message: string }[] = template.Metadata?.FixtureLintFindings ?? [];
  return { findings: listed.map((f): LintFinding => ({ key: `${f.rule}|${f.where}|${f.message}`, level: 'Warning', ...f })) };
};

const fixtureReview = (stacks: string[] = [], options: { failOnDestroy?: boolean } = {}) =>
  runReview(stacks, { base: 'origin/main', baseTemplates: BASE, templates: HEAD, ...options }, undefined, undefined, fixtureLinter);

/** The Markdown section of one stack: from its heading to the next. */
const section = (report: string, stack: string) => {
  const start = report.indexOf(`## ${stack}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = report.indexOf('\n## ', start + 1);
  return report.slice(start, next < 0 ? undefined : next);
};

describe('the report on fixture pairs', () => {
  let report: string;
  beforeAll(async () => {
    report = await fixtureReview();
  });

  test('a summary table with one row per stack', () => {
    expect(report.split('\n')[0]).toBe('# Infrastructure review against `origin/main`');
    expect(report).toContain('| ReplaceStack | 0 | 0 | 2 (data) | 0 | $0.0000/h | $0.0000/h |');
    expect(report).toContain('| DestroyStack | 0 | 0 | 0 | 2 (data) | $0.0000/h | $0.0000/h |');
    expect(report).toContain('| NewStack (new) | 1 | 0 | 0 | 0 | - | $0.0000/h |');
  });

  test('create: the added resource, and no data-loss warning', () => {
    const s = section(report, 'CreateStack');
    expect(s).toContain('1 resource to add, 0 to change, 0 to replace, 0 to destroy.');
    expect(s).toMatch(/\*\*Added\*\*\n\n\| Resource \| Type \|\n\|---\|---\|\n\| `Uploads` \| AWS::S3::Bucket \|/);
    expect(s).not.toContain('Data loss');
  });

  test('update: the changed property, no replacement', () => {
    const s = section(report, 'UpdateStack');
    expect(s).toContain('0 resources to add, 1 to change, 0 to replace, 0 to destroy.');
    expect(s).toContain('| `Fn` | AWS::Lambda::Function | MemorySize |');
  });

  test('replace: the data-holding resource is called out first, with the property that forces it', () => {
    const s = section(report, 'ReplaceStack');
    const callout = s.indexOf('> **Data loss:** `Rides` (AWS::DynamoDB::Table) is replaced.');
    expect(callout).toBeGreaterThan(0);
    expect(callout).toBeLessThan(s.indexOf('**Replaced**'));
    const rows = s.split('\n').filter((l) => l.startsWith('| **`Rides`**') || l.startsWith('| `Topic`'));
    expect(rows).toEqual([
      '| **`Rides`** (holds data) | AWS::DynamoDB::Table | KeySchema | KeySchema (replaces), AttributeDefinitions |',
      '| `Topic` | AWS::SNS::Topic | TopicName | TopicName (replaces) |',
    ]);
  });

  test('changed and replaced properties show their old and new values, and which ones force the replacement', () => {
    expect(section(report, 'CostStack')).toContain('- `Server` (AWS::EC2::Instance)\n  - `InstanceType`: `t4g.small` → `t4g.large` (forces replacement)\n');
    expect(section(report, 'UpdateStack')).toContain('- `Fn` (AWS::Lambda::Function)\n  - `MemorySize`: `128` → `256`\n');
    const iam = section(report, 'IamStack');
    expect(iam).toContain('  - `PolicyDocument.Statement[0].Action`: `s3:GetObject` → `s3:*`\n');
    expect(iam).toContain('  - `PolicyDocument.Statement[0].Resource`: `${Bucket.Arn}/*` → `*`\n');
  });

  test('a resource replaced through the generation in its construct path is paired, with its differing values and causes', () => {
    const s = section(report, 'GenerationStack');
    // Without pairing this read "3 to add, 0 to change, 0 to replace, 3 to destroy", the types nowhere.
    expect(s).toContain('0 resources to add, 0 to change, 4 to replace, 0 to destroy.');
    // The same construct path, the generation appended to the logical id (as the cluster's nodes do it); a
    // long value is shown from where it starts to differ.
    expect(s).toContain('| `ControlPlaneInstanceE5605C953499352f01a2905a` → `ControlPlaneInstanceE5605C95de809c1eed8e5039` | AWS::EC2::Instance | new logical id, UserData | UserData (replaces) |');
    expect(s).toMatch(/- `UserData`: `…[^`]*_URL='generation-cd204884'[^`]*` → `…[^`]*_URL='generation-398ed9d4'[^`]*` \(forces replacement\)\n/);
    expect(s).toContain(
      '| `Worker1a2b3c4dInstance9A8B7C6D` → `Worker5e6f7a8bInstance1C2D3E4F` | AWS::EC2::Instance | new logical id, InstanceType | InstanceType (replaces) |',
    );
    expect(s).toContain('- `Worker1a2b3c4dInstance9A8B7C6D` → `Worker5e6f7a8bInstance1C2D3E4F` (AWS::EC2::Instance)\n  - `InstanceType`: `t4g.micro` → `t3.small` (forces replacement)\n');
    expect(s).toContain('  - `Handle`: `${ClusterReadyHandle1a2b3c4d3F2A9C1B}` → `${ClusterReadyHandle5e6f7a8b3F2A9C1B}`\n');
    expect(s).toMatch(/\| `ClusterReadyHandle1a2b3c4d3F2A9C1B` → `ClusterReadyHandle5e6f7a8b3F2A9C1B` \| AWS::CloudFormation::WaitConditionHandle \| new logical id \|/);
    // A resource whose id has no generation (Worker1) is not paired with anything.
    expect(s).not.toContain('`Worker1` →');
    // Its cost is one row too, old beside new, not a row that vanishes and one that appears.
    expect(s).toMatch(/\| `Worker1a2b3c4dInstance9A8B7C6D` → `Worker5e6f7a8bInstance1C2D3E4F` \| AWS::EC2::Instance \| \$0\.0084\/h[^|]* \| \$0\.0208\/h[^|]* \|/);
    expect(s).not.toMatch(/^\| `Worker1a2b3c4dInstance9A8B7C6D` \|/m);
  });

  test('an added IAM statement with a wildcard is flagged on its own line', () => {
    const s = section(report, 'IamStack');
    expect(s).toContain('\n> **Wildcard permission added:** Allow `s3:*` on `*` to `AWS:${FnRole}`.\n');
  });

  test('a description-only change is listed, with its values, but draws no diagram', () => {
    const s = section(report, 'DescriptionStack');
    expect(s).toContain('| `Fn` | AWS::Lambda::Function | Description |');
    expect(s).toContain('`Description`: `Answers the FAQ.` → `Answers the course FAQ.`');
    expect(s).not.toContain('```mermaid');
    expect(section(report, 'UpdateStack')).toContain('```mermaid');
  });

  test('destroy: every destroyed resource, data-holding ones called out', () => {
    const s = section(report, 'DestroyStack');
    expect(s).toContain('> **Data loss:** `Site` (AWS::S3::Bucket) is destroyed; `Queue` (AWS::SQS::Queue) is destroyed.');
    expect(s).toContain('0 resources to add, 0 to change, 0 to replace, 2 to destroy.');
  });

  test("the changed stack's diagram marks what is replaced and what is removed", () => {
    const replace = section(report, 'ReplaceStack');
    expect(replace).toContain('```mermaid');
    expect(replace).toMatch(/n_Rides\[\("DynamoDB table \(replaced\)<br\/>Rides"\)\]/);
    expect(replace).toContain('class n_Rides,n_Topic replaced'); // the topic, shown since labs diagram draws SNS topics, is replaced too
    const destroy = section(report, 'DestroyStack');
    expect(destroy).toMatch(/n_Site\[\("S3 bucket \(removed\)<br\/>Site"\)\]/);
    expect(destroy).toContain('class n_Site removed');
    expect(section(report, 'UpdateStack')).toContain('class n_Fn changed');
  });

  test('IAM broadening: flagged, with the statements added and removed and the new cdk-nag acknowledgment', () => {
    const s = section(report, 'IamStack');
    expect(s).toContain('> **Permissions broadened:**');
    expect(s).toContain('| + | Allow | s3:* | * | AWS:${FnRole} |');
    expect(s).toContain('| - | Allow | s3:GetObject | ${Bucket.Arn}/* | AWS:${FnRole} |');
    expect(s).toContain('| `AwsSolutions-IAM5` | `ReadPolicy` | acknowledged: the lab needs every bucket |');
  });

  test('a security group opened to the world is called out', () => {
    const s = section(report, 'SecurityGroupStack');
    expect(s).toContain('> **Open to the world:** `${WebSg.GroupId}` TCP 22 from Everyone (IPv4).');
    expect(s).toContain('| + | ${WebSg.GroupId} | In | TCP 22 | **Everyone (IPv4)** |');
  });

  test('cost change: hourly cost before and after, and by resource', () => {
    // Before: t4g.small $0.0168 + 8 GB gp3 ($0.64/month over 730 h). After: t4g.large $0.0672 + the same
    // volume + a NAT gateway $0.045 + its Elastic IP $0.005. The instance's public IP is unpriced in both
    // (its subnet is outside the template).
    const volume = (8 * 0.08) / 730;
    const before = (0.0168 + volume).toFixed(4);
    const after = (0.0672 + volume + 0.045 + 0.005).toFixed(4);
    const s = section(report, 'CostStack');
    expect(s).toContain(`Hourly cost: $${before}/h + 1 unpriced -> $${after}/h + 1 unpriced (+$0.1004/h).`);
    expect(s).toContain(`| \`Server\` | AWS::EC2::Instance | $${before}/h + 1 unpriced | $${(0.0672 + volume).toFixed(4)}/h + 1 unpriced |`);
    expect(s).toContain('| `Nat` | AWS::EC2::NatGateway | - | $0.0450/h |');
    expect(s).toContain('| `Server` (may be replaced) | AWS::EC2::Instance | InstanceType | InstanceType (replaces) |');
  });

  test('a stack with only CDK metadata changes gets no section; a stack gone from the app is explained', () => {
    expect(report).not.toContain('## UnchangedStack');
    expect(section(report, 'RetiredStack')).toContain('No longer in the app. `cdk deploy` does not delete a stack');
  });
});

test('with no change, one line', async () => {
  const report = await runReview([], { base: 'main', baseTemplates: BASE, templates: BASE }, undefined, undefined, fixtureLinter);
  expect(report).toBe('No infrastructure change against main: every stack synthesizes to the same template.');
});

test('a filtered review with no change speaks only of the stacks it reviewed', async () => {
  const report = await fixtureReview(['UnchangedStack']);
  expect(report).toBe('No infrastructure change against origin/main in UnchangedStack (the only stacks reviewed): each synthesizes to the same template.');
  expect(report).not.toContain('every stack');
});

test('--fail-on-destroy: a destructive change exits with its own status after the report; a harmless one passes', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'review-')), 'review.md');
  await expect(
    runReview(['DestroyStack'], { base: 'main', baseTemplates: BASE, templates: HEAD, failOnDestroy: true, output: out }, undefined, undefined, fixtureLinter),
  ).rejects.toEqual(new CliError('the change destroys or replaces 2 resources (--fail-on-destroy)', EXIT.destructiveChange));
  // Not a status that means something else (2 is "AWS is not set up"), and the README's table says what it means.
  expect(Object.entries(EXIT).filter(([, code]) => code === EXIT.destructiveChange)).toHaveLength(1);
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toMatch(new RegExp(`^\\| ${EXIT.destructiveChange} \\| .*labs review --fail-on-destroy.*destroys or replaces`, 'm'));
  expect(fs.readFileSync(out, 'utf8')).toContain('## DestroyStack');
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  await expect(fixtureReview(['UpdateStack', 'CreateStack'], { failOnDestroy: true })).resolves.toContain('## UpdateStack');
});

test('cfn-lint findings the change introduces, and only those', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'review-lint-'));
  const write = (side: string, findings: object[]) => {
    fs.mkdirSync(path.join(tmp, side));
    fs.writeFileSync(path.join(tmp, side, 'LintStack.template.json'), JSON.stringify({ Metadata: { FixtureLintFindings: findings }, Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { DelaySeconds: side === 'head' ? 5 : 0 } } } }));
  };
  const old = { rule: 'W3005', where: 'Resources/Fn/DependsOn', message: 'redundant' };
  write('base', [old]);
  write('head', [old, { rule: 'E3012', where: 'Resources/Q/Properties/DelaySeconds', message: "'abc' is not of type 'integer'" }]);
  const report = renderReview(reviewStacks('main', readTemplates(path.join(tmp, 'base')), readTemplates(path.join(tmp, 'head')), fixtureLinter));
  expect(report).toContain("| E3012 | Warning | `Resources/Q/Properties/DelaySeconds` | 'abc' is not of type 'integer' |");
  expect(report).not.toContain('W3005');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("cfn-lint's JSON output is read by rule, path and message", () => {
  const json = JSON.stringify([
    { Level: 'Error', Location: { Path: ['Resources', 'Q', 'Properties', 'Bogus'], Start: { LineNumber: 1 } }, Message: "Additional properties are not allowed ('Bogus' was unexpected)", Rule: { Id: 'E3002' } },
  ]);
  expect(parseCfnLintJson(json)).toEqual([
    {
      key: "E3002|Resources/Q/Properties/Bogus|Additional properties are not allowed ('Bogus' was unexpected)",
      rule: 'E3002',
      level: 'Error',
      where: 'Resources/Q/Properties/Bogus',
      message: "Additional properties are not allowed ('Bogus' was unexpected)",
    },
  ]);
});

test('cdk-nag findings come from the stack metadata: acknowledged rules with reasons, and warnings', () => {
  const findings = nagFindings({
    name: 'S',
    templateFile: 'S.template.json',
    template: { Resources: {} },
    metadata: {
      '/S/Bucket': [{ type: 'aws:cdk:acknowledged-rules', data: { 'Annotation::AwsSolutions-S1': 'no access logs for a lab bucket' } }],
      '/S/Role': [{ type: 'aws:cdk:warning', data: '[AwsSolutions-IAM4] The IAM user, role, or group uses AWS managed policies.' }],
      '/S/Other': [{ type: 'aws:cdk:logicalId', data: 'Other' }],
    },
  });
  expect(findings.map((f) => [f.rule, f.path, f.level, f.reason])).toEqual([
    ['AwsSolutions-S1', '/S/Bucket', 'acknowledged', 'no access logs for a lab bucket'],
    ['AwsSolutions-IAM4', '/S/Role', 'warning', undefined],
  ]);
});

describe('against a git ref', () => {
  const gitIn = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
  let repo: string;
  let synthCalls: string[];
  let installs: string[];
  // Stands in for cdk synth: copies the fixture folder the checkout's side.txt names.
  const deps = {
    synth: (dir: string, out: string) => {
      synthCalls.push(dir);
      const side = fs.readFileSync(path.join(dir, 'side.txt'), 'utf8').trim();
      fs.cpSync(path.join(FIXTURES, side), out, { recursive: true });
    },
    install: (dir: string) => installs.push(dir),
  };

  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'review-repo-'));
    synthCalls = [];
    installs = [];
    gitIn(repo, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules\n');
    fs.writeFileSync(path.join(repo, 'package-lock.json'), '{"lockfileVersion": 3}\n');
    fs.writeFileSync(path.join(repo, 'side.txt'), 'base\n');
    fs.mkdirSync(path.join(repo, 'node_modules'));
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-qm', 'base');
    gitIn(repo, 'checkout', '-qb', 'change');
    fs.writeFileSync(path.join(repo, 'side.txt'), 'head\n');
    gitIn(repo, 'commit', '-qam', 'change');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('synthesizes the base in a temporary worktree that reuses node_modules, then removes it', async () => {
    const report = await runReview(['CostStack'], { base: 'main', cfnLint: false }, repo, deps);
    expect(report).toContain('## CostStack');
    expect(synthCalls).toHaveLength(2);
    expect(synthCalls[0]).not.toBe(repo); // the base, in its worktree
    expect(synthCalls[1]).toBe(repo);
    expect(installs).toEqual([]); // same package-lock.json: node_modules linked
    expect(fs.existsSync(synthCalls[0])).toBe(false);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  test('runs npm ci in the base worktree only when its package-lock.json differs', async () => {
    fs.writeFileSync(path.join(repo, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n');
    gitIn(repo, 'commit', '-qam', 'new dependency');
    await runReview(['CostStack'], { base: 'main', cfnLint: false }, repo, deps);
    expect(installs).toEqual([synthCalls[0]]);
  });

  test('a bad ref, a dirty tree, an unknown stack, a folder outside git: one clear error each', async () => {
    await expect(runReview([], { base: 'no-such-branch' }, repo, deps)).rejects.toThrow(
      new CliError('unknown git ref "no-such-branch": name a branch, tag or commit (for origin/main, run git fetch origin main first)'),
    );
    await expect(runReview(['NoSuchStack'], { base: 'main', cfnLint: false }, repo, deps)).rejects.toThrow(/^unknown stack NoSuchStack; the app has: CostStack, CreateStack/);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1); // cleaned up after the error too
    fs.writeFileSync(path.join(repo, 'side.txt'), 'edited\n');
    await expect(runReview([], { base: 'main' }, repo, deps)).rejects.toThrow(
      new CliError('the working tree has 1 uncommitted change (first: side.txt): commit or stash them, so the review shows what a commit would change'),
    );
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'not-git-'));
    await expect(runReview([], { base: 'main' }, outside, deps)).rejects.toThrow(/is not a git checkout .*: labs review compares git commits$/);
    fs.rmSync(outside, { recursive: true, force: true });
    expect(synthCalls).toHaveLength(2); // only the unknown-stack run got as far as synthesizing
  });
});

test('from the command line, a bad ref is one line and exit 1', async () => {
  const lines: string[] = [];
  expect(await run(['review', '--base', 'refs/heads/no-such-branch-for-labs-review'], (l) => lines.push(l))).toBe(1);
  expect(lines).toEqual([
    'labs: unknown git ref "refs/heads/no-such-branch-for-labs-review": name a branch, tag or commit (for origin/main, run git fetch origin main first)',
  ]);
});

test('a failed synth is one line: each validation error with its construct path', () => {
  const output = [
    'Bundling asset StaticSiteLabStack/LabExpiry/ExpiryTime/Function/Code/Stage...',
    'lib/static-site/static-site-lab-stack.ts:49:10',
    'ERROR The IAM entity contains wildcard permissions and does not have a cdk-nag rule suppression with evidence for those permission. (AwsSolutions)',
    '   StaticSiteLabStack/DemoRole/DefaultPolicy/Resource aws-cdk-lib.aws_iam.CfnPolicy',
    "   Acknowledge with 'AwsSolutions::AwsSolutions-IAM5[Resource::<SiteBucket978D4AEB.Arn>/*]'",
    'Synthesis finished with errors',
  ].join('\n');
  expect(synthFailure(output)).toBe(
    'ERROR The IAM entity contains wildcard permissions and does not have a cdk-nag rule suppression with evidence for those permission. (AwsSolutions) at StaticSiteLabStack/DemoRole/DefaultPolicy/Resource',
  );
  expect(synthFailure('Bundling...\ncourse-labs: Invalid value "x" for setting "ttlHours".\n')).toBe('course-labs: Invalid value "x" for setting "ttlHours".');
});

test('rule ids with <...> stay visible in the Markdown (code spans), other cells escape them', () => {
  const stack = (acks: Record<string, string>) => ({
    name: 'S',
    templateFile: 'S.template.json',
    template: { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { DelaySeconds: Object.keys(acks).length } } } },
    metadata: { '/S/Role': [{ type: 'aws:cdk:acknowledged-rules', data: acks }] },
  });
  const report = renderReview(reviewStacks('main', [stack({})], [stack({ 'Annotation::AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]': 'reads <every> object' })]));
  expect(report).toContain('| `AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]` | `/S/Role` | acknowledged: reads &lt;every&gt; object |');
});
