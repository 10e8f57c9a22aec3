/**
 * The lab's phases and the four deployables of the message board: what runs in each phase, which paths
 * the load balancer sends to it, and at which listener-rule priorities.
 *
 * Every number here is fixed across phases on purpose: a resource that exists in two phases has the same
 * logical id and the same properties in both templates, so moving between phases only adds or removes
 * whole deployables and never replaces or edits one that is serving (test/microservices checks it).
 */

/** The phases, in the order a student moves through them. */
export const BOARD_PHASES = ['monolith', 'split', 'microservices'] as const;
/** One phase of the lab. */
export type BoardPhase = (typeof BOARD_PHASES)[number];

/** The four images built from `app/`: the monolith and the three microservices. */
export type DeployableName = 'monolith' | 'users' | 'threads' | 'posts';

/** One deployable: an image, a task definition, a target group, an ECS service and two listener rules. */
export interface DeployableSpec {
  /** The app's `SERVICE` value, baked into the image. */
  readonly name: DeployableName;
  /** The construct id, which fixes every logical id of the deployable's resources. */
  readonly constructId: string;
  /** Prefix of the deployable's stack outputs, e.g. `Users` for `UsersTargetGroupArn`. */
  readonly outputPrefix: string;
  /** In words, for descriptions. */
  readonly title: string;
  /** The phases it runs in. */
  readonly phases: readonly BoardPhase[];
  /** The path patterns of its route rule (the tutorial's). */
  readonly pathPatterns: readonly string[];
  /**
   * Priority of its route rule. Lower is evaluated first: the services' specific paths come before
   * the monolith's catch-all `/api*`, so in `split` the services win for their paths.
   */
  readonly routePriority: number;
  /**
   * Priority of its preview rule, which sends requests carrying `X-Message-Board-Service: <name>` to it
   * whatever the path. It attaches the target group to the load balancer before the ECS service exists
   * (ECS requires that) without taking any of the board's traffic, and lets a student call one
   * deployable directly. Above every route rule, so the header always wins.
   */
  readonly previewPriority: number;
}

/** The request header that the preview rules match. */
export const PREVIEW_HEADER = 'X-Message-Board-Service';

/** The monolith first, then the services in the order the tutorial splits them. */
export const DEPLOYABLES: readonly DeployableSpec[] = [
  {
    name: 'monolith',
    constructId: 'Monolith',
    outputPrefix: 'Monolith',
    title: 'the monolith',
    phases: ['monolith', 'split'],
    pathPatterns: ['/api*'],
    routePriority: 100,
    previewPriority: 1,
  },
  {
    name: 'users',
    constructId: 'UsersService',
    outputPrefix: 'Users',
    title: 'the users service',
    phases: ['split', 'microservices'],
    pathPatterns: ['/api/users*'],
    routePriority: 10,
    previewPriority: 2,
  },
  {
    name: 'threads',
    constructId: 'ThreadsService',
    outputPrefix: 'Threads',
    title: 'the threads service',
    phases: ['split', 'microservices'],
    pathPatterns: ['/api/threads*'],
    routePriority: 20,
    previewPriority: 3,
  },
  {
    name: 'posts',
    constructId: 'PostsService',
    outputPrefix: 'Posts',
    title: 'the posts service',
    phases: ['split', 'microservices'],
    pathPatterns: ['/api/posts*'],
    routePriority: 30,
    previewPriority: 4,
  },
];

/** The deployables that run in `phase`. */
export function deployablesIn(phase: BoardPhase): DeployableSpec[] {
  return DEPLOYABLES.filter((d) => d.phases.includes(phase));
}

/** The phase after `phase`, if any. */
export function nextPhase(phase: BoardPhase): BoardPhase | undefined {
  return BOARD_PHASES[BOARD_PHASES.indexOf(phase) + 1];
}

/**
 * Tasks per deployable. One host (t4g.micro) holds every task of the default phases with room for a
 * rolling deployment of each; at the maximum, ECS managed scaling adds up to two more hosts while needed
 * (lib/microservices/README.md, "Capacity").
 */
export const TASK_COUNT = { default: 1, min: 1, max: 3 } as const;

/** Task counts per deployable. */
export type TaskCounts = Readonly<Record<DeployableName, number>>;
