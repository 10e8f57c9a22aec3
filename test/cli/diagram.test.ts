/**
 * `labs diagram`: the template-to-graph step on small fixtures, and the real lab templates drawn with the
 * nodes and edges a reader must see.
 */
import { CfnTemplate, Diagram, INTERNET, templateToDiagram } from '../../lib/cli/diagram/graph';
import { BEGIN_MARKER, diagramSection, END_MARKER, withDiagramSection } from '../../lib/cli/diagram/guide';
import { toDot, toMermaid } from '../../lib/cli/diagram/render';
import { reviewMermaid } from '../../lib/cli/diagram/review';
import { synthLab, synthLabs } from '../helpers/synth';

const path = (p: string) => ({ 'aws:cdk:path': `Lab/${p}/Resource` });
const edge = (d: Diagram, from: string, to: string) => d.edges.find((e) => e.from === from && e.to === to);

describe('template to graph', () => {
  const cluster: CfnTemplate = {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' }, Metadata: path('Vpc') },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, MapPublicIpOnLaunch: true }, Metadata: path('Vpc/Public1') },
      ControlSg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          VpcId: { Ref: 'Vpc' },
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '203.0.113.7/32' }],
        },
      },
      WorkerSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' } } },
      ApiFromWorkers: {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: { GroupId: { 'Fn::GetAtt': ['ControlSg', 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': ['WorkerSg', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 6443, ToPort: 6443 },
      },
      VxlanFromControl: {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: { GroupId: { 'Fn::GetAtt': ['WorkerSg', 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': ['ControlSg', 'GroupId'] }, IpProtocol: 'udp', FromPort: 8472, ToPort: 8472 },
      },
      Control: {
        Type: 'AWS::EC2::Instance',
        Properties: { SubnetId: { Ref: 'Subnet' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['ControlSg', 'GroupId'] }], IamInstanceProfile: { Ref: 'Profile' } },
        Metadata: path('ControlPlane'),
      },
      Worker: {
        Type: 'AWS::EC2::Instance',
        Properties: { SubnetId: { Ref: 'Subnet' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['WorkerSg', 'GroupId'] }] },
        Metadata: path('Worker1'),
      },
      Role: { Type: 'AWS::IAM::Role', Properties: {}, Metadata: path('NodeRole') },
      Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'Role' }] } },
      Workload: { Type: 'AWS::S3::Bucket', Properties: {}, Metadata: path('Workload') },
      Grant: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [{ 'Fn::GetAtt': ['Workload', 'Arn'] }] }] },
        },
      },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: {}, Metadata: path('Logs') },
    },
  };
  const d = templateToDiagram('Lab', cluster);

  test('a security-group rule becomes an edge between the groups\' members, labelled with its port', () => {
    expect(edge(d, 'Worker', 'Control')?.label).toBe('tcp 6443');
    expect(edge(d, 'Control', 'Worker')?.label).toBe('udp 8472');
  });

  test('a group that admits itself joins its members to each other, never a member to itself', () => {
    const t = JSON.parse(JSON.stringify(cluster));
    t.Resources.Worker2 = { ...t.Resources.Worker, Metadata: path('Worker2') };
    t.Resources.WorkersFromWorkers = {
      Type: 'AWS::EC2::SecurityGroupIngress',
      Properties: { GroupId: { 'Fn::GetAtt': ['WorkerSg', 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': ['WorkerSg', 'GroupId'] }, IpProtocol: 'udp', FromPort: 8472, ToPort: 8472 },
    };
    const d2 = templateToDiagram('Lab', t);
    expect(edge(d2, 'Worker', 'Worker2')?.label).toBe('udp 8472');
    expect(d2.edges.filter((e) => e.from === e.to)).toEqual([]);
  });

  test('a custom resource of a CDK helper provider, or one marked as plumbing, is folded; a lab\'s own step is shown', () => {
    const t: CfnTemplate = {
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: {} },
        Provider: { Type: 'AWS::Lambda::Function', Properties: {}, Metadata: { 'aws:cdk:path': 'Lab/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler' } },
        Restrict: { Type: 'Custom::VpcRestrictDefaultSG', Properties: { ServiceToken: { 'Fn::GetAtt': ['Provider', 'Arn'] }, DefaultSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] } } },
        SeedFn: { Type: 'AWS::Lambda::Function', Properties: {}, Metadata: path('Seed/Function') },
        Seed: { Type: 'Custom::SeedFaq', Properties: { ServiceToken: { 'Fn::GetAtt': ['SeedFn', 'Arn'] }, Table: { Ref: 'Faq' } } },
        Cleanup: { Type: 'Custom::Cleanup', Properties: { ServiceToken: { 'Fn::GetAtt': ['SeedFn', 'Arn'] } }, Metadata: { 'course-labs:plumbing': 'revokes rules on delete' } },
        Faq: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      },
    };
    const d3 = templateToDiagram('Lab', t);
    expect(d3.nodes.map((n) => n.id)).toEqual(['Faq', 'Seed']);
    expect(edge(d3, 'Seed', 'Faq')).toBeDefined();
  });

  test('a rule from a CIDR is an edge from the outside world that names the CIDR', () => {
    expect(edge(d, INTERNET, 'Control')?.label).toBe('tcp 22 from 203.0.113.7/32');
    expect(edge(d, INTERNET, 'Worker')).toBeUndefined();
    expect(d.nodes.find((n) => n.id === INTERNET)?.kind).toBe('external');
  });

  test('an IAM grant on a resource becomes an edge from the node that holds the role, labelled with the actions', () => {
    expect(edge(d, 'Control', 'Workload')?.label).toBe('s3: GetObject, ListBucket');
    expect(edge(d, 'Worker', 'Workload')).toBeUndefined();
  });

  test('plumbing (log groups, IAM) and network resources are folded away; instances sit in their VPC', () => {
    expect(d.nodes.map((n) => n.id)).toEqual(['Control', INTERNET, 'Worker', 'Workload'].sort());
    expect(d.groups).toEqual([{ id: 'Vpc', label: 'VPC Vpc (1 public subnet)' }]);
    expect(d.nodes.filter((n) => n.group === 'Vpc').map((n) => n.id)).toEqual(['Control', 'Worker']);
    expect(d.nodes.find((n) => n.id === 'Control')).toMatchObject({ what: 'EC2 instance', name: 'ControlPlane', kind: 'compute' });
  });

  test('with showPlumbing the log group and the role are nodes too', () => {
    const all = templateToDiagram('Lab', cluster, { showPlumbing: true });
    expect(all.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['Logs', 'Role']));
    expect(all.nodes.find((n) => n.id === 'Logs')).toMatchObject({ kind: 'plumbing', what: 'log group' });
  });

  test('a load balancer reaches its services through target groups, labelled with the listener rule\'s paths', () => {
    const t: CfnTemplate = {
      Resources: {
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
        Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Alb' }, DefaultActions: [{ TargetGroupArn: { Ref: 'MonolithTg' } }] } },
        UsersRule: {
          Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
          Properties: { ListenerArn: { Ref: 'Listener' }, Priority: 10, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/users*'] } }], Actions: [{ TargetGroupArn: { Ref: 'UsersTg' } }] },
        },
        MonolithTg: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
        UsersTg: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: {} },
        Monolith: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'MonolithTask' }, LoadBalancers: [{ TargetGroupArn: { Ref: 'MonolithTg' } }] } },
        MonolithTask: { Type: 'AWS::ECS::TaskDefinition', Properties: {} },
        Users: { Type: 'AWS::ECS::Service', Properties: { LoadBalancers: [{ TargetGroupArn: { Ref: 'UsersTg' } }] } },
      },
    };
    const lb = templateToDiagram('Lab', t);
    expect(edge(lb, 'Alb', 'Users')?.label).toBe('/api/users*');
    expect(edge(lb, 'Alb', 'Monolith')?.label).toBe('default');
    expect(lb.nodes.map((n) => n.id)).toEqual(['Alb', 'Monolith', 'Users']);
  });

  test('an API method that invokes a function is an edge from the API, and the API is reached from the internet', () => {
    const t: CfnTemplate = {
      Resources: {
        Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
        Ride: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Api' }, HttpMethod: 'POST', Integration: { Uri: { 'Fn::Join': ['', ['arn:', { 'Fn::GetAtt': ['Fn', 'Arn'] }]] } } } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { TABLE: { Ref: 'Rides' } } } } },
        Rides: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      },
    };
    const api = templateToDiagram('Lab', t);
    expect(edge(api, 'Api', 'Fn')?.label).toBe('POST invokes');
    expect(edge(api, 'Fn', 'Rides')).toBeDefined();
    expect(edge(api, INTERNET, 'Api')?.label).toBe('HTTPS');
  });
});

describe('what bills or exposes something is always drawn', () => {
  // The cluster fixture, and what a pull request might add to it.
  const withNat: CfnTemplate = {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' }, Metadata: path('Vpc') },
      Public: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, MapPublicIpOnLaunch: true }, Metadata: path('Vpc/Public1') },
      NatEip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' }, Metadata: path('Vpc/Public1/EIP') },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'Public' }, AllocationId: { 'Fn::GetAtt': ['NatEip', 'AllocationId'] } }, Metadata: path('Vpc/Public1/NATGateway') },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.t4g.micro', Engine: 'postgres' }, Metadata: path('Database') },
      Cache: { Type: 'AWS::ElastiCache::CacheCluster', Properties: { CacheNodeType: 'cache.t4g.micro', NumCacheNodes: 1, Engine: 'redis' }, Metadata: path('Cache') },
      Quantum: { Type: 'AWS::Braket::Device', Properties: {}, Metadata: path('Quantum') },
      Ip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' }, Metadata: path('PublicIp') },
      Url: { Type: 'AWS::Lambda::Url', Properties: { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }, Metadata: path('Fn/Url') },
      Fn: { Type: 'AWS::Lambda::Function', Properties: {}, Metadata: path('Fn') },
      Route: { Type: 'AWS::EC2::Route', Properties: { NatGatewayId: { Ref: 'Nat' } } },
    },
  };
  const d = templateToDiagram('Lab', withNat);
  const node = (id: string) => d.nodes.find((n) => n.id === id);

  test('a NAT gateway is drawn in its VPC, with its way out; its Elastic IP goes with it', () => {
    expect(node('Nat')).toMatchObject({ what: 'NAT gateway', kind: 'entry', group: 'Vpc', name: 'Vpc/Public1/NATGateway' });
    expect(edge(d, 'Nat', INTERNET)?.label).toBe('outbound');
    expect(node('NatEip')).toBeUndefined();
  });

  test('types the diagram does not know are drawn generically when they bill by the hour, priced or not', () => {
    expect(node('Db')).toMatchObject({ what: 'RDS database', kind: 'data' });
    expect(node('Cache')).toMatchObject({ what: 'ElastiCache CacheCluster', kind: 'compute' });
    // A type no table knows: labs cost cannot say it is free, so it is drawn.
    expect(node('Quantum')).toMatchObject({ what: 'Braket Device', kind: 'compute' });
  });

  test('what exposes something is drawn: an Elastic IP of its own, a function URL reached from the internet', () => {
    expect(node('Ip')).toMatchObject({ what: 'Elastic IP address', kind: 'entry' });
    expect(node('Url')).toMatchObject({ what: 'Lambda function URL', kind: 'entry' });
    expect(edge(d, INTERNET, 'Url')?.label).toBe('HTTPS');
    expect(edge(d, 'Url', 'Fn')).toBeDefined();
  });

  test('free wiring stays folded away', () => {
    expect(node('Route')).toBeUndefined();
    expect(node('Public')).toBeUndefined();
  });

  test("a NAT gateway added by a change is drawn in the review's diagram, marked added", () => {
    const base: CfnTemplate = { Resources: { Vpc: withNat.Resources!.Vpc, Public: withNat.Resources!.Public } };
    const head: CfnTemplate = { Resources: { ...base.Resources, NatEip: withNat.Resources!.NatEip, Nat: withNat.Resources!.Nat } };
    const text = reviewMermaid('Lab', base, head, { added: ['NatEip', 'Nat'], changed: [], replaced: [], destroyed: [] });
    expect(text).toContain('n_Nat(["NAT gateway (added)<br/>Vpc/Public1/NATGateway"])');
    expect(text).toMatch(/n_Nat -->\|"outbound"\| n_internet/);
    expect(text).toContain('class n_Nat added');
  });
});

describe('rendering', () => {
  const d = templateToDiagram('StaticSiteLabStack', synthLab('StaticSiteLabStack').json as CfnTemplate);

  test('the same template gives the same bytes', () => {
    const again = templateToDiagram('StaticSiteLabStack', JSON.parse(JSON.stringify(synthLab('StaticSiteLabStack').json)));
    expect(toMermaid(again)).toBe(toMermaid(d));
    expect(toDot(again)).toBe(toDot(d));
  });

  test('review marks colour the nodes and say what changed', () => {
    const bucket = d.nodes.find((n) => n.what === 'S3 bucket')!.id;
    const text = toMermaid(d, { [bucket]: 'replaced' });
    expect(text).toContain('S3 bucket (replaced)');
    expect(text).toMatch(new RegExp(`class n_${bucket} replaced`));
    expect(toMermaid(d)).not.toContain('classDef');
  });
});

describe('the static-site lab, drawn from its real template', () => {
  const node = (d: Diagram, what: string) => d.nodes.find((n) => n.what === what)!;

  test.each([['cloudfront', {}], ['website', { staticSiteHosting: 'website' }]] as const)('%s: the request path and the deployment', (mode, context) => {
    const d = templateToDiagram('StaticSiteLabStack', synthLab('StaticSiteLabStack', context).json as CfnTemplate);
    const bucket = node(d, 'S3 bucket').id;
    const deployment = node(d, 'deployment of files').id;
    expect(edge(d, deployment, bucket)?.label).toBe('uploads files');
    if (mode === 'cloudfront') {
      const cdn = node(d, 'CloudFront distribution').id;
      expect(edge(d, INTERNET, cdn)?.label).toBe('HTTPS');
      expect(edge(d, cdn, bucket)?.label).toBe('origin access control');
      expect(edge(d, INTERNET, bucket)).toBeUndefined();
    } else {
      expect(edge(d, INTERNET, bucket)?.label).toBe('HTTP website');
    }
    // Plumbing folded: no log group, role, expiry or helper function.
    expect(d.nodes.map((n) => n.kind).sort()).toEqual(mode === 'cloudfront' ? ['data', 'deploy', 'entry', 'external'] : ['data', 'deploy', 'external']);
  });
});

describe('every later lab, drawn from its real template: the path of a request', () => {
  const templates = Object.fromEntries(synthLabs().labs.map((l) => [l.stack.stackName, l.json as CfnTemplate]));
  const draw = (stack: string) => templateToDiagram(stack, templates[stack]);
  const byName = (d: Diagram, what: string, name: RegExp) => d.nodes.find((n) => n.what === what && name.test(n.name))?.id ?? `<no ${what} ${name}>`;

  test('serverless: internet -> API -> ride function -> Rides table; the API authorizes with the user pool', () => {
    const d = draw('ServerlessLabStack');
    const api = byName(d, 'API Gateway REST API', /Api/);
    const ride = byName(d, 'Lambda function', /RequestUnicorn/);
    const rides = byName(d, 'DynamoDB table', /Rides/);
    const pool = byName(d, 'Cognito user pool', /UserPool/);
    expect(edge(d, INTERNET, api)?.label).toBe('HTTPS');
    expect(edge(d, api, ride)?.label).toBe('POST invokes');
    expect(edge(d, ride, rides)?.label).toBe('dynamodb: PutItem');
    expect(edge(d, api, pool)?.label).toBe('authorizes with');
    expect(edge(d, INTERNET, pool)?.label).toBe('sign-up, sign-in');
  });

  test('container cluster: workers reach the control plane API, the control plane reaches the kubelets, all in the VPC', () => {
    const d = draw('ContainerClusterLabStack');
    const control = byName(d, 'EC2 instance', /ControlPlane/);
    const worker = byName(d, 'EC2 instance', /Worker1/);
    expect(edge(d, worker, control)?.label).toContain('tcp 6443');
    expect(edge(d, control, worker)?.label).toContain('tcp 10250');
    expect(d.nodes.find((n) => n.id === control)?.group).toBeDefined();
    expect(d.nodes.some((n) => n.id === INTERNET)).toBe(false); // no port open to the outside by default
  });

  test('microservices (split): internet -> load balancer -> each service by its path, the monolith by /api*', () => {
    const d = templateToDiagram('MicroservicesLabStack', synthLab('MicroservicesLabStack', { phase: 'split' }).json as CfnTemplate);
    const lb = byName(d, 'load balancer', /LoadBalancer/);
    expect(edge(d, INTERNET, lb)?.label).toBe('tcp 80 from 0.0.0.0/0');
    for (const service of ['users', 'threads', 'posts']) {
      const node = d.nodes.find((n) => n.what === 'ECS service' && n.name.toLowerCase().startsWith(service));
      expect({ service, label: node && edge(d, lb, node.id)?.label }).toEqual({ service, label: expect.stringContaining(`/api/${service}*`) });
    }
    expect(edge(d, lb, byName(d, 'ECS service', /^Monolith/))?.label).toContain('/api*');
    expect(d.nodes.filter((n) => n.kind === 'deploy')).toEqual([]); // the healthy-targets gates watch target groups; no traffic goes to them
  });

  test('s3 trigger: the upload bucket invokes the function on new images, which reads it and writes the thumbnail bucket', () => {
    const d = draw('S3TriggerLabStack');
    const uploads = byName(d, 'S3 bucket', /UploadBucket/);
    const thumbnails = byName(d, 'S3 bucket', /ThumbnailBucket/);
    const fn = byName(d, 'Lambda function', /Thumbnailer/);
    expect(edge(d, uploads, fn)?.label).toBe('invokes on new *.jpg, *.jpeg, *.png, *.JPG, *.JPEG, *.PNG');
    expect(edge(d, fn, uploads)?.label).toBe('s3: GetObject, s3: ListBucket');
    expect(edge(d, fn, thumbnails)?.label).toBe('s3: PutObject');
    expect(edge(d, thumbnails, fn)).toBeUndefined();
    expect(d.nodes.map((n) => n.kind).sort()).toEqual(['compute', 'data', 'data']); // the notifications helper is folded into the bucket
  });

  test('hadoop: the EMR cluster writes to the output bucket; its teardown helper is folded away', () => {
    const d = draw('HadoopLabStack');
    const cluster = byName(d, 'EMR cluster', /Cluster/);
    const output = byName(d, 'S3 bucket', /Output/);
    expect(edge(d, cluster, output)?.label).toContain('s3:');
    expect(d.nodes.map((n) => n.what)).not.toContain('deploy-time step EmrSecurityGroupRuleCleanup');
  });
});

describe('the generated section of a lab guide', () => {
  const section = diagramSection('XLabStack', 'flowchart LR\n  a --> b\n', 'architecture.svg');

  test('is appended under a heading when missing, and replaced in place afterwards', () => {
    const first = withDiagramSection('# Guide\n\nText.\n', section);
    expect(first).toContain('## Architecture');
    expect(first).toContain('```mermaid\nflowchart LR\n  a --> b\n```');
    const updated = withDiagramSection(first + '\nAfter.\n', diagramSection('XLabStack', 'flowchart LR\n  c --> d\n', 'architecture.svg'));
    expect(updated).not.toContain('a --> b');
    expect(updated).toContain('c --> d');
    expect(updated.endsWith('After.\n')).toBe(true);
    expect(updated.split(BEGIN_MARKER)).toHaveLength(2);
  });

  test('unbalanced markers are refused rather than overwritten', () => {
    expect(() => withDiagramSection(`# Guide\n${BEGIN_MARKER}\nno end`, section)).toThrow('unbalanced');
    expect(() => withDiagramSection(`# Guide\n${END_MARKER}\n${BEGIN_MARKER}`, section)).toThrow('unbalanced');
  });
});
