/**
 * `npm run deploy:microservices`: without a Docker engine, one line and exit 1 before anything is built
 * or deployed; with one, `cdk deploy` of this lab's stack with the arguments as given.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as path from 'path';
import { dockerProblem, main, STACK_PATTERN } from '../../lib/microservices/deploy';

const ROOT = path.join(__dirname, '..', '..');

const returns = (over: Partial<SpawnSyncReturns<string>>): SpawnSyncReturns<string> => ({
  pid: 1,
  output: [],
  stdout: '',
  stderr: '',
  status: 0,
  signal: null,
  ...over,
});
const errno = (code: string) => Object.assign(new Error(`spawnSync docker ${code}`), { code });

describe('dockerProblem', () => {
  test('none when `docker info` succeeds; it asks the engine, not just the client', () => {
    const calls: Array<[string, string[]]> = [];
    expect(dockerProblem('docker', (cmd, args) => (calls.push([cmd, args]), returns({})))).toBeUndefined();
    expect(calls).toEqual([['docker', ['info']]]);
  });

  test.each([
    ['no command', returns({ error: errno('ENOENT'), status: null }), 'there is no "docker" command on this machine'],
    ['a hung engine', returns({ error: errno('ETIMEDOUT'), status: null }), '"docker info" did not answer within 30 s'],
    [
      'a stopped engine',
      returns({ status: 1, stderr: '\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nmore\n' }),
      '"docker info" cannot reach a Docker engine (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)',
    ],
    ['a failure without a message', returns({ status: 1 }), '"docker info" cannot reach a Docker engine'],
  ])('%s', (_name, result, expected) => {
    expect(dockerProblem('docker', () => result)).toBe(expected);
  });
});

describe('main', () => {
  test('with Docker, runs cdk deploy of this lab only, with the arguments unchanged and CDK_DOCKER honoured', () => {
    const docker: string[] = [];
    const cdk: string[][] = [];
    const status = main(['-c', 'phase=split', '--require-approval', 'never'], {
      env: { CDK_DOCKER: 'finch' },
      run: (cmd) => (docker.push(cmd), returns({})),
      cdk: (args) => (cdk.push(args), 0),
      log: () => {
        throw new Error('nothing to say');
      },
    });
    expect(status).toBe(0);
    expect(docker).toEqual(['finch']);
    expect(cdk).toEqual([['deploy', STACK_PATTERN, '-c', 'phase=split', '--require-approval', 'never']]);
    expect(STACK_PATTERN).toBe('MicroservicesLabStack*');
  });

  test("cdk's exit status is the script's", () => {
    expect(main([], { env: {}, run: () => returns({}), cdk: () => 3, log: () => undefined })).toBe(3);
  });

  test('as a student runs it without Docker: one line on stderr, exit 1, cdk never started', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/microservices/deploy.ts', '-c', 'phase=split'], {
      cwd: ROOT,
      env: { ...process.env, CDK_DOCKER: path.join(ROOT, 'no-such-docker') },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      `course-labs: MicroservicesLabStack needs a running Docker engine on this machine to build its container images, but there is no "${path.join(ROOT, 'no-such-docker')}" command on this machine. Install or start Docker (https://docs.docker.com/get-docker/) and run this again; nothing was built or deployed.`,
      '',
    ]);
  });

  test('package.json runs this script as deploy:microservices', () => {
    const pkg = require(path.join(ROOT, 'package.json'));
    expect(pkg.scripts['deploy:microservices']).toBe('node --import tsx lib/microservices/deploy.ts');
  });
});
