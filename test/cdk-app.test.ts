/**
 * The app's runner (`bin/cdk-app.cjs`, cdk.json's "app"): it runs a bundle of the TypeScript sources that
 * it builds on demand, and must never run a stale one. Exercised on a small project of its own in a
 * temporary folder, edited between runs the way a student edits a lab between two synths.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNNER = path.join(__dirname, '..', 'bin', 'cdk-app.cjs');
const { ensureBundle } = require(RUNNER) as {
  ensureBundle(options: { root: string; entry: string; cacheDir: string }): Promise<{ file: string; built: boolean }>;
};

let root: string;
const options = () => ({ root, entry: 'bin/app.ts', cacheDir: path.join(root, 'cache') });

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

/** Builds if needed, then loads the bundle (a new file whenever it was rebuilt) and calls the fixture app. */
async function synth() {
  const { file, built } = await ensureBundle(options());
  const app = require(file) as { run(): string };
  return { built, file, output: app.run() };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'course-labs-runner-'));
  write('tsconfig.json', '{ "compilerOptions": { "strict": true } }\n');
  write('bin/app.ts', "#!/usr/bin/env node\nimport { lab } from '../lib/lab';\n\nexport const run = () => `${lab()} ${__dirname}`;\n");
  write('lib/lab.ts', "export const lab = (): string => `v1 ${require('path').basename(__filename)}`;\n");
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('the first synth builds; the next reuses the bundle; each module keeps its own __dirname and __filename', async () => {
  const first = await synth();
  expect(first).toMatchObject({ built: true, output: `v1 lab.ts ${path.join(root, 'bin')}` });
  const second = await synth();
  expect(second).toEqual({ ...first, built: false });
});

test('an edit to any file of the app rebuilds before it runs', async () => {
  await synth();
  write('lib/lab.ts', "export const lab = (): string => 'v2';\n");
  expect(await synth()).toMatchObject({ built: true, output: `v2 ${path.join(root, 'bin')}` });
});

test('a new file that changes what an import resolves to rebuilds, though no imported file changed', async () => {
  fs.rmSync(path.join(root, 'lib', 'lab.ts'));
  write('lib/lab/index.ts', "export const lab = (): string => 'from lab/index.ts';\n");
  expect((await synth()).output).toMatch(/^from lab\/index\.ts /);
  write('lib/lab.ts', "export const lab = (): string => 'from lab.ts';\n");
  expect(await synth()).toMatchObject({ built: true, output: expect.stringMatching(/^from lab\.ts /) });
});

test('a deleted source or bundle, or a changed tsconfig.json, rebuilds', async () => {
  const { file } = await synth();
  fs.rmSync(file);
  expect((await synth()).built).toBe(true);
  write('tsconfig.json', '{ "compilerOptions": { "strict": false } }\n');
  expect((await synth()).built).toBe(true);
  fs.rmSync(path.join(root, 'lib', 'lab.ts'));
  write('lib/lab.js', "exports.lab = () => 'plain js';\n");
  expect(await synth()).toMatchObject({ built: true, output: expect.stringMatching(/^plain js /) });
});

test('two checkouts that share node_modules keep a bundle each', async () => {
  const cacheDir = path.join(root, 'cache');
  const first = root;
  await synth();
  const second = fs.mkdtempSync(path.join(os.tmpdir(), 'course-labs-runner-'));
  try {
    fs.cpSync(first, second, { recursive: true, filter: (f) => f !== cacheDir });
    const other = await ensureBundle({ root: second, entry: 'bin/app.ts', cacheDir });
    expect(other.built).toBe(true);
    expect((require(other.file) as { run(): string }).run()).toBe(`v1 lab.ts ${path.join(second, 'bin')}`);
    expect((await synth()).built).toBe(false);
  } finally {
    fs.rmSync(second, { recursive: true, force: true });
  }
});

/** Runs the fixture app as cdk.json's runner runs the real one: a new node process. */
function runFromCli() {
  return spawnSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(RUNNER)}).runBundled(${JSON.stringify(options())})`],
    { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
  );
}

test("a bug's stack trace points into the TypeScript source, not the bundle", () => {
  write('lib/lab.ts', "\nexport const lab = (): string => {\n  throw new TypeError('a bug');\n};\n");
  write('bin/app.ts', "import { lab } from '../lib/lab';\n\nlab();\n");
  const run = runFromCli();
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`TypeError: a bug\n    at lab (${path.join(root, 'lib', 'lab.ts')}:3:9)`);
});

test('a compile error is esbuild\'s message and one line, with status 1 and no stack trace', async () => {
  write('lib/lab.ts', 'export const lab = (): string => ;\n');
  const run = runFromCli();
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain('lib/lab.ts:1:');
  expect(run.stderr).toContain('export const lab = (): string => ;');
  expect(run.stderr.trimEnd().split('\n').pop()).toBe('course-labs: bin/app.ts does not compile (1 error above).');
  expect(run.stderr).not.toMatch(/^\s+at /m);
});
