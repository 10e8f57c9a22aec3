import * as fs from 'fs';
import * as path from 'path';
import { BOARD_ROUTES, expectedServer, microservicesChecks, phaseOf, WATCH_RATE } from '../../../lib/cli/check/microservices';
import { MESSAGE_BOARD_DATA } from '../../../lib/cli/check/message-board-data';
import { context, fakeFetch, fakeSession, HttpHandler, labStack, statuses } from './fakes';

// The board's own route table, run in-process: the answers the containers give (test/microservices covers it over HTTP).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { route } = require('../../../lib/microservices/app/src/routes.js');

const URL = 'http://MicroS-Board-1A2B3C4D5E6F-123456789.us-east-1.elb.amazonaws.com';
const PHASE = {
  monolith: 'monolith: the monolith (/api*). Call one directly with the header X-Message-Board-Service: <name>.',
  split: 'split: the monolith (/api*); the users service (/api/users*); the threads service (/api/threads*); the posts service (/api/posts*). Call one directly ...',
  microservices: 'microservices: the users service (/api/users*); the threads service (/api/threads*); the posts service (/api/posts*). Call one ...',
};

/** The load balancer in a phase: each path answered by the deployable the listener rules send it to. */
function board(phase: keyof typeof PHASE, tamper: (path: string, a: { status: number; body: unknown; server: string }) => void = () => undefined) {
  const routes: Record<string, HttpHandler> = {};
  for (const r of BOARD_ROUTES) {
    routes[`${URL}${r.path}`] = () => {
      const server = phase === 'monolith' ? 'monolith' : r.part;
      const a = { ...route(server, r.path), server };
      tamper(r.path, a);
      return { status: a.status, body: a.body as object, headers: { 'X-Served-By': a.server } };
    };
  }
  return fakeFetch(routes);
}

const tg = (prefix: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/MicroS-${prefix}/0123456789abcdef`;
const TARGET_GROUPS = Object.fromEntries(['Monolith', 'Users', 'Threads', 'Posts'].map((p) => [`${p}TargetGroupArn`, tg(p)]));

/** The load balancer's target health: one healthy target per group unless `health` says otherwise. */
function elb(health: Record<string, { State: string; Reason?: string }[]> = {}) {
  return fakeSession({
    DescribeTargetHealthCommand: (input) => {
      const prefix = /MicroS-(\w+)\//.exec(input.TargetGroupArn)![1];
      const states = health[prefix] ?? [{ State: 'healthy' }];
      return { TargetHealthDescriptions: states.map((h, i) => ({ Target: { Id: 'i-0abc', Port: 32768 + i }, TargetHealth: h })) };
    },
  });
}

const run = (phase: keyof typeof PHASE, fetch: typeof globalThis.fetch, options?: { watch?: boolean; seconds?: number }, fake = elb()) =>
  microservicesChecks.run(context(labStack('microservices', 'MicroservicesLabStack', { MessageBoardUrl: URL, Phase: PHASE[phase], ...TARGET_GROUPS }), fake.session, fetch, options));

test("the check's copy of the tutorial's data is the lab's data", () => {
  const lab = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../lib/microservices/app/data/db.json'), 'utf8'));
  expect(MESSAGE_BOARD_DATA).toEqual(lab);
});

test.each(['monolith', 'split', 'microservices'] as const)('every route passes in the %s phase, served by that phase\'s containers', async (phase) => {
  const fake = elb();
  const results = await run(phase, board(phase).fetch, undefined, fake);
  expect(results).toHaveLength(1 + BOARD_ROUTES.length);
  expect(results.every((r) => r.status === 'PASS')).toBe(true);
  expect(results[1].detail).toBe(`200 from ${phase === 'monolith' ? 'monolith' : 'users'}, the tutorial's data.`);
  // Only the phase's target groups are read.
  expect(fake.calls.map(([, input]) => /MicroS-(\w+)\//.exec(input.TargetGroupArn)![1])).toEqual(
    { monolith: ['Monolith'], split: ['Monolith', 'Users', 'Threads', 'Posts'], microservices: ['Users', 'Threads', 'Posts'] }[phase],
  );
});

test('a wrong X-Served-By fails: the monolith still answering a path the split phase gives to a service', async () => {
  const results = await run('split', board('split', (p, a) => p.startsWith('/api/threads') && (a.server = 'monolith')).fetch);
  expect(statuses(results).filter((s) => s.startsWith('FAIL'))).toEqual([
    "FAIL GET /api/threads answers the tutorial's data",
    "FAIL GET /api/threads/1 answers the tutorial's data",
  ]);
  expect(results[3].detail).toMatch(/served by monolith, but in the split phase threads serves it/);
});

test('a 502 and a body that differs from the data fail', async () => {
  const results = await run(
    'microservices',
    board('microservices', (p, a) => {
      if (p === '/api/users') Object.assign(a, { status: 502, body: '<html>502 Bad Gateway</html>' });
      if (p === '/api/posts/by-user/1') a.body = [];
    }).fetch,
  );
  expect(results[1]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/^502 from users/) });
  expect(results[6]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/body differs from the tutorial's data/) });
});

test('--watch requests every route at a steady rate and counts requests and failures per route and status', async () => {
  let n = 0;
  const { fetch, requests } = board('split', (p, a) => {
    // Two 502s on /api/users while "the phase changes".
    if (p === '/api/users' && ++n <= 2) a.status = 502;
  });
  const results = await run('split', fetch, { watch: true, seconds: 3 });
  expect(requests).toHaveLength(3 * WATCH_RATE);
  expect(statuses(results)[0]).toBe('FAIL GET /api/users never fails while watched');
  expect(results[0].detail).toMatch(/^10 requests, 2 failed \(200: 8, 502: 2\)/);
  expect(results.slice(1).every((r) => r.status === 'PASS')).toBe(true);
  expect(results[1].detail).toBe('10 requests, 0 failed (200: 10)');
});

test('an unhealthy or missing target fails the target-health check', async () => {
  const results = await run('split', board('split').fetch, undefined, elb({ Posts: [{ State: 'healthy' }, { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch' }], Threads: [] }));
  expect(results[0]).toMatchObject({
    status: 'FAIL',
    detail: expect.stringMatching(/^threads has no targets; posts target i-0abc:32769 is unhealthy \(Target.ResponseCodeMismatch\)/),
  });
});

test('phase and expected server come from the Phase output', () => {
  expect(phaseOf(PHASE.split)).toBe('split');
  expect(phaseOf('something else')).toBeUndefined();
  expect(expectedServer('monolith', BOARD_ROUTES[4])).toBe('monolith');
  expect(expectedServer('microservices', BOARD_ROUTES[4])).toBe('posts');
  expect(microservicesChecks.watches).toBe(true);
});
