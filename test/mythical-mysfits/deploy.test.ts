/**
 * `npm run deploy:mysfits`: without a Docker engine, one line naming this lab and exit 1 before anything is
 * built or deployed; with one, `cdk deploy` of this lab's stack with the arguments as given.
 */
import { SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { main, STACK_PATTERN } from '../../lib/mythical-mysfits/deploy';

const ok = { pid: 1, output: [], stdout: '', stderr: '', status: 0, signal: null } as SpawnSyncReturns<string>;
const noDocker = { ...ok, status: null, error: Object.assign(new Error('spawnSync docker ENOENT'), { code: 'ENOENT' }) } as SpawnSyncReturns<string>;

test('without Docker: one line naming the lab and the problem, exit 1, and cdk never runs', () => {
  const lines: string[] = [];
  let cdkRan = false;
  const status = main(['-c', 'ttlHours=8'], { env: {}, run: () => noDocker, log: (l) => lines.push(l), cdk: () => ((cdkRan = true), 0) });
  expect([status, cdkRan]).toEqual([1, false]);
  expect(lines).toEqual([
    'course-labs: MythicalMysfitsLabStack needs a running Docker engine on this machine to build its container images, but there is no "docker" command on this machine. ' +
      'Install or start Docker (https://docs.docker.com/get-docker/) and run this again; nothing was built or deployed.',
  ]);
});

test('with Docker: cdk deploy of this lab only, the arguments passed as given; CDK_DOCKER is the engine asked', () => {
  const asked: string[] = [];
  const calls: string[][] = [];
  const status = main(['-c', 'stackSuffix=alice'], { env: { CDK_DOCKER: 'finch' }, run: (cmd) => (asked.push(cmd), ok), log: () => undefined, cdk: (a) => (calls.push(a), 0) });
  expect([status, asked, calls]).toEqual([0, ['finch'], [['deploy', 'MythicalMysfitsLabStack*', '-c', 'stackSuffix=alice']]]);
  expect(STACK_PATTERN).toBe('MythicalMysfitsLabStack*');
});

test('package.json runs this script as deploy:mysfits', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  expect(pkg.scripts['deploy:mysfits']).toBe('node --import tsx lib/mythical-mysfits/deploy.ts');
});
