/**
 * Deleting a lab stack the way a careful person would: DeleteStack, watch CloudFormation work, and if the
 * deletion fails, say why in the student's terms, clear what blocked it, and try again.
 *
 * What commonly blocks a lab's deletion, and what clears it (only ever on resources carrying the labs' tags):
 * - a bucket that still holds objects (a versioned bucket keeps old versions and delete markers): emptied;
 * - security groups that name each other (EMR's managed groups always do): those rules are revoked;
 * - an EMR cluster with termination protection: protection off, terminated;
 * - things the lab made at run time that its template does not hold (instances, EMR clusters, ECS tasks) and
 *   that keep a subnet, VPC or security group in use: they carry the lab's tags, so they are swept.
 * Whatever cannot be cleared this way is explained, and the stack is left for a person to look at.
 */
import { DeleteStackCommand, DescribeStacksCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { SetTerminationProtectionCommand, TerminateJobFlowsCommand } from '@aws-sdk/client-emr';
import { AwsSession } from '../aws/session';
import { errorMessage, isError } from '../aws/errors';
import { LiveStacks, planSweep, stackTagOf } from '../inventory/ownership';
import { findLabResources, LabResource } from '../inventory/resources';
import { LabStack, listStackResources, listStacks } from '../inventory/stacks';
import { physicalIdsOf } from '../inventory';
import { describeResource, emptyAndDeleteBucket, executeSweep, revokeGroupReferences, SweepTiming, DEFAULT_SWEEP_TIMING } from './sweep';

/** How often and how long `labs destroy` polls and retries. Tests shorten them. */
export interface DestroyTiming {
  /** Pause between progress polls, in ms. @default 5000 */
  readonly pollMs: number;
  /** Deletion attempts per stack, the first included. @default 3 */
  readonly attempts: number;
  /** Longest wait for one attempt, in ms. @default 3,600,000 (CloudFormation's own limit for most deletions is an hour) */
  readonly maxWaitMs: number;
  readonly sweep: SweepTiming;
}

export const DEFAULT_DESTROY_TIMING: DestroyTiming = { pollMs: 5000, attempts: 3, maxWaitMs: 3_600_000, sweep: DEFAULT_SWEEP_TIMING };

/** Where one stack's deletion is. */
export interface DestroyProgress {
  readonly stack: string;
  readonly status: string;
  /** Resources deleted so far, of `total`. */
  readonly deleted: number;
  readonly total: number;
}

/** A resource CloudFormation could not delete, with its reason. */
export interface DeleteFailure {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId?: string;
  readonly reason: string;
}

/** How a destroy reports: progress (bars, or lines) and notes (explanations, what was cleared). */
export interface DestroyReporter {
  progress(p: DestroyProgress): void;
  note(line: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const DEPENDENCY = /dependen|in use|has a dependent object|DependencyViolation/i;
const NETWORK_TYPES = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::NetworkInterface',
]);

/** One line saying, in a student's terms, why CloudFormation could not delete a resource. */
export function explainFailure(f: DeleteFailure): string {
  const what = `${f.logicalId} (${f.type}${f.physicalId ? ` ${f.physicalId}` : ''})`;
  if (f.type === 'AWS::S3::Bucket' && /not empty/i.test(f.reason)) {
    return `${what}: the bucket still holds objects (a versioned bucket keeps every old version and delete marker); labs empties it.`;
  }
  if (f.type === 'AWS::EC2::SecurityGroup' && DEPENDENCY.test(f.reason)) {
    return (
      `${what}: the security group is still in use, named by another group's rule (EMR's managed groups name each other) ` +
      'or attached to a network interface of something made at run time; labs revokes those rules and removes what the lab made.'
    );
  }
  if (NETWORK_TYPES.has(f.type) && DEPENDENCY.test(f.reason)) {
    return `${what}: something the lab made at run time (an instance, an EMR cluster, a network interface) is still in it; labs removes what carries the lab's tags.`;
  }
  if (f.type === 'AWS::EMR::Cluster') {
    return `${what}: ${f.reason} (termination protection, or a cluster still terminating); labs turns protection off and terminates it.`;
  }
  return `${what}: ${f.reason}`;
}

/** The stack's status, read by its ARN (which, unlike its name, still answers once it is deleted). */
async function stackStatus(session: AwsSession, stackId: string): Promise<{ status: string; reason?: string }> {
  try {
    const stack = (await session.cloudFormation.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
    return { status: stack?.StackStatus ?? 'DELETE_COMPLETE', reason: stack?.StackStatusReason };
  } catch (err) {
    if (isError(err, [], /does not exist/)) return { status: 'DELETE_COMPLETE' };
    throw err;
  }
}

const isGone = (r: StackResourceSummary) => r.ResourceStatus === 'DELETE_COMPLETE' || r.ResourceStatus === 'DELETE_SKIPPED';

/** One DeleteStack, watched until it completes or fails. Returns the resources that failed to delete. */
async function deleteOnce(session: AwsSession, stack: LabStack, timing: DestroyTiming, reporter: DestroyReporter): Promise<DeleteFailure[] | 'deleted'> {
  const before = await listStackResources(session, stack.id).catch(() => [] as StackResourceSummary[]);
  const total = before.length;
  try {
    await session.cloudFormation.send(new DeleteStackCommand({ StackName: stack.id }));
  } catch (err) {
    if (isError(err, [], /TerminationProtection/i)) {
      return [
        {
          logicalId: stack.name,
          type: 'AWS::CloudFormation::Stack',
          reason:
            'termination protection is on, so CloudFormation refuses to delete it. labs leaves that choice to you: ' +
            `aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${stack.name}`,
        },
      ];
    }
    throw err;
  }
  const deadline = Date.now() + timing.maxWaitMs;
  for (;;) {
    const { status, reason } = await stackStatus(session, stack.id);
    if (status === 'DELETE_COMPLETE') {
      reporter.progress({ stack: stack.name, status, deleted: total, total });
      return 'deleted';
    }
    const resources = await listStackResources(session, stack.id);
    reporter.progress({ stack: stack.name, status, deleted: resources.filter(isGone).length, total: Math.max(total, resources.length) });
    if (status === 'DELETE_FAILED') {
      const failed = resources.filter((r) => r.ResourceStatus === 'DELETE_FAILED');
      if (failed.length === 0) return [{ logicalId: stack.name, type: 'AWS::CloudFormation::Stack', reason: reason ?? 'DELETE_FAILED' }];
      return failed.map((r) => ({
        logicalId: r.LogicalResourceId ?? '?',
        type: r.ResourceType ?? '?',
        physicalId: r.PhysicalResourceId,
        reason: r.ResourceStatusReason ?? 'no reason given',
      }));
    }
    if (Date.now() > deadline) {
      return [{ logicalId: stack.name, type: 'AWS::CloudFormation::Stack', reason: `still ${status} after ${Math.round(timing.maxWaitMs / 60_000)} minutes` }];
    }
    await sleep(timing.pollMs);
  }
}

/**
 * Clears what blocks a failed deletion (see the module comment). Acts only on resources found by the labs'
 * tags; returns one line per thing done.
 */
export async function clearBlockers(
  session: AwsSession,
  stack: LabStack,
  failures: readonly DeleteFailure[],
  timing: DestroyTiming,
): Promise<string[]> {
  const done: string[] = [];
  const resources = await findLabResources(session);
  const tagged = new Map(resources.map((r) => [r.id, r]));
  const mine = (r: LabResource) => stackTagOf(r) === stack.name;

  for (const f of failures) {
    const resource = f.physicalId ? tagged.get(f.physicalId) : undefined;
    if (f.type === 'AWS::S3::Bucket' && resource?.kind === 's3-bucket') {
      const removed = await emptyAndDeleteBucket(session, resource.id, false);
      done.push(`emptied bucket ${resource.id} (${removed} object versions and delete markers)`);
    }
    if (f.type === 'AWS::EMR::Cluster' && resource?.kind === 'emr-cluster') {
      await session.emr.send(new SetTerminationProtectionCommand({ JobFlowIds: [resource.id], TerminationProtected: false }));
      await session.emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [resource.id] }));
      done.push(`turned termination protection off and terminated EMR cluster ${resource.id}`);
    }
  }

  // What the lab made at run time: tagged with this stack, but not in its resource list. With the stack
  // taken out of the live set, planSweep finds exactly those (its listed resources stay CloudFormation's).
  const listing = await listStacks(session);
  const physicalIds = new Map<string, string>();
  for (const s of listing.labStacks) {
    for (const id of physicalIdsOf(await listStackResources(session, s.id))) physicalIds.set(id, s.name);
  }
  const live: LiveStacks = { names: new Set([...listing.existingNames].filter((n) => n !== stack.name)), physicalIds };
  const extras = planSweep(resources, live, { stacks: new Set([stack.name]) }).sweep;
  if (extras.length) {
    const outcomes = await executeSweep(session, extras, () => undefined, timing.sweep);
    for (const o of outcomes) done.push(`${o.deleted ? '' : 'could not remove '}${describeResource(o.resource)}: ${o.message}`);
  }

  // Rules between the lab's own security groups (listed or not) keep each of them in use.
  if (failures.some((f) => f.type === 'AWS::EC2::SecurityGroup')) {
    const groups = resources.filter((r) => r.kind === 'security-group' && mine(r)).map((r) => r.id);
    const revoked = await revokeGroupReferences(session, groups).catch((err: unknown) => {
      done.push(`could not revoke security group rules: ${errorMessage(err)}`);
      return 0;
    });
    if (revoked) done.push(`revoked ${revoked} security group rules that named other groups of the lab`);
  }
  return done;
}

/** The outcome of destroying one stack. */
export interface DestroyOutcome {
  readonly stack: LabStack;
  readonly deleted: boolean;
  /** The failures of the last attempt, if it did not delete. */
  readonly failures: readonly DeleteFailure[];
}

/** Deletes one stack, clearing blockers and retrying up to `timing.attempts` times. */
export async function destroyStack(
  session: AwsSession,
  stack: LabStack,
  reporter: DestroyReporter,
  timing: DestroyTiming = DEFAULT_DESTROY_TIMING,
): Promise<DestroyOutcome> {
  let failures: DeleteFailure[] = [];
  for (let attempt = 1; attempt <= timing.attempts; attempt++) {
    const result = await deleteOnce(session, stack, timing, reporter);
    if (result === 'deleted') return { stack, deleted: true, failures: [] };
    failures = result;
    reporter.note(`${stack.name} failed to delete (attempt ${attempt} of ${timing.attempts}):`);
    for (const f of failures) reporter.note(`  ${explainFailure(f)}`);
    if (attempt === timing.attempts || failures.some((f) => f.type === 'AWS::CloudFormation::Stack' && /termination protection/.test(f.reason))) break;
    const cleared = await clearBlockers(session, stack, failures, timing);
    for (const line of cleared) reporter.note(`  cleared: ${line}`);
    reporter.note(`  retrying the deletion of ${stack.name}`);
  }
  return { stack, deleted: false, failures };
}
