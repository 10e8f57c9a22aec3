/**
 * The estimated cost per hour of a stack while it sits deployed and idle, from its synthesized template.
 *
 * Each resource becomes billable items (`lib/cli/pricing`): instances, EMR nodes, public IPv4 addresses,
 * load balancers, NAT gateways, Fargate tasks, EBS volumes, VPC endpoints and a few monthly fees. What is
 * billed only per request or per GB stored is listed apart as usage-priced. What cannot be priced (an
 * instance type missing from the table, a size the template does not say, a resource type this file does
 * not know) is reported as unpriced with the reason, and never added as $0.
 */
import { BillableItem, Price, PriceTable, PRICE_TABLE, describeItem, priceItem } from '../pricing';
import { CfnResource, CfnTemplate, TemplateReader } from './resolve';

/** One billable item of a resource, `count` times. */
export interface CostLine {
  readonly description: string;
  readonly count: number;
  /** The price of one unit, or why there is none. */
  readonly price: Price;
  /** `count` x the unit price; undefined when unpriced. */
  readonly usdPerHour?: number;
}

export interface ResourceCost {
  readonly logicalId: string;
  readonly type: string;
  readonly lines: readonly CostLine[];
  /** What the reader should know about how it was counted (desired capacity, a condition, Spot). */
  readonly notes: readonly string[];
}

export interface UsageResource {
  readonly logicalId: string;
  readonly type: string;
  /** What it bills for, e.g. "storage (GB-month) and requests". */
  readonly charges: string;
}

export interface StackEstimate {
  readonly stackName: string;
  /** The sum of every priced line. */
  readonly usdPerHour: number;
  /** How many lines could not be priced: the total leaves them out. */
  readonly unpriced: number;
  /** Resources with at least one cost line, in template order. */
  readonly resources: readonly ResourceCost[];
  readonly usage: readonly UsageResource[];
}

/** Resource types billed only by use (requests, GB stored, GB transferred): nothing while idle. */
const USAGE_PRICED: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'storage (GB-month) and requests',
  'AWS::Lambda::Function': 'invocations and compute time (GB-seconds)',
  'AWS::ApiGateway::RestApi': 'API calls',
  'AWS::ApiGatewayV2::Api': 'API calls or WebSocket messages',
  'AWS::CloudFront::Distribution': 'requests and data transfer out',
  'AWS::CloudFront::Function': 'invocations',
  'AWS::Cognito::UserPool': 'monthly active users',
  'AWS::Logs::LogGroup': 'log ingestion and storage',
  'AWS::SQS::Queue': 'requests',
  'AWS::SNS::Topic': 'publishes and deliveries',
  'AWS::Scheduler::Schedule': 'invocations',
  'AWS::Events::Rule': 'events (custom and cross-account)',
  'AWS::StepFunctions::StateMachine': 'state transitions or workflow duration',
  'AWS::ECR::Repository': 'image storage',
  'AWS::EFS::FileSystem': 'storage (GB-month)',
  'AWS::KinesisFirehose::DeliveryStream': 'data ingested',
  'AWS::EC2::FlowLog': 'log delivery',
  'AWS::Athena::WorkGroup': 'data scanned',
  'AWS::DynamoDB::Table': 'reads, writes and storage',
  'AWS::DynamoDB::GlobalTable': 'reads, writes, replication and storage',
};

/** Resource types that bill by the hour but that the price table does not hold. */
const HOURLY_NOT_IN_TABLE = new Set([
  'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::RDS::DBProxy',
  'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::ServerlessCache',
  'AWS::OpenSearchService::Domain', 'AWS::Elasticsearch::Domain', 'AWS::Redshift::Cluster',
  'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::MSK::Cluster', 'AWS::DocDB::DBInstance', 'AWS::Neptune::DBInstance',
  'AWS::SageMaker::NotebookInstance', 'AWS::SageMaker::Endpoint', 'AWS::EC2::ClientVpnEndpoint',
  'AWS::EC2::TransitGateway', 'AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::TransitGatewayVpcAttachment',
  'AWS::EC2::VPNConnection', 'AWS::EC2::Host', 'AWS::EC2::CapacityReservation', 'AWS::EC2::SpotFleet', 'AWS::EC2::EC2Fleet',
  'AWS::Kinesis::Stream', 'AWS::GlobalAccelerator::Accelerator', 'AWS::NetworkFirewall::Firewall', 'AWS::MWAA::Environment',
  'AWS::AppRunner::Service', 'AWS::FSx::FileSystem', 'AWS::Batch::ComputeEnvironment',
  'AWS::DirectoryService::MicrosoftAD', 'AWS::DirectoryService::SimpleAD', 'AWS::ECS::TaskSet', 'AWS::Cloud9::EnvironmentEC2',
  'AWS::DMS::ReplicationInstance', 'AWS::Route53Resolver::ResolverEndpoint', 'AWS::Lightsail::Instance',
]);

/** Resource types that cost nothing while they exist (configuration, wiring, permissions). */
const FREE_TYPES = new Set([
  'AWS::CDK::Metadata', 'AWS::CloudFormation::CustomResource', 'AWS::CloudFormation::WaitCondition', 'AWS::CloudFormation::WaitConditionHandle',
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::EgressOnlyInternetGateway', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::KeyPair', 'AWS::EC2::EIPAssociation',
  'AWS::EC2::VPCCidrBlock', 'AWS::EC2::SubnetCidrBlock', 'AWS::EC2::DHCPOptions', 'AWS::EC2::VPCDHCPOptionsAssociation',
  'AWS::EC2::PlacementGroup', 'AWS::EC2::PrefixList', 'AWS::EC2::NetworkInterface', 'AWS::EC2::NetworkInterfaceAttachment',
  'AWS::EC2::VolumeAttachment',
  'AWS::AutoScaling::LaunchConfiguration', 'AWS::AutoScaling::LifecycleHook', 'AWS::AutoScaling::ScalingPolicy',
  'AWS::AutoScaling::ScheduledAction', 'AWS::AutoScaling::WarmPool', 'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::ECS::CapacityProvider', 'AWS::ECS::ClusterCapacityProviderAssociations',
  'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ElasticLoadBalancingV2::ListenerCertificate',
  'AWS::Lambda::Permission', 'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::Url',
  'AWS::Lambda::LayerVersion', 'AWS::Lambda::LayerVersionPermission', 'AWS::Lambda::EventInvokeConfig',
  'AWS::S3::BucketPolicy', 'AWS::CloudFront::OriginAccessControl', 'AWS::CloudFront::CloudFrontOriginAccessIdentity',
  'AWS::CloudFront::CachePolicy', 'AWS::CloudFront::OriginRequestPolicy', 'AWS::CloudFront::ResponseHeadersPolicy',
  'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Account', 'AWS::ApiGateway::Model', 'AWS::ApiGateway::RequestValidator', 'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::UsagePlanKey', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::BasePathMapping',
  'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Deployment',
  // A REST API's VPC link has no price of its own: REST APIs bill per call and data out
  // (https://aws.amazon.com/api-gateway/pricing/), and the Network Load Balancer it targets is counted as one.
  'AWS::ApiGateway::VpcLink',
  'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain', 'AWS::Cognito::UserPoolGroup', 'AWS::Cognito::UserPoolUser',
  'AWS::Cognito::IdentityPool', 'AWS::Cognito::IdentityPoolRoleAttachment',
  'AWS::SQS::QueuePolicy', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy', 'AWS::KMS::Alias',
  'AWS::Logs::SubscriptionFilter', 'AWS::Logs::MetricFilter', 'AWS::Logs::ResourcePolicy',
  // A log stream holds its group's events, which the group's ingestion and storage count.
  'AWS::Logs::LogStream',
  'AWS::EMR::SecurityConfiguration', 'AWS::EMR::Step', 'AWS::Scheduler::ScheduleGroup',
  'AWS::ServiceDiscovery::Service', 'AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Events::EventBusPolicy',
  'AWS::SecretsManager::SecretTargetAttachment', 'AWS::SecretsManager::RotationSchedule',
  // Elastic Beanstalk charges nothing of its own; an environment is priced by what it creates (below).
  'AWS::ElasticBeanstalk::Application', 'AWS::ElasticBeanstalk::ApplicationVersion', 'AWS::ElasticBeanstalk::ConfigurationTemplate',
]);

/** Prefixes of resource types that are free: IAM, and every custom resource (its function is counted). */
const FREE_PREFIXES = ['AWS::IAM::', 'Custom::'];

interface Counted {
  readonly item?: BillableItem;
  readonly count: number;
  /** Set when no item can be built: why this part cannot be priced. */
  readonly unpricedReason?: string;
  /** Describes the part when there is no item. */
  readonly description?: string;
}

/** Estimates one stack's hourly cost from its template. */
export function estimateStack(stackName: string, template: CfnTemplate, table: PriceTable = PRICE_TABLE): StackEstimate {
  const reader = new TemplateReader(template);
  const resources: ResourceCost[] = [];
  const usage: UsageResource[] = [];
  const eipInstances = instancesWithElasticIps(reader);

  for (const [logicalId, resource] of Object.entries(reader.resources)) {
    const notes: string[] = [];
    let conditionNote: string | undefined;
    if (resource.Condition !== undefined) {
      const created = reader.condition(resource.Condition);
      if (created === false) continue;
      if (created === undefined) conditionNote = `created only if condition ${resource.Condition} holds at deploy time; counted as created`;
    }
    const counted = billableParts(reader, logicalId, resource, notes, eipInstances);
    if (counted === 'usage') {
      usage.push({ logicalId, type: resource.Type, charges: USAGE_PRICED[resource.Type] });
      continue;
    }
    if (resource.Type === 'AWS::DynamoDB::Table' && counted.length) {
      usage.push({ logicalId, type: resource.Type, charges: 'storage (GB-month)' });
    }
    const lines = counted.filter((c) => c.count > 0).map((c) => toLine(c, table));
    if (lines.length && conditionNote) notes.push(conditionNote);
    if (lines.length || notes.length) resources.push({ logicalId, type: resource.Type, lines, notes });
  }

  let usdPerHour = 0;
  let unpriced = 0;
  for (const r of resources) {
    for (const line of r.lines) {
      if (line.usdPerHour === undefined) unpriced += 1;
      else usdPerHour += line.usdPerHour;
    }
  }
  return { stackName, usdPerHour, unpriced, resources, usage };
}

function toLine(c: Counted, table: PriceTable): CostLine {
  if (!c.item) {
    return { description: c.description ?? 'unknown', count: c.count, price: { priced: false, reason: c.unpricedReason ?? 'unknown' } };
  }
  const price = priceItem(c.item, table);
  return {
    description: describeItem(c.item),
    count: c.count,
    price,
    usdPerHour: price.priced ? price.usdPerHour * c.count : undefined,
  };
}

const unpricedPart = (description: string, reason: string, count = 1): Counted => ({ description, count, unpricedReason: reason });

/** The billable parts of one resource, `'usage'` if it bills only by use, or [] if it is free. */
function billableParts(
  reader: TemplateReader,
  logicalId: string,
  resource: CfnResource,
  notes: string[],
  eipInstances: ReadonlySet<string>,
): Counted[] | 'usage' {
  const props = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::EC2::Instance':
      return ec2Instance(reader, logicalId, props, notes, eipInstances);
    case 'AWS::AutoScaling::AutoScalingGroup':
      return autoScalingGroup(reader, props, notes);
    case 'AWS::EMR::Cluster':
      return emrCluster(reader, props, notes);
    case 'AWS::EMR::InstanceGroupConfig':
      return emrInstanceGroupConfig(reader, props, notes);
    case 'AWS::EMR::InstanceFleetConfig':
      return emrInstanceFleetConfig(reader, props, notes);
    case 'AWS::EC2::EIP':
      return [{ item: { kind: 'public-ipv4' }, count: 1 }];
    case 'AWS::EC2::NatGateway':
      return natGateway(reader, props, notes);
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return loadBalancerV2(reader, props, notes);
    case 'AWS::ElasticLoadBalancing::LoadBalancer':
      return classicLoadBalancer(reader, props, notes);
    case 'AWS::ECS::Service':
      return ecsService(reader, props, notes);
    case 'AWS::EC2::Volume':
      return ebsVolume(reader, props);
    case 'AWS::ElasticBeanstalk::Environment':
      return beanstalkEnvironment(reader, props, notes);
    case 'AWS::EC2::VPCEndpoint':
      return vpcEndpoint(reader, props);
    case 'AWS::KMS::Key':
      return [{ item: { kind: 'kms-key' }, count: 1 }];
    case 'AWS::SecretsManager::Secret':
      return [{ item: { kind: 'secret' }, count: 1 }];
    case 'AWS::CloudWatch::Alarm':
      return cloudWatchAlarm(reader, props);
    case 'AWS::Route53::HostedZone':
    case 'AWS::ServiceDiscovery::PrivateDnsNamespace':
    case 'AWS::ServiceDiscovery::PublicDnsNamespace':
      return [{ item: { kind: 'hosted-zone' }, count: 1 }];
    case 'AWS::ServiceDiscovery::HttpNamespace':
      return [];
    case 'AWS::DynamoDB::Table':
      return dynamoDbTable(reader, props);
    case 'AWS::DynamoDB::GlobalTable':
      return reader.string(props.BillingMode) === 'PAY_PER_REQUEST'
        ? 'usage'
        : [unpricedPart('provisioned global table capacity', 'replicated provisioned capacity is not in the price table')];
    case 'AWS::ApiGateway::Stage':
      return reader.boolean(props.CacheClusterEnabled)
        ? [unpricedPart('API Gateway cache cluster', 'bills by the hour; not in the price table')]
        : [];
    case 'AWS::SSM::Parameter':
      return reader.string(props.Tier) === 'Advanced'
        ? [unpricedPart('advanced SSM parameter', 'billed per parameter-month; not in the price table')]
        : [];
  }
  if (USAGE_PRICED[resource.Type]) return 'usage';
  if (FREE_TYPES.has(resource.Type) || FREE_PREFIXES.some((p) => resource.Type.startsWith(p))) return [];
  if (HOURLY_NOT_IN_TABLE.has(resource.Type)) return [unpricedPart(resource.Type, 'bills by the hour; not in the price table')];
  return [unpricedPart(resource.Type, 'resource type not known to labs cost: its cost is not estimated')];
}

// --- EC2 --------------------------------------------------------------------------------------------------------

/** The `LaunchTemplateData` a `LaunchTemplate` specification points at, when it is in the same template. */
function launchTemplateData(reader: TemplateReader, spec: unknown): Record<string, unknown> | undefined {
  const s = reader.object(spec);
  if (!s) return undefined;
  const target = reader.referenced(s.LaunchTemplateId) ?? reader.referenced(s.LaunchTemplateName);
  if (!target || target.resource.Type !== 'AWS::EC2::LaunchTemplate') return undefined;
  return reader.object(target.resource.Properties?.LaunchTemplateData);
}

/** Whether a subnet given by reference maps a public IPv4 address to what launches in it. */
function subnetIsPublic(reader: TemplateReader, subnet: unknown): boolean | undefined {
  const target = reader.referenced(subnet);
  if (!target || target.resource.Type !== 'AWS::EC2::Subnet') return undefined;
  return reader.boolean(target.resource.Properties?.MapPublicIpOnLaunch) ?? false;
}

/**
 * Whether instances launched with these settings get a public IPv4 address: an explicit
 * `AssociatePublicIpAddress` wins; otherwise the subnets' `MapPublicIpOnLaunch`.
 */
function getsPublicIp(reader: TemplateReader, explicit: unknown, subnets: readonly unknown[]): boolean | 'mixed' | undefined {
  const associate = reader.boolean(explicit);
  if (associate !== undefined) return associate;
  const known = subnets.map((s) => subnetIsPublic(reader, s)).filter((p): p is boolean => p !== undefined);
  if (!known.length) return subnets.length ? undefined : false;
  if (known.every((p) => p)) return true;
  return known.some((p) => p) ? 'mixed' : false;
}

function primaryInterface(reader: TemplateReader, interfaces: unknown): Record<string, unknown> | undefined {
  const list = reader.list(interfaces) ?? [];
  const objects = list.map((i) => reader.object(i)).filter((i): i is Record<string, unknown> => !!i);
  return objects.find((i) => reader.number(i.DeviceIndex) === 0 || i.DeviceIndex === undefined) ?? objects[0];
}

/** EBS volumes of a block device mapping list, for `perInstance` instances. */
function blockDeviceVolumes(reader: TemplateReader, mappings: unknown, instances: number): Counted[] {
  const list = reader.list(mappings);
  if (!list || !list.length) {
    return [unpricedPart('root EBS volume (from the AMI)', 'size and type come from the AMI, not the template; set block devices to price it', instances)];
  }
  const parts: Counted[] = [];
  for (const m of list) {
    const mapping = reader.object(m);
    const ebs = reader.object(mapping?.Ebs);
    if (!mapping || !ebs) continue; // instance store or NoDevice: nothing billed apart
    const device = reader.string(mapping.DeviceName) ?? 'a device';
    const size = reader.number(ebs.VolumeSize);
    const type = reader.string(ebs.VolumeType);
    if (size === undefined) parts.push(unpricedPart(`EBS volume on ${device}`, 'size comes from the AMI or snapshot, not the template', instances));
    else if (type === undefined) parts.push(unpricedPart(`EBS volume on ${device} (${size} GB)`, 'volume type comes from the AMI, not the template', instances));
    else {
      parts.push({
        item: { kind: 'ebs-volume', volumeType: type, sizeGb: size, iops: reader.number(ebs.Iops), throughputMibps: reader.number(ebs.Throughput) },
        count: instances,
      });
    }
  }
  return parts;
}

function publicIpParts(publicIp: boolean | 'mixed' | undefined, count: number, what: string): Counted[] {
  if (publicIp === true) return [{ item: { kind: 'public-ipv4' }, count }];
  if (publicIp === 'mixed') return [unpricedPart(`public IPv4 of each ${what}`, 'its subnets mix public and private ones', count)];
  if (publicIp === undefined) return [unpricedPart(`public IPv4 of each ${what}`, 'its subnet is not in the template', count)];
  return [];
}

/** Instances that an Elastic IP of the template is associated with: their auto-assigned address is released. */
function instancesWithElasticIps(reader: TemplateReader): Set<string> {
  const ids = new Set<string>();
  for (const r of Object.values(reader.resources)) {
    if (r.Type !== 'AWS::EC2::EIP' && r.Type !== 'AWS::EC2::EIPAssociation') continue;
    const target = reader.referenced(r.Properties?.InstanceId);
    if (target) ids.add(target.id);
  }
  return ids;
}

function ec2Instance(
  reader: TemplateReader,
  logicalId: string,
  props: Record<string, unknown>,
  notes: string[],
  eipInstances: ReadonlySet<string>,
): Counted[] {
  const lt = launchTemplateData(reader, props.LaunchTemplate);
  const parts: Counted[] = [];
  const typeValue = props.InstanceType ?? lt?.InstanceType;
  const instanceType = typeValue === undefined ? 'm1.small' : reader.string(typeValue);
  if (typeValue === undefined) notes.push('no InstanceType: CloudFormation launches its default, m1.small');
  const market = reader.object(props.InstanceMarketOptions ?? lt?.InstanceMarketOptions);
  const spot = reader.string(market?.MarketType) === 'spot';
  if (instanceType) parts.push({ item: { kind: 'ec2-instance', instanceType, spot }, count: 1 });
  else parts.push(unpricedPart('EC2 instance', 'instance type not known from the template'));

  if (!eipInstances.has(logicalId)) {
    const nic = primaryInterface(reader, props.NetworkInterfaces) ?? primaryInterface(reader, lt?.NetworkInterfaces);
    const subnets = [props.SubnetId ?? nic?.SubnetId].filter((s) => s !== undefined);
    parts.push(...publicIpParts(getsPublicIp(reader, nic?.AssociatePublicIpAddress, subnets), 1, 'instance'));
  } else {
    notes.push('its public address is the Elastic IP, counted with that resource');
  }
  parts.push(...blockDeviceVolumes(reader, props.BlockDeviceMappings ?? lt?.BlockDeviceMappings, 1));
  return parts;
}

function autoScalingGroup(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const desired = reader.number(props.DesiredCapacity);
  const min = reader.number(props.MinSize);
  const count = desired ?? min;
  if (count === undefined) return [unpricedPart('instances of the group', 'desired capacity not known from the template')];
  notes.push(desired !== undefined ? `${count} instance(s) at desired capacity` : `${count} instance(s): no DesiredCapacity, so MinSize`);
  if (count === 0) return [];

  let data: Record<string, unknown> | undefined;
  let instanceType: string | undefined;
  let spot = false;
  let associate: unknown;
  let mappings: unknown;
  const mixed = reader.object(props.MixedInstancesPolicy);
  if (mixed) {
    const lt = reader.object(mixed.LaunchTemplate);
    data = launchTemplateData(reader, lt?.LaunchTemplateSpecification);
    const firstOverride = reader.object((reader.list(lt?.Overrides) ?? [])[0]);
    instanceType = reader.string(firstOverride?.InstanceType) ?? reader.string(data?.InstanceType);
    if (firstOverride) notes.push('mixed instance types: priced at the first override');
    const distribution = reader.object(mixed.InstancesDistribution);
    const onDemandPercent = reader.number(distribution?.OnDemandPercentageAboveBaseCapacity) ?? 100;
    spot = onDemandPercent < 100;
  } else if (props.LaunchTemplate !== undefined) {
    data = launchTemplateData(reader, props.LaunchTemplate);
    instanceType = reader.string(data?.InstanceType);
  } else if (props.LaunchConfigurationName !== undefined) {
    const lc = reader.referenced(props.LaunchConfigurationName);
    const lcProps = lc?.resource.Properties ?? {};
    instanceType = reader.string(lcProps.InstanceType);
    spot = lcProps.SpotPrice !== undefined;
    associate = lcProps.AssociatePublicIpAddress;
    mappings = lcProps.BlockDeviceMappings;
  }
  if (data) {
    spot = spot || reader.string(reader.object(data.InstanceMarketOptions)?.MarketType) === 'spot';
    associate = primaryInterface(reader, data.NetworkInterfaces)?.AssociatePublicIpAddress;
    mappings = data.BlockDeviceMappings;
  }
  const parts: Counted[] = [];
  if (instanceType) parts.push({ item: { kind: 'ec2-instance', instanceType, spot }, count });
  else parts.push(unpricedPart('EC2 instances', 'instance type not known from the template', count));
  const subnets = reader.list(props.VPCZoneIdentifier) ?? [];
  parts.push(...publicIpParts(getsPublicIp(reader, associate, subnets), count, 'instance'));
  parts.push(...blockDeviceVolumes(reader, mappings, count));
  return parts;
}

// --- EMR --------------------------------------------------------------------------------------------------------

/** EMR root volumes are gp3 from release 6.15 (the release that added root volume IOPS and throughput), gp2 before. */
function emrRootVolumeType(releaseLabel: string | undefined): string | undefined {
  const m = /^emr-(\d+)\.(\d+)/.exec(releaseLabel ?? '');
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 6 || (major === 6 && minor >= 15) ? 'gp3' : 'gp2';
}

/** Instance types with instance store (m5d, c6gd, ...) get no default EBS volumes from EMR. */
const hasInstanceStore = (instanceType: string) => /^[a-z]+\d+[a-z]*d[a-z]*\./.test(instanceType);

interface EmrNodes {
  readonly role: string;
  readonly instanceType?: string;
  readonly count?: number;
  readonly spot: boolean;
  readonly ebs?: Record<string, unknown>;
}

function emrNodeParts(reader: TemplateReader, nodes: EmrNodes, publicIp: boolean | 'mixed' | undefined, root: Counted | undefined): Counted[] {
  const { role, instanceType, count, spot } = nodes;
  if (count === undefined) return [unpricedPart(`${role} nodes`, 'node count not known from the template')];
  if (count === 0) return [];
  const parts: Counted[] = [];
  if (instanceType) parts.push({ item: { kind: 'emr-node', instanceType, spot }, count });
  else parts.push(unpricedPart(`${role} nodes`, 'instance type not known from the template', count));
  parts.push(...publicIpParts(publicIp, count, `${role} node`));
  if (root) parts.push({ ...root, count: root.count * count });
  if (nodes.ebs) {
    for (const c of reader.list(nodes.ebs.EbsBlockDeviceConfigs) ?? []) {
      const config = reader.object(c);
      const spec = reader.object(config?.VolumeSpecification);
      const perNode = reader.number(config?.VolumesPerInstance) ?? 1;
      const size = reader.number(spec?.SizeInGB);
      const type = reader.string(spec?.VolumeType);
      if (size === undefined || type === undefined) parts.push(unpricedPart(`${role} EBS volumes`, 'volume size or type not known from the template', count * perNode));
      else {
        parts.push({
          item: { kind: 'ebs-volume', volumeType: type, sizeGb: size, iops: reader.number(spec?.Iops), throughputMibps: reader.number(spec?.Throughput) },
          count: count * perNode,
        });
      }
    }
  } else if (instanceType && !hasInstanceStore(instanceType)) {
    parts.push(unpricedPart(`default EBS storage of each ${role} node`, `EMR attaches EBS volumes to ${instanceType} by default; set EbsConfiguration to price them`, count));
  }
  return parts;
}

function emrGroup(reader: TemplateReader, role: string, group: Record<string, unknown>, defaultCount?: number): EmrNodes {
  return {
    role,
    instanceType: reader.string(group.InstanceType),
    count: group.InstanceCount === undefined ? defaultCount : reader.number(group.InstanceCount),
    spot: reader.string(group.Market) === 'SPOT',
    ebs: reader.object(group.EbsConfiguration),
  };
}

function emrFleet(reader: TemplateReader, role: string, fleet: Record<string, unknown>, notes: string[]): EmrNodes {
  const onDemand = reader.number(fleet.TargetOnDemandCapacity) ?? 0;
  const spotCapacity = reader.number(fleet.TargetSpotCapacity) ?? 0;
  const first = reader.object((reader.list(fleet.InstanceTypeConfigs) ?? [])[0]);
  const weight = reader.number(first?.WeightedCapacity) ?? 1;
  notes.push(`${role} fleet priced at its first instance type`);
  return {
    role,
    instanceType: reader.string(first?.InstanceType),
    count: first ? Math.ceil((onDemand + spotCapacity) / weight) : undefined,
    spot: spotCapacity > 0,
    ebs: reader.object(first?.EbsConfiguration),
  };
}

function emrRootVolume(reader: TemplateReader, props: Record<string, unknown>): Counted {
  const size = reader.number(props.EbsRootVolumeSize);
  const type = emrRootVolumeType(reader.string(props.ReleaseLabel));
  if (size === undefined) return unpricedPart('root EBS volume of each node', "EMR's default size applies; set EbsRootVolumeSize to price it");
  if (!type) return unpricedPart('root EBS volume of each node', 'release label not known, so neither is the volume type');
  return {
    item: {
      kind: 'ebs-volume',
      volumeType: type,
      sizeGb: size,
      iops: reader.number(props.EbsRootVolumeIops),
      throughputMibps: reader.number(props.EbsRootVolumeThroughput),
    },
    count: 1,
  };
}

function emrCluster(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const instances = reader.object(props.Instances) ?? {};
  const subnets = [instances.Ec2SubnetId, ...(reader.list(instances.Ec2SubnetIds) ?? [])].filter((s) => s !== undefined);
  // Without a subnet, EMR launches into the account's default VPC, whose subnets assign public addresses.
  const publicIp = subnets.length ? getsPublicIp(reader, undefined, subnets) : true;
  if (!subnets.length) notes.push('no subnet: EMR uses the default VPC, whose nodes get public IPv4 addresses');
  const root = emrRootVolume(reader, props);
  const groups: EmrNodes[] = [];
  const master = reader.object(instances.MasterInstanceGroup);
  const core = reader.object(instances.CoreInstanceGroup);
  if (master) groups.push(emrGroup(reader, 'primary', master, 1));
  if (core) groups.push(emrGroup(reader, 'core', core, 1));
  for (const t of reader.list(instances.TaskInstanceGroups) ?? []) {
    const task = reader.object(t);
    if (task) groups.push(emrGroup(reader, 'task', task));
  }
  const masterFleet = reader.object(instances.MasterInstanceFleet);
  const coreFleet = reader.object(instances.CoreInstanceFleet);
  if (masterFleet) groups.push(emrFleet(reader, 'primary', masterFleet, notes));
  if (coreFleet) groups.push(emrFleet(reader, 'core', coreFleet, notes));
  for (const t of reader.list(instances.TaskInstanceFleets) ?? []) {
    const task = reader.object(t);
    if (task) groups.push(emrFleet(reader, 'task', task, notes));
  }
  if (groups.some((g) => g.spot)) notes.push('Spot nodes are priced at on-demand; the EMR fee is the same for Spot');
  return groups.flatMap((g) => emrNodeParts(reader, g, publicIp, root));
}

/** The cluster an EMR instance group or fleet joins, for its subnet and root volume. */
function emrClusterOf(reader: TemplateReader, jobFlowId: unknown): Record<string, unknown> {
  const cluster = reader.referenced(jobFlowId);
  return cluster?.resource.Type === 'AWS::EMR::Cluster' ? cluster.resource.Properties ?? {} : {};
}

function emrClusterPublicIp(reader: TemplateReader, cluster: Record<string, unknown>): boolean | 'mixed' | undefined {
  const instances = reader.object(cluster.Instances);
  if (!instances) return undefined;
  const subnets = [instances.Ec2SubnetId, ...(reader.list(instances.Ec2SubnetIds) ?? [])].filter((s) => s !== undefined);
  return subnets.length ? getsPublicIp(reader, undefined, subnets) : true;
}

function emrInstanceGroupConfig(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const cluster = emrClusterOf(reader, props.JobFlowId);
  const role = (reader.string(props.InstanceRole) ?? 'task').toLowerCase();
  const group = emrGroup(reader, role, props);
  if (group.spot) notes.push('Spot nodes are priced at on-demand; the EMR fee is the same for Spot');
  return emrNodeParts(reader, group, emrClusterPublicIp(reader, cluster), emrRootVolume(reader, cluster));
}

function emrInstanceFleetConfig(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const cluster = emrClusterOf(reader, props.ClusterId);
  const role = (reader.string(props.InstanceFleetType) ?? 'task').toLowerCase();
  return emrNodeParts(reader, emrFleet(reader, role, props, notes), emrClusterPublicIp(reader, cluster), emrRootVolume(reader, cluster));
}

// --- Elastic Beanstalk ----------------------------------------------------------------------------------------

/**
 * An Elastic Beanstalk environment bills nothing itself ("There is no additional charge for Elastic
 * Beanstalk. You pay for AWS resources", https://aws.amazon.com/elasticbeanstalk/pricing/): it is priced
 * by what it creates, read from its option settings
 * (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html):
 * - its instances: `aws:ec2:instances` InstanceTypes (the first type), one for a `SingleInstance`
 *   environment, else the Auto Scaling group's MinSize (a worker tier counts the same way);
 * - each instance's root volume, from `aws:autoscaling:launchconfiguration` RootVolumeType and RootVolumeSize;
 * - a public IPv4 address per instance: AssociatePublicIpAddress "has no effect on a single-instance
 *   environment, which always has a single Amazon EC2 instance with an Elastic IP address"; a load-balanced
 *   one follows `aws:ec2:vpc` AssociatePublicIpAddress;
 * - for a load-balanced web server environment, its load balancer (`LoadBalancerType`, default classic) and,
 *   when public, one address per subnet in `ELBSubnets`.
 * What the settings leave to the platform (an instance type, a volume size, subnets) is unpriced, with why.
 */
function beanstalkEnvironment(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const settings = reader.list(props.OptionSettings) ?? [];
  const option = (namespace: string, name: string): unknown => {
    for (const s of settings) {
      const o = reader.object(s);
      if (o && reader.string(o.Namespace) === namespace && reader.string(o.OptionName) === name) return o.Value;
    }
    return undefined;
  };
  const text = (namespace: string, name: string) => reader.string(option(namespace, name));
  /** How many items a comma-separated option holds, literal or an `Fn::Join` on ','. */
  const itemCount = (value: unknown): number | undefined => {
    const literal = reader.string(value);
    if (literal !== undefined) return literal.split(',').filter((x) => x.trim() !== '').length;
    const join = reader.object(value) === undefined && value && typeof value === 'object' ? (value as Record<string, unknown>)['Fn::Join'] : undefined;
    if (Array.isArray(join) && join[0] === ',' && Array.isArray(join[1])) return join[1].length;
    return undefined;
  };

  const tier = reader.string(reader.object(props.Tier)?.Name) ?? 'WebServer';
  const single = text('aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance';
  const loadBalanced = !single && tier === 'WebServer';
  let count: number | undefined = 1;
  if (!single) {
    count = reader.number(option('aws:autoscaling:asg', 'MinSize') ?? 1);
    const max = reader.number(option('aws:autoscaling:asg', 'MaxSize') ?? 4); // Elastic Beanstalk's default MaxSize is 4
    notes.push(`${count ?? 'MinSize'} instance(s) at the Auto Scaling group's MinSize` + (count !== undefined && max !== undefined && max > count ? ` (up to ${max} while it scales out)` : ''));
  } else notes.push('a single-instance environment: one instance with an Elastic IP, no load balancer');
  if (count === undefined) return [unpricedPart('EC2 instances of the environment', 'MinSize not known from the template')];

  const parts: Counted[] = [];
  const instanceType =
    text('aws:ec2:instances', 'InstanceTypes')?.split(',')[0].trim() || text('aws:autoscaling:launchconfiguration', 'InstanceType');
  if (instanceType) parts.push({ item: { kind: 'ec2-instance', instanceType }, count });
  else parts.push(unpricedPart('EC2 instances of the environment', 'no InstanceTypes option: the platform chooses the type', count));

  if (single) parts.push({ item: { kind: 'public-ipv4' }, count: 1 });
  else {
    const associate = reader.boolean(option('aws:ec2:vpc', 'AssociatePublicIpAddress'));
    if (associate === true) parts.push({ item: { kind: 'public-ipv4' }, count });
    else if (associate === undefined) parts.push(unpricedPart('public IPv4 of each instance', 'AssociatePublicIpAddress not set: it depends on the subnets', count));
  }

  const volumeType = text('aws:autoscaling:launchconfiguration', 'RootVolumeType');
  const volumeSize = reader.number(option('aws:autoscaling:launchconfiguration', 'RootVolumeSize'));
  if (volumeType && volumeSize !== undefined) parts.push({ item: { kind: 'ebs-volume', volumeType, sizeGb: volumeSize }, count });
  else parts.push(unpricedPart('root EBS volume of each instance', 'RootVolumeType or RootVolumeSize not set: they come from the platform', count));

  if (loadBalanced) {
    const type = (text('aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic') as 'application' | 'network' | 'classic';
    parts.push({ item: { kind: 'load-balancer', type }, count: 1 });
    if ((text('aws:ec2:vpc', 'ELBScheme') ?? 'public') === 'public' && type !== 'network') {
      const zones = itemCount(option('aws:ec2:vpc', 'ELBSubnets'));
      if (zones === undefined) parts.push(unpricedPart('public IPv4 addresses of the load balancer (one per Availability Zone)', 'ELBSubnets not known from the template'));
      else {
        notes.push(`its ${type} load balancer is internet-facing in ${zones} subnet(s): one public IPv4 address each`);
        parts.push({ item: { kind: 'public-ipv4' }, count: zones });
      }
    }
  }
  return parts;
}

// --- Networking -------------------------------------------------------------------------------------------------

function natGateway(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const privateNat = reader.string(props.ConnectivityType) === 'private';
  if (!privateNat) {
    const eip = reader.referenced(props.AllocationId);
    notes.push(eip ? `its public address is Elastic IP ${eip.id}, counted with that resource` : 'its Elastic IP is allocated outside this stack');
  }
  return [{ item: { kind: 'nat-gateway' }, count: 1 }];
}

function loadBalancerV2(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const type = (reader.string(props.Type) ?? 'application') as 'application' | 'network' | 'gateway';
  const parts: Counted[] = [{ item: { kind: 'load-balancer', type }, count: 1 }];
  const scheme = reader.string(props.Scheme) ?? 'internet-facing';
  const ipType = reader.string(props.IpAddressType) ?? 'ipv4';
  if (type === 'gateway' || scheme !== 'internet-facing' || ipType === 'dualstack-without-public-ipv4') return parts;
  const mappings = reader.list(props.SubnetMappings);
  if (mappings) {
    // Mappings with an AllocationId use Elastic IPs, counted with those resources.
    const own = mappings.filter((m) => reader.object(m)?.AllocationId === undefined).length;
    if (own) parts.push({ item: { kind: 'public-ipv4' }, count: own });
    return parts;
  }
  const subnets = reader.list(props.Subnets);
  if (!subnets) return [...parts, unpricedPart('public IPv4 addresses (one per Availability Zone)', 'its subnets are not known from the template')];
  notes.push(`internet-facing in ${subnets.length} Availability Zone(s): one public IPv4 address each (more while it scales out)`);
  return [...parts, { item: { kind: 'public-ipv4' }, count: subnets.length }];
}

function classicLoadBalancer(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const parts: Counted[] = [{ item: { kind: 'load-balancer', type: 'classic' }, count: 1 }];
  if ((reader.string(props.Scheme) ?? 'internet-facing') !== 'internet-facing') return parts;
  const zones = reader.list(props.Subnets) ?? reader.list(props.AvailabilityZones);
  if (!zones) return [...parts, unpricedPart('public IPv4 addresses (one per Availability Zone)', 'its subnets are not known from the template')];
  notes.push(`internet-facing in ${zones.length} Availability Zone(s): one public IPv4 address each`);
  return [...parts, { item: { kind: 'public-ipv4' }, count: zones.length }];
}

function vpcEndpoint(reader: TemplateReader, props: Record<string, unknown>): Counted[] {
  const endpointType = reader.string(props.VpcEndpointType) ?? 'Gateway';
  if (endpointType !== 'Interface') return [{ item: { kind: 'vpc-endpoint', endpointType, azCount: 0 }, count: 1 }];
  const subnets = reader.list(props.SubnetIds);
  if (!subnets) return [unpricedPart('VPC interface endpoint', 'its subnets are not known from the template')];
  return [{ item: { kind: 'vpc-endpoint', endpointType, azCount: subnets.length }, count: 1 }];
}

// --- Containers -------------------------------------------------------------------------------------------------

/** Task CPU: "256" CPU units or "0.25 vCPU". */
function vcpuOf(reader: TemplateReader, cpu: unknown): number | undefined {
  const s = reader.string(cpu);
  if (s === undefined) return undefined;
  const m = /^\s*([\d.]+)\s*vcpu\s*$/i.exec(s);
  if (m) return Number(m[1]);
  const units = Number(s);
  return Number.isFinite(units) && units > 0 ? units / 1024 : undefined;
}

/** Task memory: "512" MiB or "1 GB". */
function memoryGbOf(reader: TemplateReader, memory: unknown): number | undefined {
  const s = reader.string(memory);
  if (s === undefined) return undefined;
  const m = /^\s*([\d.]+)\s*gb\s*$/i.exec(s);
  if (m) return Number(m[1]);
  const mib = Number(s);
  return Number.isFinite(mib) && mib > 0 ? mib / 1024 : undefined;
}

/** The capacity providers an ECS service runs on: its own strategy, or its cluster's default. */
function capacityProviders(reader: TemplateReader, props: Record<string, unknown>): string[] | undefined {
  const own = reader.list(props.CapacityProviderStrategy);
  const names = (list: unknown[]) =>
    list.map((s) => reader.object(s)).filter((s) => s && (reader.number(s.Weight) ?? 0) + (reader.number(s.Base) ?? 0) > 0).map((s) => reader.string(s!.CapacityProvider) ?? '?');
  if (own) return names(own);
  const cluster = reader.referenced(props.Cluster);
  for (const r of Object.values(reader.resources)) {
    if (r.Type !== 'AWS::ECS::ClusterCapacityProviderAssociations') continue;
    if (!cluster || reader.referenced(r.Properties?.Cluster)?.id !== cluster.id) continue;
    const defaults = reader.list(r.Properties?.DefaultCapacityProviderStrategy);
    if (defaults) return names(defaults);
  }
  return undefined;
}

function ecsService(reader: TemplateReader, props: Record<string, unknown>, notes: string[]): Counted[] {
  const launchType = reader.string(props.LaunchType);
  const providers = launchType ? undefined : capacityProviders(reader, props);
  const fargate = launchType === 'FARGATE' || (providers ?? []).some((p) => p === 'FARGATE' || p === 'FARGATE_SPOT');
  if (!fargate) {
    notes.push('runs on the cluster\'s EC2 instances, counted with their Auto Scaling group or instances');
    return [];
  }
  const spot = !!providers && providers.every((p) => p === 'FARGATE_SPOT');
  if (providers && providers.includes('FARGATE_SPOT') && !spot) notes.push('part of the tasks run on Fargate Spot: priced at on-demand');
  const desired = props.DesiredCount === undefined ? 1 : reader.number(props.DesiredCount);
  if (props.DesiredCount === undefined) notes.push('no DesiredCount: CloudFormation starts 1 task');
  if (desired === undefined) return [unpricedPart('Fargate tasks', 'desired count not known from the template')];
  if (desired === 0) return [];

  const parts: Counted[] = [];
  const taskDefinition = reader.referenced(props.TaskDefinition);
  const td = taskDefinition?.resource.Type === 'AWS::ECS::TaskDefinition' ? taskDefinition.resource.Properties ?? {} : undefined;
  const platform = reader.object(td?.RuntimePlatform);
  const os = reader.string(platform?.OperatingSystemFamily) ?? 'LINUX';
  const vcpu = vcpuOf(reader, td?.Cpu);
  const memoryGb = memoryGbOf(reader, td?.Memory);
  if (!td) parts.push(unpricedPart('Fargate tasks', 'task definition not in the template', desired));
  else if (os !== 'LINUX') parts.push(unpricedPart(`Fargate tasks (${os})`, 'only Linux Fargate is in the price table', desired));
  else if (vcpu === undefined || memoryGb === undefined) parts.push(unpricedPart('Fargate tasks', 'task CPU or memory not known from the template', desired));
  else {
    const arch = reader.string(platform?.CpuArchitecture) === 'ARM64' ? 'arm64' : 'x86_64';
    parts.push({ item: { kind: 'fargate-task', vcpu, memoryGb, arch, spot }, count: desired });
  }
  const network = reader.object(reader.object(props.NetworkConfiguration)?.AwsvpcConfiguration);
  if (reader.string(network?.AssignPublicIp) === 'ENABLED') parts.push({ item: { kind: 'public-ipv4' }, count: desired });
  return parts;
}

// --- Storage and the rest ---------------------------------------------------------------------------------------

function ebsVolume(reader: TemplateReader, props: Record<string, unknown>): Counted[] {
  const size = reader.number(props.Size);
  const type = props.VolumeType === undefined ? 'gp2' : reader.string(props.VolumeType); // CloudFormation's default
  if (size === undefined) return [unpricedPart('EBS volume', 'size comes from its snapshot, not the template')];
  if (type === undefined) return [unpricedPart(`EBS volume (${size} GB)`, 'volume type not known from the template')];
  return [{ item: { kind: 'ebs-volume', volumeType: type, sizeGb: size, iops: reader.number(props.Iops), throughputMibps: reader.number(props.Throughput) }, count: 1 }];
}

function cloudWatchAlarm(reader: TemplateReader, props: Record<string, unknown>): Counted[] {
  const period = reader.number(props.Period);
  if (period !== undefined && period < 60) return [unpricedPart('high-resolution CloudWatch alarm', 'high-resolution alarms are not in the price table')];
  return [{ item: { kind: 'cloudwatch-alarm' }, count: 1 }];
}

function dynamoDbTable(reader: TemplateReader, props: Record<string, unknown>): Counted[] | 'usage' {
  // CloudFormation's default billing mode is PROVISIONED.
  if (reader.string(props.BillingMode) === 'PAY_PER_REQUEST') return 'usage';
  let rcu = 0;
  let wcu = 0;
  const throughputs = [props.ProvisionedThroughput, ...(reader.list(props.GlobalSecondaryIndexes) ?? []).map((g) => reader.object(g)?.ProvisionedThroughput)];
  for (const t of throughputs) {
    const throughput = reader.object(t);
    if (!throughput) continue;
    const r = reader.number(throughput.ReadCapacityUnits);
    const w = reader.number(throughput.WriteCapacityUnits);
    if (r === undefined || w === undefined) return [unpricedPart('DynamoDB provisioned capacity', 'capacity units not known from the template')];
    rcu += r;
    wcu += w;
  }
  return [{ item: { kind: 'dynamodb-provisioned', readCapacityUnits: rcu, writeCapacityUnits: wcu }, count: 1 }];
}
