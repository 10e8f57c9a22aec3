/**
 * moto_server (the Python AWS emulator: `pip install 'moto[server]'`, on this machine's image) for a test
 * file: started on 127.0.0.1 on a port it picks itself (so two files never race for one), and stopped when
 * the file ends. A watchdog shell also stops it if the test process dies (it waits for end of file on
 * the stdin pipe the test holds) and after 15 minutes in any case.
 *
 * Used by the labs command's integration suite (test/integration, `npm run test:moto`) and the serverless
 * browser test (Cognito).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';

export interface Moto {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Calls an AWS JSON-protocol action (e.g. `AWSCognitoIdentityProviderService.CreateUserPool`). */
  call(target: string, body: unknown): Promise<any>;
  /** Empties every service's state (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startMoto(): Promise<Moto> {
  if (spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status !== 0) {
    throw new Error("moto_server is not installed: pip install 'moto[server]' (scripts/test-moto.sh does it)");
  }
  const child: ChildProcess = spawn(
    'sh',
    ['-c', 'timeout 900 moto_server -H 127.0.0.1 -p 0 2>&1 & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.stdin!.end();
      reject(new Error(`moto_server did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (output.length < 10_000) output += chunk.toString();
      const match = output.match(/Running on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code}:\n${output}`));
    });
  });
  // Keep reading (and dropping) its request log, so a full pipe never blocks it.
  child.stdout!.resume();
  return {
    url,
    async call(target, body) {
      const res = await fetch(`${url}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
        body: JSON.stringify(body),
      });
      const data = await res.json();
      if (!res.ok) throw new Error(`${target}: HTTP ${res.status} ${JSON.stringify(data)}`);
      return data;
    },
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end(); // the watchdog stops moto_server and exits
      await exited;
    },
  };
}

/**
 * Points the AWS SDK in this process, and in the processes it starts, at `moto` with dummy credentials, and
 * away from the developer's own profile and credentials.
 */
export function pointAwsSdkAt(moto: Moto): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  delete process.env.AWS_PROFILE;
}
