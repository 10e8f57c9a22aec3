/**
 * From a synthesized CloudFormation template to the graph a reader wants to see: what a lab is made of
 * and who talks to whom. It works on the template alone (plus the construct paths CDK writes into each
 * resource's metadata), so it needs no lab's code and shows what is actually deployed.
 *
 * - Nodes are the resources a student meets: entry points (CloudFront, APIs, load balancers, user
 *   pools), compute (instances, auto scaling groups, ECS services, functions, EMR clusters), data
 *   (buckets, tables, repositories) and deploy-time steps (a site's deployment, a table's seeding).
 *   Sub-resources are folded into the resource they belong to (an API's methods into the API, a bucket's
 *   policy into the bucket, a task definition into its service).
 * - The project's plumbing (log groups, IAM, the expiry machinery, CDK's helper functions) is folded
 *   away unless `showPlumbing` is set.
 * - Edges come from references between resources, from security-group rules (labelled with the port),
 *   from IAM grants on a resource (labelled with the actions) and from listener rules (labelled with
 *   the path).
 */

import { PLUMBING_METADATA } from '../../shared/plumbing';
import { estimateStack } from '../cost/estimate';
import { CfnResource, CfnTemplate } from '../cost/resolve';

export type { CfnTemplate } from '../cost/resolve';

/** What a node is, which decides its shape. */
export type NodeKind = 'external' | 'entry' | 'compute' | 'data' | 'deploy' | 'plumbing';

export interface DiagramNode {
  /** The logical id, or `internet` for the outside world. */
  readonly id: string;
  /** What it is, in words: `S3 bucket`. */
  readonly what: string;
  /** Where it is in the lab's code: the construct path without the stack and the `Resource` leaf. */
  readonly name: string;
  readonly kind: NodeKind;
  /** The network group (VPC or subnet id) that holds it, if any. */
  readonly group?: string;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  /** What flows: ports, actions or paths, sorted and joined; empty for a plain reference. */
  readonly label: string;
}

/** A network boundary drawn around the nodes in it. */
export interface DiagramGroup {
  readonly id: string;
  readonly label: string;
  readonly parent?: string;
}

export interface Diagram {
  readonly stack: string;
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
  readonly groups: readonly DiagramGroup[];
  /** Every resource folded into a node (an API's methods, a bucket's policy), as logical id -> node id. */
  readonly foldedInto: Readonly<Record<string, string>>;
}

export interface DiagramOptions {
  /**
   * Show the project's plumbing (log groups, IAM roles and policies, the expiry machinery, CDK's helper
   * functions) as nodes of their own.
   * @default false
   */
  readonly showPlumbing?: boolean;
}

/** The outside world: students' browsers, SSH clients, anything not in the stack. */
export const INTERNET = 'internet';

/** Resource types shown as nodes, with their kind and their name in words. */
const SHOWN: Record<string, { kind: NodeKind; what: string }> = {
  'AWS::CloudFront::Distribution': { kind: 'entry', what: 'CloudFront distribution' },
  'AWS::ApiGateway::RestApi': { kind: 'entry', what: 'API Gateway REST API' },
  'AWS::ApiGatewayV2::Api': { kind: 'entry', what: 'API Gateway HTTP API' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { kind: 'entry', what: 'load balancer' },
  'AWS::Cognito::UserPool': { kind: 'entry', what: 'Cognito user pool' },
  'AWS::EC2::Instance': { kind: 'compute', what: 'EC2 instance' },
  'AWS::AutoScaling::AutoScalingGroup': { kind: 'compute', what: 'Auto Scaling group' },
  'AWS::ECS::Service': { kind: 'compute', what: 'ECS service' },
  'AWS::Lambda::Function': { kind: 'compute', what: 'Lambda function' },
  'AWS::EMR::Cluster': { kind: 'compute', what: 'EMR cluster' },
  'AWS::ElasticBeanstalk::Environment': { kind: 'compute', what: 'Elastic Beanstalk environment' },
  'AWS::KinesisFirehose::DeliveryStream': { kind: 'compute', what: 'Firehose stream' },
  'AWS::S3::Bucket': { kind: 'data', what: 'S3 bucket' },
  'AWS::DynamoDB::Table': { kind: 'data', what: 'DynamoDB table' },
  'AWS::DynamoDB::GlobalTable': { kind: 'data', what: 'DynamoDB table' },
  'AWS::ECR::Repository': { kind: 'data', what: 'ECR repository' },
  'AWS::SecretsManager::Secret': { kind: 'data', what: 'secret' },
  'AWS::SSM::Parameter': { kind: 'data', what: 'SSM parameter' },
  'AWS::SNS::Topic': { kind: 'data', what: 'SNS topic' },
  'AWS::CloudFormation::WaitCondition': { kind: 'deploy', what: 'wait condition' },
  'Custom::CDKBucketDeployment': { kind: 'deploy', what: 'deployment of files' },
};

/**
 * Types drawn because they expose something to the outside world, whatever they cost: a public address, a
 * URL, the way out of private subnets. (Everything that bills by the hour is drawn too; see `billsOrExposes`.)
 */
const EXPOSES: Record<string, { kind: NodeKind; what: string }> = {
  'AWS::EC2::NatGateway': { kind: 'entry', what: 'NAT gateway' },
  'AWS::EC2::EIP': { kind: 'entry', what: 'Elastic IP address' },
  'AWS::Lambda::Url': { kind: 'entry', what: 'Lambda function URL' },
};

/** How a resource drawn only because it bills reads, when the type is not in `SHOWN`. */
const BILLING_WHAT: Record<string, { kind: NodeKind; what: string }> = {
  'AWS::KMS::Key': { kind: 'data', what: 'KMS key' },
  'AWS::EC2::Volume': { kind: 'data', what: 'EBS volume' },
  'AWS::EC2::VPCEndpoint': { kind: 'entry', what: 'VPC endpoint' },
  'AWS::RDS::DBInstance': { kind: 'data', what: 'RDS database' },
  'AWS::RDS::DBCluster': { kind: 'data', what: 'RDS cluster' },
};

/** Plumbing in words, when it is shown. */
const PLUMBING_WHAT: Record<string, string> = {
  'AWS::Logs::LogGroup': 'log group',
  'AWS::IAM::Role': 'IAM role',
  'AWS::Scheduler::Schedule': 'schedule',
  'Custom::S3AutoDeleteObjects': 'empties the bucket on delete',
  'Custom::LabExpiryTime': 'expiry time',
};

/** Sub-resources folded into the resource they belong to, and the property that names it. */
const FOLDED_INTO: Record<string, (p: Record<string, any>) => unknown> = {
  'AWS::ApiGateway::Resource': (p) => p.RestApiId,
  'AWS::ApiGateway::Method': (p) => p.RestApiId,
  'AWS::ApiGateway::Deployment': (p) => p.RestApiId,
  'AWS::ApiGateway::Stage': (p) => p.RestApiId,
  'AWS::ApiGateway::Authorizer': (p) => p.RestApiId,
  'AWS::ApiGateway::GatewayResponse': (p) => p.RestApiId,
  'AWS::ApiGateway::RequestValidator': (p) => p.RestApiId,
  'AWS::ApiGateway::Model': (p) => p.RestApiId,
  'AWS::ApiGatewayV2::Route': (p) => p.ApiId,
  'AWS::ApiGatewayV2::Integration': (p) => p.ApiId,
  'AWS::ApiGatewayV2::Stage': (p) => p.ApiId,
  'AWS::ElasticLoadBalancingV2::Listener': (p) => p.LoadBalancerArn,
  'AWS::ElasticLoadBalancingV2::ListenerRule': (p) => p.ListenerArn,
  'AWS::S3::BucketPolicy': (p) => p.Bucket,
  // A bucket's event notifications (aws-cdk-lib puts them with a helper): drawn as the bucket invoking.
  'Custom::S3BucketNotifications': (p) => p.BucketName,
  'AWS::Cognito::UserPoolClient': (p) => p.UserPoolId,
  'AWS::Cognito::UserPoolDomain': (p) => p.UserPoolId,
  'AWS::EMR::Step': (p) => p.JobFlowId,
  'AWS::EMR::InstanceGroupConfig': (p) => p.JobFlowId,
  'AWS::CloudFormation::WaitConditionHandle': () => undefined,
  'AWS::SNS::Subscription': (p) => p.TopicArn,
  'AWS::SNS::TopicPolicy': (p) => p.Topics,
};

/** Plumbing types drawn as nodes when plumbing is shown. */
const PLUMBING_SHOWN = new Set([
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::Scheduler::Schedule',
  'Custom::S3AutoDeleteObjects',
  'Custom::LabExpiryTime',
]);

/** Types that only connect two shown nodes: edges pass through them. */
const CONNECTORS = new Set(['AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::CloudFront::OriginAccessControl']);

/** Types that carry network placement or reachability, read for groups and security-group edges. */
const NETWORK = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::EIP',
  'AWS::EC2::NatGateway',
]);

/**
 * Builds the diagram of one stack's template.
 */
export function templateToDiagram(stack: string, template: CfnTemplate, options: DiagramOptions = {}): Diagram {
  const resources = template.Resources ?? {};
  const ids = Object.keys(resources).sort();
  const pathOf = (id: string) => constructPath(stack, resources[id]) ?? id;
  const plumbing = (id: string) => isPlumbing(id, resources, pathOf(id));

  // 1. Which resources are nodes, and which node every other resource belongs to.
  const shown = new Set<string>();
  const extra = billsOrExposes(stack, template, ids);
  for (const id of ids) {
    const type = resources[id].Type;
    const drawable = SHOWN[type] || isDeployStep(type) || PLUMBING_SHOWN.has(type) || extra.has(id);
    if (drawable && (options.showPlumbing || !plumbing(id))) shown.add(id);
  }
  const ownerCache = new Map<string, string | undefined>();
  const owner = (id: string, seen: string[] = []): string | undefined => {
    if (shown.has(id)) return id;
    if (ownerCache.has(id)) return ownerCache.get(id);
    const r = resources[id];
    let result: string | undefined;
    const fold = r && FOLDED_INTO[r.Type];
    if (fold && !seen.includes(id)) {
      const target = refTargets(fold((r.Properties ?? {}) as Record<string, any>), resources)[0];
      result = target ? owner(target, [...seen, id]) : undefined;
    } else if (r?.Type === 'AWS::ECS::TaskDefinition') {
      result = ids.find((s) => shown.has(s) && resources[s].Type === 'AWS::ECS::Service' && refTargets(resources[s].Properties, resources).includes(id));
    }
    ownerCache.set(id, result);
    return result;
  };

  const edges = new EdgeSet();

  // 2. References: a node (or anything folded into it) that names another node uses it.
  for (const id of ids) {
    const from = owner(id);
    const r = resources[id];
    if (!from || r.Type === 'AWS::S3::BucketPolicy' || r.Type.startsWith('AWS::IAM::')) continue;
    for (const target of refTargets(r.Properties, resources)) {
      const t = resources[target];
      if (!t || NETWORK.has(t.Type) || CONNECTORS.has(t.Type)) continue; // connectors: below
      const to = owner(target);
      // Only viewers call a CloudFront distribution: a function or pool that names its domain (a CORS
      // origin, a callback URL) is configured with it, not talking to it.
      if (to && resources[to].Type === 'AWS::CloudFront::Distribution') continue;
      if (to && to !== from) edges.add(from, to, referenceLabel(r, t));
    }
  }

  // 3. Connectors: a target group joins the load balancer (through its listener rules) to what it
  //    targets; an origin access control labels CloudFront's edge to its bucket.
  for (const id of ids.filter((i) => resources[i].Type === 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
    const referrers = ids.filter((i) => refTargets(resources[i].Properties, resources).includes(id));
    // What the target group sends traffic to: compute that registers in it, not a deploy-time step that
    // only watches it.
    const targets = [
      ...referrers.map((r) => owner(r)).filter((o): o is string => !!o && SHOWN[resources[o].Type]?.kind === 'compute'),
      ...refTargets((resources[id].Properties as any)?.Targets, resources).map((t) => owner(t)).filter((o): o is string => !!o),
    ];
    for (const referrer of referrers) {
      const from = owner(referrer);
      if (!from || resources[from].Type !== 'AWS::ElasticLoadBalancingV2::LoadBalancer') continue;
      const label = listenerLabel(resources[referrer]);
      for (const to of targets) edges.add(from, to, label);
    }
  }
  for (const id of ids.filter((i) => resources[i].Type === 'AWS::CloudFront::OriginAccessControl')) {
    for (const referrer of ids.filter((i) => refTargets(resources[i].Properties, resources).includes(id))) {
      const from = owner(referrer);
      if (!from) continue;
      for (const target of refTargets(resources[referrer].Properties, resources)) {
        const to = owner(target);
        if (to && resources[to].Type === 'AWS::S3::Bucket') edges.relabel(from, to, 'origin access control');
      }
    }
  }

  // 4. Security groups: a rule from group A (or a CIDR) to group B on a port is an edge from A's members
  //    to B's members.
  const members = securityGroupMembers(ids, resources, owner);
  for (const rule of securityGroupRules(ids, resources)) {
    const to = members.get(rule.group) ?? [];
    const from = rule.source ? members.get(rule.source) ?? [] : [INTERNET];
    const label = rule.source ? rule.port : `${rule.port} from ${rule.cidr}`;
    // A group that admits itself joins its members to each other, not each member to itself.
    for (const f of from) for (const t of to) if (f !== t) edges.add(f, t, label);
  }

  // 5. IAM grants on a resource: a node whose role may act on another node.
  for (const [principal, roles] of rolesOfNodes(ids, resources, shown)) {
    for (const statement of statementsOfRoles(roles, ids, resources)) {
      if (statement.Effect !== 'Allow') continue;
      const actions = ([] as string[]).concat(statement.Action ?? []);
      for (const target of refTargets(statement.Resource, resources)) {
        const to = owner(target);
        if (to && to !== principal) edges.add(principal, to, summarizeActions(actions));
      }
    }
  }

  // 6. Entry points the outside world reaches without a security group.
  for (const id of shown) {
    const r = resources[id];
    if (['AWS::CloudFront::Distribution', 'AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api', 'AWS::Cognito::UserPool'].includes(r.Type)) {
      edges.add(INTERNET, id, r.Type === 'AWS::Cognito::UserPool' ? 'sign-up, sign-in' : 'HTTPS');
    }
    if (r.Type === 'AWS::S3::Bucket' && (r.Properties as any)?.WebsiteConfiguration) edges.add(INTERNET, id, 'HTTP website');
    if (r.Type === 'AWS::Lambda::Url') edges.add(INTERNET, id, 'HTTPS');
    if (r.Type === 'AWS::EC2::NatGateway' && (r.Properties as any)?.ConnectivityType !== 'private') edges.add(id, INTERNET, 'outbound');
    // A web server environment's security groups are Elastic Beanstalk's, outside the template: it opens HTTP.
    if (r.Type === 'AWS::ElasticBeanstalk::Environment' && ((r.Properties as any)?.Tier?.Name ?? 'WebServer') === 'WebServer') edges.add(INTERNET, id, 'HTTP 80');
  }

  // 7. Network groups: VPCs, and the subnet a node sits in when it names exactly one.
  const groups: DiagramGroup[] = [];
  const groupOf = new Map<string, string>();
  for (const vpc of ids.filter((i) => resources[i].Type === 'AWS::EC2::VPC')) {
    const subnets = ids.filter((i) => resources[i].Type === 'AWS::EC2::Subnet' && refTargets(resources[i].Properties, resources).includes(vpc));
    const publicCount = subnets.filter((s) => (resources[s].Properties as any)?.MapPublicIpOnLaunch === true).length;
    const privateCount = subnets.length - publicCount;
    const counts = [publicCount && `${publicCount} public`, privateCount && `${privateCount} private`].filter(Boolean).join(', ');
    groups.push({ id: vpc, label: `VPC ${pathOf(vpc)}${subnets.length ? ` (${counts} subnet${subnets.length > 1 ? 's' : ''})` : ''}` });
    for (const node of shown) {
      const reach = networkReach(node, ids, resources, owner);
      if (reach.has(vpc) || subnets.some((s) => reach.has(s)) || [...members.entries()].some(([sg, m]) => m.includes(node) && refTargets(resources[sg].Properties, resources).includes(vpc))) {
        groupOf.set(node, vpc);
      }
    }
  }

  const generic = (type: string) => EXPOSES[type] ?? BILLING_WHAT[type];
  const nodes: DiagramNode[] = [...shown].map((id) => ({
    id,
    what: SHOWN[resources[id].Type]?.what ?? generic(resources[id].Type)?.what ?? PLUMBING_WHAT[resources[id].Type] ?? describeType(resources[id].Type),
    name: pathOf(id),
    kind: plumbing(id)
      ? 'plumbing'
      : SHOWN[resources[id].Type]?.kind ?? generic(resources[id].Type)?.kind ?? (isDeployStep(resources[id].Type) ? 'deploy' : extra.has(id) ? 'compute' : 'plumbing'),
    group: groupOf.get(id),
  }));
  if (edges.list().some((e) => e.from === INTERNET || e.to === INTERNET)) nodes.push({ id: INTERNET, what: 'Internet', name: 'students, browsers, clients', kind: 'external' });

  const nodeIds = new Set(nodes.map((n) => n.id));
  const foldedInto: Record<string, string> = {};
  for (const id of ids) {
    const o = owner(id);
    if (o && o !== id) foldedInto[id] = o;
  }
  return {
    stack,
    foldedInto,
    nodes: nodes.sort((a, b) => compare(a.id, b.id)),
    edges: edges.list().filter((e) => nodeIds.has(e.from) && nodeIds.has(e.to)),
    groups: groups.sort((a, b) => compare(a.id, b.id)),
  };
}

/**
 * Resources drawn whatever their type, so that a change cannot add cost or exposure the diagram does not show
 * (a NAT gateway added in a pull request appears): every resource `labs cost` finds billing by the hour, priced
 * or not (a type it does not know counts), and the types in `EXPOSES`. Left out: what folds into a drawn
 * resource (an EMR instance group into its cluster), and an Elastic IP that a NAT gateway uses (it is the
 * gateway's address).
 */
function billsOrExposes(stack: string, template: CfnTemplate, ids: readonly string[]): Set<string> {
  const resources = template.Resources ?? {};
  const hourly = estimateStack(stack, template).resources.filter((r) => r.lines.length).map((r) => r.logicalId);
  const natAddresses = new Set(
    ids.filter((id) => resources[id].Type === 'AWS::EC2::NatGateway').flatMap((id) => refTargets((resources[id].Properties as any)?.AllocationId, resources)),
  );
  return new Set(
    [...hourly, ...ids.filter((id) => EXPOSES[resources[id].Type])].filter(
      (id) => resources[id] && !FOLDED_INTO[resources[id].Type] && !natAddresses.has(id) && !SHOWN[resources[id].Type],
    ),
  );
}

/** Code-unit order, the same on every machine (`localeCompare` depends on the locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Edges keyed by their ends, with their labels merged. */
class EdgeSet {
  private readonly labels = new Map<string, Set<string>>();

  add(from: string, to: string, label: string): void {
    const key = `${from}\u0000${to}`;
    if (!this.labels.has(key)) this.labels.set(key, new Set());
    if (label) this.labels.get(key)!.add(label);
  }

  relabel(from: string, to: string, label: string): void {
    this.labels.set(`${from}\u0000${to}`, new Set([label]));
  }

  list(): DiagramEdge[] {
    return [...this.labels.entries()]
      .map(([key, labels]) => {
        const [from, to] = key.split('\u0000');
        return { from, to, label: [...labels].sort().join(', ') };
      })
      .sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));
  }
}

/** The raw construct path CDK recorded in a resource's metadata. */
function constructPathOf(resource: CfnResource | undefined): string | undefined {
  const path = resource?.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

/** The construct path CDK recorded, without the stack and the `Resource`/`Default` leaf. */
function constructPath(stack: string, resource: CfnResource | undefined): string | undefined {
  const path = resource?.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') return undefined;
  return path.split('/').slice(1).filter((part, i, all) => !(i === all.length - 1 && (part === 'Resource' || part === 'Default'))).join('/') || stack;
}

/**
 * The project's plumbing: log groups, IAM, the expiry machinery, CDK's own helper providers (their
 * construct ids start with `Custom::`), schedules and CDK metadata.
 */
function isPlumbing(id: string, resources: Record<string, CfnResource>, path: string): boolean {
  const type = resources[id].Type;
  if (resources[id].Metadata?.[PLUMBING_METADATA]) return true;
  // A custom resource served by one of CDK's own providers (restricting a VPC's default security group,
  // say) is CDK's plumbing; a bucket deployment is the exception, it puts the lab's files in place.
  if (type.startsWith('Custom::') && type !== 'Custom::CDKBucketDeployment') {
    const token = refTargets((resources[id].Properties as Record<string, unknown> | undefined)?.ServiceToken, resources)[0];
    const provider = token && constructPathOf(resources[token]);
    if (provider && provider.split('/').some((part) => part.startsWith('Custom::'))) return true;
  }
  if (type.startsWith('AWS::IAM::') || type === 'AWS::Logs::LogGroup' || type.startsWith('AWS::Scheduler::')) return true;
  if (type === 'AWS::CDK::Metadata' || type === 'AWS::Lambda::Permission' || type === 'AWS::Lambda::LayerVersion') return true;
  if (type === 'Custom::S3AutoDeleteObjects' || type === 'Custom::LabExpiryTime') return true;
  if (path.startsWith('LabExpiry') || path.split('/').some((part) => part.startsWith('Custom::'))) return true;
  // A function that only serves custom resources is a helper, however it is named.
  if (type === 'AWS::Lambda::Function') {
    const referrers = Object.values(resources).filter((r) => refTargets(r.Properties, resources).includes(id));
    const onlyServesCustomResources = referrers.length > 0 && referrers.every((r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource' || r.Type === 'AWS::Lambda::Permission' || isLogOrIam(r.Type));
    if (onlyServesCustomResources) return true;
  }
  return false;
}

function isLogOrIam(type: string): boolean {
  return type.startsWith('AWS::IAM::') || type.startsWith('AWS::Logs::');
}

/** A lab's own custom resource (seeding a table, say) is a deploy-time step worth showing. */
function isDeployStep(type: string): boolean {
  return (
    (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') &&
    !['Custom::S3AutoDeleteObjects', 'Custom::LabExpiryTime', 'Custom::S3BucketNotifications'].includes(type)
  );
}

/** `AWS::Foo::Bar` -> `Foo Bar`; `Custom::SeedFaq` -> `deploy-time step SeedFaq`. */
function describeType(type: string): string {
  if (type.startsWith('Custom::')) return `deploy-time step ${type.slice('Custom::'.length)}`;
  return type.split('::').slice(1).join(' ');
}

/** Every logical id a value refers to with `Ref`, `Fn::GetAtt` or `Fn::Sub`, in order of appearance. */
export function refTargets(value: unknown, resources: Record<string, CfnResource>): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    for (const [key, inner] of Object.entries(v)) {
      if (key === 'Ref' && typeof inner === 'string' && resources[inner]) found.push(inner);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(inner) ? inner[0] : typeof inner === 'string' ? inner.split('.')[0] : undefined;
        if (typeof target === 'string' && resources[target]) found.push(target);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) if (resources[m[1]]) found.push(m[1]);
        if (Array.isArray(inner)) visit(inner[1]);
      } else visit(inner);
    }
  };
  visit(value);
  return [...new Set(found)];
}

function referenceLabel(from: CfnResource, to: CfnResource): string {
  if (from.Type === 'Custom::CDKBucketDeployment') return to.Type === 'AWS::S3::Bucket' ? 'uploads files' : 'writes its ids into the site config';
  if (from.Type === 'AWS::ApiGateway::Method' && to.Type === 'AWS::Lambda::Function') {
    const method = (from.Properties as any)?.HttpMethod;
    return method ? `${method} invokes` : 'invokes';
  }
  if (from.Type === 'AWS::ApiGateway::Authorizer') return 'authorizes with';
  if (from.Type === 'AWS::ApiGateway::Method' && to.Type === 'AWS::KinesisFirehose::DeliveryStream') {
    return `${(from.Properties as any)?.HttpMethod ?? ''} puts records`.trim();
  }
  // A private integration names the load balancer's DNS name and reaches it through a VPC link.
  if (from.Type === 'AWS::ApiGateway::Method' && to.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') return 'through the VPC link';
  if (from.Type === 'AWS::KinesisFirehose::DeliveryStream') return to.Type === 'AWS::Lambda::Function' ? 'transforms records with' : 'delivers to';
  if (from.Type === 'Custom::S3BucketNotifications') return notificationLabel(from);
  return '';
}

/** `invokes on new *.jpg, *.png`: what a bucket's event notifications send, and for which keys. */
function notificationLabel(resource: CfnResource): string {
  const config = (resource.Properties as any)?.NotificationConfiguration ?? {};
  const entries: any[] = [...(config.LambdaFunctionConfigurations ?? []), ...(config.QueueConfigurations ?? []), ...(config.TopicConfigurations ?? [])];
  const events = [...new Set(entries.flatMap((e) => e.Events ?? []))] as string[];
  const what = events.every((e) => e.startsWith('s3:ObjectCreated:')) ? 'new' : events.every((e) => e.startsWith('s3:ObjectRemoved:')) ? 'deleted' : 'changed';
  const keys = entries.map((e) => {
    const rules: any[] = e.Filter?.Key?.FilterRules ?? [];
    const prefix = rules.find((r) => r.Name === 'prefix')?.Value ?? '';
    const suffix = rules.find((r) => r.Name === 'suffix')?.Value ?? '';
    return prefix || suffix ? `${prefix}*${suffix}` : undefined;
  });
  return keys.some((k) => k === undefined) ? `invokes on ${what} objects` : `invokes on ${what} ${[...new Set(keys)].join(', ')}`;
}

/** The path patterns a listener rule forwards, or `default` for a listener's default action. */
function listenerLabel(resource: CfnResource): string {
  const p = resource.Properties as any;
  if (resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule') {
    const conditions = (p?.Conditions ?? []) as any[];
    const paths = conditions.flatMap((c) => (c.Field === 'path-pattern' || c.PathPatternConfig ? c.PathPatternConfig?.Values ?? c.Values ?? [] : []));
    const headers = conditions.flatMap((c) => (c.HttpHeaderConfig ? [`header ${c.HttpHeaderConfig.HttpHeaderName}: ${(c.HttpHeaderConfig.Values ?? []).join('|')}`] : []));
    const text = [...paths, ...headers].join(' ');
    return text || `rule ${p?.Priority ?? ''}`.trim();
  }
  return 'default';
}

/** The security groups each node is a member of, as group id -> member node ids. */
function securityGroupMembers(
  ids: readonly string[],
  resources: Record<string, CfnResource>,
  owner: (id: string) => string | undefined,
): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const id of ids) {
    const r = resources[id];
    if (r.Type === 'AWS::EC2::SecurityGroup' || r.Type.startsWith('AWS::EC2::SecurityGroup') || r.Type.startsWith('AWS::IAM::')) continue;
    let node = owner(id);
    if (!node && r.Type === 'AWS::EC2::LaunchTemplate') {
      node = ids.find((a) => owner(a) && resources[a].Type === 'AWS::AutoScaling::AutoScalingGroup' && refTargets(resources[a].Properties, resources).includes(id));
      node = node && owner(node);
    }
    if (!node) continue;
    for (const sg of refTargets(r.Properties, resources).filter((t) => resources[t].Type === 'AWS::EC2::SecurityGroup')) {
      const list = members.get(sg) ?? [];
      if (!list.includes(node)) list.push(node);
      members.set(sg, list.sort());
    }
  }
  return members;
}

interface SecurityGroupRule {
  readonly group: string;
  readonly source?: string;
  readonly cidr?: string;
  readonly port: string;
}

/** Every ingress rule of the template, inline or standalone. */
function securityGroupRules(ids: readonly string[], resources: Record<string, CfnResource>): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const read = (group: string, rule: Record<string, any>) => {
    const source = refTargets(rule.SourceSecurityGroupId, resources)[0];
    const cidr = rule.CidrIp ?? rule.CidrIpv6 ?? (rule.SourcePrefixListId ? 'a prefix list' : undefined);
    if (!source && !cidr) return;
    rules.push({ group, source, cidr, port: portLabel(rule) });
  };
  for (const id of ids) {
    const r = resources[id];
    const p = (r.Properties ?? {}) as Record<string, any>;
    if (r.Type === 'AWS::EC2::SecurityGroup') for (const rule of p.SecurityGroupIngress ?? []) read(id, rule);
    if (r.Type === 'AWS::EC2::SecurityGroupIngress') {
      const group = refTargets(p.GroupId, resources)[0];
      if (group) read(group, p);
    }
  }
  return rules;
}

/** `tcp 6443`, `udp 8472`, `tcp 30000-32767`, `all traffic`. */
function portLabel(rule: Record<string, any>): string {
  const protocol = String(rule.IpProtocol ?? '-1');
  if (protocol === '-1') return 'all traffic';
  const name = protocol === '6' ? 'tcp' : protocol === '17' ? 'udp' : protocol;
  const from = rule.FromPort;
  const to = rule.ToPort;
  if (from === undefined || from === -1) return name;
  return from === to ? `${name} ${from}` : `${name} ${from}-${to}`;
}

/** The IAM roles each node acts with: a function's role, an instance's profile, a task's role, EMR's instance profile. */
function rolesOfNodes(ids: readonly string[], resources: Record<string, CfnResource>, shown: Set<string>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const rolesIn = (value: unknown): string[] =>
    refTargets(value, resources).flatMap((t) => {
      const r = resources[t];
      if (r.Type === 'AWS::IAM::Role') return [t];
      if (r.Type === 'AWS::IAM::InstanceProfile') return refTargets((r.Properties as any)?.Roles, resources);
      if (r.Type === 'AWS::EC2::LaunchTemplate') return rolesIn((r.Properties as any)?.LaunchTemplateData?.IamInstanceProfile);
      if (r.Type === 'AWS::ECS::TaskDefinition') return rolesIn((r.Properties as any)?.TaskRoleArn);
      return [];
    });
  for (const id of shown) {
    const r = resources[id];
    const p = (r.Properties ?? {}) as Record<string, any>;
    const value =
      r.Type === 'AWS::Lambda::Function' ? p.Role
      : r.Type === 'AWS::EC2::Instance' ? p.IamInstanceProfile
      : r.Type === 'AWS::AutoScaling::AutoScalingGroup' ? [p.LaunchTemplate, p.MixedInstancesPolicy]
      : r.Type === 'AWS::ECS::Service' ? p.TaskDefinition
      : r.Type === 'AWS::EMR::Cluster' ? p.JobFlowRole
      // An Elastic Beanstalk environment's instances act with the profile its option settings name.
      : r.Type === 'AWS::ElasticBeanstalk::Environment'
        ? (p.OptionSettings ?? []).filter((o: any) => o?.Namespace === 'aws:autoscaling:launchconfiguration' && o?.OptionName === 'IamInstanceProfile').map((o: any) => o.Value)
      : undefined;
    const roles = [...new Set(rolesIn(value))];
    if (roles.length) result.set(id, roles);
  }
  return result;
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

/** Every statement of the inline and attached (template-defined) policies of the roles. */
function statementsOfRoles(roles: readonly string[], ids: readonly string[], resources: Record<string, CfnResource>): Statement[] {
  const statements: Statement[] = [];
  for (const role of roles) {
    for (const policy of ((resources[role].Properties as any)?.Policies ?? []) as any[]) statements.push(...(policy.PolicyDocument?.Statement ?? []));
  }
  for (const id of ids) {
    const r = resources[id];
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const p = (r.Properties ?? {}) as any;
    if (refTargets(p.Roles, resources).some((x) => roles.includes(x))) statements.push(...(p.PolicyDocument?.Statement ?? []));
  }
  return statements;
}

/** `dynamodb:PutItem`, or `s3: GetObject*, List*` for several actions of one service. */
function summarizeActions(actions: readonly string[]): string {
  const byService = new Map<string, string[]>();
  for (const action of actions) {
    const [service, name = '*'] = action.split(':');
    byService.set(service, [...(byService.get(service) ?? []), name]);
  }
  return [...byService.entries()]
    .map(([service, names]) => (names.length > 3 ? `${service}: ${names.slice(0, 3).join(', ')}, ...` : `${service}: ${names.join(', ')}`))
    .join('; ');
}

/** The subnets, VPCs and security groups a node reaches through its own and its folded resources' properties. */
function networkReach(
  node: string,
  ids: readonly string[],
  resources: Record<string, CfnResource>,
  owner: (id: string) => string | undefined,
): Set<string> {
  const reach = new Set<string>();
  const queue = ids.filter((id) => owner(id) === node);
  const seen = new Set<string>();
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const t of refTargets(resources[id].Properties, resources)) {
      const type = resources[t].Type;
      if (type === 'AWS::EC2::Subnet' || type === 'AWS::EC2::VPC' || type === 'AWS::EC2::SecurityGroup') reach.add(t);
      if (type === 'AWS::EC2::LaunchTemplate' || type === 'AWS::ECS::TaskDefinition') queue.push(t);
    }
  }
  return reach;
}
