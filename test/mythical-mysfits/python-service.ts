/**
 * The Mysfits service (lib/mythical-mysfits/app/src/mysfits_service.py) as a process on 127.0.0.1, for the
 * tests: the same Flask app and waitress server the image runs, on Debian's python3-flask, python3-boto3
 * and python3-waitress (`MYSFITS_PYTHON` names another interpreter that has them), pointed at a local
 * DynamoDB. `stop()` ends the process; a test that dies leaves nothing behind (the process's stdin closes).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as path from 'path';

export const PYTHON = process.env.MYSFITS_PYTHON ?? '/usr/bin/python3';
const SERVICE = path.join(__dirname, '..', '..', 'lib', 'mythical-mysfits', 'app', 'src', 'mysfits_service.py');

export interface PythonService {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every line the service printed (its request log, its errors). */
  readonly log: string[];
  stop(): Promise<void>;
}

/** Fails with one line saying what to install when the interpreter lacks the service's packages. */
export function requirePythonPackages(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import flask, boto3, waitress'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `${PYTHON} cannot import flask, boto3 and waitress (the Mysfits service's packages): apt-get install -y python3-flask python3-boto3 python3-waitress, or set MYSFITS_PYTHON to an interpreter that has them`,
    );
  }
}

export async function startPythonService(env: { tableName: string; dynamodbEndpoint: string; allowedOrigin?: string }): Promise<PythonService> {
  requirePythonPackages();
  const log: string[] = [];
  // A wrapper that exits when its stdin closes, so a crashed test never leaves the server running.
  const child: ChildProcess = spawn(
    PYTHON,
    ['-c', `import runpy, sys, threading, os\nthreading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()\nrunpy.run_path(${JSON.stringify(SERVICE)}, run_name='__main__')`],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        PYTHONDONTWRITEBYTECODE: '1',
        MYSFITS_TABLE_NAME: env.tableName,
        DYNAMODB_ENDPOINT: env.dynamodbEndpoint,
        ...(env.allowedOrigin ? { ALLOWED_ORIGIN: env.allowedOrigin } : {}),
        HOST: '127.0.0.1',
        PORT: '0',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    },
  );
  const collect = (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
  child.stderr!.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Mysfits service did not start within 20 s:\n${log.join('\n')}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      collect(chunk);
      const match = /mysfits service on port (\d+)/.exec(log.join('\n'));
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Mysfits service exited with ${code}:\n${log.join('\n')}`));
    });
  });
  return {
    url,
    log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await exited;
    },
  };
}
