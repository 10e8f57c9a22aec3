/**
 * The `labs` command as a shell runs it (bin/labs.cjs), its output piped into a reader that stops early, as
 * `labs cost --help | head -1` does: the command stops quietly, with no stack trace.
 */
import { spawn } from 'child_process';
import * as path from 'path';

const LABS = path.join(__dirname, '..', '..', 'bin', 'labs.cjs');

test('a reader that closes the pipe early gets no EPIPE stack trace, and the command exits 0', async () => {
  const child = spawn(process.execPath, [LABS, 'cost', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Like `head -1`: read the first chunk, then close our end, so the command's next write meets a closed pipe.
  const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk))));
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(first).toMatch(/^Usage: labs cost/);
  expect(stderr).toBe('');
  expect(code).toBe(0);
}, 30_000);
