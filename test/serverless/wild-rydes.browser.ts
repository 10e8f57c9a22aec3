/**
 * Wild Rydes end to end in headless Chromium (`npm run test:browser`; not part of `npm test`).
 *
 * The real pages (`lib/serverless/site`) and the real handlers, served on 127.0.0.1 (`local-wild-rydes.ts`),
 * with a DynamoDB API (dynalite) and Cognito's API answered by moto_server: the page calls
 * `https://cognito-idp.us-east-1.amazonaws.com/` exactly as deployed, and the test hands those requests to
 * moto at the network edge (`page.route`). Nothing leaves the machine: any other outside request fails the test.
 *
 * Needs Debian's chromium (`apt-get install -y chromium`; `CHROMIUM` overrides the path) and moto for python3.
 */
import * as fs from 'fs';
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
import { LocalWildRydes, startLocalWildRydes } from './local-wild-rydes';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const REGION = 'us-east-1';
const COGNITO = `https://cognito-idp.${REGION}.amazonaws.com/`;
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

  // A pool like RiderPool's: self sign-up, email verified, the same password policy; a client without a secret.
  const { UserPool } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPool', {
    PoolName: 'riders',
    AutoVerifiedAttributes: ['email'],
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
  });
  const { UserPoolClient } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: 'web',
    GenerateSecret: false,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });

  site = await startLocalWildRydes({
    siteDir: SITE_DIR,
    region: REGION,
    userPoolId: UserPool.Id,
    userPoolClientId: UserPoolClient.ClientId,
    jwksUrl: `${moto.url}/${UserPool.Id}/.well-known/jwks.json`,
    issuer: `https://cognito-idp.${REGION}.amazonaws.com/${UserPool.Id}`,
    handlers: (allowedOrigin) => ({
      ride: rides.makeHandler({ dynamodb: db.client, tableName: 'Rides', allowedOrigin }),
      faq: faq.makeHandler({ dynamodb: db.client, tableName: 'Faq', allowedOrigin }),
    }),
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // Routes match newest first: everything not local is refused, except Cognito, which moto answers.
  await page.route(
    (url) => !['127.0.0.1'].includes(url.hostname),
    (route) => {
      escaped.push(route.request().url());
      return route.abort();
    },
  );
  await page.route(COGNITO, async (route) => {
    const request = route.request();
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'POST' };
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 200, headers: cors });
    const target = (await request.headerValue('x-amz-target')) ?? '';
    cognitoCalls.push(target.split('.').pop()!);
    const res = await fetch(`${moto.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
      body: request.postData() ?? '',
    });
    return route.fulfill({ status: res.status, headers: { ...cors, 'Content-Type': 'application/x-amz-json-1.1' }, body: await res.text() });
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await moto?.stop();
  await db?.stop();
});

afterEach(() => {
  expect(escaped).toEqual([]);
  expect(pageErrors).toEqual([]);
});

const status = () => page.locator('#status');

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
