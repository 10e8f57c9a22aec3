/**
 * `labs compare`'s measurement: the same page requested from two sites in turn, at a fixed concurrency for a
 * fixed time or number of requests, with autocannon (the Node.js load generator:
 * https://github.com/mcollina/autocannon), from the machine the command runs on.
 */
import autocannon from 'autocannon';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';

/** How hard and how long each site is loaded. */
export interface LoadOptions {
  /** Concurrent connections. */
  readonly connections: number;
  /** Seconds per site, when `requests` is not given. */
  readonly durationSeconds: number;
  /** Requests per site in all; replaces `durationSeconds`. */
  readonly requests?: number;
  /** Seconds after which a request counts as a timeout (an error). */
  readonly timeoutSeconds: number;
}

/** What one site did under the load. */
export interface Measurement {
  readonly url: string;
  /** Completed requests (any status). */
  readonly requests: number;
  /** Completed requests divided by the run's wall-clock time. */
  readonly requestsPerSecond: number;
  /** Latency percentiles, in milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number };
  /** Failed requests: connection errors and timeouts, plus answers other than 2xx (counted apart in `non2xx`). */
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Bytes read (headers and bodies) of the 2xx answers: autocannon counts no others. */
  readonly bytes: number;
  /** `bytes` per 2xx answer: what one served page weighs. */
  readonly bytesPerRequest: number;
  readonly elapsedSeconds: number;
}

/** `value` as an http(s) URL, or a usage error naming it. */
export function parseSiteUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`"${value}" is not a URL: give an http:// or https:// address, such as a stack's SiteUrl output.`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${value}" is not an http:// or https:// URL.`, EXIT.usage);
  }
  return url;
}

/**
 * One request to `url` before the load, so a wrong or unreachable address is one clear line rather than a
 * run of connection errors: the host must answer (any HTTP status) within `timeoutSeconds`.
 */
export async function probe(url: string, timeoutSeconds: number, fetchImpl: typeof fetch = fetch): Promise<void> {
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000), redirect: 'manual' });
    await response.arrayBuffer();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutSeconds} s`
        : cause?.code ?? cause?.message ?? (err as Error).message;
    throw new CliError(`cannot reach ${url}: ${why}. Is the lab deployed and its URL right?`, EXIT.incomplete);
  }
}

/** Loads `url` as `options` say and returns what it measured. */
export async function measure(url: string, options: LoadOptions): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections: options.connections,
    ...(options.requests ? { amount: options.requests } : { duration: options.durationSeconds }),
    timeout: options.timeoutSeconds,
    // autocannon ends a run on its next sample (every second by default), so an `amount` run would last a
    // whole number of seconds and its requests per second would be wrong; a sample every 50 ms ends it on time.
    sampleInt: 50,
    headers: { 'user-agent': 'course-labs labs compare (autocannon)' },
  });
  const requests = result.requests.total;
  const elapsedSeconds = Math.max((result.finish.getTime() - result.start.getTime()) / 1000, 1e-3);
  // autocannon adds a response's bytes to the throughput only for 2xx answers (lib/run.js, unless
  // includeErrorStats), so they are divided by the 2xx answers, not by every answer.
  const bytes = result.throughput.total;
  const answered2xx = requests - result.non2xx;
  return {
    url,
    requests,
    requestsPerSecond: requests / elapsedSeconds,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    bytes,
    bytesPerRequest: answered2xx > 0 ? bytes / answered2xx : 0,
    elapsedSeconds,
  };
}
