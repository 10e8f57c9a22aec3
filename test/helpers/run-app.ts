/**
 * The app run as a student's `cdk synth` runs it: cdk.json's command (`node bin/cdk-app.cjs`) in a new
 * process in the project folder, for tests of what a user sees (messages, exit status, what is written).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
/** The command cdk.json gives the CDK CLI to run the app. */
const APP_COMMAND: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).app.split(' ');

/** Runs the app with `context`; `written` lists what it wrote to its cloud assembly folder. */
export function runApp(context: Record<string, unknown>) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'course-labs-app-'));
  expect(APP_COMMAND[0]).toBe('node');
  // The CDK CLI hands context to the app in CDK_CONTEXT_JSON and the output folder in CDK_OUTDIR.
  const result = spawnSync(process.execPath, APP_COMMAND.slice(1), {
    cwd: ROOT,
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    encoding: 'utf8',
  });
  const written = fs.readdirSync(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ...result, written };
}
