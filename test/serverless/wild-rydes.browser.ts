/**
 * Wild Rydes end to end in headless Chromium (`npm run test:browser`; not part of `npm test`).
 *
 * The real pages (`lib/serverless/site`) and the real handlers, served on 127.0.0.1 (`local-wild-rydes.ts`),
 * with a DynamoDB API (dynalite) and Cognito's API answered by moto_server: the page calls
 * `https://cognito-idp.us-east-1.amazonaws.com/` exactly as deployed, and Chromium's resolver sends that host
 * to a local HTTPS endpoint that passes the calls to moto. The API stand-in, the user pool and its client are
 * built from the synthesized template. Nothing leaves the machine: every other host name fails to resolve,
 * and any request to one fails the test.
 *
 * Needs Debian's chromium (`apt-get install -y chromium`; `CHROMIUM` overrides the path), moto for python3
 * and openssl.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Browser, chromium, Page } from 'playwright-core';
import * as faq from '../../lambda/faq';
import * as seed from '../../lambda/faq-seed';
import * as rides from '../../lambda/request-unicorn';
import { FAQ_ITEMS } from '../../lib/serverless/faq';
import { FAQ_TABLE_KEY, RIDES_TABLE_KEY } from '../../lib/serverless/table-keys';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { Moto, startMoto } from '../helpers/moto';
import { synthLab } from '../helpers/synth';
import { CfnTemplate, LocalWildRydes, resolver, startLocalWildRydes } from './local-wild-rydes';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const REGION = 'us-east-1';
const COGNITO_HOST = `cognito-idp.${REGION}.amazonaws.com`;
const SITE_DIR = path.join(__dirname, '..', '..', 'lib', 'serverless', 'site');
const OUTPUT_DIR = path.join(__dirname, '..', '..', 'test-output');
const EMAIL = 'alice@example.com';
const USERNAME = 'alice-at-example.com';
const PASSWORD = 'Unicorn-ride-1';

jest.setTimeout(90_000);

let db: LocalDynamo;
let moto: Moto;
let site: LocalWildRydes;
let browser: Browser;
let page: Page;
let cognito: { port: number; stop(): Promise<void> };
/** Requests the page tried to send anywhere but 127.0.0.1 and Cognito. */
const escaped: string[] = [];
/** Cognito actions the page called, in order. */
const cognitoCalls: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium (or set CHROMIUM)`);
  [db, moto] = await Promise.all([startDynalite(), startMoto()]);
  await db.createTable('Rides', RIDES_TABLE_KEY);
  await db.createTable('Faq', FAQ_TABLE_KEY);
  await seed.writeAll({ dynamodb: db.client, put: async () => undefined }, 'Faq', seed.seedRequests([...FAQ_ITEMS]));

  // The user pool and its client as the template defines them (sign-up, verification, password policy,
  // auth flows), created in moto; the API stand-in reads the same template.
  const template = synthLab('ServerlessLabStack').json as unknown as CfnTemplate;
  const only = (type: string) => {
    const found = Object.values(template.Resources).filter((r) => r.Type === type);
    if (found.length !== 1) throw new Error(`expected one ${type} in the template, found ${found.length}`);
    return found[0].Properties!;
  };
  // The distribution's domain only appears in the verification email's text; any origin will do there.
  const resolve = resolver(template, 'https://d111111abcdef8.cloudfront.net');
  const resolvable = (props: Record<string, any>, skip: string[]) =>
    Object.fromEntries(
      Object.entries(props)
        .filter(([k]) => !skip.includes(k))
        .map(([k, v]) => [k, JSON.parse(JSON.stringify(v), (_key, value) => (value && typeof value === 'object' && !Array.isArray(value) && ('Fn::Join' in value || 'Fn::GetAtt' in value) ? resolve(value) : value))]),
    );
  const { UserPool } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPool', {
    PoolName: 'riders',
    ...resolvable(only('AWS::Cognito::UserPool'), ['UserPoolTags']),
  });
  const { UserPoolClient } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPoolClient', {
    ClientName: 'web',
    ...resolvable(only('AWS::Cognito::UserPoolClient'), ['UserPoolId']),
    UserPoolId: UserPool.Id,
  });
  expect(UserPoolClient.ClientSecret).toBeUndefined();

  site = await startLocalWildRydes({
    siteDir: SITE_DIR,
    template,
    region: REGION,
    userPoolId: UserPool.Id,
    userPoolClientId: UserPoolClient.ClientId,
    jwksUrl: `${moto.url}/${UserPool.Id}/.well-known/jwks.json`,
    issuer: `https://cognito-idp.${REGION}.amazonaws.com/${UserPool.Id}`,
    // Each handler with the allowed origin its function's environment gives it in the template.
    handlers: {
      'RideService/RequestUnicorn': (env) => rides.makeHandler({ dynamodb: db.client, tableName: 'Rides', allowedOrigin: env.ALLOWED_ORIGIN }),
      'FaqService/Answer': (env) => faq.makeHandler({ dynamodb: db.client, tableName: 'Faq', allowedOrigin: env.ALLOWED_ORIGIN }),
    },
  });

  // Cognito's endpoint, answered by moto through a local HTTPS server that Chromium's resolver maps the
  // real host name to. No request interception: Playwright answers every CORS preflight itself while a
  // route is set, which would hide the API's own preflight answers from the test.
  cognito = await startCognitoEndpoint(moto.url, (action) => cognitoCalls.push(action));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Cognito's host goes to the local endpoint; every other name fails to resolve (nothing leaves the machine).
      `--host-resolver-rules=MAP ${COGNITO_HOST} 127.0.0.1:${cognito.port}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
    ],
  });
  // The local endpoint's certificate is self-signed.
  page = await browser.newPage({ viewport: { width: 1000, height: 900 }, ignoreHTTPSErrors: true });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (/^https?:$/.test(url.protocol) && !['127.0.0.1', COGNITO_HOST].includes(url.hostname)) escaped.push(request.url());
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cognito?.stop();
  await site?.stop();
  await moto?.stop();
  await db?.stop();
});

afterEach(() => {
  expect(escaped).toEqual([]);
  expect(pageErrors).toEqual([]);
});

const status = () => page.locator('#status');

/**
 * An HTTPS endpoint on 127.0.0.1 that passes Cognito's JSON API calls to moto and answers CORS as
 * Cognito's endpoint does for a browser (any origin). Its certificate is made with openssl for the run.
 */
async function startCognitoEndpoint(motoUrl: string, onCall: (action: string) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognito-endpoint-'));
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${COGNITO_HOST}`, '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'POST' };
  const server = https.createServer({ key: fs.readFileSync(`${dir}/key.pem`), cert: fs.readFileSync(`${dir}/cert.pem`) }, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'OPTIONS') {
      res.writeHead(200, cors).end();
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    onCall(target.split('.').pop()!);
    const answer = await fetch(`${motoUrl}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(answer.status, { ...cors, 'Content-Type': 'application/x-amz-json-1.1' });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('the home page asks the FAQ micro-service, across origins, without signing in', async () => {
  await page.goto(`${site.siteUrl}/index.html`);
  await page.click('#ask');
  await page.locator('#faq').waitFor({ state: 'visible' });
  const question = await page.locator('#faq-question').textContent();
  expect(FAQ_ITEMS.map((i) => i.Question)).toContain(question);
});

test('sign up, try to sign in unverified, verify, sign in', async () => {
  await page.goto(`${site.siteUrl}/register.html`);
  await page.fill('input[name=email]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await page.fill('input[name=password2]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/verify\.html\?email=alice%40example\.com$/);

  // Not verified yet: sign-in sends the rider back to the verify page.
  await page.goto(`${site.siteUrl}/signin.html?email=${encodeURIComponent(EMAIL)}`);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/verify\.html/);

  expect(await page.inputValue('input[name=email]')).toBe(EMAIL);
  await page.fill('input[name=code]', '123456'); // moto accepts any code; Cognito would email it
  await page.click('#verify-form button[type=submit]');
  await page.waitForURL(/\/signin\.html\?email=.*&verified=1$/);
  await expect(status().textContent()).resolves.toContain('Email verified');

  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/ride\.html$/);
  await expect(page.locator('#rider').textContent()).resolves.toBe(USERNAME);
  expect(cognitoCalls).toEqual(['SignUp', 'InitiateAuth', 'ConfirmSignUp', 'InitiateAuth']);
});

test('request a ride: the unicorn shows, and the ride is in the table for this rider at the clicked spot', async () => {
  const map = await page.locator('#map').boundingBox();
  await page.mouse.click(map!.x + map!.width * 0.75, map!.y + map!.height * 0.25); // north-east of the centre
  const latitude = Number(await page.inputValue('input[name=latitude]'));
  const longitude = Number(await page.inputValue('input[name=longitude]'));
  expect(latitude).toBeGreaterThan(47.6174);
  expect(longitude).toBeGreaterThan(-122.2883);

  await page.click('#request');
  await page.locator('#ride').waitFor({ state: 'visible' });
  const unicorn = await page.locator('#unicorn-name').textContent();
  expect(rides.FLEET.map((u) => u.Name)).toContain(unicorn);
  await expect(page.locator('#eta').textContent()).resolves.toBe('30 seconds');
  await expect(page.locator('#ride-rider').textContent()).resolves.toBe(USERNAME);
  await expect(status().textContent()).resolves.toBe(`${unicorn} is on the way.`);

  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, 'serverless-ride.png'), fullPage: true });

  const rideId = (await page.locator('#ride-id').textContent())!;
  const { Item } = await db.client.send(new GetItemCommand({ TableName: 'Rides', Key: { RideId: { S: rideId } } }));
  expect(Item).toMatchObject({
    User: { S: USERNAME },
    UnicornName: { S: unicorn },
    PickupLocation: { M: { Latitude: { N: String(latitude) }, Longitude: { N: String(longitude) } } },
  });
});

test('a forged token is refused with a 401 the page can read (the error carries the CORS header) and shows', async () => {
  // Runs in the page (this project's TypeScript has no DOM types, hence globalThis).
  await page.evaluate(() => {
    const storage = (globalThis as any).sessionStorage;
    const session = JSON.parse(storage.getItem('wildrydes.session'));
    const [header, payload] = session.idToken.split('.');
    session.idToken = `${header}.${payload}.forged-signature`;
    storage.setItem('wildrydes.session', JSON.stringify(session));
  });
  await page.reload();
  await page.click('#request');
  await page.locator('#status.error').waitFor();
  await expect(status().textContent()).resolves.toContain('Sign in first');
  expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('wildrydes.session'))).toBeNull();
});
