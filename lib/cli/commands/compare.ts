import { Command, InvalidArgumentError, Option } from 'commander';
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { AwsSession } from '../aws/session';
import { measure, Measurement, parseSiteUrl, probe } from '../compare/measure';
import { DELIVERY_NAMES, deliveryOf, Delivery, pricePerMillionRequests, RequestPrice } from '../compare/price';
import { estimateStack } from '../cost/estimate';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { formatBytes, table } from '../format';
import { checkStackName, getLabStack } from '../inventory/stacks';
import { io } from '../io';
import { formatUsdPerHour } from '../pricing';
import { RegionOption, withRegion, withSession } from './common';

/** The stack output that holds a lab's page to measure. */
export const SITE_URL_OUTPUT = 'SiteUrl';

/** Defaults: enough connections to show queueing on a small instance, short enough for a lab session. */
export const COMPARE_DEFAULTS = { connections: 10, durationSeconds: 10, timeoutSeconds: 10 } as const;

interface CompareOptions extends RegionOption {
  readonly stacks?: string[];
  readonly connections: number;
  readonly duration: number;
  readonly requests?: number;
  readonly timeout: number;
  readonly json?: boolean;
}

/** One side of the comparison. */
export interface Site {
  readonly label: string;
  readonly url: URL;
  /** The lab stack it came from (`--stacks`). */
  readonly stack?: string;
  /** The stack's idle price per hour, from its deployed template (`--stacks` only). */
  readonly idleUsdPerHour?: number;
}

/** The result of one side, as `--json` prints it. */
export interface SiteResult {
  readonly label: string;
  readonly url: string;
  readonly stack: string | null;
  readonly servedBy: Delivery;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: Measurement['latencyMs'];
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly bytes: number;
  readonly bytesPerRequest: number;
  readonly price: { readonly idleUsdPerHour: number | null; readonly perMillionRequests: RequestPrice };
}

/**
 * The most each option takes: more connections than a laptop opens sockets for, or times past Node's timer
 * limit (about 24.8 days, beyond which a timer fires at once: https://nodejs.org/api/timers.html#settimeoutcallback-delay-args),
 * would give a run that ends at once or never, not a measurement.
 */
export const COMPARE_LIMITS = { connections: 1000, durationSeconds: 3600, requests: 10_000_000, timeoutSeconds: 600 } as const;

/** A whole number from 1 to `max`, or a usage error naming the option and the value. */
function positiveWholeNumber(what: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`"${value}" is not allowed: ${what} must be a whole number from 1 to ${max}.`);
    }
    return Number(value);
  };
}

/** `labs compare <url-a> <url-b>` or `labs compare --stacks <a> <b>`. */
export function registerCompare(program: Command): void {
  withRegion(
    program
      .command('compare')
      .summary('Load two sites with the same requests and compare speed, errors and price side by side')
      .description(
        'Requests the same page from two sites, one after the other, at a fixed concurrency for a fixed time (or number of requests) from this machine, ' +
          'and prints side by side: requests per second, latency p50/p90/p99, errors, bytes, and each one\'s price per hour idle and per million requests ' +
          '(from the price table). With --stacks, the URLs are the stacks\' SiteUrl outputs and the idle prices come from their deployed templates.',
      )
      .argument('[url-a]', 'the first site (http:// or https://)')
      .argument('[url-b]', 'the second site')
      .option('--stacks <stack...>', 'compare two lab stacks by their SiteUrl outputs, e.g. --stacks StaticSiteLabStack WebServerLabStack')
      .option('-c, --connections <n>', 'concurrent connections', positiveWholeNumber('--connections', COMPARE_LIMITS.connections), COMPARE_DEFAULTS.connections)
      .option('-d, --duration <seconds>', 'seconds to load each site', positiveWholeNumber('--duration', COMPARE_LIMITS.durationSeconds), COMPARE_DEFAULTS.durationSeconds)
      .addOption(new Option('-n, --requests <count>', 'requests per site in all, instead of a duration').argParser(positiveWholeNumber('--requests', COMPARE_LIMITS.requests)).conflicts('duration'))
      .option('--timeout <seconds>', 'seconds after which a request counts as an error', positiveWholeNumber('--timeout', COMPARE_LIMITS.timeoutSeconds), COMPARE_DEFAULTS.timeoutSeconds)
      .option('--json', 'print the results as JSON'),
  ).action(async (urlA: string | undefined, urlB: string | undefined, options: CompareOptions) => {
    const sites = options.stacks ? await sitesFromStacks(options, urlA) : sitesFromUrls(urlA, urlB);
    for (const site of sites) await probe(site.url.toString(), options.timeout);
    const load = { connections: options.connections, durationSeconds: options.duration, requests: options.requests, timeoutSeconds: options.timeout };
    const results: SiteResult[] = [];
    for (const site of sites) {
      io.err(`Loading ${site.label} ${site.url} (${options.connections} connections, ${options.requests ? `${options.requests} requests` : `${options.duration} s`})...`);
      results.push(toResult(site, await measure(site.url.toString(), load)));
    }
    // A side with no 2xx answer has no latency to compare (autocannon records 2xx latencies only), and one whose
    // connections all failed after the probe has no answers at all: either would come out "faster" at 0 ms.
    const failed = results.find((r) => r.requests - r.non2xx <= 0);
    if (options.json) io.out(JSON.stringify({ load, results }, null, 2));
    else io.out(formatComparison(results));
    if (failed) {
      const connectionErrors = failed.errors - failed.non2xx;
      throw new CliError(
        `no request to ${failed.label} ${failed.url} succeeded (${failed.non2xx} non-2xx answers, ${connectionErrors} connection errors of which ${failed.timeouts} timeouts): no comparison.`,
        EXIT.incomplete,
      );
    }
  });
}

function sitesFromUrls(a: string | undefined, b: string | undefined): Site[] {
  if (!a || !b) throw new CliError('give two URLs (labs compare <url-a> <url-b>) or two stacks (labs compare --stacks <stack-a> <stack-b>).', EXIT.usage);
  return [
    { label: 'A', url: parseSiteUrl(a) },
    { label: 'B', url: parseSiteUrl(b) },
  ];
}

async function sitesFromStacks(options: CompareOptions, strayUrl: string | undefined): Promise<Site[]> {
  const names = options.stacks ?? [];
  if (strayUrl) throw new CliError('give either two URLs or --stacks with two stack names, not both.', EXIT.usage);
  if (names.length !== 2) throw new CliError(`--stacks takes two stack names, got ${names.length}: ${names.join(' ') || '(none)'}.`, EXIT.usage);
  names.forEach(checkStackName);
  return withSession(options, async (session) =>
    Promise.all(
      names.map(async (name, i) => {
        const stack = await getLabStack(session, name);
        const url = stack.outputs[SITE_URL_OUTPUT];
        if (!url) throw new CliError(`${stack.name} has no ${SITE_URL_OUTPUT} output: labs compare measures a lab that serves a site.`, EXIT.notFound);
        return { label: i === 0 ? 'A' : 'B', url: parseSiteUrl(url), stack: stack.name, idleUsdPerHour: await idlePrice(session, stack.id, stack.name) };
      }),
    ),
  );
}

/** The stack's hourly price at rest, from the template CloudFormation holds, or undefined if it cannot be read. */
async function idlePrice(session: AwsSession, stackId: string, name: string): Promise<number | undefined> {
  const body = (await session.cloudFormation.send(new GetTemplateCommand({ StackName: stackId }))).TemplateBody;
  try {
    return body ? estimateStack(name, JSON.parse(body)).usdPerHour : undefined;
  } catch {
    return undefined; // a YAML template: not one this project deploys
  }
}

export function toResult(site: Site, m: Measurement): SiteResult {
  const servedBy = deliveryOf(site.url);
  return {
    label: site.label,
    url: site.url.toString(),
    stack: site.stack ?? null,
    servedBy,
    requests: m.requests,
    requestsPerSecond: m.requestsPerSecond,
    latencyMs: m.latencyMs,
    errors: m.errors,
    timeouts: m.timeouts,
    non2xx: m.non2xx,
    bytes: m.bytes,
    bytesPerRequest: m.bytesPerRequest,
    price: { idleUsdPerHour: site.idleUsdPerHour ?? null, perMillionRequests: pricePerMillionRequests(servedBy, site.url, m.bytesPerRequest) },
  };
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const usd = (value: number) => `$${value.toFixed(2)}`;

/** The side-by-side table, and a line saying which was faster. */
export function formatComparison(results: readonly SiteResult[]): string {
  const column = (r: SiteResult) => `${r.label}${r.stack ? `: ${r.stack}` : ''}`;
  const rows: Array<[string, ...string[]]> = [
    ['URL', ...results.map((r) => r.url)],
    ['served by', ...results.map((r) => DELIVERY_NAMES[r.servedBy])],
    ['requests', ...results.map((r) => String(r.requests))],
    ['requests/s', ...results.map((r) => r.requestsPerSecond.toFixed(1))],
    ['latency p50', ...results.map((r) => ms(r.latencyMs.p50))],
    ['latency p90', ...results.map((r) => ms(r.latencyMs.p90))],
    ['latency p99', ...results.map((r) => ms(r.latencyMs.p99))],
    ['errors', ...results.map((r) => `${r.errors} (${r.non2xx} non-2xx, ${r.timeouts} timeouts)`)],
    ['bytes', ...results.map((r) => `${formatBytes(r.bytes)} (${formatBytes(Math.round(r.bytesPerRequest))}/request)`)],
    ['price idle', ...results.map((r) => (r.price.idleUsdPerHour === null ? 'unknown (use --stacks)' : formatUsdPerHour(r.price.idleUsdPerHour)))],
    [
      'price per million requests',
      ...results.map((r) => `${usd(r.price.perMillionRequests.usdPerMillion)} (${r.price.perMillionRequests.basis})`),
    ],
  ];
  const [a, b] = results;
  const faster = a.latencyMs.p50 <= b.latencyMs.p50 ? a : b;
  const slower = faster === a ? b : a;
  const verdict =
    `Faster: ${column(faster)} (p50 ${ms(faster.latencyMs.p50)} against ${ms(slower.latencyMs.p50)}, ` +
    `${faster.requestsPerSecond.toFixed(1)} against ${slower.requestsPerSecond.toFixed(1)} requests/s). ` +
    'Measured from this machine: its distance to each site counts. Prices: us-east-1, first pricing tier, no free tier assumed.';
  return `${table(['', ...results.map(column)], rows)}\n\n${verdict}`;
}
