/**
 * A moto_server for one integration test file: started on 127.0.0.1 on a free port, reset between tests,
 * and stopped when the file ends. It also stops by itself if the test process dies (its watchdog shell
 * reads the test's stdin pipe and kills it at end of file) and after 15 minutes in any case.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';

export interface Moto {
  readonly endpoint: string;
  /** Empties every service's state (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts moto_server and points the AWS SDK at it with dummy credentials, in this process's environment. */
export async function startMoto(): Promise<Moto> {
  if (spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status !== 0) {
    throw new Error("moto_server is not installed: pip install 'moto[server]' (scripts/test-moto.sh does it)");
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // The watchdog: moto_server in the background, then `cat` until the test process closes our stdin.
  const child: ChildProcess = spawn(
    'sh',
    ['-c', `timeout 900 moto_server -H 127.0.0.1 -p ${port} >/dev/null 2>&1 & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0`],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.stdin?.end();
      throw new Error(`moto_server did not start on ${endpoint} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    // Never read the developer's own profile or credentials.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  delete process.env.AWS_PROFILE;
  return {
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin?.end();
      });
    },
  };
}
