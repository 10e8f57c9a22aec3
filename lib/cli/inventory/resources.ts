/**
 * Finds every resource in a region that carries the labs' project tag (`course-labs:project=course-labs`),
 * with its state, what it bills by the hour and the facts the commands act on.
 *
 * Each service is asked with its own API where that API filters by tag (EC2, Auto Scaling) or lists only a
 * few things (EMR's active clusters, a lab cluster's ECS tasks); buckets, log groups, ECS clusters and
 * services, load balancers and target groups come from the Resource Groups Tagging API, which filters by tag
 * on the server for every service, and are then described by their own service (which drops the stale
 * entries that API can return for a resource just deleted).
 *
 * It handles the resource types every core lab uses, whether or not that lab exists yet: EC2 instances,
 * volumes, snapshots and security groups, NAT gateways, EMR clusters, ECS clusters, services and tasks,
 * load balancers and target groups, Auto Scaling groups, buckets and log groups. Whatever else a lab tags
 * (IAM roles, Lambda functions, tables) bills nothing while idle and is CloudFormation's to delete.
 */
import { paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  Filter,
  paginateDescribeInstances,
  paginateDescribeNatGateways,
  paginateDescribeSecurityGroups,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  Tag as Ec2Tag,
} from '@aws-sdk/client-ec2';
import {
  DescribeClustersCommand as DescribeEcsClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  paginateListTasks,
  Task,
} from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ClusterState, DescribeClusterCommand, InstanceState, paginateListClusters, paginateListInstances } from '@aws-sdk/client-emr';
import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetBucketLocationCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../../shared/tags';
import { AwsSession } from '../aws/session';
import { isNotFound } from '../aws/errors';
import { formatBytes, plural } from '../format';
import { BillableItem, CpuArchitecture, LoadBalancerType } from '../pricing';

/** The kinds of resource the `labs` command knows how to show, and sweep. */
export type ResourceKind =
  | 'ec2-instance'
  | 'ebs-volume'
  | 'ebs-snapshot'
  | 'security-group'
  | 'nat-gateway'
  | 'emr-cluster'
  | 'autoscaling-group'
  | 'ecs-cluster'
  | 'ecs-service'
  | 'ecs-task'
  | 'load-balancer'
  | 'target-group'
  | 's3-bucket'
  | 'log-group';

/** How each kind reads in plans and tables. */
export const KIND_LABEL: Readonly<Record<ResourceKind, string>> = {
  'ec2-instance': 'EC2 instance',
  'ebs-volume': 'EBS volume',
  'ebs-snapshot': 'EBS snapshot',
  'security-group': 'security group',
  'nat-gateway': 'NAT gateway',
  'emr-cluster': 'EMR cluster',
  'autoscaling-group': 'Auto Scaling group',
  'ecs-cluster': 'ECS cluster',
  'ecs-service': 'ECS service',
  'ecs-task': 'ECS task',
  'load-balancer': 'load balancer',
  'target-group': 'target group',
  's3-bucket': 'S3 bucket',
  'log-group': 'log group',
};

/** Facts about a resource that the commands act on; each kind fills in its own. */
export interface ResourceFacts {
  /** EC2 instance, security group, NAT gateway, load balancer: its VPC. */
  readonly vpcId?: string;
  /** ECS service or task: the cluster's ARN. */
  readonly ecsCluster?: string;
  /** ECS service: how many tasks it keeps running. */
  readonly desiredCount?: number;
  /** Auto Scaling group: its capacity. */
  readonly capacity?: { readonly min: number; readonly max: number; readonly desired: number };
  /** EC2 instance: `ebs` or `instance-store` (an instance-store root cannot be stopped). */
  readonly rootDeviceType?: string;
  /** EC2 instance: `spot` or `scheduled`; undefined for on-demand. */
  readonly lifecycle?: string;
  /** EMR cluster: termination protection is on. */
  readonly terminationProtected?: boolean;
  /** S3 bucket: object versions and delete markers counted, and their size. `more` if there were too many to count. */
  readonly objects?: { readonly count: number; readonly bytes: number; readonly more: boolean };
}

/** One tagged resource. */
export interface LabResource {
  readonly kind: ResourceKind;
  /** The id the resource's own API uses: `i-...`, `vol-...`, `j-...`, a bucket or log group name, or an ARN (ECS, ELB). */
  readonly id: string;
  readonly arn?: string;
  /** A friendlier name when it has one (the `Name` tag, a cluster or group name). */
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Its state as its service reports it (`running`, `stopped`, `available`, `WAITING`, `ACTIVE`). */
  readonly state: string;
  /** A short description for tables: `t3.micro`, `8 GiB gp3`, `3 nodes`. */
  readonly detail: string;
  /** What it bills by the hour now (priced by `lib/cli/pricing`). Empty if it bills only for use or storage. */
  readonly billable: readonly BillableItem[];
  /**
   * The resource that manages this one (an EMR node's cluster, an Auto Scaling group's instance, a service's
   * task): it is shown and acted on through its parent, since acting on it directly would be undone.
   */
  readonly parent?: { readonly kind: ResourceKind; readonly id: string };
  readonly facts: ResourceFacts;
}

/** The tag filter every finder uses: the project tag, exactly. */
const PROJECT_FILTER: Filter = { Name: `tag:${TAG_KEYS.project}`, Values: [PROJECT_TAG_VALUE] };

const ec2Tags = (tags: Ec2Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
const kvTags = (tags: { key?: string; value?: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
const isProjectTagged = (tags: Readonly<Record<string, string>>) => tags[TAG_KEYS.project] === PROJECT_TAG_VALUE;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------- EC2

/** Instances not yet terminated. EMR nodes and Auto Scaling instances point at their parent and bill through it (EMR) or themselves. */
async function findInstances(session: AwsSession): Promise<LabResource[]> {
  const out: LabResource[] = [];
  const filters = [PROJECT_FILTER, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] }];
  for await (const page of paginateDescribeInstances({ client: session.ec2 }, { Filters: filters })) {
    for (const reservation of page.Reservations ?? []) {
      for (const i of reservation.Instances ?? []) {
        const tags = ec2Tags(i.Tags);
        const state = i.State?.Name ?? 'unknown';
        const type = i.InstanceType ?? 'unknown';
        const emrCluster = tags['aws:elasticmapreduce:job-flow-id'];
        const asg = tags['aws:autoscaling:groupName'];
        const spot = i.InstanceLifecycle === 'spot';
        const running = state === 'running' || state === 'pending';
        // An EMR node is priced with its cluster (EC2 plus the EMR fee), so it is not counted twice.
        const billable: BillableItem[] =
          running && !emrCluster
            ? [{ kind: 'ec2-instance', instanceType: type, spot }, ...(i.PublicIpAddress ? [{ kind: 'public-ipv4' } as const] : [])]
            : [];
        out.push({
          kind: 'ec2-instance',
          id: i.InstanceId ?? '',
          name: tags.Name,
          tags,
          state,
          detail: `${type}${spot ? ' spot' : ''}`,
          billable,
          parent: emrCluster ? { kind: 'emr-cluster', id: emrCluster } : asg ? { kind: 'autoscaling-group', id: asg } : undefined,
          facts: { vpcId: i.VpcId, rootDeviceType: i.RootDeviceType, lifecycle: i.InstanceLifecycle },
        });
      }
    }
  }
  return out;
}

async function findVolumes(session: AwsSession): Promise<LabResource[]> {
  const out: LabResource[] = [];
  for await (const page of paginateDescribeVolumes({ client: session.ec2 }, { Filters: [PROJECT_FILTER] })) {
    for (const v of page.Volumes ?? []) {
      const tags = ec2Tags(v.Tags);
      const state = v.State ?? 'unknown';
      const type = v.VolumeType ?? 'gp2';
      const attached = v.Attachments?.[0]?.InstanceId;
      out.push({
        kind: 'ebs-volume',
        id: v.VolumeId ?? '',
        name: tags.Name,
        tags,
        state,
        detail: `${v.Size ?? '?'} GiB ${type}${attached ? ` on ${attached}` : ''}`,
        // A volume bills for its size whether or not its instance runs: a paused lab still pays for it.
        billable:
          state === 'deleting' || state === 'deleted'
            ? []
            : [{ kind: 'ebs-volume', volumeType: type, sizeGb: v.Size ?? 0, iops: v.Iops, throughputMibps: v.Throughput }],
        facts: {},
      });
    }
  }
  return out;
}

async function findSnapshots(session: AwsSession): Promise<LabResource[]> {
  const out: LabResource[] = [];
  for await (const page of paginateDescribeSnapshots({ client: session.ec2 }, { OwnerIds: ['self'], Filters: [PROJECT_FILTER] })) {
    for (const s of page.Snapshots ?? []) {
      const tags = ec2Tags(s.Tags);
      out.push({
        kind: 'ebs-snapshot',
        id: s.SnapshotId ?? '',
        name: tags.Name,
        tags,
        state: s.State ?? 'unknown',
        detail: `${s.VolumeSize ?? '?'} GiB from ${s.VolumeId ?? 'a volume'}`,
        billable: [], // billed per GB-month of changed blocks, which the API does not report
        facts: {},
      });
    }
  }
  return out;
}

async function findSecurityGroups(session: AwsSession): Promise<LabResource[]> {
  const out: LabResource[] = [];
  for await (const page of paginateDescribeSecurityGroups({ client: session.ec2 }, { Filters: [PROJECT_FILTER] })) {
    for (const g of page.SecurityGroups ?? []) {
      // A VPC's default group goes with its VPC and cannot be deleted on its own.
      if (g.GroupName === 'default') continue;
      const tags = ec2Tags(g.Tags);
      out.push({
        kind: 'security-group',
        id: g.GroupId ?? '',
        name: g.GroupName,
        tags,
        state: 'exists',
        detail: g.GroupName ?? '',
        billable: [],
        facts: { vpcId: g.VpcId },
      });
    }
  }
  return out;
}

async function findNatGateways(session: AwsSession): Promise<LabResource[]> {
  const out: LabResource[] = [];
  for await (const page of paginateDescribeNatGateways({ client: session.ec2 }, { Filter: [PROJECT_FILTER] })) {
    for (const n of page.NatGateways ?? []) {
      const state = n.State ?? 'unknown';
      if (state === 'deleted' || state === 'deleting' || state === 'failed') continue;
      const tags = ec2Tags(n.Tags);
      const publicIps = (n.NatGatewayAddresses ?? []).filter((a) => a.PublicIp).length;
      out.push({
        kind: 'nat-gateway',
        id: n.NatGatewayId ?? '',
        name: tags.Name,
        tags,
        state,
        detail: `${n.ConnectivityType ?? 'public'} in ${n.SubnetId ?? '?'}`,
        billable: [{ kind: 'nat-gateway' }, ...Array.from({ length: publicIps }, () => ({ kind: 'public-ipv4' }) as const)],
        facts: { vpcId: n.VpcId },
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- EMR

const ACTIVE_CLUSTER_STATES: ClusterState[] = ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING'];
const BILLING_INSTANCE_STATES: InstanceState[] = ['AWAITING_FULFILLMENT', 'PROVISIONING', 'BOOTSTRAPPING', 'RUNNING'];

/** Clusters not yet terminated (EMR lists terminated ones for two months; they cost nothing). */
async function findEmrClusters(session: AwsSession): Promise<LabResource[]> {
  const out: LabResource[] = [];
  for await (const page of paginateListClusters({ client: session.emr }, { ClusterStates: ACTIVE_CLUSTER_STATES })) {
    for (const summary of page.Clusters ?? []) {
      if (!summary.Id) continue;
      const cluster = (await session.emr.send(new DescribeClusterCommand({ ClusterId: summary.Id }))).Cluster;
      const tags = Object.fromEntries((cluster?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      if (!cluster || !isProjectTagged(tags)) continue;
      const billable: BillableItem[] = [];
      let nodes = 0;
      for await (const instances of paginateListInstances({ client: session.emr }, { ClusterId: summary.Id, InstanceStates: BILLING_INSTANCE_STATES })) {
        for (const node of instances.Instances ?? []) {
          nodes += 1;
          billable.push({ kind: 'emr-node', instanceType: node.InstanceType ?? 'unknown', spot: node.Market === 'SPOT' });
          if (node.PublicIpAddress) billable.push({ kind: 'public-ipv4' });
        }
      }
      out.push({
        kind: 'emr-cluster',
        id: summary.Id,
        arn: cluster.ClusterArn,
        name: cluster.Name,
        tags,
        state: cluster.Status?.State ?? summary.Status?.State ?? 'unknown',
        detail: `${cluster.Name ?? summary.Id}, ${plural(nodes, 'node')}`,
        billable,
        facts: { terminationProtected: cluster.TerminationProtected === true },
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- Auto Scaling

async function findAutoScalingGroups(session: AwsSession): Promise<LabResource[]> {
  const out: LabResource[] = [];
  const filters = [{ Name: `tag:${TAG_KEYS.project}`, Values: [PROJECT_TAG_VALUE] }];
  for await (const page of paginateDescribeAutoScalingGroups({ client: session.autoScaling }, { Filters: filters })) {
    for (const g of page.AutoScalingGroups ?? []) {
      const tags = Object.fromEntries((g.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      const capacity = { min: g.MinSize ?? 0, max: g.MaxSize ?? 0, desired: g.DesiredCapacity ?? 0 };
      out.push({
        kind: 'autoscaling-group',
        id: g.AutoScalingGroupName ?? '',
        arn: g.AutoScalingGroupARN,
        name: g.AutoScalingGroupName,
        tags,
        state: g.Status ?? 'active',
        detail: `min ${capacity.min}, desired ${capacity.desired}, max ${capacity.max}; ${plural(g.Instances?.length ?? 0, 'instance')}`,
        billable: [], // its instances bill, each as an EC2 instance
        facts: { capacity },
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- Tagging API

/** A tagged resource's ARN, parsed just enough to route it to its service's finder. */
interface TaggedArn {
  readonly arn: string;
  readonly tags: Record<string, string>;
}

/** ARNs and tags of everything the project tag marks, by service:resource-type. */
async function taggedArns(session: AwsSession): Promise<Map<string, TaggedArn[]>> {
  const byType = new Map<string, TaggedArn[]>();
  const tagFilters = [{ Key: TAG_KEYS.project, Values: [PROJECT_TAG_VALUE] }];
  for await (const page of paginateGetResources({ client: session.tagging }, { TagFilters: tagFilters, ResourcesPerPage: 100 })) {
    for (const mapping of page.ResourceTagMappingList ?? []) {
      const arn = mapping.ResourceARN ?? '';
      const type = arnType(arn);
      if (!type) continue;
      const tags = Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      byType.set(type, [...(byType.get(type) ?? []), { arn, tags }]);
    }
  }
  return byType;
}

/** `s3:bucket`, `logs:log-group`, `ecs:cluster`, `ecs:service`, `elb:loadbalancer`, `elb:targetgroup`, or undefined. */
export function arnType(arn: string): string | undefined {
  const [, , service, , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  if (service === 's3' && resource && !resource.includes('/')) return 's3:bucket';
  if (service === 'logs' && resource.startsWith('log-group:')) return 'logs:log-group';
  if (service === 'ecs' && resource.startsWith('cluster/')) return 'ecs:cluster';
  if (service === 'ecs' && resource.startsWith('service/')) return 'ecs:service';
  if (service === 'elasticloadbalancing' && resource.startsWith('loadbalancer/')) return 'elb:loadbalancer';
  if (service === 'elasticloadbalancing' && resource.startsWith('targetgroup/')) return 'elb:targetgroup';
  return undefined;
}

/** How many object versions and delete markers `findBuckets` counts before it stops and says "more than". */
export const BUCKET_COUNT_LIMIT = 10_000;

/**
 * The region a bucket is in, from its `LocationConstraint`: empty (null) means us-east-1 and the legacy `EU`
 * means eu-west-1 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
 */
export function bucketRegion(locationConstraint: string | undefined | null): string {
  if (!locationConstraint) return 'us-east-1';
  if (locationConstraint === 'EU') return 'eu-west-1';
  return locationConstraint;
}

/**
 * Buckets of the session's region. Bucket names are global and the tagging index can list a bucket of
 * another region (S3's own ListBuckets lists every region's), so each bucket's region is read first
 * (GetBucketLocation), and one elsewhere is left out before anything is counted, planned or deleted.
 */
async function findBuckets(session: AwsSession, arns: readonly TaggedArn[]): Promise<LabResource[]> {
  const out: LabResource[] = [];
  const region = arns.length ? await session.region() : '';
  for (const { arn, tags } of arns) {
    const bucket = arn.split(':').slice(5).join(':');
    let location: string;
    try {
      location = bucketRegion((await session.s3.send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint);
    } catch (err) {
      if (isNotFound(err)) continue; // deleted since the tagging index last saw it
      throw err;
    }
    if (location !== region) continue;
    let count = 0;
    let bytes = 0;
    let more = false;
    try {
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (;;) {
        const page = await session.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker, VersionIdMarker }));
        for (const v of page.Versions ?? []) {
          count += 1;
          bytes += v.Size ?? 0;
        }
        count += page.DeleteMarkers?.length ?? 0;
        if (!page.IsTruncated) break;
        if (count >= BUCKET_COUNT_LIMIT) {
          more = true;
          break;
        }
        KeyMarker = page.NextKeyMarker;
        VersionIdMarker = page.NextVersionIdMarker;
      }
    } catch (err) {
      if (isNotFound(err)) continue; // deleted since the tagging index last saw it
      throw err;
    }
    out.push({
      kind: 's3-bucket',
      id: bucket,
      arn,
      name: bucket,
      tags,
      state: 'exists',
      detail: `${more ? 'over ' : ''}${plural(count, 'object version')}, ${more ? 'over ' : ''}${formatBytes(bytes)}`,
      billable: [], // S3 bills per GB-month stored and per request, not by the hour
      facts: { objects: { count, bytes, more } },
    });
  }
  return out;
}

async function findLogGroups(session: AwsSession, arns: readonly TaggedArn[]): Promise<LabResource[]> {
  const out: LabResource[] = [];
  for (const { arn, tags } of arns) {
    const name = arn.split(':').slice(6).join(':').replace(/:\*$/, '');
    const groups = (await session.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }))).logGroups ?? [];
    const group = groups.find((g) => g.logGroupName === name);
    if (!group) continue;
    out.push({
      kind: 'log-group',
      id: name,
      arn,
      name,
      tags,
      state: 'exists',
      detail: `${formatBytes(group.storedBytes ?? 0)} stored${group.retentionInDays ? `, kept ${group.retentionInDays} days` : ', kept forever'}`,
      billable: [],
      facts: {},
    });
  }
  return out;
}

/** The cluster of a service ARN (`arn:aws:ecs:r:a:service/<cluster>/<name>`), as an ARN. */
function clusterOfService(serviceArn: string): string | undefined {
  const [prefix, resource] = [serviceArn.slice(0, serviceArn.indexOf(':service/')), serviceArn.split(':service/')[1] ?? ''];
  const parts = resource.split('/');
  return parts.length === 2 ? `${prefix}:cluster/${parts[0]}` : undefined;
}

async function findEcs(session: AwsSession, clusterArns: readonly TaggedArn[], serviceArns: readonly TaggedArn[]): Promise<LabResource[]> {
  const out: LabResource[] = [];
  const clusters = new Set<string>();
  for (const batch of chunks(clusterArns, 100)) {
    const described = await session.ecs.send(new DescribeEcsClustersCommand({ clusters: batch.map((c) => c.arn) }));
    for (const c of described.clusters ?? []) {
      if (c.status === 'INACTIVE' || !c.clusterArn) continue;
      const tags = batch.find((b) => b.arn === c.clusterArn)?.tags ?? {};
      clusters.add(c.clusterArn);
      out.push({
        kind: 'ecs-cluster',
        id: c.clusterArn,
        arn: c.clusterArn,
        name: c.clusterName,
        tags,
        state: c.status ?? 'unknown',
        detail: `${plural(c.activeServicesCount ?? 0, 'service')}, ${plural(c.runningTasksCount ?? 0, 'running task')}`,
        billable: [],
        facts: {},
      });
    }
  }

  const servicesByCluster = new Map<string, TaggedArn[]>();
  for (const s of serviceArns) {
    const cluster = clusterOfService(s.arn);
    if (!cluster) continue; // the old short ARN format does not name its cluster; CloudFormation-made services use the long one
    servicesByCluster.set(cluster, [...(servicesByCluster.get(cluster) ?? []), s]);
  }
  for (const [cluster, services] of servicesByCluster) {
    clusters.add(cluster);
    for (const batch of chunks(services, 10)) {
      let described;
      try {
        described = await session.ecs.send(new DescribeServicesCommand({ cluster, services: batch.map((s) => s.arn) }));
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      for (const s of described.services ?? []) {
        if (s.status === 'INACTIVE' || !s.serviceArn) continue;
        out.push({
          kind: 'ecs-service',
          id: s.serviceArn,
          arn: s.serviceArn,
          name: s.serviceName,
          tags: batch.find((b) => b.arn === s.serviceArn)?.tags ?? {},
          state: s.status ?? 'unknown',
          detail: `${s.runningCount ?? 0}/${s.desiredCount ?? 0} tasks running`,
          billable: [], // its tasks bill
          facts: { ecsCluster: cluster, desiredCount: s.desiredCount ?? 0 },
        });
      }
    }
  }

  // Tasks: the running ones in each lab cluster that carry the project tag (services propagate it).
  const architectures = new Map<string, CpuArchitecture>();
  for (const cluster of clusters) {
    const taskArns: string[] = [];
    try {
      for await (const page of paginateListTasks({ client: session.ecs }, { cluster, desiredStatus: 'RUNNING' })) taskArns.push(...(page.taskArns ?? []));
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    for (const batch of chunks(taskArns, 100)) {
      const tasks = (await session.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch, include: ['TAGS'] }))).tasks ?? [];
      for (const task of tasks) {
        const tags = kvTags(task.tags);
        if (!isProjectTagged(tags) || !task.taskArn || task.lastStatus === 'STOPPED') continue;
        const billable = await taskBillable(session, task, architectures);
        const service = task.group?.startsWith('service:') ? task.group.slice('service:'.length) : undefined;
        const serviceArn = service ? out.find((r) => r.kind === 'ecs-service' && r.name === service && r.facts.ecsCluster === cluster)?.id : undefined;
        out.push({
          kind: 'ecs-task',
          id: task.taskArn,
          arn: task.taskArn,
          name: task.taskArn.split('/').pop(),
          tags,
          state: task.lastStatus ?? 'unknown',
          detail: `${task.launchType ?? task.capacityProviderName ?? 'EC2'}${task.cpu ? ` ${Number(task.cpu) / 1024} vCPU` : ''}${task.memory ? ` ${Number(task.memory) / 1024} GB` : ''}${service ? `, service ${service}` : ''}`,
          billable,
          parent: serviceArn ? { kind: 'ecs-service', id: serviceArn } : undefined,
          facts: { ecsCluster: cluster },
        });
      }
    }
  }
  return out;
}

/** A Fargate task bills for its vCPU and memory; a task on EC2 bills through its instance. */
async function taskBillable(session: AwsSession, task: Task, architectures: Map<string, CpuArchitecture>): Promise<BillableItem[]> {
  const provider = task.capacityProviderName ?? '';
  const fargate = task.launchType === 'FARGATE' || provider.startsWith('FARGATE');
  if (!fargate) return [];
  let arch: CpuArchitecture = 'x86_64';
  const definition = task.taskDefinitionArn;
  if (definition) {
    if (!architectures.has(definition)) {
      const td = (await session.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: definition }))).taskDefinition;
      architectures.set(definition, td?.runtimePlatform?.cpuArchitecture === 'ARM64' ? 'arm64' : 'x86_64');
    }
    arch = architectures.get(definition) ?? 'x86_64';
  }
  return [
    { kind: 'fargate-task', vcpu: Number(task.cpu ?? 0) / 1024, memoryGb: Number(task.memory ?? 0) / 1024, arch, spot: provider === 'FARGATE_SPOT' },
  ];
}

async function findLoadBalancing(session: AwsSession, lbArns: readonly TaggedArn[], tgArns: readonly TaggedArn[]): Promise<LabResource[]> {
  const out: LabResource[] = [];
  // One at a time: a batch fails as a whole if any one of its load balancers was deleted meanwhile.
  for (const arn of lbArns) {
      let lb;
      try {
        lb = (await session.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn.arn] }))).LoadBalancers?.[0];
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      if (!lb?.LoadBalancerArn) continue;
      const type = (lb.Type ?? 'application') as LoadBalancerType;
      const zones = lb.AvailabilityZones?.length ?? 0;
      const internetFacing = lb.Scheme === 'internet-facing' && type !== 'gateway';
      out.push({
        kind: 'load-balancer',
        id: lb.LoadBalancerArn,
        arn: lb.LoadBalancerArn,
        name: lb.LoadBalancerName,
        tags: arn.tags,
        state: lb.State?.Code ?? 'unknown',
        detail: `${type}, ${lb.Scheme ?? ''}, ${plural(zones, 'zone')}`,
        // An internet-facing load balancer has one public IPv4 address per zone.
        billable: [{ kind: 'load-balancer', type }, ...(internetFacing ? Array.from({ length: zones }, () => ({ kind: 'public-ipv4' }) as const) : [])],
        facts: { vpcId: lb.VpcId },
      });
  }
  for (const arn of tgArns) {
    let tg;
    try {
      tg = (await session.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn.arn] }))).TargetGroups?.[0];
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    if (!tg?.TargetGroupArn) continue;
    out.push({
      kind: 'target-group',
      id: tg.TargetGroupArn,
      arn: tg.TargetGroupArn,
      name: tg.TargetGroupName,
      tags: arn.tags,
      state: 'exists',
      detail: `${tg.Protocol ?? ''}:${tg.Port ?? ''} ${tg.TargetType ?? ''}`.trim(),
      billable: [],
      facts: { vpcId: tg.VpcId },
    });
  }
  return out;
}

/**
 * Every resource in the session's region that carries the project tag. Independent services are asked in
 * parallel; each service's calls run one after another so a large account is not hit all at once.
 */
export async function findLabResources(session: AwsSession): Promise<LabResource[]> {
  const tagged = taggedArns(session);
  const get = async (type: string) => (await tagged).get(type) ?? [];
  const groups = await Promise.all([
    findInstances(session),
    findVolumes(session),
    findSnapshots(session),
    findSecurityGroups(session),
    findNatGateways(session),
    findEmrClusters(session),
    findAutoScalingGroups(session),
    get('s3:bucket').then((arns) => findBuckets(session, arns)),
    get('logs:log-group').then((arns) => findLogGroups(session, arns)),
    Promise.all([get('ecs:cluster'), get('ecs:service')]).then(([c, s]) => findEcs(session, c, s)),
    Promise.all([get('elb:loadbalancer'), get('elb:targetgroup')]).then(([lb, tg]) => findLoadBalancing(session, lb, tg)),
  ]);
  return groups.flat();
}
