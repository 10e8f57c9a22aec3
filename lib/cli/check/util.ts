/** What every lab's checks share: building results, running one check safely, and HTTP with a timeout. */
import { errorMessage, toCliError } from '../aws/errors';
import { CheckContext, CheckResult } from './types';

export const pass = (name: string, detail: string): CheckResult => ({ name, status: 'PASS', detail });
export const fail = (name: string, detail: string): CheckResult => ({ name, status: 'FAIL', detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'SKIP', detail });

/**
 * Runs one check. An error the user must fix before any check can run (no credentials, access denied, no
 * network to AWS) is thrown on, for the command to print as one line; any other error is this check's FAIL,
 * naming what went wrong.
 */
export async function attempt(name: string, body: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await body();
  } catch (err) {
    const setup = toCliError(err);
    if (setup) throw setup;
    return fail(name, `${errorMessage(err)}`);
  }
}

/** What an HTTP request got: its status, headers and body, or why no answer came. */
export type HttpAnswer =
  | { readonly ok: true; readonly status: number; readonly headers: Headers; readonly body: string }
  | { readonly ok: false; readonly error: string };

/** How long one request may take before it counts as no answer. */
export const HTTP_TIMEOUT_MS = 10_000;

/** One HTTP request through the context's `fetch`, never throwing: a network error or timeout is `ok: false`. */
export async function request(context: Pick<CheckContext, 'fetch'>, url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  try {
    const res = await context.fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), ...init });
    return { ok: true, status: res.status, headers: res.headers, body: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return { ok: false, error: `no answer from ${url} (${errorMessage(cause ?? err)})` };
  }
}

/** An answer's first characters, on one line, for a FAIL's detail. */
export function excerpt(body: string, length = 80): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}...` : flat;
}

/** The named outputs, or `undefined` with the first that is missing. */
export function outputsOf<K extends string>(
  outputs: Readonly<Record<string, string>>,
  keys: readonly K[],
): { values: Record<K, string>; missing?: undefined } | { values?: undefined; missing: K } {
  for (const key of keys) if (!outputs[key]) return { missing: key };
  return { values: Object.fromEntries(keys.map((k) => [k, outputs[k]])) as Record<K, string> };
}

/** The FAIL for a stack that lacks an output a check needs (deployed from an older checkout). */
export function missingOutput(name: string, stackName: string, output: string): CheckResult {
  return fail(name, `${stackName} has no ${output} output: redeploy it from this checkout (npx cdk deploy ${stackName}).`);
}
