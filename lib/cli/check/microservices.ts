/**
 * Checks for the microservices lab (lab 4, `MicroservicesLabStack`): every route of the message board answers through the load
 * balancer with the tutorial's data, served by the deployable the phase routes it to (`X-Served-By`).
 * `--watch` requests every route at a steady rate for a while and counts the failures, to measure "no
 * failed requests" while the lab is redeployed to another phase. From the `MessageBoardUrl` and `Phase`
 * outputs; writes nothing.
 *
 * The expected bodies come from a copy of the tutorial's data (`./message-board-data.ts`, kept equal to
 * lib/microservices/app/data/db.json by a test), not from the deployed monolith: in the microservices phase
 * there is no monolith to compare with, and a wrong answer must fail even when every service gives it.
 */
import { isDeepStrictEqual } from 'util';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CheckContext, CheckResult, LabChecks } from './types';
import { MESSAGE_BOARD_DATA as DATA } from './message-board-data';
import { attempt, fail, missingOutput, pass, request } from './util';

export const MICROSERVICES_LAB = 'microservices';

export type BoardPhase = 'monolith' | 'split' | 'microservices';
type Part = 'users' | 'threads' | 'posts';

/** One route of the board: its path, the part of the board that owns it and what it must answer. */
export interface BoardRoute {
  readonly path: string;
  readonly part: Part;
  readonly body: unknown;
}

/** Every route of the message board, with the tutorial's answer. */
export const BOARD_ROUTES: readonly BoardRoute[] = [
  { path: '/api/users', part: 'users', body: DATA.users },
  { path: '/api/users/1', part: 'users', body: DATA.users.find((u) => u.id === 1) },
  { path: '/api/threads', part: 'threads', body: DATA.threads },
  { path: '/api/threads/1', part: 'threads', body: DATA.threads.find((t) => t.id === 1) },
  { path: '/api/posts/in-thread/1', part: 'posts', body: DATA.posts.filter((p) => p.thread === 1) },
  { path: '/api/posts/by-user/1', part: 'posts', body: DATA.posts.filter((p) => p.user === 1) },
];

/** The phase, from the `Phase` output (`split: the monolith (/api*); the users service ...`). */
export function phaseOf(output: string | undefined): BoardPhase | undefined {
  const phase = /^(monolith|split|microservices):/.exec(output ?? '')?.[1];
  return phase as BoardPhase | undefined;
}

/** Who must answer a route in a phase: the monolith alone, or the service of the route's part. */
export function expectedServer(phase: BoardPhase, route: BoardRoute): string {
  return phase === 'monolith' ? 'monolith' : route.part;
}

/** The deployables that run in a phase, by the prefix of their outputs (`<Prefix>TargetGroupArn`). */
export function deployablesOf(phase: BoardPhase): string[] {
  return phase === 'monolith' ? ['Monolith'] : phase === 'split' ? ['Monolith', 'Users', 'Threads', 'Posts'] : ['Users', 'Threads', 'Posts'];
}

const TARGETS = "every target of the phase's target groups is healthy";

/**
 * The load balancer's view of the phase's containers: every target group of the phase (its
 * `<Prefix>TargetGroupArn` outputs) has targets, all `healthy`
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html).
 */
async function checkTargets(context: CheckContext, phase: BoardPhase): Promise<CheckResult> {
  return attempt(TARGETS, async () => {
    const seen: string[] = [];
    const bad: string[] = [];
    for (const prefix of deployablesOf(phase)) {
      const arn = context.stack.outputs[`${prefix}TargetGroupArn`];
      if (!arn) return missingOutput(TARGETS, context.stack.name, `${prefix}TargetGroupArn`);
      const targets = (await context.session.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? [];
      const healthy = targets.filter((t) => t.TargetHealth?.State === 'healthy').length;
      seen.push(`${prefix.toLowerCase()} ${healthy}/${targets.length}`);
      if (!targets.length) bad.push(`${prefix.toLowerCase()} has no targets`);
      for (const t of targets.filter((x) => x.TargetHealth?.State !== 'healthy')) {
        bad.push(`${prefix.toLowerCase()} target ${t.Target?.Id}:${t.Target?.Port} is ${t.TargetHealth?.State} (${t.TargetHealth?.Reason ?? 'no reason'})`);
      }
    }
    return bad.length
      ? fail(TARGETS, `${bad.join('; ')}. See the service's events (aws ecs describe-services) and its log group (<Name>LogGroup output).`)
      : pass(TARGETS, `healthy targets: ${seen.join(', ')}.`);
  });
}

const routeCheck = (path: string) => `GET ${path} answers the tutorial's data`;

async function checkRoute(context: CheckContext, base: string, phase: BoardPhase, route: BoardRoute): Promise<CheckResult> {
  const name = routeCheck(route.path);
  const answer = await request(context, `${base}${route.path}`);
  if (!answer.ok) return fail(name, `${answer.error}. Is the load balancer up? (TargetHealthCommand output)`);
  const server = answer.headers.get('x-served-by') ?? '(no X-Served-By)';
  const expected = expectedServer(phase, route);
  if (answer.status !== 200) return fail(name, `${answer.status} from ${server}. Check the target health (TargetHealthCommand output) and the service's logs.`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return fail(name, `200 from ${server}, but the body is not JSON.`);
  }
  if (!isDeepStrictEqual(body, route.body)) return fail(name, `200 from ${server}, but the body differs from the tutorial's data: the image runs other data or code.`);
  if (server !== expected) {
    return fail(name, `served by ${server}, but in the ${phase} phase ${expected} serves it: check the listener rules (ListenerArn output) and that the deploy finished.`);
  }
  return pass(name, `200 from ${server}, the tutorial's data.`);
}

/** Requests per second in `--watch`. */
export const WATCH_RATE = 20;
/** How long `--watch` runs without `--seconds`. */
export const WATCH_DEFAULT_SECONDS = 60;

/** The counts of `--watch` for one route. */
export interface RouteTally {
  requests: number;
  failures: number;
  /** Requests by HTTP status, or `error` when no answer came. */
  readonly byStatus: Map<string, number>;
}

/**
 * Requests every route in turn at `WATCH_RATE` per second for `seconds`, without waiting for one answer
 * before the next request (a slow answer must not slow the rate), and counts per route and per status.
 * A failure is anything but a 200 (an error page from the load balancer, no answer at all).
 */
export async function watch(context: CheckContext, base: string, seconds: number): Promise<Map<string, RouteTally>> {
  const tallies = new Map<string, RouteTally>(BOARD_ROUTES.map((r) => [r.path, { requests: 0, failures: 0, byStatus: new Map() }]));
  const pending: Promise<void>[] = [];
  const total = seconds * WATCH_RATE;
  for (let i = 0; i < total; i++) {
    const route = BOARD_ROUTES[i % BOARD_ROUTES.length];
    pending.push(
      request(context, `${base}${route.path}`).then((answer) => {
        const tally = tallies.get(route.path)!;
        const status = answer.ok ? String(answer.status) : 'error';
        tally.requests++;
        if (status !== '200') tally.failures++;
        tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
      }),
    );
    if ((i + 1) % (WATCH_RATE * 10) === 0) context.progress(`${(i + 1) / WATCH_RATE} s of ${seconds} s`);
    await context.sleep(1000 / WATCH_RATE);
  }
  await Promise.all(pending);
  return tallies;
}

const tallyLine = (t: RouteTally) =>
  `${t.requests} requests, ${t.failures} failed (${[...t.byStatus].sort().map(([s, n]) => `${s}: ${n}`).join(', ')})`;

export const microservicesChecks: LabChecks = {
  lab: MICROSERVICES_LAB,
  watches: true,
  plan: (stack) => [
    `Reads the health of the phase's target groups, and requests every route of ${stack.name}'s message board (${BOARD_ROUTES.length} GETs) through its load balancer (MessageBoardUrl output). Writes nothing.`,
  ],
  async run(context) {
    const { stack, options } = context;
    const base = stack.outputs.MessageBoardUrl?.replace(/\/+$/, '');
    if (!base) return [missingOutput(routeCheck(BOARD_ROUTES[0].path), stack.name, 'MessageBoardUrl')];
    const phase = phaseOf(stack.outputs.Phase);
    if (!phase) return [missingOutput(routeCheck(BOARD_ROUTES[0].path), stack.name, 'Phase')];

    if (options?.watch) {
      const seconds = options.seconds ?? WATCH_DEFAULT_SECONDS;
      context.progress(`Requesting ${BOARD_ROUTES.length} routes at ${WATCH_RATE}/s for ${seconds} s: redeploy the lab now.`);
      const tallies = await watch(context, base, seconds);
      return BOARD_ROUTES.map((r) => {
        const t = tallies.get(r.path)!;
        const name = `GET ${r.path} never fails while watched`;
        return t.failures ? fail(name, `${tallyLine(t)}. See the load balancer's 5xx in CloudWatch (LoadBalancerFullName output).`) : pass(name, tallyLine(t));
      });
    }
    context.progress(`${stack.name}: phase ${phase}, ${base}`);
    const results: CheckResult[] = [await checkTargets(context, phase)];
    for (const route of BOARD_ROUTES) results.push(await checkRoute(context, base, phase, route));
    return results;
  },
};
