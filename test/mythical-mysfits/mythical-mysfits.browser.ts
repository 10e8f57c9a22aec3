/**
 * Mythical Mysfits end to end in headless Chromium (`npm run test:browser`; not part of `npm test`).
 *
 * The real pages (`lib/mythical-mysfits/site`), the real Mysfits service (Flask, waitress) on dynalite seeded by the real seed
 * handler, and the real click processor, served on 127.0.0.1 (`local-mysfits.ts`); Cognito's API answered
 * by moto_server: the page calls `https://cognito-idp.us-east-1.amazonaws.com/` exactly as deployed, and
 * the test hands those requests to moto at the network edge (`page.route`). Nothing else leaves the machine.
 *
 * Needs Debian's chromium (`CHROMIUM` overrides the path) and moto for python3.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Browser, chromium, Page } from 'playwright-core';
import { makeHandler as makeProcessor } from '../../lambda/mysfits-click-processor';
import { makeHandler as makeSeed } from '../../lambda/mysfits-seed';
import { MYSFITS, MYSFITS_INDEXES } from '../../lib/mythical-mysfits/mysfits-table';
import { MYSFITS_SITE_DIR } from '../../lib/mythical-mysfits/mythical-mysfits-lab-stack';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { Moto, startMoto } from '../helpers/moto';
import { LocalMysfits, startLocalMysfits } from './local-mysfits';
import { PythonService, startPythonService } from './python-service';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const REGION = 'us-east-1';
const COGNITO = `https://cognito-idp.${REGION}.amazonaws.com/`;
const OUTPUT_DIR = path.join(__dirname, '..', '..', 'test-output');
const EMAIL = 'bob@example.com';
const PASSWORD = 'Mysfit-adopt-1';
const TABLE = 'Mysfits';
const COCO = '0e37d916-f960-4772-a25a-01b762b5c1bd';

jest.setTimeout(90_000);

let db: LocalDynamo;
let moto: Moto;
let site: LocalMysfits;
let service: PythonService;
let browser: Browser;
let page: Page;
const escaped: string[] = [];
const cognitoCalls: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium (or set CHROMIUM)`);
  [db, moto] = await Promise.all([startDynalite(), startMoto()]);
  await db.client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['MysfitId', ...Object.keys(MYSFITS_INDEXES)].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
      KeySchema: [{ AttributeName: 'MysfitId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: Object.entries(MYSFITS_INDEXES).map(([a, IndexName]) => ({
        IndexName,
        KeySchema: [{ AttributeName: a, KeyType: 'HASH' as const }, { AttributeName: 'MysfitId', KeyType: 'RANGE' as const }],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    }),
  );
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  await makeSeed({ dynamodb: db.client, put: async () => undefined })({
    RequestType: 'Create',
    ResponseURL: 'https://example.invalid/',
    StackId: 'stack',
    RequestId: 'r',
    LogicalResourceId: 'Seed',
    ResourceProperties: { TableName: TABLE, Mysfits: JSON.stringify(MYSFITS) },
  });

  // A pool like MysfitsUsers': email usernames, self sign-up, email verified, the same password policy.
  const { UserPool } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPool', {
    PoolName: 'mysfits',
    UsernameAttributes: ['email'],
    AutoVerifiedAttributes: ['email'],
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
  });
  const { UserPoolClient } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: 'web',
    GenerateSecret: false,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });

  site = await startLocalMysfits({
    siteDir: MYSFITS_SITE_DIR,
    region: REGION,
    userPoolId: UserPool.Id,
    userPoolClientId: UserPoolClient.ClientId,
    jwksUrl: `${moto.url}/${UserPool.Id}/.well-known/jwks.json`,
    issuer: `https://cognito-idp.${REGION}.amazonaws.com/${UserPool.Id}`,
    service: async (allowedOrigin) => {
      service = await startPythonService({ tableName: TABLE, dynamodbEndpoint: db.endpoint, allowedOrigin });
      return service.url;
    },
    processor: makeProcessor({ dynamodb: db.client, tableName: TABLE, log: () => undefined }),
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.route(
    (url) => url.hostname !== '127.0.0.1',
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
    const res = await fetch(`${moto.url}/`, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target }, body: request.postData() ?? '' });
    return route.fulfill({ status: res.status, headers: { ...cors, 'Content-Type': 'application/x-amz-json-1.1' }, body: await res.text() });
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await service?.stop();
  await moto?.stop();
  await db?.stop();
});

afterEach(() => {
  expect(escaped).toEqual([]);
  expect(pageErrors).toEqual([]);
});

const cards = () => page.locator('#mysfits .card h2').allTextContents();
const byName = (names: string[]) => [...names].sort((a, b) => a.localeCompare(b));

test('the list shows every mysfit, across origins, and the filter shows one alignment', async () => {
  await page.goto(`${site.siteUrl}/index.html`);
  await page.locator('#mysfits .card').first().waitFor();
  expect(await cards()).toEqual(byName(MYSFITS.map((m) => m.Name)));
  await page.selectOption('#filter', 'GoodEvil=Evil');
  await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('#mysfits .card').length === n, MYSFITS.filter((m) => m.GoodEvil === 'Evil').length);
  expect(await cards()).toEqual(byName(MYSFITS.filter((m) => m.GoodEvil === 'Evil').map((m) => m.Name)));
});

test('a click on a mysfit opens its page and reaches the clickstream, enriched with the mysfit', async () => {
  await page.selectOption('#filter', '');
  await page.click(`#mysfits .card[data-mysfit-id="${COCO}"]`);
  await page.waitForURL(new RegExp(`/mysfit\\.html\\?id=${COCO}$`));
  await page.locator('#name', { hasText: 'CoCo' }).waitFor();
  await expect(page.locator('#likes').textContent()).resolves.toBe('0');
  // The page records the click before it navigates, so it is there already.
  expect(site.clicks).toHaveLength(1);
  expect(JSON.parse(site.clicks[0])).toMatchObject({ mysfitId: COCO, userId: 'anonymous', mysfit: { name: 'CoCo', species: 'Dragon' } });
});

test('signed out, like asks to sign in; sign up, confirm, sign in', async () => {
  await page.click('#like');
  await expect(page.locator('#status.error').textContent()).resolves.toBe('Sign in first to like or adopt a mysfit.');

  await page.goto(`${site.siteUrl}/register.html`);
  await page.fill('input[name=email]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await page.fill('input[name=password2]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/confirm\.html\?email=bob%40example\.com$/);
  expect(await page.inputValue('#email')).toBe(EMAIL);
  await page.fill('input[name=code]', '123456'); // moto accepts any code; Cognito would email it
  await page.click('button[type=submit]');
  await page.waitForURL(/\/signin\.html$/);
  await page.fill('input[name=email]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/index\.html$/);
  await expect(page.locator('#who').textContent()).resolves.toBe(`Signed in as ${EMAIL}`);
  expect(cognitoCalls).toEqual(['SignUp', 'ConfirmSignUp', 'InitiateAuth']);
});

test('signed in: like and adopt, shown on the page and stored in the table', async () => {
  await page.goto(`${site.siteUrl}/mysfit.html?id=${COCO}`);
  await page.locator('#likes', { hasText: '0' }).waitFor();
  await page.click('#like');
  await page.locator('#likes', { hasText: '1' }).waitFor();
  await page.click('#adopt');
  await page.locator('#adopted', { hasText: 'Adopted' }).waitFor();
  expect(await page.locator('#adopt').isDisabled()).toBe(true);
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, 'mythical-mysfits-adopted.png'), fullPage: true });
  const { Item } = await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { MysfitId: { S: COCO } } }));
  expect(Item).toMatchObject({ Likes: { N: '1' }, Adopted: { BOOL: true } });
});

test('a forged token is refused with a 401 the page can read (the error carries the CORS header) and shows', async () => {
  await page.evaluate(() => {
    const storage = (globalThis as any).sessionStorage;
    const session = JSON.parse(storage.getItem('mysfits.session'));
    const [header, payload] = session.idToken.split('.');
    session.idToken = `${header}.${payload}.forged-signature`;
    storage.setItem('mysfits.session', JSON.stringify(session));
  });
  await page.reload();
  await page.click('#like');
  await page.locator('#status.error').waitFor();
  await expect(page.locator('#status').textContent()).resolves.toContain('Sign in first');
  const { Item } = await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { MysfitId: { S: COCO } } }));
  expect(Item?.Likes).toEqual({ N: '1' });
});
