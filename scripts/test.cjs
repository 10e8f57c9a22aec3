#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm test`: the type check (`tsc --noEmit`) and every test (`jest`, with any arguments given to
 * `npm test -- ...`), run at the same time; fails when either fails.
 *
 * Why at once: tsc spends most of its time parsing aws-cdk-lib's and the AWS SDK's type declarations on
 * one core, and jest is held up by one long file (template validation) near its end, so one after the
 * other left a core idle for much of the run. Together they fill both cores (see the README's
 * `time npm test` for the figures).
 *
 * Why incremental: tsc keeps what it learnt last time in node_modules/.cache/course-labs/ (removed with
 * node_modules; safe to delete), so a repeat run re-checks only files whose content changed, and the
 * files that depend on them. The answer is the same as a full `npx tsc --noEmit`; a fresh clone simply
 * has no cache yet and checks everything.
 *
 * Output: jest's goes straight to the terminal as it runs; tsc's is held and printed whole when it ends
 * (its errors, if any, under a heading), then one line per command says whether it passed.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'course-labs');
const TSC = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const JEST = require.resolve('jest/bin/jest');

fs.mkdirSync(CACHE_DIR, { recursive: true });

/**
 * @param {string} name
 * @param {string[]} args
 * @param {boolean} quiet hold the output instead of passing it through
 * @returns {Promise<{ name: string, code: number, seconds: number, output: string }>}
 */
function run(name, args, quiet) {
  const start = Date.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  /** @type {Buffer[]} */
  const output = [];
  child.stdout?.on('data', (chunk) => output.push(chunk));
  child.stderr?.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    child.on('error', (err) => resolve({ name, code: 1, seconds: 0, output: `${name} did not start: ${err.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({
        name,
        code: code ?? (signal ? 128 : 1),
        seconds: (Date.now() - start) / 1000,
        output: Buffer.concat(output).toString() + (signal ? `${name} was stopped by ${signal}\n` : ''),
      }),
    );
  });
}

async function main() {
  const pretty = process.stdout.isTTY ? ['--pretty'] : [];
  const tsc = run(
    'tsc --noEmit',
    [TSC, '--noEmit', '--incremental', '--tsBuildInfoFile', path.join(CACHE_DIR, 'tsc.tsbuildinfo'), ...pretty],
    true,
  );
  const jest = run(['jest', ...process.argv.slice(2)].join(' '), [JEST, ...process.argv.slice(2)], false);
  const results = await Promise.all([tsc, jest]);

  const typeCheck = results[0];
  if (typeCheck.output.trim()) process.stdout.write(`\n== ${typeCheck.name}\n${typeCheck.output.replace(/\n*$/, '\n')}`);
  process.stdout.write('\n');
  for (const r of results) {
    process.stdout.write(`${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}: ${r.name} (${r.seconds.toFixed(1)} s)\n`);
  }
  process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
}

main();
