/**
 * The architecture SVGs as a reader sees them: each lab guide's `architecture.svg` opened in headless
 * Chromium (Debian's package; `CHROMIUM` overrides the path), checked for the nodes its guide names, and
 * kept as a screenshot under `test-output/` for a person to look at. Run with `npm run test:browser`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Browser, chromium } from 'playwright-core';

const ROOT = path.join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT_DIR = path.join(ROOT, 'test-output');

/** Every lab folder with a generated diagram. */
const LABS = fs
  .readdirSync(path.join(ROOT, 'lib'))
  .filter((dir) => fs.existsSync(path.join(ROOT, 'lib', dir, 'architecture.svg')))
  .sort();

let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium (or set CHROMIUM)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

test('every lab has a diagram', () => {
  expect(LABS).toEqual(expect.arrayContaining(['container-cluster', 'hadoop', 'microservices', 'serverless', 'static-site']));
});

test.each(LABS)('%s: the SVG renders with every node its guide\'s Mermaid section names, and a screenshot is kept', async (lab) => {
  const guide = fs.readFileSync(path.join(ROOT, 'lib', lab, 'README.md'), 'utf8');
  // The first line of each Mermaid node label: what the node is ("S3 bucket", "EC2 instance").
  const expected = [...guide.matchAll(/^\s+n_\w+[[({/]+"([^"<]+)<br\/>/gm)].map((m) => m[1].replace(/&/g, '&amp;').trim());
  expect(expected.length).toBeGreaterThan(1);

  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  try {
    // Inlined in a page (as a browser shows it inside a guide), without its XML prolog.
    const svg = fs.readFileSync(path.join(ROOT, 'lib', lab, 'architecture.svg'), 'utf8').replace(/^[\s\S]*?(<svg\b)/, '$1');
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    const texts = await page.locator('svg text').allTextContents();
    for (const what of expected) expect({ lab, what, drawn: texts.includes(what) }).toEqual({ lab, what, drawn: true });
    const box = await page.locator('svg').boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    const file = path.join(OUTPUT_DIR, `${lab}-architecture.png`);
    await page.locator('svg').screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  } finally {
    await page.close();
  }
}, 60_000);
