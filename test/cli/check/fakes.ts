/**
 * Fakes for the labs' checks: an AWS session whose clients answer from handlers keyed by command name
 * (`GetObjectCommand`), an HTTP `fetch` that answers from handlers keyed by URL, and a lab stack. A call
 * without a handler fails the test, naming it, so a check cannot quietly skip what it should read.
 */
import { AwsSession } from '../../../lib/cli/aws/session';
import { CheckContext, CheckOptions } from '../../../lib/cli/check/types';
import { LabStack } from '../../../lib/cli/inventory/stacks';

export type Handler = (input: any) => unknown;

export interface FakeSession {
  readonly session: AwsSession;
  /** Every command sent, in order: `[name, input]`. */
  readonly calls: [string, any][];
}

/** The session's clients, by getter. */
const CLIENTS = ['cloudFormation', 'ec2', 's3', 'emr', 'ecs', 'elb', 'autoScaling', 'logs', 'scheduler', 'tagging', 'sts', 'ssm', 'cognito', 'dynamoDb', 'elasticBeanstalk'] as const;

/**
 * A session whose every client sends to `handlers[<Command name>]`. The clients are the SDK's own (the
 * paginators insist on them), with `send` replaced.
 */
export function fakeSession(handlers: Record<string, Handler>, region = 'us-east-1'): FakeSession {
  const calls: [string, any][] = [];
  const send = async (command: { constructor: { name: string }; input: unknown }) => {
    const name = command.constructor.name;
    calls.push([name, command.input]);
    const handler = handlers[name];
    if (!handler) throw new Error(`test has no handler for ${name}`);
    return handler(command.input);
  };
  const session = new AwsSession({ region });
  for (const key of CLIENTS) Object.assign(session[key], { send });
  Object.assign(session, { account: async () => '123456789012' });
  return { session, calls };
}

/** An AWS SDK error as the SDK throws it (name = the error code). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

/** An S3 GetObject answer holding `text`. */
export const objectBody = (text: string) => ({ Body: { transformToString: async () => text } });

export type HttpHandler = (init: RequestInit) => { status: number; body?: string | object; headers?: Record<string, string> } | 'refused';

/** A `fetch` that answers from `routes[url]`; the requests made are in `requests`. */
export function fakeFetch(routes: Record<string, HttpHandler>): { fetch: typeof globalThis.fetch; requests: [string, RequestInit][] } {
  const requests: [string, RequestInit][] = [];
  const fetch = (async (url: string, init: RequestInit = {}) => {
    requests.push([url, init]);
    const handler = routes[url];
    if (!handler) throw new Error(`test has no route for ${url}`);
    const answer = handler(init);
    if (answer === 'refused') throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ECONNREFUSED ${url}`), { code: 'ECONNREFUSED' }) });
    const body = typeof answer.body === 'string' || answer.body === undefined ? (answer.body ?? '') : JSON.stringify(answer.body);
    return new Response(body, { status: answer.status, headers: answer.headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

/** A deployed lab stack as `getLabStack` returns it. */
export function labStack(lab: string, name: string, outputs: Record<string, string>, status = 'CREATE_COMPLETE'): LabStack {
  return {
    name,
    id: `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/0f0f0f0f-0000-0000-0000-000000000000`,
    lab,
    status,
    createdAt: new Date('2026-12-01T10:00:00Z'),
    outputs,
    tags: { 'course-labs:project': 'course-labs', 'course-labs:lab': lab, 'course-labs:stack': name },
  };
}

/** A check context over the fakes, with a clock that never moves and sleeps that return at once. */
export function context(stack: LabStack, session: AwsSession, fetch: typeof globalThis.fetch, options?: CheckOptions): CheckContext & { progressLines: string[] } {
  const progressLines: string[] = [];
  return {
    stack,
    session,
    fetch,
    sleep: async () => undefined,
    now: () => new Date('2026-12-01T12:00:00Z'),
    progress: (line) => void progressLines.push(line),
    options,
    progressLines,
  };
}

/** The results as `STATUS name` lines, for compact expectations. */
export const statuses = (results: readonly { status: string; name: string }[]) => results.map((r) => `${r.status} ${r.name}`);
