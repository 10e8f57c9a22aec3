/**
 * Who owns a tagged resource, and so what `labs sweep` may delete. Pure functions over what the finders
 * returned, so the rules are unit-tested without AWS.
 *
 * A resource belongs to a live stack (and is never swept) when any of these holds:
 * - its `course-labs:stack` tag names a stack that exists (EMR nodes, ECS tasks and instances a lab makes at
 *   run time carry the lab's tags, though the stack's resource list does not hold them);
 * - its `aws:cloudformation:stack-name` tag names a stack that exists;
 * - a lab stack's resource list holds its id or ARN.
 * "Exists" means any status but DELETE_COMPLETE, lab stack or not: a stack that failed to delete still owns
 * its resources, and `labs destroy` is the command for those.
 *
 * And a resource no live stack owns is a leftover (swept) only when it carries the project tag and a
 * non-empty stack tag names the lab stack it came from. The project tag alone proves nothing: the README
 * offers it for cost reports, so a course's own shared bucket may carry it; and an instance with no stack
 * tag, or an empty one, cannot be tied to a lab that is gone. Those are never swept, whatever else they carry.
 * CloudFormation's `aws:cloudformation:stack-name` tag is on what any stack makes (CloudFormation adds it to
 * every stack's resources: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html),
 * so alone it names a lab stack only beside a non-empty `course-labs:lab` tag (LabStack puts both of its own tags on all it makes):
 * a course's own stack that tagged a retained bucket with the project tag for cost reports, and was then
 * deleted, has not left a lab's leftover.
 */
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../../shared/tags';
import { LabResource, ResourceKind } from './resources';

/** What the region's stacks say about ownership. */
export interface LiveStacks {
  /** The name of every stack that exists, lab or not. */
  readonly names: ReadonlySet<string>;
  /** Every physical id and ARN the lab stacks' resource lists hold, to the stack's name. */
  readonly physicalIds: ReadonlyMap<string, string>;
}

/** CloudFormation's own tag on what a stack creates: the stack's name. */
export const CFN_STACK_TAG = 'aws:cloudformation:stack-name';

/** The stack a resource names in its tags (ours, then CloudFormation's), if either is non-empty. */
export function stackTagOf(resource: LabResource): string | undefined {
  for (const key of [TAG_KEYS.stack, CFN_STACK_TAG]) {
    const value = resource.tags[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The live stack that owns the resource, or undefined if none does. */
export function ownerOf(resource: LabResource, live: LiveStacks): string | undefined {
  for (const name of [resource.tags[TAG_KEYS.stack]?.trim(), resource.tags[CFN_STACK_TAG]?.trim()]) {
    if (name && live.names.has(name)) return name;
  }
  // An ECS cluster's physical id is its name; every other kind's is its id or ARN.
  for (const id of [resource.id, resource.arn, resource.kind === 'ecs-cluster' ? resource.name : undefined]) {
    const stack = id ? live.physicalIds.get(id) : undefined;
    if (stack) return stack;
  }
  return undefined;
}

/**
 * The order sweeping goes in: what runs things first (groups, services, clusters, instances), then what
 * they held (volumes, security groups), then storage. Deleting in this order lets each step succeed.
 */
export const SWEEP_ORDER: readonly ResourceKind[] = [
  'autoscaling-group',
  'ecs-service',
  'ecs-task',
  'emr-cluster',
  'ec2-instance',
  'load-balancer',
  'nat-gateway',
  'ecs-cluster',
  'target-group',
  'ebs-volume',
  'ebs-snapshot',
  'security-group',
  's3-bucket',
  'log-group',
];

/** A resource that was found and is left alone, with why. */
export interface KeptResource {
  readonly resource: LabResource;
  readonly reason: string;
}

/** What `labs sweep` (or the sweep after `labs destroy`) would do. */
export interface SweepPlan {
  /** Resources to delete, in `SWEEP_ORDER`. */
  readonly sweep: readonly LabResource[];
  /** Resources found and left alone. */
  readonly kept: readonly KeptResource[];
}

/** Options of `planSweep`. */
export interface SweepScope {
  /**
   * Only resources whose tags name one of these stacks are considered (`labs destroy <stack>` sweeps what
   * that stack left, nothing else).
   * @default - every tagged resource
   */
  readonly stacks?: ReadonlySet<string>;
}

/** Why a resource without a usable stack tag stays: nothing ties it to a lab that is gone. */
export const NO_STACK_TAG_REASON = `no ${TAG_KEYS.stack} or ${CFN_STACK_TAG} tag naming a deleted lab stack: not provably a lab's leftover`;

/** Why a resource named only by CloudFormation's stack tag stays: nothing says that stack was a lab's. */
export const NOT_A_LAB_STACK_REASON = `only ${CFN_STACK_TAG} names its stack, and no ${TAG_KEYS.lab} tag says that stack was a lab's: not provably a lab's leftover`;

/**
 * Decides, for every tagged resource, whether it is swept: only resources that carry the project tag, whose
 * non-empty stack tag names a lab stack that no longer exists, that no live stack owns, and that are not managed
 * by another resource being found (an EMR node goes with its cluster, an Auto Scaling instance with its group,
 * a service's task with its service).
 */
export function planSweep(resources: readonly LabResource[], live: LiveStacks, scope: SweepScope = {}): SweepPlan {
  const found = new Set(resources.map((r) => `${r.kind} ${r.id}`));
  const sweep: LabResource[] = [];
  const kept: KeptResource[] = [];
  for (const resource of resources) {
    if (scope.stacks) {
      const named = stackTagOf(resource);
      if (!named || !scope.stacks.has(named)) continue;
    }
    if (resource.tags[TAG_KEYS.project] !== PROJECT_TAG_VALUE) {
      kept.push({ resource, reason: `no ${TAG_KEYS.project}=${PROJECT_TAG_VALUE} tag` });
      continue;
    }
    const owner = ownerOf(resource, live);
    if (owner) {
      kept.push({ resource, reason: `belongs to stack ${owner}` });
      continue;
    }
    if (!stackTagOf(resource)) {
      kept.push({ resource, reason: NO_STACK_TAG_REASON });
      continue;
    }
    if (!resource.tags[TAG_KEYS.stack]?.trim() && !resource.tags[TAG_KEYS.lab]?.trim()) {
      kept.push({ resource, reason: NOT_A_LAB_STACK_REASON });
      continue;
    }
    if (resource.parent && found.has(`${resource.parent.kind} ${resource.parent.id}`)) {
      kept.push({ resource, reason: `goes with its ${resource.parent.kind} ${resource.parent.id}` });
      continue;
    }
    sweep.push(resource);
  }
  sweep.sort((a, b) => SWEEP_ORDER.indexOf(a.kind) - SWEEP_ORDER.indexOf(b.kind) || a.id.localeCompare(b.id));
  return { sweep, kept };
}

/**
 * What stays of the tagged resources a sweep found, and why, for its plan: `2 belong to live stacks, 1 is
 * not provably a lab's leftover`. A resource kept because nothing ties it to a deleted lab stack is not said
 * to belong to a live one.
 */
export function describeKept(kept: readonly KeptResource[]): string {
  const count = (test: (reason: string) => boolean) => kept.filter((k) => test(k.reason)).length;
  const owned = count((r) => r.startsWith('belongs to stack '));
  const withParent = count((r) => r.startsWith('goes with its '));
  const unproven = count((r) => r === NO_STACK_TAG_REASON || r === NOT_A_LAB_STACK_REASON);
  const other = kept.length - owned - withParent - unproven;
  const parts = [
    owned ? `${owned} ${owned === 1 ? 'belongs' : 'belong'} to live stacks` : '',
    withParent ? `${withParent} ${withParent === 1 ? 'goes' : 'go'} with the resource that manages it` : '',
    unproven ? `${unproven} ${unproven === 1 ? 'is' : 'are'} not provably a lab's leftover (no stack tag names a deleted lab stack)` : '',
    other ? `${other} ${other === 1 ? 'lacks' : 'lack'} the ${TAG_KEYS.project}=${PROJECT_TAG_VALUE} tag` : '',
  ];
  return parts.filter(Boolean).join(', ');
}
