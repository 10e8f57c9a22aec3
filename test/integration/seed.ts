/**
 * What the integration tests put in moto, through the SDK: lab stacks (CloudFormation stacks with small
 * templates tagged as LabStack tags them), resources a lab made at run time, leftovers of a deleted stack,
 * and decoys (look-alikes named like labs, untagged or tagged wrongly) that no command may touch.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, CreateStackCommand, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  Tag,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateScheduleCommand, CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../../lib/shared/tags';

export const clients = () => ({
  cfn: new CloudFormationClient({}),
  ec2: new EC2Client({}),
  s3: new S3Client({}),
  logs: new CloudWatchLogsClient({}),
  emr: new EMRClient({}),
  ecs: new ECSClient({}),
  asg: new AutoScalingClient({}),
  scheduler: new SchedulerClient({}),
});
export type Clients = ReturnType<typeof clients>;

/** The three tags LabStack puts on a stack and every resource in it. */
export function labTags(stack: string, lab: string): { Key: string; Value: string }[] {
  return [
    { Key: TAG_KEYS.project, Value: PROJECT_TAG_VALUE },
    { Key: TAG_KEYS.lab, Value: lab },
    { Key: TAG_KEYS.stack, Value: stack },
  ];
}
const ecsTags = (tags: Tag[]) => tags.map((t) => ({ key: t.Key, value: t.Value }));

export const STATIC = 'StaticSiteLabStack';
export const HADOOP = 'HadoopLabStack';
export const MICRO = 'MicroservicesLabStack';
/** A lab stack that no longer exists: its leftovers are what sweep must remove. */
export const GONE = 'ContainerClusterLabStack-alice';
/** A stack that is not a lab (no project tag): destroy must refuse it. */
export const OTHER = 'BillingTeamStack';

const AMI = 'ami-12c6146b';

/** Everything seeded, by role, so tests can check each one's fate. */
export interface Seeded {
  readonly stackIds: Record<string, string>;
  /** Resources of live lab stacks (in their templates, or tagged with their names). */
  readonly owned: {
    readonly staticBucket: string;
    readonly staticInstance: string;
    readonly staticRuntimeInstance: string;
    readonly staticLogGroup: string;
    readonly hadoopBucket: string;
    readonly hadoopCluster: string;
    readonly microInstance: string;
    readonly microStoppedInstance: string;
    readonly microCluster: string;
    readonly microService: string;
    readonly microGroup: string;
  };
  /** Tagged with GONE, which does not exist: sweep removes every one. */
  readonly leftovers: {
    readonly instance: string;
    readonly volume: string;
    readonly snapshot: string;
    readonly securityGroup: string;
    readonly bucket: string;
    readonly logGroup: string;
    readonly emrCluster: string;
  };
  /** Look-alikes without the project tag (or with a wrong value): never touched. */
  readonly decoys: {
    readonly instance: string;
    readonly wronglyTaggedInstance: string;
    readonly volume: string;
    readonly snapshot: string;
    readonly securityGroup: string;
    readonly bucket: string;
    readonly logGroup: string;
    readonly emrCluster: string;
    readonly otherStackBucket: string;
    /** Carries only `course-labs:project=course-labs`, as a course's shared bucket tagged for cost reports may. */
    readonly projectTagOnlyBucket: string;
    /** Project and lab tags, but no stack tag: nothing ties it to a lab that is gone. */
    readonly noStackTagInstance: string;
    /** Project tag and an empty stack tag. */
    readonly emptyStackTagInstance: string;
    /** Tagged as a leftover of GONE, but in another region (eu-west-1): a us-east-1 command never touches it. */
    readonly otherRegionBucket: string;
  };
}

function template(resources: Record<string, unknown>, outputs: Record<string, string>) {
  return JSON.stringify({
    Resources: resources,
    Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
  });
}

async function createStack(c: Clients, name: string, body: string, tags: { Key: string; Value: string }[]): Promise<string> {
  const { StackId } = await c.cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: body, Tags: tags }));
  const stack = (await c.cfn.send(new DescribeStacksCommand({ StackName: StackId }))).Stacks?.[0];
  if (stack?.StackStatus !== 'CREATE_COMPLETE') throw new Error(`seed: ${name} is ${stack?.StackStatus}: ${stack?.StackStatusReason}`);
  return StackId!;
}

async function physicalId(c: Clients, stack: string, logicalId: string): Promise<string> {
  const r = await c.cfn.send(new DescribeStackResourceCommand({ StackName: stack, LogicalResourceId: logicalId }));
  return r.StackResourceDetail!.PhysicalResourceId!;
}

async function instance(c: Clients, tags: Tag[], type = 't3.micro'): Promise<string> {
  const r = await c.ec2.send(
    new RunInstancesCommand({ ImageId: AMI, InstanceType: type as never, MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] }),
  );
  return r.Instances![0].InstanceId!;
}

/** The region of the decoy bucket that is tagged as a leftover but lives elsewhere. */
export const OTHER_REGION = 'eu-west-1';

async function versionedBucket(c: Clients, name: string, tags: Tag[] | undefined, region?: string): Promise<string> {
  const s3 = region ? new S3Client({ region }) : c.s3;
  await s3.send(new CreateBucketCommand({ Bucket: name, ...(region ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}) }));
  if (tags) await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: tags.map((t) => ({ Key: t.Key!, Value: t.Value! })) } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
  // Two versions of one object and a delete marker on another: all must go before the bucket can.
  await s3.send(new PutObjectCommand({ Bucket: name, Key: 'site/index.html', Body: Buffer.from('v1') }));
  await s3.send(new PutObjectCommand({ Bucket: name, Key: 'site/index.html', Body: Buffer.from('v2') }));
  await s3.send(new PutObjectCommand({ Bucket: name, Key: 'old.txt', Body: Buffer.from('old') }));
  await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'old.txt' }));
  return name;
}

async function emrCluster(c: Clients, name: string, tags: Tag[] | undefined): Promise<string> {
  const r = await c.emr.send(
    new RunJobFlowCommand({
      Name: name,
      ReleaseLabel: 'emr-7.5.0',
      Applications: [{ Name: 'Hadoop' }, { Name: 'Hive' }],
      // The console's quick option of the course: one primary and two core nodes.
      Instances: {
        InstanceGroups: [
          { InstanceRole: 'MASTER', InstanceType: 'm5.xlarge', InstanceCount: 1, Market: 'ON_DEMAND' },
          { InstanceRole: 'CORE', InstanceType: 'm5.xlarge', InstanceCount: 2, Market: 'ON_DEMAND' },
        ],
        KeepJobFlowAliveWhenNoSteps: true,
      },
      JobFlowRole: 'EMR_EC2_DefaultRole',
      ServiceRole: 'EMR_DefaultRole',
      Tags: tags?.map((t) => ({ Key: t.Key, Value: t.Value })),
    }),
  );
  return r.JobFlowId!;
}

/** Seeds the whole scene. */
export async function seed(c: Clients): Promise<Seeded> {
  const vpcId = (await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs![0].VpcId!;
  const staticTags = labTags(STATIC, 'static-site');
  const hadoopTags = labTags(HADOOP, 'hadoop');
  const microTags = labTags(MICRO, 'microservices');
  const goneTags = labTags(GONE, 'container-cluster');
  const expiry = { ExpiresAt: '2030-01-01T12:00:00Z', Expiry: 'Deletes itself at 2030-01-01T12:00:00Z UTC.' };

  // Lab stacks, tagged on the stack and on every resource as LabStack does.
  const staticId = await createStack(
    c,
    STATIC,
    template(
      {
        SiteBucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: staticTags } },
        WebServer: { Type: 'AWS::EC2::Instance', Properties: { ImageId: AMI, InstanceType: 't3.micro', Tags: staticTags } },
        SiteLogs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/course-labs/static-site', Tags: staticTags } },
      },
      { ...expiry, DestroyCommand: `npx cdk destroy ${STATIC}` },
    ),
    staticTags,
  );
  const hadoopResultsBucket = 'hadooplabstack-results-1234';
  const hadoopId = await createStack(
    c,
    HADOOP,
    template(
      { ResultsBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: hadoopResultsBucket, Tags: hadoopTags } } },
      { ...expiry, DestroyCommand: `npx cdk destroy ${HADOOP}`, ResultsUri: `s3://${hadoopResultsBucket}/output/os_requests/` },
    ),
    hadoopTags,
  );
  const microId = await createStack(
    c,
    MICRO,
    template({ AppLogs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/course-labs/microservices', Tags: microTags } } }, {
      ...expiry,
      DestroyCommand: `npx cdk destroy ${MICRO}`,
    }),
    microTags,
  );
  await createStack(c, OTHER, template({ Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'billingteamstack-data' } } }, {}), []);

  // Hive output: Ctrl-A separated rows, as the step writes them, plus Hadoop's markers.
  for (const [key, body] of [
    ['output/os_requests/000000_0', 'Android\x01855\nLinux\x01813\nMacOS\x01852\n'],
    ['output/os_requests/000001_0', 'OSX\x01799\nWindows\x01883\niOS\x01794\n'],
    ['output/os_requests/_SUCCESS', ''],
  ]) {
    await c.s3.send(new PutObjectCommand({ Bucket: hadoopResultsBucket, Key: key, Body: Buffer.from(body) }));
  }

  // What labs make at run time: tagged with the live stack's name, not in its template.
  const staticRuntimeInstance = await instance(c, staticTags);
  const hadoopCluster = await emrCluster(c, 'hadoop-lab', hadoopTags);
  const microInstance = await instance(c, microTags, 't3.small');
  const microStoppedInstance = await instance(c, microTags);
  await c.ec2.send(new StopInstancesCommand({ InstanceIds: [microStoppedInstance] }));
  // The cluster is made through ECS, tagged: moto's tagging API fails on any ECS cluster without tags (and
  // moto's CloudFormation does not tag the clusters it makes), so no untagged ECS decoy is seeded either.
  const clusterArn = (await c.ecs.send(new CreateClusterCommand({ clusterName: 'microservices-lab', tags: ecsTags(microTags) }))).cluster!.clusterArn!;
  await c.ecs.send(new RegisterTaskDefinitionCommand({ family: 'users', containerDefinitions: [{ name: 'users', image: 'users:latest', memory: 512 }] }));
  const service = await c.ecs.send(
    new CreateServiceCommand({ cluster: clusterArn, serviceName: 'users', taskDefinition: 'users', desiredCount: 2, tags: ecsTags(microTags), propagateTags: 'SERVICE' }),
  );
  await c.asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'micro-lc', ImageId: AMI, InstanceType: 't3.micro' }));
  await c.asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'microservices-capacity',
      LaunchConfigurationName: 'micro-lc',
      MinSize: 1,
      MaxSize: 3,
      DesiredCapacity: 2,
      AvailabilityZones: ['us-east-1a'],
      Tags: microTags.map((t) => ({ Key: t.Key, Value: t.Value, PropagateAtLaunch: true })),
    }),
  );

  // Leftovers of a stack that is gone.
  const leftoverInstance = await instance(c, goneTags);
  const leftoverVolume = (await c.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8, VolumeType: 'gp3', TagSpecifications: [{ ResourceType: 'volume', Tags: goneTags }] }))).VolumeId!;
  const leftoverSnapshot = (await c.ec2.send(new CreateSnapshotCommand({ VolumeId: leftoverVolume, TagSpecifications: [{ ResourceType: 'snapshot', Tags: goneTags }] }))).SnapshotId!;
  const leftoverSg = (await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'container-cluster-nodes', Description: 'lab', VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: goneTags }] }))).GroupId!;
  const leftoverBucket = await versionedBucket(c, 'containerclusterlabstack-alice-artifacts', goneTags);
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: '/course-labs/container-cluster-alice', tags: Object.fromEntries(goneTags.map((t) => [t.Key!, t.Value!])) }));
  const leftoverEmr = await emrCluster(c, 'container-cluster-leftover', goneTags);

  // Decoys: named like labs, but not carrying the project tag (or carrying a wrong value).
  const decoyInstance = await instance(c, [{ Key: 'Name', Value: `${GONE}-worker` }]);
  const wronglyTaggedInstance = await instance(c, [{ Key: TAG_KEYS.project, Value: 'not-course-labs' }, { Key: TAG_KEYS.stack, Value: GONE }]);
  const decoyVolume = (await c.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8, TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: TAG_KEYS.stack, Value: GONE }] }] }))).VolumeId!;
  const decoySnapshot = (await c.ec2.send(new CreateSnapshotCommand({ VolumeId: decoyVolume }))).SnapshotId!;
  const decoySg = (await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ContainerClusterLabStack-alice-nodes', Description: 'not a lab', VpcId: vpcId }))).GroupId!;
  const decoyBucket = await versionedBucket(c, 'containerclusterlabstack-alice-copy', undefined);
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${GONE}-decoy` }));
  const decoyEmr = await emrCluster(c, `${HADOOP}-decoy`, [{ Key: 'Name', Value: HADOOP }]);
  // Decoys that do carry the project tag, but no stack tag that names a deleted lab stack: never leftovers.
  const project = { Key: TAG_KEYS.project, Value: PROJECT_TAG_VALUE };
  const projectTagOnlyBucket = await versionedBucket(c, 'course-shared-datasets', [project]);
  const noStackTagInstance = await instance(c, [project, { Key: TAG_KEYS.lab, Value: 'container-cluster' }, { Key: 'Name', Value: 'ta-bastion' }]);
  const emptyStackTagInstance = await instance(c, [project, { Key: TAG_KEYS.stack, Value: '' }]);
  const otherRegionBucket = await versionedBucket(c, 'containerclusterlabstack-alice-eu-artifacts', goneTags, OTHER_REGION);

  return {
    stackIds: { [STATIC]: staticId, [HADOOP]: hadoopId, [MICRO]: microId },
    owned: {
      staticBucket: await physicalId(c, STATIC, 'SiteBucket'),
      staticInstance: await physicalId(c, STATIC, 'WebServer'),
      staticRuntimeInstance,
      staticLogGroup: '/course-labs/static-site',
      hadoopBucket: hadoopResultsBucket,
      hadoopCluster,
      microInstance,
      microStoppedInstance,
      microCluster: clusterArn,
      microService: service.service!.serviceArn!,
      microGroup: 'microservices-capacity',
    },
    leftovers: {
      instance: leftoverInstance,
      volume: leftoverVolume,
      snapshot: leftoverSnapshot,
      securityGroup: leftoverSg,
      bucket: leftoverBucket,
      logGroup: '/course-labs/container-cluster-alice',
      emrCluster: leftoverEmr,
    },
    decoys: {
      instance: decoyInstance,
      wronglyTaggedInstance,
      volume: decoyVolume,
      snapshot: decoySnapshot,
      securityGroup: decoySg,
      bucket: decoyBucket,
      logGroup: `/aws/lambda/${GONE}-decoy`,
      emrCluster: decoyEmr,
      otherStackBucket: 'billingteamstack-data',
      projectTagOnlyBucket,
      noStackTagInstance,
      emptyStackTagInstance,
      otherRegionBucket,
    },
  };
}

/** Creates the lab's expiry schedule as LabExpiry does (a one-time DeleteStack of the stack), in a group. */
export async function seedExpirySchedule(c: Clients, stackId: string, group: string, at: string): Promise<{ name: string; group: string }> {
  if (group !== 'default') await c.scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
  const name = 'LabExpiryDeleteStackSchedule-AbC123';
  await c.scheduler.send(
    new CreateScheduleCommand({
      Name: name,
      GroupName: group,
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: "Deletes this course lab's CloudFormation stack 4 h after it was deployed.",
      State: 'ENABLED',
      Target: {
        Arn: 'arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack',
        RoleArn: 'arn:aws:iam::123456789012:role/StaticSiteLabStack-LabExpiryRole',
        Input: JSON.stringify({ StackName: stackId }),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    }),
  );
  return { name, group };
}
