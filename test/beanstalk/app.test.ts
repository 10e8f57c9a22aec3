/**
 * The sign-up app's server in-process, called over real HTTP on 127.0.0.1, with its real DynamoDB store
 * against dynalite: every route, every refusal (each a 4xx with a message, never a crash), the duplicate
 * check, and what happens when the table or the topic fails. The notifier here records what it is asked
 * to send; the real SNS publish, through the bundled app, is test/integration/beanstalk-app.moto.test.ts.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoSignupStore, SignupNotifier } from '../../lib/beanstalk/app/src/backends';
import { landingPage, PAGE_HEADLINE } from '../../lib/beanstalk/app/src/page';
import { createSignupServer, MAX_BODY_BYTES } from '../../lib/beanstalk/app/src/server';
import { normalizeEmail, Signup } from '../../lib/beanstalk/app/src/signup';
import { LocalDynamo, LOCAL_AWS, startDynalite } from '../helpers/dynalite';

const TABLE = 'Signups';
const NOW = new Date('2026-12-05T10:00:00.000Z');
let dynamo: LocalDynamo;
const sent: Signup[] = [];
let failNotify = false;
const notifier: SignupNotifier = {
  async notify(signup) {
    if (failNotify) throw new Error('SNS is down');
    sent.push(signup);
  },
};
const logs: string[] = [];
const servers: http.Server[] = [];

async function listen(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let url: string;
beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE, { partitionKey: 'email' });
  url = await listen(
    createSignupServer({
      store: new DynamoSignupStore(dynamo.client, TABLE),
      notifier,
      servedBy: 'ip-10-50-0-7',
      log: (line) => logs.push(line),
      now: () => NOW,
    }),
  );
});

afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await dynamo.stop();
});

beforeEach(() => {
  sent.length = 0;
  failNotify = false;
});

const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' }, base = url) =>
  fetch(`${base}/signup`, { method: 'POST', headers, body });
const stored = async () =>
  (await dynamo.client.send(new ScanCommand({ TableName: TABLE }))).Items!.map((i) => i.email.S).sort();

describe('pages', () => {
  test('GET / is the form, served by the instance it names', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-served-by')).toBe('ip-10-50-0-7');
    const page = await res.text();
    expect(page).toBe(landingPage('ip-10-50-0-7'));
    expect(page).toContain(`<h1>${PAGE_HEADLINE}</h1>`);
    expect(page).toContain('Served by ip-10-50-0-7');
  });

  test('HEAD / and GET /health answer 200; the health check is not logged', async () => {
    expect((await fetch(`${url}/`, { method: 'HEAD' })).status).toBe(200);
    const before = logs.length;
    const health = await fetch(`${url}/health`, { headers: { 'User-Agent': 'ELB-HealthChecker/2.0' } });
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect(logs.length).toBe(before);
  });

  test.each([
    ['GET', '/nowhere', 404, { error: 'No page at /nowhere: the app serves / (the form) and POST /signup.' }, undefined],
    ['GET', '/signup', 405, { error: 'Method not allowed here; use POST.' }, 'POST'],
    ['DELETE', '/', 405, { error: 'Method not allowed here; use GET, HEAD.' }, 'GET, HEAD'],
    ['POST', '/health', 405, { error: 'Method not allowed here; use GET, HEAD.' }, 'GET, HEAD'],
  ])('%s %s answers %d', async (method, path, status, body, allow) => {
    const res = await fetch(`${url}${path}`, { method });
    expect([res.status, await res.json(), res.headers.get('allow') ?? undefined]).toEqual([status, body, allow]);
  });
});

describe('POST /signup', () => {
  test('stores the sign-up (address lower-cased, name trimmed) and notifies once', async () => {
    const res = await post('name=++Dana+Cruz+&email=Dana.Cruz%2Blab%40Example.ORG');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ message: 'Thanks, Dana Cruz! You are signed up as dana.cruz+lab@example.org.', notified: true });
    expect(sent).toEqual([{ name: 'Dana Cruz', email: 'dana.cruz+lab@example.org', previewAccess: false }]);
    const items = (await dynamo.client.send(new ScanCommand({ TableName: TABLE }))).Items!;
    expect(items.find((i) => i.email.S === 'dana.cruz+lab@example.org')).toEqual({
      email: { S: 'dana.cruz+lab@example.org' },
      name: { S: 'Dana Cruz' },
      previewAccess: { BOOL: false },
      signedUpAt: { S: NOW.toISOString() },
    });
  });

  test('a duplicate address, in any case, is refused with 409 and not notified', async () => {
    expect((await post('name=Eve&email=eve%40example.com')).status).toBe(201);
    const again = await post(JSON.stringify({ name: 'Mallory', email: 'EVE@Example.com' }), { 'Content-Type': 'application/json' });
    expect([again.status, await again.json()]).toEqual([409, { error: 'eve@example.com has already signed up.' }]);
    expect(sent.map((s) => s.name)).toEqual(['Eve']);
  });

  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const json = { 'Content-Type': 'application/json' };
  test.each<[string, string, Record<string, string>, number, string]>([
    ['no name', 'email=a%40b.co', form, 400, 'name is required: your name, 1 to 100 characters.'],
    ['a blank name', 'name=+++&email=a%40b.co', form, 400, 'name is required: your name, 1 to 100 characters.'],
    ['a long name', `name=${'x'.repeat(101)}&email=a%40b.co`, form, 400, 'name is 101 characters long; at most 100 are allowed.'],
    ['a name with a line break', 'name=Ann%0ABcc%3A+x&email=a%40b.co', form, 400, 'name must not contain control characters such as line breaks.'],
    ['no email', 'name=Ann', form, 400, 'email is required: an address such as ana@example.com.'],
    ['two @', 'name=Ann&email=a%40b%40c.co', form, 400, 'email "a@b@c.co" is not an email address such as ana@example.com.'],
    ['no domain dot', 'name=Ann&email=ann%40localhost', form, 400, 'email "ann@localhost" is not an email address such as ana@example.com.'],
    ['a display name', 'name=Ann&email=Ann+%3Cann%40x.io%3E', form, 400, 'email "Ann <ann@x.io>" is not an email address such as ana@example.com.'],
    ['a bad check box', 'name=Ann&email=ann%40x.io&previewAccess=maybe', form, 400, 'previewAccess "maybe" is not allowed: yes or no (or leave it out).'],
    ['a number for a name', '{"name":42,"email":"ann@x.io"}', json, 400, 'name is required: your name, 1 to 100 characters.'],
    ['broken JSON', '{"name":', json, 400, 'The body is not valid JSON.'],
    ['a JSON array', '["ann@x.io"]', json, 400, 'The JSON body must be an object with name and email.'],
    ['text/plain', 'name=Ann&email=ann%40x.io', { 'Content-Type': 'text/plain' }, 415,
      'Content-Type "text/plain" is not accepted: send application/x-www-form-urlencoded (the page\'s form) or application/json.'],
    ['a body over the limit', `name=Ann&email=ann%40x.io&pad=${'x'.repeat(MAX_BODY_BYTES)}`, form, 413, `The body is ${MAX_BODY_BYTES + 30} bytes; at most ${MAX_BODY_BYTES} are accepted.`],
  ])('%s: a 4xx with a message, nothing stored or sent', async (_what, body, headers, status, error) => {
    const before = await stored();
    const res = await post(body, headers);
    expect([res.status, await res.json()]).toEqual([status, { error }]);
    expect(await stored()).toEqual(before);
    expect(sent).toEqual([]);
  });

  test('a table that does not answer is a 503 with a message, and the server keeps serving', async () => {
    const deadClient = new DynamoDBClient({ ...LOCAL_AWS, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const base = await listen(createSignupServer({ store: new DynamoSignupStore(deadClient, TABLE), notifier, servedBy: 'x', log: () => {} }));
    const res = await post('name=Ann&email=ann%40x.io', undefined, base);
    expect([res.status, await res.json()]).toEqual([
      503,
      { error: 'The sign-up could not be saved right now (the database did not answer); try again in a minute.' },
    ]);
    expect(sent).toEqual([]);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    deadClient.destroy();
  });

  test('a failed notification keeps the stored sign-up and says so', async () => {
    failNotify = true;
    const res = await post('name=Gus&email=gus%40example.net');
    expect([res.status, await res.json()]).toEqual([
      201,
      { message: 'Thanks, Gus! You are signed up (the notification email could not be sent).', notified: false },
    ]);
    expect(await stored()).toContain('gus@example.net');
    expect(logs.some((l) => l.includes('"event":"notify-failed"') && l.includes('SNS is down'))).toBe(true);
  });
});

describe('normalizeEmail (the app and the notificationEmail setting)', () => {
  test.each(['ana@example.com', 'A.B+c@sub.example.co.uk', "o'neil@x.io", ' ana@example.com '])('accepts %p', (email) => {
    expect(normalizeEmail(email)).toBe(email.trim().toLowerCase());
  });
  test.each(['', 'ana', '@x.io', 'ana@', 'ana@x', 'ana@x.1', 'a..b@x.io', '.a@x.io', 'a@-x.io', 'a b@x.io', `${'a'.repeat(65)}@x.io`, `a@${'b'.repeat(250)}.io`])(
    'refuses %p',
    (email) => expect(normalizeEmail(email)).toBeUndefined(),
  );
});
