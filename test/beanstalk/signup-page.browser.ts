/**
 * The Beanstalk lab's sign-up page in headless Chromium, served by the app's own server with its real
 * DynamoDB store on dynalite: the form posts through the page's script and shows the answer (stored,
 * refused as a duplicate, refused as bad input), and works without script too. Nothing leaves 127.0.0.1.
 *
 * Part of `npm run test:browser`. Needs Debian's chromium (`apt-get install -y chromium`; `CHROMIUM`
 * overrides the path).
 */
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Browser, chromium } from 'playwright-core';
import { DynamoSignupStore } from '../../lib/beanstalk/app/src/backends';
import { PAGE_HEADLINE } from '../../lib/beanstalk/app/src/page';
import { createSignupServer } from '../../lib/beanstalk/app/src/server';
import { Signup } from '../../lib/beanstalk/app/src/signup';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TABLE = 'Signups';
jest.setTimeout(60_000);

let dynamo: LocalDynamo;
let server: http.Server;
let url: string;
let browser: Browser;
const notified: Signup[] = [];
const escaped: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium (or set CHROMIUM)`);
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE, { partitionKey: 'email' });
  server = createSignupServer({
    store: new DynamoSignupStore(dynamo.client, TABLE),
    notifier: { notify: async (s) => void notified.push(s) },
    servedBy: 'ip-10-50-0-7',
    log: () => {},
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await dynamo?.stop();
  expect(escaped).toEqual([]);
});

async function openPage(javaScriptEnabled = true) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.route((u) => u.hostname !== '127.0.0.1', (route) => {
    escaped.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
  return { page, errors, context };
}

test('signing up shows the thanks, stores the item and notifies; the same address again is refused on the page', async () => {
  const { page, errors, context } = await openPage();
  expect(await page.textContent('h1')).toBe(PAGE_HEADLINE);
  expect(await page.textContent('footer')).toBe('Served by ip-10-50-0-7');
  await page.fill('#name', 'Ana Lima');
  await page.fill('#email', 'Ana@Example.com');
  await page.check('input[name=previewAccess]');
  await page.click('button[type=submit]');
  await page.waitForSelector('#answer.ok, #answer.refused');
  expect(await page.getAttribute('#answer', 'class')).toBe('ok');
  expect(await page.textContent('#answer')).toBe('Thanks, Ana Lima! You are signed up as ana@example.com.');
  const item = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { email: { S: 'ana@example.com' } } }));
  expect(item.Item).toMatchObject({ name: { S: 'Ana Lima' }, previewAccess: { BOOL: true } });
  expect(notified).toEqual([{ email: 'ana@example.com', name: 'Ana Lima', previewAccess: true }]);

  await page.click('button[type=submit]');
  await page.waitForSelector('#answer.refused');
  expect(await page.textContent('#answer')).toBe('ana@example.com has already signed up.');
  expect(notified).toHaveLength(1);
  expect(errors).toEqual([]);
  await context.close();
});

test("an address the browser's own check lets through but the app refuses shows the app's message", async () => {
  const { page, errors, context } = await openPage();
  await page.fill('#name', 'Bob');
  await page.fill('#email', 'bob@nowhere'); // type=email accepts it; the app wants a domain with a dot
  await page.click('button[type=submit]');
  await page.waitForSelector('#answer.refused');
  expect(await page.textContent('#answer')).toBe('email "bob@nowhere" is not an email address such as ana@example.com.');
  expect(errors).toEqual([]);
  await context.close();
});

test('without script the form posts and the app answers with a page', async () => {
  const { page, context } = await openPage(false);
  await page.fill('#name', 'Cy');
  await page.fill('#email', 'cy@example.org');
  await Promise.all([page.waitForURL(`${url}signup`), page.click('button[type=submit]')]);
  expect(await page.textContent('h1')).toBe('Thank you');
  expect(await page.textContent('p.ok')).toBe('Thanks, Cy! You are signed up as cy@example.org.');
  await context.close();
});
