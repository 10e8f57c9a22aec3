/**
 * The message board, run under node and called over real HTTP on 127.0.0.1: every route, the 400s and
 * 404s, and the same requests answered identically by the monolith and by the microservice that owns
 * the route. The process entry point (SERVICE, PORT, SIGTERM) is tested by spawning it.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

const APP_DIR = path.join(__dirname, '..', '..', 'lib', 'microservices', 'app');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createServer, SERVICE_NAMES } = require(path.join(APP_DIR, 'src', 'server.js')) as {
  createServer(service: string, options?: { log?: (line: string) => void }): http.Server & { stop(done: () => void): void };
  SERVICE_NAMES: string[];
};
const db = JSON.parse(fs.readFileSync(path.join(APP_DIR, 'data', 'db.json'), 'utf8'));

type Service = 'monolith' | 'users' | 'threads' | 'posts';
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

const servers = new Map<Service, { server: http.Server & { stop(done: () => void): void }; port: number; log: string[] }>();

beforeAll(async () => {
  for (const service of ['monolith', 'users', 'threads', 'posts'] as Service[]) {
    const log: string[] = [];
    const server = createServer(service, { log: (line) => log.push(line) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.set(service, { server, port: (server.address() as AddressInfo).port, log });
  }
});

afterAll(async () => {
  await Promise.all([...servers.values()].map(({ server }) => new Promise<void>((resolve) => server.stop(resolve))));
});

function call(service: Service, urlPath: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const { port } = servers.get(service)!;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: urlPath, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = Symbol('not JSON');
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Every route of the API with a found id, an unknown id and a malformed one; and the expected answer. */
const CASES: Array<{ path: string; owner: Exclude<Service, 'monolith'>; status: number; body: unknown }> = [
  { path: '/api/users', owner: 'users', status: 200, body: db.users },
  { path: '/api/users/', owner: 'users', status: 200, body: db.users },
  { path: '/api/users/2', owner: 'users', status: 200, body: db.users[1] },
  { path: '/api/users/99', owner: 'users', status: 404, body: { error: 'No user with id 99.' } },
  { path: '/api/users/abc', owner: 'users', status: 400, body: { error: 'Malformed user id "abc": an id is a whole number from 1.' } },
  { path: '/api/users/01', owner: 'users', status: 400, body: { error: 'Malformed user id "01": an id is a whole number from 1.' } },
  { path: '/api/users/-1', owner: 'users', status: 400, body: { error: 'Malformed user id "-1": an id is a whole number from 1.' } },
  { path: '/api/users/1.5', owner: 'users', status: 400, body: { error: 'Malformed user id "1.5": an id is a whole number from 1.' } },
  { path: '/api/users/1/extra', owner: 'users', status: 404, body: { error: 'No route for /api/users/1/extra.' } },
  { path: '/api/threads', owner: 'threads', status: 200, body: db.threads },
  { path: '/api/threads/3?verbose=1', owner: 'threads', status: 200, body: db.threads[2] },
  { path: '/api/threads/4', owner: 'threads', status: 404, body: { error: 'No thread with id 4.' } },
  { path: '/api/threads/0', owner: 'threads', status: 400, body: { error: 'Malformed thread id "0": an id is a whole number from 1.' } },
  { path: '/api/posts/in-thread/1', owner: 'posts', status: 200, body: db.posts.filter((p: any) => p.thread === 1) },
  { path: '/api/posts/in-thread/99', owner: 'posts', status: 404, body: { error: 'No thread with id 99.' } },
  { path: '/api/posts/in-thread/x', owner: 'posts', status: 400, body: { error: 'Malformed thread id "x": an id is a whole number from 1.' } },
  { path: '/api/posts/by-user/1', owner: 'posts', status: 200, body: db.posts.filter((p: any) => p.user === 1) },
  { path: '/api/posts/by-user/5', owner: 'posts', status: 404, body: { error: 'No user with id 5.' } },
  { path: '/api/posts/by-user/%31', owner: 'posts', status: 400, body: { error: 'Malformed user id "%31": an id is a whole number from 1.' } },
  { path: '/api/posts', owner: 'posts', status: 404, body: { error: 'No route for /api/posts.' } },
];

test('the data is a small board: users, threads and posts that refer to each other', () => {
  expect(db.users.length).toBeGreaterThanOrEqual(3);
  const userIds = db.users.map((u: any) => u.id);
  const threadIds = db.threads.map((t: any) => t.id);
  for (const t of db.threads) expect(userIds).toContain(t.createdBy);
  for (const p of db.posts) {
    expect(threadIds).toContain(p.thread);
    expect(userIds).toContain(p.user);
  }
  // Every filter answer used below is non-trivial.
  expect(db.posts.filter((p: any) => p.thread === 1).length).toBeGreaterThan(1);
  expect(db.posts.filter((p: any) => p.user === 1).length).toBeGreaterThan(1);
});

describe.each(CASES)('GET $path', ({ path: urlPath, owner, status, body }) => {
  test(`the monolith answers ${status} with the expected JSON`, async () => {
    const answer = await call('monolith', urlPath);
    expect({ status: answer.status, json: answer.json }).toEqual({ status, json: body });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-served-by']).toBe('monolith');
  });

  test(`the ${owner} service gives the identical answer`, async () => {
    const [fromMonolith, fromService] = await Promise.all([call('monolith', urlPath), call(owner, urlPath)]);
    expect(fromService.headers['x-served-by']).toBe(owner);
    const comparable = (a: Answer) => ({
      status: a.status,
      text: a.text,
      type: a.headers['content-type'],
      length: a.headers['content-length'],
      cache: a.headers['cache-control'],
    });
    expect(comparable(fromService)).toEqual(comparable(fromMonolith));
  });
});

test("each microservice serves only its own routes: another service's path is a 404", async () => {
  const others: Array<[Service, string]> = [
    ['users', '/api/threads'],
    ['users', '/api/posts/by-user/1'],
    ['threads', '/api/users/1'],
    ['threads', '/api/posts/in-thread/1'],
    ['posts', '/api/users'],
    ['posts', '/api/threads/1'],
  ];
  for (const [service, urlPath] of others) {
    const answer = await call(service, urlPath);
    expect({ service, urlPath, status: answer.status, json: answer.json }).toEqual({
      service,
      urlPath,
      status: 404,
      json: { error: `No route for ${urlPath}.` },
    });
  }
});

test.each(['monolith', 'users', 'threads', 'posts'] as Service[])(
  "%s: the tutorial's ready answers, GET / (the health route) and GET /api/, as plain text",
  async (service) => {
    for (const [urlPath, text] of [
      ['/', 'Ready to receive requests'],
      ['/api/', 'API ready to receive requests'],
    ]) {
      const answer = await call(service, urlPath);
      expect({ urlPath, status: answer.status, text: answer.text, type: answer.headers['content-type'] }).toEqual({
        urlPath,
        status: 200,
        text,
        type: 'text/plain; charset=utf-8',
      });
      expect(answer.headers['x-served-by']).toBe(service);
    }
  },
);

test('only GET and HEAD: other methods get 405 with an Allow header; HEAD has no body', async () => {
  for (const method of ['POST', 'DELETE', 'PUT']) {
    const answer = await call('users', '/api/users', { method });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(answer.json.error).toContain(`Method ${method} is not allowed`);
  }
  const head = await call('posts', '/api/posts/in-thread/1', { method: 'HEAD' });
  const get = await call('posts', '/api/posts/in-thread/1');
  expect(head.status).toBe(200);
  expect(head.text).toBe('');
  expect(head.headers['content-length']).toBe(get.headers['content-length']);
});

test('one JSON access-log line per request, except the load balancer health checks', async () => {
  const { log } = servers.get('threads')!;
  const before = log.length;
  await call('threads', '/api/threads/1');
  await call('threads', '/', { headers: { 'User-Agent': 'ELB-HealthChecker/2.0' } });
  expect(log.slice(before).map((l) => JSON.parse(l))).toEqual([
    { service: 'threads', method: 'GET', path: '/api/threads/1', status: 200, ms: expect.any(Number) },
  ]);
});

test('idle keep-alive connections outlive the load balancer idle timeout (60 s)', () => {
  for (const { server } of servers.values()) {
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  }
});

test('the service names are exactly the four deployables', () => {
  expect(SERVICE_NAMES).toEqual(['monolith', 'users', 'threads', 'posts']);
  expect(() => createServer('Users')).toThrow('SERVICE must be one of monolith, users, threads, posts, got "Users"');
});

describe('the process, as the container runs it', () => {
  const entry = path.join(APP_DIR, 'src', 'server.js');

  test('listens where PORT and HOST say, serves SERVICE, and on SIGTERM exits 0 even with a keep-alive connection open', async () => {
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, SERVICE: 'users', PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        lines.push(...chunk.split('\n').filter(Boolean));
        const listening = lines.map((l) => JSON.parse(l)).find((l) => l.listening);
        if (listening) resolve(Number(listening.listening.split(':')[1]));
      });
    });
    expect(lines.map((l) => JSON.parse(l))[0]).toEqual({ service: 'users', listening: `127.0.0.1:${port}` });

    // A keep-alive connection that stays open after its request, as the load balancer's do.
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/api/users/1', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      }).on('error', reject);
    });
    expect(status).toBe(200);

    const started = Date.now();
    const exitCode = await new Promise<number | null>((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
    agent.destroy();
    expect(exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000); // the open connection did not hold it for the grace period
    expect(lines.map((l) => JSON.parse(l))).toContainEqual({ service: 'users', stopping: 'SIGTERM' });
  });

  test('an unknown SERVICE stops it at once with one line naming the allowed values', async () => {
    const child = spawn(process.execPath, [entry], { env: { ...process.env, SERVICE: 'orders', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe('message-board: SERVICE must be one of monolith, users, threads, posts, got "orders"\n');
  });
});
