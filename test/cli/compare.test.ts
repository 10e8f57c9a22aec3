/**
 * `labs compare` against two local HTTP servers with known delays (the faster must come out faster), its
 * one-line errors, and the per-request prices it prints. Kept short: 40 requests per site.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { formatComparison, SiteResult } from '../../lib/cli/commands/compare';
import { deliveryOf, pricePerMillionRequests } from '../../lib/cli/compare/price';
import { run } from '../../lib/cli/main';
import { PRICE_TABLE } from '../../lib/cli/pricing';

/** Runs `labs <args>` in-process; returns the status, stdout and stderr. */
async function labs(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    const code = await run(args, (line) => err.push(`${line}\n`));
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const PAGE = '<!doctype html><html><body>the same page on both</body></html>';

/** A server that answers every request with PAGE after `delayMs`. */
async function server(delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const s = http.createServer((_req, res) => setTimeout(() => res.end(PAGE), delayMs));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => s.close(() => resolve())) };
}

/** A port nothing listens on: one a server had, then closed. */
async function closedPort(): Promise<string> {
  const s = await server(0);
  await s.close();
  return s.url;
}

const SLOW_MS = 200;

describe('against two local servers', () => {
  let fast: { url: string; close: () => Promise<void> };
  let slow: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    // 2 ms against 200 ms: far enough apart that a loaded CI machine (which has added over 100 ms to the fast
    // side's p50 here) cannot swap them.
    [fast, slow] = await Promise.all([server(2), server(SLOW_MS)]);
  });
  afterAll(async () => {
    await Promise.all([fast.close(), slow.close()]);
  });

  test('the faster server comes out faster, in order A then B, whichever is given first', async () => {
    const r = await labs('compare', slow.url, fast.url, '--requests', '40', '--connections', '4', '--json');
    expect(r.code).toBe(0);
    const { load, results } = JSON.parse(r.out);
    expect(load).toMatchObject({ connections: 4, requests: 40 });
    const [a, b] = results;
    expect([a.label, a.url, b.label, b.url]).toEqual(['A', slow.url, 'B', fast.url]);
    for (const x of [a, b]) {
      expect(x).toMatchObject({ requests: 40, errors: 0, non2xx: 0, timeouts: 0, servedBy: 'server', stack: null });
      expect(x.bytesPerRequest).toBeGreaterThan(PAGE.length); // the body and its headers
      expect(x.price.idleUsdPerHour).toBeNull();
    }
    expect(a.latencyMs.p50).toBeGreaterThanOrEqual(SLOW_MS);
    expect(b.latencyMs.p50).toBeLessThan(a.latencyMs.p50);
    expect(b.requestsPerSecond).toBeGreaterThan(a.requestsPerSecond * 2);
    // 4 connections each waiting at least 200 ms: at most 20 requests per second from the slow one.
    expect(a.requestsPerSecond).toBeLessThanOrEqual((4 * 1000) / SLOW_MS);
    expect(r.err).toContain(`Loading A ${slow.url} (4 connections, 40 requests)`);
  });

  test('the table names the faster side', async () => {
    const r = await labs('compare', fast.url, slow.url, '-n', '20', '-c', '4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ +A +B$/m);
    expect(r.out).toMatch(/^latency p50 +\d/m);
    expect(r.out).toMatch(/^price idle +unknown \(use --stacks\) +unknown \(use --stacks\)$/m);
    expect(r.out).toContain('Faster: A (p50 ');
  });

  test('a site that answers but never with 2xx: both sides printed, then one line, exit 5', async () => {
    const broken = http.createServer((_req, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/`;
    try {
      const r = await labs('compare', fast.url, url, '-n', '10', '-c', '2', '--json');
      expect(r.code).toBe(5);
      const { results } = JSON.parse(r.out);
      expect(results.map((x: SiteResult) => [x.label, x.errors, x.non2xx])).toEqual([
        ['A', 0, 0],
        ['B', 10, 10],
      ]);
      expect(r.err).toContain(`labs: no request to B ${url} succeeded (10 non-2xx answers, 0 connection errors of which 0 timeouts): no comparison.\n`);
    } finally {
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  test('bytes per request: the weight of a served page, though every other answer is a short 503', async () => {
    const body = 'x'.repeat(4000);
    let n = 0;
    const flaky = http.createServer((_req, res) => {
      if (n++ % 2 === 1) {
        res.statusCode = 503;
        return void res.end('down');
      }
      res.end(body);
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/`;
    try {
      const r = await labs('compare', url, fast.url, '-n', '20', '-c', '1', '--json');
      expect(r.code).toBe(0);
      const [a] = JSON.parse(r.out).results;
      expect(a.non2xx).toBeGreaterThan(0);
      expect(a.bytesPerRequest).toBeGreaterThan(body.length);
      expect(a.bytesPerRequest).toBeLessThan(body.length + 400); // the headers
    } finally {
      await new Promise((resolve) => flaky.close(resolve));
    }
  });

  test('a site that answers the probe, then drops every connection: no answer is not "faster", exit 5', async () => {
    let answered = false;
    const dropping = http.createServer((req, res) => {
      if (answered) return void req.socket.destroy();
      answered = true;
      res.end(PAGE);
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/`;
    try {
      const r = await labs('compare', url, fast.url, '-n', '10', '-c', '2');
      expect(r.code).toBe(5);
      expect(r.err).toMatch(new RegExp(`labs: no request to A ${url.replace(/[.]/g, '\\.')} succeeded \\(0 non-2xx answers, \\d+ connection errors of which 0 timeouts\\): no comparison\\.\n$`));
    } finally {
      await new Promise((resolve) => dropping.close(resolve));
    }
  });

  test('an unreachable host: one line, exit 5, before any load', async () => {
    const closed = await closedPort();
    const r = await labs('compare', fast.url, closed, '-n', '5');
    expect(r.code).toBe(5);
    expect(r.err).toBe(`labs: cannot reach ${closed}: ECONNREFUSED. Is the lab deployed and its URL right?\n`);
    expect(r.out).toBe('');
  });
});

test.each([
  [['compare', 'ftp://example.com/', 'http://127.0.0.1/'], 'labs: "ftp://example.com/" is not an http:// or https:// URL.\n'],
  [['compare', 'not a url', 'http://127.0.0.1/'], 'labs: "not a url" is not a URL: give an http:// or https:// address, such as a stack\'s SiteUrl output.\n'],
  [['compare', 'http://127.0.0.1/'], 'labs: give two URLs (labs compare <url-a> <url-b>) or two stacks (labs compare --stacks <stack-a> <stack-b>).\n'],
  [['compare', '--stacks', 'StaticSiteLabStack'], 'labs: --stacks takes two stack names, got 1: StaticSiteLabStack.\n'],
  [['compare', '--stacks', 'A', 'B b'], 'labs: Invalid stack name "B b": a stack name starts with a letter and has only letters, digits and hyphens (at most 128), e.g. StaticSiteLabStack.\n'],
  [
    ['compare', 'http://a.test/', 'http://b.test/', '--duration', '0'],
    "labs: option '-d, --duration <seconds>' argument '0' is invalid. \"0\" is not allowed: --duration must be a whole number from 1 to 3600. (run labs --help for usage)\n",
  ],
  [
    ['compare', 'http://a.test/', 'http://b.test/', '--connections', '-2'],
    "labs: option '-c, --connections <n>' argument '-2' is invalid. \"-2\" is not allowed: --connections must be a whole number from 1 to 1000. (run labs --help for usage)\n",
  ],
  [
    ['compare', 'http://a.test/', 'http://b.test/', '-n', '1.5'],
    "labs: option '-n, --requests <count>' argument '1.5' is invalid. \"1.5\" is not allowed: --requests must be a whole number from 1 to 10000000. (run labs --help for usage)\n",
  ],
  [
    ['compare', 'http://a.test/', 'http://b.test/', '-c', '100000'],
    "labs: option '-c, --connections <n>' argument '100000' is invalid. \"100000\" is not allowed: --connections must be a whole number from 1 to 1000. (run labs --help for usage)\n",
  ],
  [
    // Past Node's timer limit a run would end at once and print a measurement of nothing.
    ['compare', 'http://a.test/', 'http://b.test/', '-d', '3000000'],
    "labs: option '-d, --duration <seconds>' argument '3000000' is invalid. \"3000000\" is not allowed: --duration must be a whole number from 1 to 3600. (run labs --help for usage)\n",
  ],
  [
    ['compare', 'http://a.test/', 'http://b.test/', '--timeout', '86400'],
    "labs: option '--timeout <seconds>' argument '86400' is invalid. \"86400\" is not allowed: --timeout must be a whole number from 1 to 600. (run labs --help for usage)\n",
  ],
])('labs %j: one line, exit 1, nothing loaded', async (args, message) => {
  const r = await labs(...args);
  expect(r.code).toBe(1);
  expect(r.err).toBe(message);
  expect(r.out).toBe('');
});

describe('prices per million requests, from the price table', () => {
  const p = PRICE_TABLE.perRequest;
  const KIB = 1024;

  test('who serves a URL, by its host name', () => {
    expect(deliveryOf(new URL('https://d111111abcdef8.cloudfront.net/'))).toBe('cloudfront');
    expect(deliveryOf(new URL('http://bucket.s3-website-us-east-1.amazonaws.com/'))).toBe('s3-website');
    expect(deliveryOf(new URL('http://bucket.s3-website.eu-central-1.amazonaws.com/'))).toBe('s3-website');
    expect(deliveryOf(new URL('http://ec2-203-0-113-10.compute-1.amazonaws.com/'))).toBe('server');
  });

  test('CloudFront over HTTPS: $1.00 per million requests plus transfer at $0.085/GB', () => {
    const price = pricePerMillionRequests('cloudfront', new URL('https://d1.cloudfront.net/'), 4 * KIB);
    expect(price.requestsUsd).toBeCloseTo(p.cloudfrontHttpsPer10000.usd * 100, 9);
    expect(price.requestsUsd).toBeCloseTo(1.0, 9);
    expect(price.transferUsd).toBeCloseTo(((4 * KIB * 1e6) / 1024 ** 3) * 0.085, 9);
  });

  test('the S3 website endpoint: $0.40 per million GETs plus transfer at $0.09/GB; a server: transfer only', () => {
    const s3 = pricePerMillionRequests('s3-website', new URL('http://b.s3-website-us-east-1.amazonaws.com/'), 4 * KIB);
    expect(s3.requestsUsd).toBeCloseTo(0.4, 9);
    expect(s3.transferUsd).toBeCloseTo(((4 * KIB * 1e6) / 1024 ** 3) * 0.09, 9);
    const ec2 = pricePerMillionRequests('server', new URL('http://ec2.test/'), 4 * KIB);
    expect(ec2.requestsUsd).toBe(0);
    expect(ec2.usdPerMillion).toBeCloseTo(s3.transferUsd, 9);
  });

  test('every per-request price has a source and the date it was checked', () => {
    for (const [key, price] of Object.entries(p)) {
      if (key === '$comment') continue;
      expect(price).toMatchObject({ usd: expect.any(Number), source: expect.stringMatching(/^https:\/\/aws\.amazon\.com\//), checked: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    }
  });
});

test('with --stacks, the table shows each stack and its idle price', () => {
  const result = (label: string, stack: string, url: string, idle: number, p50: number): SiteResult => ({
    label,
    url,
    stack,
    servedBy: deliveryOf(new URL(url)),
    requests: 100,
    requestsPerSecond: 1000 / p50,
    latencyMs: { p50, p90: p50 * 2, p99: p50 * 3 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    bytes: 400_000,
    bytesPerRequest: 4000,
    price: { idleUsdPerHour: idle, perMillionRequests: pricePerMillionRequests(deliveryOf(new URL(url)), new URL(url), 4000) },
  });
  const text = formatComparison([
    result('A', 'StaticSiteLabStack', 'https://d1.cloudfront.net/', 0, 12),
    result('B', 'WebServerLabStack', 'http://ec2-203-0-113-10.compute-1.amazonaws.com/', 0.0143, 35),
  ]);
  expect(text).toMatch(/^ +A: StaticSiteLabStack +B: WebServerLabStack$/m);
  expect(text).toMatch(/^served by +CloudFront +a server \(EC2 or other\)$/m);
  expect(text).toMatch(/^price idle +\$0\.0000\/h +\$0\.0143\/h$/m);
  expect(text).toContain('Faster: A: StaticSiteLabStack (p50 12 ms against 35 ms');
});
