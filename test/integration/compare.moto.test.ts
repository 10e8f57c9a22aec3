/**
 * `labs compare --stacks`: the URLs come from the stacks' SiteUrl outputs and the idle prices from their
 * deployed templates, read from moto's CloudFormation; the two sites are local HTTP servers with known
 * delays. Kept short: 20 requests per site.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { run } from '../../lib/cli/main';
import { io } from '../../lib/cli/io';
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../../lib/shared/tags';
import { Moto, pointAwsSdkAt, startMoto } from '../helpers/moto';

jest.setTimeout(60_000);

let moto: Moto;
const servers: http.Server[] = [];

async function server(delayMs: number): Promise<string> {
  const s = http.createServer((_req, res) => setTimeout(() => res.end('<!doctype html><html>same page</html>'), delayMs));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  servers.push(s);
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  moto = await startMoto();
  pointAwsSdkAt(moto);
});
afterAll(async () => {
  await moto?.stop();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A lab stack in moto whose SiteUrl output is `url`; `resources` decide its idle price. */
async function labStack(name: string, lab: string, url: string | undefined, resources: Record<string, unknown>): Promise<void> {
  const template = { Resources: resources, Outputs: url ? { SiteUrl: { Value: url } } : {} };
  await new CloudFormationClient({}).send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: JSON.stringify(template),
      Tags: [
        { Key: TAG_KEYS.project, Value: PROJECT_TAG_VALUE },
        { Key: TAG_KEYS.lab, Value: lab },
        { Key: TAG_KEYS.stack, Value: name },
      ],
    }),
  );
}

async function labs(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(io, 'out').mockImplementation((line) => void out.push(line));
  const e = jest.spyOn(io, 'err').mockImplementation((line) => void err.push(line));
  try {
    const code = await run(args, (line) => err.push(line));
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

test('reads each stack’s SiteUrl and prices it from its template; the faster site comes out faster', async () => {
  // 2 ms against 200 ms: far enough apart that a loaded machine cannot swap them (test/cli/compare.test.ts).
  const [fast, slow] = await Promise.all([server(2), server(200)]);
  await labStack('StaticSiteLabStack', 'static-site', fast, { Topic: { Type: 'AWS::SNS::Topic' } });
  // An Elastic IP: a public IPv4 address, $0.005/h, whatever serves the page.
  await labStack('WebServerLabStack', 'web-server', slow, { Address: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } } });

  const r = await labs('compare', '--stacks', 'StaticSiteLabStack', 'WebServerLabStack', '-n', '20', '-c', '4', '--json');
  expect(r.code).toBe(0);
  const [a, b] = JSON.parse(r.out).results;
  expect(a).toMatchObject({ label: 'A', stack: 'StaticSiteLabStack', url: fast, requests: 20, errors: 0 });
  expect(b).toMatchObject({ label: 'B', stack: 'WebServerLabStack', url: slow, requests: 20, errors: 0 });
  expect(a.price.idleUsdPerHour).toBe(0);
  expect(b.price.idleUsdPerHour).toBeCloseTo(0.005, 9);
  expect(a.latencyMs.p50).toBeLessThan(b.latencyMs.p50);
  expect(a.requestsPerSecond).toBeGreaterThan(b.requestsPerSecond);
});

test('a stack without a SiteUrl output, or one that does not exist: one line, exit 4', async () => {
  await labStack('HadoopLabStack', 'hadoop', undefined, { Topic: { Type: 'AWS::SNS::Topic' } });
  const noSite = await labs('compare', '--stacks', 'StaticSiteLabStack', 'HadoopLabStack');
  expect(noSite.code).toBe(4);
  expect(noSite.err).toBe('labs: HadoopLabStack has no SiteUrl output: labs compare measures a lab that serves a site.');

  const missing = await labs('compare', '--stacks', 'StaticSiteLabStack', 'NoSuchLabStack');
  expect(missing.code).toBe(4);
  expect(missing.err).toMatch(/^labs: No stack named "NoSuchLabStack" in us-east-1\. Lab stacks in us-east-1: /);
  expect(missing.out).toBe('');
});
