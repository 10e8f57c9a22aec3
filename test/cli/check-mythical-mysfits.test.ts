/**
 * `labs check` for the Mythical Mysfits lab, with an injected fetch (a fake site and API that answer as the
 * deployed stack does, or as a broken one would) and fake Cognito and S3 clients that record every call.
 */
import { AwsSession } from '../../lib/cli/aws/session';
import { CLICK_POLL_MS, CLICK_WAIT_MS, MYTHICAL_MYSFITS_CHECKS } from '../../lib/cli/check/mythical-mysfits';
import { checksFor } from '../../lib/cli/check';
import { CheckContext } from '../../lib/cli/check/types';
import { LabStack } from '../../lib/cli/inventory/stacks';

const SITE = 'https://d111111abcdef8.cloudfront.net';
const API = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/';
const BUCKET = 'mythicalmysfitslabstack-clickstreambucket-abc';
const COCO = '0e37d916-f960-4772-a25a-01b762b5c1bd';

const stack = (outputs: Record<string, string> = {}): LabStack => ({
  name: 'MythicalMysfitsLabStack',
  id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/MythicalMysfitsLabStack/1',
  lab: 'mythical-mysfits',
  status: 'CREATE_COMPLETE',
  createdAt: new Date('2026-12-05T00:00:00Z'),
  tags: {},
  outputs: { SiteUrl: SITE, ApiUrl: API, UserPoolId: 'us-east-1_AbCdEfGhI', UserPoolClientId: 'client123', ClickstreamBucketName: BUCKET, ...outputs },
});

/** What the fake deployment does; each test breaks one thing. */
interface World {
  authorizer: boolean;
  likeWorks: boolean;
  clickLandsIn?: 'clicks/' | 'processing-failed/';
  clickAfterPolls: number;
  listStatus: number;
  siteStatus: number;
  /** What the site's config.json holds; this deployment's by default. */
  config: Record<string, string>;
}

function harness(world: Partial<World> = {}) {
  const w: World = { authorizer: true, likeWorks: true, clickLandsIn: 'clicks/', clickAfterPolls: 2, listStatus: 200, siteStatus: 200, config: { region: 'us-east-1', userPoolId: 'us-east-1_AbCdEfGhI', userPoolClientId: 'client123', apiUrl: API }, ...world };
  const requests: string[] = [];
  const cognitoCalls: string[] = [];
  let likes = 3;
  let users = 0;
  let polls = 0;
  let clickMarker = '';
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  const fetch = (async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const auth = (init.headers as Record<string, string> | undefined)?.Authorization;
    requests.push(`${method} ${url}${auth ? ' (token)' : ''}`);
    if (url === SITE) return new Response('<!doctype html>', { status: w.siteStatus });
    if (url === `${SITE}/config.json`) return json(200, w.config);
    if (url === `${API}mysfits`) return json(w.listStatus, w.listStatus === 200 ? { mysfits: [{ mysfitId: COCO, name: 'CoCo', likes }] } : { error: 'x' });
    if (url === `${API}mysfits/${COCO}/like`) {
      if (w.authorizer && auth !== 'id-token') return json(401, { error: 'Sign in first' });
      if (!w.likeWorks) return json(502, { error: 'Internal server error' });
      likes += method === 'POST' ? 1 : -1;
      return json(200, { mysfitId: COCO, likes });
    }
    if (url === `${API}clicks`) {
      clickMarker = JSON.parse(String(init.body)).userId;
      return json(200, { recorded: true });
    }
    return json(404, { error: 'no route' });
  }) as typeof globalThis.fetch;

  const cognito = {
    send: async (command: { constructor: { name: string }; input: any }) => {
      cognitoCalls.push(command.constructor.name.replace(/Command$/, ''));
      if (command.constructor.name === 'AdminCreateUserCommand') users++;
      if (command.constructor.name === 'AdminDeleteUserCommand') users--;
      if (command.constructor.name === 'InitiateAuthCommand') return { AuthenticationResult: { IdToken: 'id-token' } };
      return {};
    },
  };
  const s3 = {
    send: async (command: { constructor: { name: string }; input: any }) => {
      if (command.constructor.name === 'ListObjectsV2Command') {
        polls++;
        const landed = w.clickLandsIn && polls > w.clickAfterPolls * 2 && command.input.Prefix === w.clickLandsIn;
        return { Contents: [{ Key: `${command.input.Prefix}2026/12/05/00/old`, LastModified: new Date('2026-12-04T00:00:00Z') }, ...(landed ? [{ Key: `${command.input.Prefix}2026/12/05/00/new`, LastModified: new Date('2026-12-05T00:01:30Z') }] : [])] };
      }
      if (command.constructor.name === 'GetObjectCommand') {
        const click = JSON.stringify({ userId: clickMarker, mysfitId: COCO });
        // Under processing-failed/, Firehose's failure document with the original record base64-encoded.
        const text = command.input.Key.startsWith('processing-failed/')
          ? `${JSON.stringify({ attemptsMade: 1, arrivalTimestamp: 1764892800123, errorCode: 'Lambda.ProcessingFailedStatus', errorMessage: 'ProcessingFailed status set for record', attemptEndingTimestamp: 1764892860123, rawData: Buffer.from(click).toString('base64'), lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:processor' })}\n`
          : `${JSON.stringify({ ...JSON.parse(click), mysfit: { name: 'CoCo' } })}\n`;
        return { Body: { transformToString: async () => text } };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  };
  const sleeps: number[] = [];
  const ctx = (s = stack()): CheckContext => ({
    stack: s,
    session: { cognito, s3 } as unknown as AwsSession,
    fetch,
    sleep: async (ms) => void sleeps.push(ms),
    now: () => new Date('2026-12-05T00:00:00Z'),
    progress: () => undefined,
  });
  return { ctx, requests, cognitoCalls, sleeps, state: () => ({ likes, users }) };
}

const statuses = (results: readonly { status: string }[]) => results.map((r) => r.status);

test('is registered for the lab id the stack is tagged with', () => {
  expect(checksFor('mythical-mysfits')).toBe(MYTHICAL_MYSFITS_CHECKS);
});

test('a working lab: every check passes; the temporary user is deleted and the like taken back', async () => {
  const h = harness();
  const results = await MYTHICAL_MYSFITS_CHECKS.run(h.ctx());
  expect(results.map((r) => [r.name, r.status])).toEqual([
    ['site answers 200', 'PASS'],
    ['GET /mysfits answers the mysfits', 'PASS'],
    ['like without a token is refused (401)', 'PASS'],
    ['a signed-in user can like a mysfit', 'PASS'],
    ['a click reaches the clickstream bucket', 'PASS'],
  ]);
  expect(h.state()).toEqual({ likes: 3, users: 0 });
  expect(h.cognitoCalls).toEqual(['AdminCreateUser', 'AdminSetUserPassword', 'InitiateAuth', 'AdminDeleteUser']);
  expect(results[4].detail).toBe(`the click reached s3://${BUCKET}/clicks/2026/12/05/00/new, enriched by the processor`);
  expect(h.sleeps.every((ms) => ms === CLICK_POLL_MS)).toBe(true);
});

test('no authorizer on like: the 401 check fails, and the like it made is taken back', async () => {
  const h = harness({ authorizer: false });
  const results = await MYTHICAL_MYSFITS_CHECKS.run(h.ctx());
  expect(results[2]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('answered HTTP 200, not 401: the Cognito authorizer is missing') });
  expect(h.state().likes).toBe(3);
});

test('a temporary user that cannot be deleted is named with the command that deletes it; the results still stand', async () => {
  const h = harness();
  const base = h.ctx();
  const progress: string[] = [];
  const cognito = (base.session as unknown as { cognito: { send: (c: { constructor: { name: string } }) => Promise<unknown> } }).cognito;
  const send = cognito.send;
  const failing = { send: async (c: { constructor: { name: string } }) => (c.constructor.name === 'AdminDeleteUserCommand' ? Promise.reject(new Error('Rate exceeded')) : send(c)) };
  const results = await MYTHICAL_MYSFITS_CHECKS.run({ ...base, session: { ...base.session, cognito: failing } as unknown as AwsSession, progress: (l) => void progress.push(l) });
  expect(statuses(results)).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'PASS']);
  expect(progress).toContainEqual(expect.stringMatching(/^Could not delete the temporary user labs-check-[0-9a-f]{12}@example\.com \(Rate exceeded\): aws cognito-idp admin-delete-user --user-pool-id \S+ --username labs-check-/));
});

test('like fails behind the authorizer: FAIL with the status, and the user is still deleted', async () => {
  const h = harness({ likeWorks: false });
  const results = await MYTHICAL_MYSFITS_CHECKS.run(h.ctx());
  expect(results[3]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/with a valid token answered HTTP 502: Internal server error/) });
  expect(h.state().users).toBe(0);
  expect(h.cognitoCalls.at(-1)).toBe('AdminDeleteUser');
});

test('a site whose config.json has no apiUrl: FAIL naming that file, with one slash before it', async () => {
  const h = harness();
  const base = h.ctx();
  const noConfig = (async (url: string, init?: RequestInit) =>
    url === `${SITE}/config.json` ? new Response('{}', { status: 200 }) : base.fetch(url, init)) as typeof globalThis.fetch;
  const results = await MYTHICAL_MYSFITS_CHECKS.run({ ...base, fetch: noConfig });
  expect(results[0]).toMatchObject({ status: 'FAIL', detail: `${SITE}/config.json has no apiUrl: redeploy the stack so the site gets its configuration` });
});

test('taking the like back gets no answer: FAIL saying the like is still there; the user is still deleted', async () => {
  const h = harness();
  const base = h.ctx();
  const noDelete = (async (url: string, init: RequestInit = {}) => {
    if (init.method === 'DELETE') throw new TypeError('fetch failed');
    return base.fetch(url, init);
  }) as typeof globalThis.fetch;
  const results = await MYTHICAL_MYSFITS_CHECKS.run({ ...base, fetch: noDelete });
  expect(results[3]).toMatchObject({ status: 'FAIL', detail: `the like went through (4 likes) but DELETE ${API}mysfits/${COCO}/like got no answer (fetch failed): take it back by hand` });
  expect(h.state().users).toBe(0);
});

test("a site that answers 403, or whose config.json is another deployment's, fails the site check", async () => {
  const denied = await MYTHICAL_MYSFITS_CHECKS.run(harness({ siteStatus: 403 }).ctx());
  expect(denied[0]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('answered HTTP 403') });
  const other = { region: 'us-east-1', userPoolId: 'us-east-1_Other', userPoolClientId: 'client123', apiUrl: 'https://zzz.execute-api.us-east-1.amazonaws.com/prod/' };
  const stale = await MYTHICAL_MYSFITS_CHECKS.run(harness({ config: other }).ctx());
  expect(stale[0]).toMatchObject({
    status: 'FAIL',
    detail: `${SITE}/config.json is another deployment's: apiUrl ${other.apiUrl} (the stack's ApiUrl is ${API}); userPoolId us-east-1_Other (the stack's is us-east-1_AbCdEfGhI). Redeploy the stack, then invalidate the distribution's cache.`,
  });
});

test('a click the processor failed: FAIL naming the processing-failed object', async () => {
  const results = await MYTHICAL_MYSFITS_CHECKS.run(harness({ clickLandsIn: 'processing-failed/' }).ctx());
  expect(results[4]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('processing-failed/2026/12/05/00/new: the processor failed it') });
});

test('a click that never arrives: FAIL after a bounded wait', async () => {
  const h = harness({ clickLandsIn: undefined });
  const results = await MYTHICAL_MYSFITS_CHECKS.run(h.ctx());
  expect(results[4]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining(`after ${CLICK_WAIT_MS / 1000} s`) });
  expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(CLICK_WAIT_MS);
  expect(h.sleeps.length).toBe(CLICK_WAIT_MS / CLICK_POLL_MS);
});

test('the API down: the list fails and the checks that need a mysfit SKIP with the reason; no user is created', async () => {
  const h = harness({ listStatus: 502 });
  const results = await MYTHICAL_MYSFITS_CHECKS.run(h.ctx());
  expect(statuses(results)).toEqual(['PASS', 'FAIL', 'SKIP', 'SKIP', 'SKIP']);
  expect(results[2].detail).toBe('needs a mysfit from GET /mysfits, which failed (see above)');
  expect(h.cognitoCalls).toEqual([]);
});

test('a stack without the outputs fails every check with one line saying which and what to do', async () => {
  const h = harness();
  const results = await MYTHICAL_MYSFITS_CHECKS.run(h.ctx(stack({ ClickstreamBucketName: '' })));
  expect(statuses(results)).toEqual(['FAIL', 'FAIL', 'FAIL', 'FAIL', 'FAIL']);
  expect(results[0].detail).toBe('the stack has no ClickstreamBucketName output: it is not (fully) deployed, or from an older version; redeploy it');
  expect(h.requests).toEqual([]);
});

test('the plan says what it writes and that it removes it', () => {
  const plan = MYTHICAL_MYSFITS_CHECKS.plan(stack()).join('\n');
  expect(plan).toContain('creates a temporary user in us-east-1_AbCdEfGhI');
  expect(plan).toContain('takes the like back and deletes the user');
  expect(plan).toContain(`s3://${BUCKET}/clicks/`);
});

test('a network error on one check is that check FAIL; access denied stops every check with one error', async () => {
  const h = harness();
  const base = h.ctx();
  const flaky = (async (url: string, init?: RequestInit) => {
    if (String(url).endsWith('/clicks')) throw new TypeError('fetch failed');
    return base.fetch(url, init);
  }) as typeof globalThis.fetch;
  const results = await MYTHICAL_MYSFITS_CHECKS.run({ ...base, fetch: flaky });
  expect(statuses(results)).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'FAIL']);
  expect(results[4].detail).toContain('fetch failed');

  const denied = Object.assign(new Error('User is not authorized to perform: cognito-idp:AdminCreateUser'), { name: 'AccessDeniedException' });
  const session = { cognito: { send: async () => Promise.reject(denied) }, s3: (base.session as any).s3 } as unknown as AwsSession;
  await expect(MYTHICAL_MYSFITS_CHECKS.run({ ...base, session })).rejects.toThrow(/Access denied/);
});
