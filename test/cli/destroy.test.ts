/**
 * `labs destroy` when CloudFormation fails to delete: the failure explained, the blocker cleared (only on
 * tagged resources), and the deletion retried. moto's CloudFormation cannot fail a deletion this way, so
 * the AWS side is scripted here.
 */
import { DestroyProgress, destroyStack, DestroyTiming, explainFailure } from '../../lib/cli/actions/destroy';
import { executeSweep } from '../../lib/cli/actions/sweep';
import { awsError, labStack, resource, scriptedSession, tagsOf } from './fixtures';

const stack = labStack('SiteLabStack');
const fast: DestroyTiming = { pollMs: 0, attempts: 3, maxWaitMs: 5_000, sweep: { maxWaitSeconds: 1, attempts: 1, retryDelayMs: 0 } };
const bucketArn = 'arn:aws:s3:::site-bucket';

afterEach(() => jest.restoreAllMocks());

/** A stack whose first deletion fails on a non-empty versioned bucket, and whose next one succeeds if it was emptied. */
function failingOnBucket(options: { bucketTagged: boolean; protectedStack?: boolean }) {
  let deletes = 0;
  /** CloudFormation's verdict on the last DeleteStack: it failed if the bucket still held anything then. */
  let lastFailed = false;
  let objects = [
    { Key: 'index.html', VersionId: 'v1', Size: 10 },
    { Key: 'index.html', VersionId: 'v2', Size: 12 },
  ];
  let markers = [{ Key: 'old.html', VersionId: 'm1' }];
  const status = () => (deletes === 0 ? 'CREATE_COMPLETE' : lastFailed ? 'DELETE_FAILED' : 'DELETE_COMPLETE');
  const cfnStack = () => ({ StackName: stack.name, StackId: stack.id, StackStatus: status(), CreationTime: stack.createdAt, Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })) });
  const scripted = scriptedSession({
    DeleteStackCommand: () => {
      if (options.protectedStack) throw awsError('ValidationError', `Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
      deletes += 1;
      lastFailed = objects.length + markers.length > 0;
      return {};
    },
    DescribeStacksCommand: () => ({ Stacks: [cfnStack()] }),
    ListStackResourcesCommand: () => ({
      StackResourceSummaries: [
        { LogicalResourceId: 'SiteBucket', ResourceType: 'AWS::S3::Bucket', PhysicalResourceId: 'site-bucket', ResourceStatus: deletes ? 'DELETE_FAILED' : 'CREATE_COMPLETE', ResourceStatusReason: deletes ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.' : undefined },
        { LogicalResourceId: 'Handler', ResourceType: 'AWS::Lambda::Function', PhysicalResourceId: 'fn', ResourceStatus: deletes ? 'DELETE_COMPLETE' : 'CREATE_COMPLETE' },
      ],
    }),
    GetResourcesCommand: () => ({ ResourceTagMappingList: options.bucketTagged ? [{ ResourceARN: bucketArn, Tags: Object.entries(tagsOf(stack.name)).map(([Key, Value]) => ({ Key, Value })) }] : [] }),
    ListObjectVersionsCommand: () => ({ Versions: objects, DeleteMarkers: markers, IsTruncated: false }),
    DeleteObjectsCommand: (input) => {
      const gone = new Set(input.Delete.Objects.map((o: { VersionId: string }) => o.VersionId));
      objects = objects.filter((o) => !gone.has(o.VersionId));
      markers = markers.filter((m) => !gone.has(m.VersionId));
      return {};
    },
  });
  return { ...scripted, deletes: () => deletes };
}

function reporter() {
  const notes: string[] = [];
  const progress: DestroyProgress[] = [];
  return { notes, progress, reporter: { note: (l: string) => void notes.push(l), progress: (p: DestroyProgress) => void progress.push(p) } };
}

test('a deletion that fails on a non-empty versioned bucket is explained, the bucket emptied, and the deletion retried', async () => {
  const { session, calls, deletes } = failingOnBucket({ bucketTagged: true });
  const r = reporter();
  const outcome = await destroyStack(session, stack, r.reporter, fast);
  expect(outcome.deleted).toBe(true);
  expect(deletes()).toBe(2);
  expect(r.notes).toEqual([
    'SiteLabStack failed to delete (attempt 1 of 3):',
    '  SiteBucket (AWS::S3::Bucket site-bucket): the bucket still holds objects (a versioned bucket keeps every old version and delete marker); labs empties it.',
    '  cleared: emptied bucket site-bucket (3 object versions and delete markers)',
    '  retrying the deletion of SiteLabStack',
  ]);
  // Every version and delete marker, in one batch; the bucket itself is CloudFormation's to delete.
  expect(calls.filter((c) => c.command === 'DeleteObjectsCommand').map((c) => c.input)).toEqual([
    { Bucket: 'site-bucket', Delete: { Quiet: true, Objects: [{ Key: 'index.html', VersionId: 'v1' }, { Key: 'index.html', VersionId: 'v2' }, { Key: 'old.html', VersionId: 'm1' }] } },
  ]);
  expect(calls.map((c) => c.command)).not.toContain('DeleteBucketCommand');
  expect(r.progress[0]).toEqual({ stack: 'SiteLabStack', status: 'DELETE_FAILED', deleted: 1, total: 2 });
  expect(r.progress[r.progress.length - 1]).toEqual({ stack: 'SiteLabStack', status: 'DELETE_COMPLETE', deleted: 2, total: 2 });
  // It acted on the stack by its ARN, never by a name another stack could take.
  expect(calls.filter((c) => c.command === 'DeleteStackCommand').map((c) => c.input.StackName)).toEqual([stack.id, stack.id]);
});

test('a bucket without the labs\' tags is never emptied: the deletion fails after its attempts, and says so', async () => {
  const { session, calls, deletes } = failingOnBucket({ bucketTagged: false });
  const r = reporter();
  const outcome = await destroyStack(session, stack, r.reporter, fast);
  expect(outcome.deleted).toBe(false);
  expect(outcome.failures.map((f) => f.logicalId)).toEqual(['SiteBucket']);
  expect(deletes()).toBe(3);
  expect(calls.map((c) => c.command)).not.toContain('DeleteObjectsCommand');
  expect(r.notes.filter((n) => n.includes('cleared'))).toEqual([]);
});

test('termination protection is left to the user: one attempt, and the command to turn it off', async () => {
  const { session, calls } = failingOnBucket({ bucketTagged: true, protectedStack: true });
  const r = reporter();
  const outcome = await destroyStack(session, stack, r.reporter, fast);
  expect(outcome.deleted).toBe(false);
  expect(calls.filter((c) => c.command === 'DeleteStackCommand')).toHaveLength(1);
  expect(r.notes[1]).toContain('aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name SiteLabStack');
});

test('failures are explained in the terms of what blocks them', () => {
  expect(explainFailure({ logicalId: 'MasterSg', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-1', reason: 'resource sg-1 has a dependent object' })).toMatch(
    /^MasterSg \(AWS::EC2::SecurityGroup sg-1\): the security group is still in use, named by another group's rule \(EMR's managed groups name each other\)/,
  );
  expect(explainFailure({ logicalId: 'Vpc', type: 'AWS::EC2::VPC', reason: "The vpc 'vpc-1' has dependencies and cannot be deleted." })).toMatch(/something the lab made at run time/);
  expect(explainFailure({ logicalId: 'Fn', type: 'AWS::Lambda::Function', reason: 'Rate exceeded' })).toBe('Fn (AWS::Lambda::Function): Rate exceeded');
});

test('sweep deletes in order, revokes rules between the groups it deletes, and counts what is already gone as done', async () => {
  const order: string[] = [];
  const { session } = scriptedSession({
    TerminateInstancesCommand: () => void order.push('terminate i-1'),
    DescribeInstancesCommand: () => ({ Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'terminated' } }] }] }),
    DescribeSecurityGroupsCommand: () => ({
      SecurityGroups: [
        { GroupId: 'sg-a', IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-b' }] }, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] },
        { GroupId: 'sg-b', IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-a' }] }] },
      ],
    }),
    RevokeSecurityGroupIngressCommand: (input) => void order.push(`revoke ${input.GroupId} ${input.IpPermissions.length}`),
    DeleteSecurityGroupCommand: (input) => void order.push(`delete ${input.GroupId}`),
    DeleteLogGroupCommand: () => {
      throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
    },
    DeleteSnapshotCommand: () => {
      throw awsError('InvalidSnapshot.InUse', 'The snapshot snap-1 is currently in use by ami-1');
    },
  });
  const outcomes = await executeSweep(
    session,
    [
      resource('log-group', '/gone', 'Gone'),
      resource('security-group', 'sg-b', 'Gone'),
      resource('ebs-snapshot', 'snap-1', 'Gone'),
      resource('security-group', 'sg-a', 'Gone'),
      resource('ec2-instance', 'i-1', 'Gone'),
    ],
    () => undefined,
    { maxWaitSeconds: 1, attempts: 1, retryDelayMs: 0 },
  );
  expect(order).toEqual(['terminate i-1', 'revoke sg-a 1', 'revoke sg-b 1', 'delete sg-a', 'delete sg-b']);
  expect(outcomes.map((o) => [o.resource.id, o.deleted, o.message])).toEqual([
    ['i-1', true, 'terminated'],
    ['snap-1', false, 'InvalidSnapshot.InUse: The snapshot snap-1 is currently in use by ami-1'],
    ['sg-a', true, 'deleted'],
    ['sg-b', true, 'deleted'],
    ['/gone', true, 'already gone'],
  ]);
});
