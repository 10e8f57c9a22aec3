/**
 * The web-server lab's `labs check` checks against moto_server's EC2 (the security group, read by its tags as
 * on AWS) and an injected fetch that plays the server's pages: each check passing, and failing for the
 * reason it exists.
 */
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsSession } from '../../lib/cli/aws/session';
import { checksFor } from '../../lib/cli/check';
import { CheckContext, CheckResult } from '../../lib/cli/check/types';
import { CHECK_NAMES } from '../../lib/cli/check/web-server';
import { LabStack } from '../../lib/cli/inventory/stacks';
import { TAG_KEYS } from '../../lib/shared/tags';
import { Moto, pointAwsSdkAt, startMoto } from '../helpers/moto';

jest.setTimeout(60_000);

let moto: Moto;
let ec2: EC2Client;
beforeAll(async () => {
  moto = await startMoto();
  pointAwsSdkAt(moto);
  ec2 = new EC2Client({});
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

const HOST = 'ec2-203-0-113-10.compute-1.amazonaws.com';
const OUTPUTS = { SiteUrl: `http://${HOST}/`, PhpPageUrl: `http://${HOST}/db.php` };
const SITE = '<!doctype html><html><body><h1>Your S3 static website is live</h1></body></html>';
const PHP_OK = '<html><p class="badge" id="mariadb">MariaDB: connected</p><h1>PHP read this from MariaDB</h1></html>';

function stack(name: string, outputs: Record<string, string>): LabStack {
  return { name, id: `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/1`, lab: 'web-server', status: 'CREATE_COMPLETE', createdAt: new Date(), outputs, tags: {} };
}

/** The lab's security group in moto: tagged with the stack, with these ingress rules. */
async function securityGroup(stackName: string, rules: Array<{ port: number; cidr: string }>): Promise<string> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/24' }))).Vpc!.VpcId!;
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `${stackName}-web`,
      Description: 'EC2 web server lab',
      VpcId: vpc,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: TAG_KEYS.stack, Value: stackName }] }],
    }),
  );
  if (rules.length > 0) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId,
        IpPermissions: rules.map((r) => ({ IpProtocol: 'tcp', FromPort: r.port, ToPort: r.port, IpRanges: [{ CidrIp: r.cidr }] })),
      }),
    );
  }
  // A decoy of another stack that opens 22 to the world: never read.
  const decoy = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'other-lab',
      Description: 'another stack',
      VpcId: vpc,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: TAG_KEYS.stack, Value: 'OtherLabStack' }] }],
    }),
  );
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: decoy.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  return group.GroupId!;
}

/** A fetch that serves `pages` by URL (a missing one is a refused connection). */
function fakeFetch(pages: Record<string, { status: number; body: string }>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const page = pages[String(input)];
    if (!page) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    return new Response(page.body, { status: page.status });
  }) as typeof fetch;
}

async function check(s: LabStack, pages: Record<string, { status: number; body: string }>): Promise<Record<string, CheckResult>> {
  const checks = checksFor('web-server')!;
  const context: CheckContext = {
    stack: s,
    session: new AwsSession({ region: 'us-east-1' }),
    fetch: fakeFetch(pages),
    sleep: async () => undefined,
    now: () => new Date('2026-12-05T00:00:00Z'),
    progress: () => undefined,
  };
  const results = await checks.run(context);
  expect(results.map((r) => r.name)).toEqual(Object.values(CHECK_NAMES));
  return Object.fromEntries(results.map((r) => [r.name, r]));
}

const WORKING = { [OUTPUTS.SiteUrl]: { status: 200, body: SITE }, [OUTPUTS.PhpPageUrl]: { status: 200, body: PHP_OK } };

test('a working lab at defaults: every check passes, port 22 closed', async () => {
  const group = await securityGroup('WebServerLabStack', [{ port: 80, cidr: '0.0.0.0/0' }]);
  const r = await check(stack('WebServerLabStack', OUTPUTS), WORKING);
  expect(Object.values(r).map((x) => x.status)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
  expect(r[CHECK_NAMES.ssh].detail).toBe(`port 22 closed on ${group}: connect with Session Manager`);
});

test('with webServerSshCidr: port 22 open to that range only passes', async () => {
  await securityGroup('WebServerLabStack-alice', [
    { port: 80, cidr: '0.0.0.0/0' },
    { port: 22, cidr: '203.0.113.7/32' },
  ]);
  const r = await check(stack('WebServerLabStack-alice', { ...OUTPUTS, ServerSsh: 'aws ec2-instance-connect ssh ...' }), WORKING);
  expect(r[CHECK_NAMES.ssh]).toMatchObject({ status: 'PASS', detail: expect.stringMatching(/^port 22 open only to 203\.0\.113\.7\/32 \(sg-/) });
});

test('port 22 opened by hand without the setting fails; open to the world fails even with it', async () => {
  await securityGroup('WebServerLabStack', [{ port: 22, cidr: '198.51.100.0/24' }]);
  const r = await check(stack('WebServerLabStack', OUTPUTS), WORKING);
  expect(r[CHECK_NAMES.ssh]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('port 22 is open to 198.51.100.0/24') });

  await moto.reset();
  await securityGroup('WebServerLabStack', [{ port: 22, cidr: '0.0.0.0/0' }]);
  const world = await check(stack('WebServerLabStack', { ...OUTPUTS, ServerSsh: 'x' }), WORKING);
  expect(world[CHECK_NAMES.ssh]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('port 22 is open to the world: 0.0.0.0/0') });
});

test('a bare server (nothing installed yet): both pages fail with what to do; a PHP page without MariaDB fails its check', async () => {
  await securityGroup('WebServerLabStack', [{ port: 80, cidr: '0.0.0.0/0' }]);
  const bare = await check(stack('WebServerLabStack', OUTPUTS), {});
  expect(bare[CHECK_NAMES.site]).toMatchObject({ status: 'FAIL', detail: `no answer from ${OUTPUTS.SiteUrl} (ECONNREFUSED): is Apache running? sudo systemctl status httpd` });
  expect(bare[CHECK_NAMES.phpPage].status).toBe('FAIL');
  expect(bare[CHECK_NAMES.mariadb].status).toBe('FAIL');

  const noDb = await check(stack('WebServerLabStack', OUTPUTS), {
    ...WORKING,
    [OUTPUTS.PhpPageUrl]: { status: 503, body: '<p id="mariadb">MariaDB: not reached</p><p>Connection refused</p>' },
  });
  expect(noDb[CHECK_NAMES.site].status).toBe('PASS');
  expect(noDb[CHECK_NAMES.phpPage]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('answered 503: MariaDB: not reached Connection refused') });
  expect(noDb[CHECK_NAMES.mariadb]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('Is MariaDB running?') });

  // A 200 is not enough: without the page's "connected" line, MariaDB was not shown to answer.
  const other = await check(stack('WebServerLabStack', OUTPUTS), { ...WORKING, [OUTPUTS.PhpPageUrl]: { status: 200, body: '<h1>PHP works</h1>' } });
  expect(other[CHECK_NAMES.phpPage].status).toBe('PASS');
  expect(other[CHECK_NAMES.mariadb]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('PHP works. Is MariaDB running?') });

  const source = await check(stack('WebServerLabStack', OUTPUTS), { ...WORKING, [OUTPUTS.PhpPageUrl]: { status: 200, body: '<?php echo "MariaDB: connected"; ?>' } });
  expect(source[CHECK_NAMES.mariadb]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('PHP is not running behind Apache') });
});

test('a stack without the outputs (an older deploy) fails, naming the output and the fix', async () => {
  await securityGroup('WebServerLabStack', []);
  const r = await check(stack('WebServerLabStack', {}), WORKING);
  expect(r[CHECK_NAMES.site].detail).toBe('WebServerLabStack has no SiteUrl output: redeploy it from this checkout (npx cdk deploy WebServerLabStack).');
  expect(r[CHECK_NAMES.ssh].status).toBe('PASS');
});
