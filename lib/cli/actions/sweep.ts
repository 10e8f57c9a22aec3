/**
 * Deletes tagged resources that `planSweep` chose, in `SWEEP_ORDER`, and reports each one's outcome.
 *
 * Deleting something already gone counts as done. Things that hold others are deleted first and waited for
 * (instances terminated, EMR clusters terminated, NAT gateways deleted) before what they held (volumes,
 * security groups, target groups) is deleted; a dependency that clears a little later (an ENI detaching
 * from a security group) is retried with backoff.
 */
import { DeleteAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteNatGatewayCommand,
  DeleteSecurityGroupCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeSecurityGroupsCommand,
  IpPermission,
  ModifyInstanceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
  waitUntilNatGatewayDeleted,
} from '@aws-sdk/client-ec2';
import { DeleteClusterCommand as DeleteEcsClusterCommand, DeleteServiceCommand, StopTaskCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DeleteLoadBalancerCommand, DeleteTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SetTerminationProtectionCommand, TerminateJobFlowsCommand, waitUntilClusterTerminated } from '@aws-sdk/client-emr';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, ObjectIdentifier } from '@aws-sdk/client-s3';
import { AwsSession } from '../aws/session';
import { errorCode, errorMessage, isError, isNotFound, toCliError } from '../aws/errors';
import { EXIT } from '../exit-codes';
import { KIND_LABEL, LabResource } from '../inventory/resources';
import { SWEEP_ORDER } from '../inventory/ownership';

/** How long sweeping waits, and how often it retries. Tests shorten them. */
export interface SweepTiming {
  /** Longest wait, in seconds, for instances, EMR clusters and NAT gateways to be gone. @default 900 */
  readonly maxWaitSeconds: number;
  /** Attempts at a delete that fails on a dependency that clears by itself (an ENI detaching). @default 6 */
  readonly attempts: number;
  /** First pause between those attempts, doubled each time, in ms. @default 5000 */
  readonly retryDelayMs: number;
}

export const DEFAULT_SWEEP_TIMING: SweepTiming = { maxWaitSeconds: 900, attempts: 6, retryDelayMs: 5000 };

/** The outcome of deleting one resource. */
export interface SweepOutcome {
  readonly resource: LabResource;
  readonly deleted: boolean;
  /** What was done (`terminated`, `emptied 12 versions and deleted`) or why it failed. */
  readonly message: string;
}

/** One line for a resource in plans and reports: `EC2 instance i-0abc (t3.micro, running) stack=Foo`. */
export function describeResource(r: LabResource): string {
  const name = r.name && r.name !== r.id ? ` "${r.name}"` : '';
  return `${KIND_LABEL[r.kind]} ${r.id}${name} (${[r.detail, r.state].filter((s) => s && s !== 'exists').join(', ')})`.replace(' ()', '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `action`, retrying while it fails with one of `codes` (with backoff); returns its result. */
async function retryOn<T>(codes: readonly string[], timing: SweepTiming, action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (err) {
      if (attempt >= timing.attempts || !isError(err, codes)) throw err;
      await sleep(timing.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}

/** Deletes every object version and delete marker, then the bucket. Returns how many versions it removed. */
export async function emptyAndDeleteBucket(session: AwsSession, bucket: string, deleteBucket = true): Promise<number> {
  let removed = 0;
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  // Each page is deleted before the next is listed; the markers then point past what was deleted.
  for (;;) {
    const page = await session.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker, VersionIdMarker }));
    const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key ?? '',
      VersionId: v.VersionId,
    }));
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000);
      const result = await session.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      if (result.Errors?.length) {
        const first = result.Errors[0];
        throw new Error(`could not delete ${result.Errors.length} object version(s), e.g. ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim());
      }
      removed += batch.length;
    }
    if (!page.IsTruncated) break;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
  if (deleteBucket) await session.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  return removed;
}

/**
 * Revokes every rule of these security groups that names another security group. Lab groups often
 * reference each other (EMR's managed groups always do), and a group that another group's rule names
 * cannot be deleted.
 */
export async function revokeGroupReferences(session: AwsSession, groupIds: readonly string[]): Promise<number> {
  if (groupIds.length === 0) return 0;
  let revoked = 0;
  const groups = (await session.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [...groupIds] }))).SecurityGroups ?? [];
  const referencing = (perms: IpPermission[] | undefined) => (perms ?? []).filter((p) => (p.UserIdGroupPairs ?? []).length > 0);
  for (const g of groups) {
    const ingress = referencing(g.IpPermissions);
    const egress = referencing(g.IpPermissionsEgress);
    if (ingress.length) {
      await session.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: g.GroupId, IpPermissions: ingress }));
      revoked += ingress.length;
    }
    if (egress.length) {
      await session.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: g.GroupId, IpPermissions: egress }));
      revoked += egress.length;
    }
  }
  return revoked;
}

/** Deletes one resource; returns what was done. Waiting for it to be gone is the caller's. */
async function deleteOne(session: AwsSession, r: LabResource, timing: SweepTiming): Promise<string> {
  switch (r.kind) {
    case 'autoscaling-group':
      // ForceDelete terminates its instances too.
      await session.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: r.id, ForceDelete: true }));
      return 'deleted with its instances';
    case 'ecs-service':
      await session.ecs.send(new UpdateServiceCommand({ cluster: r.facts.ecsCluster, service: r.id, desiredCount: 0 }));
      await session.ecs.send(new DeleteServiceCommand({ cluster: r.facts.ecsCluster, service: r.id, force: true }));
      return 'scaled to 0 and deleted';
    case 'ecs-task':
      await session.ecs.send(new StopTaskCommand({ cluster: r.facts.ecsCluster, task: r.id, reason: 'labs sweep: its lab stack is gone' }));
      return 'stopped';
    case 'emr-cluster':
      if (r.facts.terminationProtected) {
        await session.emr.send(new SetTerminationProtectionCommand({ JobFlowIds: [r.id], TerminationProtected: false }));
      }
      await session.emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [r.id] }));
      return r.facts.terminationProtected ? 'termination protection turned off, terminated' : 'terminated';
    case 'ec2-instance':
      try {
        await session.ec2.send(new TerminateInstancesCommand({ InstanceIds: [r.id] }));
        return 'terminated';
      } catch (err) {
        if (errorCode(err) !== 'OperationNotPermitted') throw err;
        // Termination protection: the lab is gone, so the protection has nothing left to protect.
        await session.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: r.id, DisableApiTermination: { Value: false } }));
        await session.ec2.send(new TerminateInstancesCommand({ InstanceIds: [r.id] }));
        return 'termination protection turned off, terminated';
      }
    case 'load-balancer':
      await session.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: r.id }));
      return 'deleted';
    case 'nat-gateway':
      await session.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: r.id }));
      return 'deleted';
    case 'ecs-cluster':
      await retryOn(['ClusterContainsServicesException', 'ClusterContainsTasksException', 'ClusterContainsContainerInstancesException'], timing, () =>
        session.ecs.send(new DeleteEcsClusterCommand({ cluster: r.id })),
      );
      return 'deleted';
    case 'target-group':
      await retryOn(['ResourceInUse'], timing, () => session.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: r.id })));
      return 'deleted';
    case 'ebs-volume':
      await retryOn(['VolumeInUse', 'IncorrectState'], timing, () => session.ec2.send(new DeleteVolumeCommand({ VolumeId: r.id })));
      return 'deleted';
    case 'ebs-snapshot':
      await session.ec2.send(new DeleteSnapshotCommand({ SnapshotId: r.id }));
      return 'deleted';
    case 'security-group':
      await retryOn(['DependencyViolation', 'InvalidGroup.InUse'], timing, () => session.ec2.send(new DeleteSecurityGroupCommand({ GroupId: r.id })));
      return 'deleted';
    case 's3-bucket': {
      const removed = await emptyAndDeleteBucket(session, r.id);
      return removed ? `emptied (${removed} object versions and delete markers) and deleted` : 'deleted (it was empty)';
    }
    case 'log-group':
      await session.logs.send(new DeleteLogGroupCommand({ logGroupName: r.id }));
      return 'deleted';
  }
}

/** Waits until the instances, EMR clusters and NAT gateways deleted so far are gone. */
async function waitForGone(session: AwsSession, done: readonly LabResource[], timing: SweepTiming): Promise<void> {
  const ids = (kind: LabResource['kind']) => done.filter((r) => r.kind === kind).map((r) => r.id);
  const waiter = { maxWaitTime: timing.maxWaitSeconds, minDelay: 5, maxDelay: 30 };
  const instances = ids('ec2-instance');
  const natGateways = ids('nat-gateway');
  await Promise.all([
    instances.length ? waitUntilInstanceTerminated({ ...waiter, client: session.ec2 }, { InstanceIds: instances }) : undefined,
    natGateways.length ? waitUntilNatGatewayDeleted({ ...waiter, client: session.ec2 }, { NatGatewayIds: natGateways }) : undefined,
    ...ids('emr-cluster').map((ClusterId) => waitUntilClusterTerminated({ ...waiter, client: session.emr }, { ClusterId })),
  ]);
}

/** From this kind on, the sweep first waits for instances, EMR clusters and NAT gateways to be gone. */
const FIRST_KIND_AFTER_WAIT = SWEEP_ORDER.indexOf('ecs-cluster');

/**
 * Deletes `resources` (already in `SWEEP_ORDER`), calling `report` once per resource as it is done.
 * A failure is reported and the sweep goes on; AWS set-up errors (credentials, access) stop it.
 */
export async function executeSweep(
  session: AwsSession,
  resources: readonly LabResource[],
  report: (outcome: SweepOutcome) => void,
  timing: SweepTiming = DEFAULT_SWEEP_TIMING,
): Promise<SweepOutcome[]> {
  const outcomes: SweepOutcome[] = [];
  const deleted: LabResource[] = [];
  const ordered = [...resources].sort((a, b) => SWEEP_ORDER.indexOf(a.kind) - SWEEP_ORDER.indexOf(b.kind) || a.id.localeCompare(b.id));
  // Cross-references between the swept security groups are revoked first, or neither could be deleted.
  const groups = ordered.filter((r) => r.kind === 'security-group').map((r) => r.id);
  let waited = false;
  for (const resource of ordered) {
    if (!waited && SWEEP_ORDER.indexOf(resource.kind) >= FIRST_KIND_AFTER_WAIT) {
      waited = true;
      try {
        await waitForGone(session, deleted, timing);
      } catch {
        // A timeout here is not fatal: the deletes that depend on it retry, and report if they still fail.
      }
      if (groups.length) {
        try {
          await revokeGroupReferences(session, groups);
        } catch (err) {
          if (toCliError(err)) throw toCliError(err);
        }
      }
    }
    let outcome: SweepOutcome;
    try {
      outcome = { resource, deleted: true, message: await deleteOne(session, resource, timing) };
      deleted.push(resource);
    } catch (err) {
      const fatal = toCliError(err);
      if (fatal && fatal.exitCode !== EXIT.accessDenied) throw fatal; // no credentials or no network: nothing else will work either
      outcome = isNotFound(err)
        ? { resource, deleted: true, message: 'already gone' }
        : { resource, deleted: false, message: `${errorCode(err) || 'failed'}: ${errorMessage(err)}` };
    }
    outcomes.push(outcome);
    report(outcome);
  }
  return outcomes;
}
