/**
 * `labs pause` and `labs resume`: stop what a lab runs without losing anything, and start exactly that again.
 *
 * - EC2 instances (EBS-backed, on-demand) are stopped; their volumes keep every byte. Each stopped instance
 *   gets the tag `course-labs:paused=running`, and resume starts only instances with that tag, so an
 *   instance that was already stopped stays stopped.
 * - ECS services are scaled to 0 tasks; the desired count is kept in the service's tag
 *   `course-labs:paused-desired-count` and restored from it.
 * - Auto Scaling groups (an ECS capacity provider's, say) are set to min 0 and desired 0; their capacity is
 *   kept in the tag `course-labs:paused-capacity` and restored from it. Their instances go with them.
 *
 * What cannot pause makes the whole pause refuse, so a lab is never left half paused:
 * - an EMR cluster: EMR cannot stop a cluster, only terminate it, which loses HDFS and the cluster itself;
 * - an instance whose root is an instance-store volume, or a Spot instance: stopping would lose it or its disk;
 * - an ECS task outside any service: stopping it ends it for good.
 * Plans and outcomes are pure data; the functions that act take the session.
 */
import { CreateOrUpdateTagsCommand, DeleteTagsCommand as DeleteGroupTagsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, DeleteTagsCommand, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { TagResourceCommand, UntagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { PAUSE_TAG_KEYS } from '../../shared/tags';
import { AwsSession } from '../aws/session';
import { errorCode, errorMessage, toCliError } from '../aws/errors';
import { EXIT } from '../exit-codes';
import { LabResource } from '../inventory/resources';
import { describeResource } from './sweep';

/** An Auto Scaling group's capacity. */
export interface Capacity {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

/** One thing pause or resume does. */
export type PauseAction =
  | { readonly op: 'stop-instance'; readonly resource: LabResource }
  | { readonly op: 'start-instance'; readonly resource: LabResource }
  /** Pause: to 0, remembering `from`. Resume: to the remembered count. */
  | { readonly op: 'scale-service'; readonly resource: LabResource; readonly from: number; readonly to: number }
  | { readonly op: 'scale-group'; readonly resource: LabResource; readonly from: Capacity; readonly to: Capacity };

/** What `labs pause` or `labs resume` would do to one stack. */
export interface PausePlan {
  readonly mode: 'pause' | 'resume';
  /** In the order they run. */
  readonly actions: readonly PauseAction[];
  /** Why the lab cannot pause. If there is any, nothing is done. */
  readonly blockers: readonly string[];
  /** What keeps billing while paused (volumes, load balancers, NAT gateways). */
  readonly stillBilling: readonly LabResource[];
}

/** `min=1,max=3,desired=2`, as kept in the group's tag. */
export function formatCapacity(c: Capacity): string {
  return `min=${c.min},max=${c.max},desired=${c.desired}`;
}

/** Reads a capacity tag back; undefined if it is not one. */
export function parseCapacity(text: string | undefined): Capacity | undefined {
  const m = /^min=(\d+),max=(\d+),desired=(\d+)$/.exec(text ?? '');
  return m ? { min: Number(m[1]), max: Number(m[2]), desired: Number(m[3]) } : undefined;
}

const RUNNING = new Set(['running', 'pending']);
const ACTIVE_EMR = new Set(['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING']);

/** Plans pausing the resources a stack owns. */
export function planPause(owned: readonly LabResource[]): PausePlan {
  const found = new Set(owned.map((r) => `${r.kind} ${r.id}`));
  const managed = (r: LabResource) => r.parent !== undefined && found.has(`${r.parent.kind} ${r.parent.id}`);
  const blockers: string[] = [];
  const services: PauseAction[] = [];
  const groups: PauseAction[] = [];
  const instances: PauseAction[] = [];
  for (const r of owned) {
    switch (r.kind) {
      case 'emr-cluster':
        if (ACTIVE_EMR.has(r.state)) {
          blockers.push(
            `${describeResource(r)}: EMR clusters cannot be stopped, only terminated, and terminating one loses the cluster and its HDFS data. ` +
              'Let the lab expire, or destroy it when you are done (the Hive results are kept in S3 until then).',
          );
        }
        break;
      case 'ec2-instance':
        if (!RUNNING.has(r.state) || managed(r)) break; // stopped already, or its EMR cluster / Auto Scaling group decides
        if (r.facts.rootDeviceType === 'instance-store') {
          blockers.push(`${describeResource(r)}: its root volume is an instance store, which is erased when the instance stops.`);
        } else if (r.facts.lifecycle === 'spot') {
          blockers.push(`${describeResource(r)}: a Spot instance cannot be stopped and started like an on-demand one; stopping could lose it.`);
        } else {
          instances.push({ op: 'stop-instance', resource: r });
        }
        break;
      case 'ecs-service':
        if ((r.facts.desiredCount ?? 0) > 0) services.push({ op: 'scale-service', resource: r, from: r.facts.desiredCount ?? 0, to: 0 });
        break;
      case 'ecs-task':
        if (!managed(r) && RUNNING.has(r.state.toLowerCase())) {
          blockers.push(`${describeResource(r)}: a task outside any service cannot be paused, only stopped for good.`);
        }
        break;
      case 'autoscaling-group': {
        const c = r.facts.capacity;
        if (c && (c.min > 0 || c.desired > 0)) groups.push({ op: 'scale-group', resource: r, from: c, to: { min: 0, max: c.max, desired: 0 } });
        break;
      }
      default:
        break;
    }
  }
  // Services first (their tasks stop), then the groups that host them, then plain instances.
  const stillBilling = owned.filter((r) => ['ebs-volume', 'load-balancer', 'nat-gateway'].includes(r.kind) && r.billable.length > 0);
  return { mode: 'pause', actions: [...services, ...groups, ...instances], blockers, stillBilling };
}

/** Plans resuming what `labs pause` paused in a stack (found by the pause tags). */
export function planResume(owned: readonly LabResource[]): PausePlan {
  const services: PauseAction[] = [];
  const groups: PauseAction[] = [];
  const instances: PauseAction[] = [];
  const blockers: string[] = [];
  for (const r of owned) {
    if (r.kind === 'ec2-instance' && r.tags[PAUSE_TAG_KEYS.instance] !== undefined) {
      if (r.state === 'stopped') instances.push({ op: 'start-instance', resource: r });
      else if (r.state === 'stopping') blockers.push(`${describeResource(r)} is still stopping; run labs resume again in a minute.`);
    }
    if (r.kind === 'ecs-service' && r.tags[PAUSE_TAG_KEYS.serviceDesiredCount] !== undefined) {
      const to = Number(r.tags[PAUSE_TAG_KEYS.serviceDesiredCount]);
      if (Number.isInteger(to) && to >= 0) services.push({ op: 'scale-service', resource: r, from: r.facts.desiredCount ?? 0, to });
      else blockers.push(`${describeResource(r)}: its tag ${PAUSE_TAG_KEYS.serviceDesiredCount}="${r.tags[PAUSE_TAG_KEYS.serviceDesiredCount]}" is not a task count.`);
    }
    if (r.kind === 'autoscaling-group' && r.tags[PAUSE_TAG_KEYS.groupCapacity] !== undefined) {
      const to = parseCapacity(r.tags[PAUSE_TAG_KEYS.groupCapacity]);
      if (to && r.facts.capacity) groups.push({ op: 'scale-group', resource: r, from: r.facts.capacity, to });
      else blockers.push(`${describeResource(r)}: its tag ${PAUSE_TAG_KEYS.groupCapacity}="${r.tags[PAUSE_TAG_KEYS.groupCapacity]}" is not a capacity.`);
    }
  }
  // The reverse of pause: instances and groups first, so the services' tasks have somewhere to run.
  return { mode: 'resume', actions: [...instances, ...groups, ...services], blockers, stillBilling: [] };
}

/** One line per action, for plans and reports. */
export function describeAction(a: PauseAction): string {
  switch (a.op) {
    case 'stop-instance':
      return `stop ${describeResource(a.resource)}`;
    case 'start-instance':
      return `start ${describeResource(a.resource)}`;
    case 'scale-service':
      return `scale ECS service ${a.resource.name ?? a.resource.id} from ${a.from} to ${a.to} tasks`;
    case 'scale-group':
      return `scale Auto Scaling group ${a.resource.id} from ${formatCapacity(a.from)} to ${formatCapacity(a.to)}`;
  }
}

/** The outcome of one action. */
export interface PauseOutcome {
  readonly action: PauseAction;
  readonly ok: boolean;
  readonly message: string;
}

async function act(session: AwsSession, mode: PausePlan['mode'], a: PauseAction): Promise<void> {
  const pausing = mode === 'pause';
  switch (a.op) {
    case 'stop-instance':
      // The tag goes on first: whatever happens next, resume knows this instance was running.
      await session.ec2.send(new CreateTagsCommand({ Resources: [a.resource.id], Tags: [{ Key: PAUSE_TAG_KEYS.instance, Value: 'running' }] }));
      await session.ec2.send(new StopInstancesCommand({ InstanceIds: [a.resource.id] }));
      return;
    case 'start-instance':
      await session.ec2.send(new StartInstancesCommand({ InstanceIds: [a.resource.id] }));
      await session.ec2.send(new DeleteTagsCommand({ Resources: [a.resource.id], Tags: [{ Key: PAUSE_TAG_KEYS.instance }] }));
      return;
    case 'scale-service': {
      const cluster = a.resource.facts.ecsCluster;
      if (pausing) {
        await session.ecs.send(new TagResourceCommand({ resourceArn: a.resource.id, tags: [{ key: PAUSE_TAG_KEYS.serviceDesiredCount, value: String(a.from) }] }));
        await session.ecs.send(new UpdateServiceCommand({ cluster, service: a.resource.id, desiredCount: a.to }));
      } else {
        await session.ecs.send(new UpdateServiceCommand({ cluster, service: a.resource.id, desiredCount: a.to }));
        await session.ecs.send(new UntagResourceCommand({ resourceArn: a.resource.id, tagKeys: [PAUSE_TAG_KEYS.serviceDesiredCount] }));
      }
      return;
    }
    case 'scale-group': {
      const tag = { ResourceId: a.resource.id, ResourceType: 'auto-scaling-group', Key: PAUSE_TAG_KEYS.groupCapacity };
      if (pausing) {
        await session.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: [{ ...tag, Value: formatCapacity(a.from), PropagateAtLaunch: false }] }));
      }
      await session.autoScaling.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: a.resource.id, MinSize: a.to.min, MaxSize: a.to.max, DesiredCapacity: a.to.desired }),
      );
      if (!pausing) await session.autoScaling.send(new DeleteGroupTagsCommand({ Tags: [tag] }));
      return;
    }
  }
}

/** Runs the plan's actions in order, reporting each; a failed action is reported and the rest still run. */
export async function executePausePlan(session: AwsSession, plan: PausePlan, report: (o: PauseOutcome) => void): Promise<PauseOutcome[]> {
  const outcomes: PauseOutcome[] = [];
  for (const action of plan.actions) {
    let outcome: PauseOutcome;
    try {
      await act(session, plan.mode, action);
      outcome = { action, ok: true, message: 'done' };
    } catch (err) {
      const fatal = toCliError(err);
      if (fatal && fatal.exitCode !== EXIT.accessDenied) throw fatal;
      outcome = { action, ok: false, message: `${errorCode(err) || 'failed'}: ${errorMessage(err)}` };
    }
    outcomes.push(outcome);
    report(outcome);
  }
  return outcomes;
}
