/**
 * `labs cost` on fixture templates of the labs to come (hand calculations in each test) and on the landed
 * static-site lab at its defaults.
 */
import * as path from 'path';
import { readTemplates } from '../../lib/cli/assembly';
import { estimateStacks, costReport } from '../../lib/cli/commands/cost';
import { StackEstimate, estimateStack } from '../../lib/cli/cost/estimate';
import { stackSummary } from '../../lib/cli/cost/format';
import { run } from '../../lib/cli/main';

const FIXTURES = path.join(__dirname, 'fixtures', 'cost');
const HOURS = 730;

const fixture = (name: string): StackEstimate => {
  const stack = readTemplates(FIXTURES).find((s) => s.name === name)!;
  return estimateStack(stack.name, stack.template);
};

/** Each resource's lines as [count, description, $/h or the unpriced reason]. */
const lines = (e: StackEstimate, logicalId: string) =>
  e.resources.find((r) => r.logicalId === logicalId)?.lines.map((l) => [l.count, l.description, l.usdPerHour ?? (l.price.priced ? '' : l.price.reason)]);

test('container cluster on EC2: an instance and an Auto Scaling group at desired capacity, in public subnets', () => {
  const e = fixture('ContainerClusterFixture');
  // Control plane: t3.medium $0.0416 + public IPv4 $0.005 + 20 GB gp3 at $0.08/GB-month.
  const controlPlane = 0.0416 + 0.005 + (20 * 0.08) / HOURS;
  // Workers: DesiredCapacity 2 x (t4g.small $0.0168, the parameter's default + public IPv4 + 8 GB gp3).
  const workers = 2 * (0.0168 + 0.005 + (8 * 0.08) / HOURS);
  // Bastion: t4g.nano $0.0042 in a private subnet; its root volume comes from the AMI, so it is unpriced.
  const bastion = 0.0042;
  expect(e.usdPerHour).toBeCloseTo(controlPlane + workers + bastion, 10);
  expect(e.unpriced).toBe(1);
  expect(lines(e, 'Workers')).toEqual([
    [2, 'EC2 instance t4g.small', expect.closeTo(0.0336, 10)],
    [2, 'public IPv4 address', expect.closeTo(0.01, 10)],
    [2, 'EBS gp3 volume 8 GB', expect.closeTo((2 * 8 * 0.08) / HOURS, 10)],
  ]);
  expect(lines(e, 'Bastion')).toEqual([
    [1, 'EC2 instance t4g.nano', 0.0042],
    [1, 'root EBS volume (from the AMI)', 'size and type come from the AMI, not the template; set block devices to price it'],
  ]);
});

test('microservices on Fargate: ALB with one public IPv4 per AZ, NAT gateway with its Elastic IP, tasks, endpoints', () => {
  const e = fixture('MicroservicesFixture');
  const x86Quarter = 0.25 * 0.04048 + 0.5 * 0.004445; // 256 CPU units, 512 MiB
  const armHalf = 0.5 * 0.03238 + 1 * 0.00356; // 512 CPU units, 1024 MiB, ARM64
  const expected =
    0.005 + 0.045 + // NAT gateway and its Elastic IP
    0.0225 + 2 * 0.005 + // internet-facing ALB in two subnets
    (x86Quarter + 0.005) + // monolith: 1 task with a public IP
    2 * armHalf + // posts: 2 ARM tasks in private subnets
    x86Quarter + // users: 1 task (default count) on Fargate Spot, priced at on-demand
    2 * 0.01; // ECR interface endpoint in 2 AZs; the S3 gateway endpoint is free
  expect(e.usdPerHour).toBeCloseTo(expected, 10);
  expect(e.unpriced).toBe(0);
  expect(lines(e, 'Alb')).toEqual([
    [1, 'application load balancer', 0.0225],
    [2, 'public IPv4 address', expect.closeTo(0.01, 10)],
  ]);
  const users = e.resources.find((r) => r.logicalId === 'Users')!;
  expect(users.lines[0].description).toBe('Fargate task 0.25 vCPU / 0.5 GB x86_64 (Spot)');
  expect(users.lines[0].price.priced && users.lines[0].price.note).toMatch(/Fargate Spot is shown at the on-demand price/);
  expect(e.usage.map((u) => u.type)).toEqual(['AWS::ECR::Repository']);
});

test('Hadoop on EMR: EC2 plus EMR fee per node, Spot at on-demand, public IPv4 and EBS per node; a type without a fee is unpriced', () => {
  const e = fixture('HadoopFixture');
  const root = (15 * 0.08) / HOURS; // EbsRootVolumeSize 15, gp3 from release 6.15 (emr-7.1.0)
  const node = 0.192 + 0.048 + 0.005 + root; // m5.xlarge EC2 + EMR fee + public IPv4 + root volume
  const coreEbs = (2 * 32 * 0.1) / HOURS; // two 32 GB gp2 volumes per core node
  const taskGroup = 0.005 + root + (10 * 0.08) / HOURS; // its node itself is unpriced (no m6g.xlarge EMR fee)
  expect(e.usdPerHour).toBeCloseTo(node + 2 * (node + coreEbs) + taskGroup, 10);
  // Unpriced: the primary node's default EBS storage (no EbsConfiguration) and the m6g.xlarge task node.
  expect(e.unpriced).toBe(2);
  expect(lines(e, 'TaskGroup')![0]).toEqual([1, 'EMR node m6g.xlarge', 'no EMR fee for instance type m6g.xlarge in the price table (its EC2 part alone is $0.154/h)']);
  expect(lines(e, 'Cluster')).toContainEqual([2, 'EMR node m5.xlarge (Spot)', expect.closeTo(2 * 0.24, 10)]);
});

test('serverless: usage-priced resources listed apart; provisioned capacity and monthly fees priced; unknown types unpriced, never $0', () => {
  const e = fixture('ServerlessFixture');
  const provisioned = 6 * 0.00013 + 6 * 0.00065; // 5+1 RCU and 5+1 WCU (table and its index)
  const kmsKey = 1 / HOURS;
  const alarm = 0.1 / HOURS;
  expect(e.usdPerHour).toBeCloseTo(provisioned + kmsKey + alarm, 10);
  expect(e.unpriced).toBe(2);
  expect(lines(e, 'Database')).toEqual([[1, 'AWS::RDS::DBInstance', 'bills by the hour; not in the price table']]);
  expect(lines(e, 'Mystery')).toEqual([[1, 'AWS::Example::Widget', 'resource type not known to labs cost: its cost is not estimated']]);
  expect(e.usage.map((u) => `${u.logicalId} ${u.charges}`)).toEqual([
    'Rides reads, writes and storage',
    'Unicorns storage (GB-month)',
    'RequestUnicorn invocations and compute time (GB-seconds)',
    'Api API calls',
    'UserPool monthly active users',
    'SiteBucket storage (GB-month) and requests',
  ]);
  expect(stackSummary(e)).toBe('ServerlessFixture  $0.0062/h  (+ 2 unpriced items; 6 usage-priced resources)');
});

test('the text report starts each stack with its name and hourly cost, and shows unpriced items as unpriced', () => {
  const text = costReport(estimateStacks([], { templates: FIXTURES }), false);
  const stackLines = text.split('\n').filter((l) => !l.startsWith(' ') && !l.startsWith('Prices:'));
  expect(stackLines).toEqual([
    'ContainerClusterFixture  $0.0983/h  (+ 1 unpriced item)',
    'HadoopFixture  $0.7652/h  (+ 2 unpriced items; 1 usage-priced resource)',
    'MicroservicesFixture  $0.1717/h  (1 usage-priced resource)',
    'ServerlessFixture  $0.0062/h  (+ 2 unpriced items; 6 usage-priced resources)',
  ]);
  expect(text).toMatch(/1 x AWS::RDS::DBInstance +unpriced: bills by the hour; not in the price table/);
});

test('--json gives the same figures for scripts', () => {
  const json = JSON.parse(costReport(estimateStacks(['MicroservicesFixture'], { templates: FIXTURES }), true));
  expect(json.region).toBe('us-east-1');
  expect(json.stacks.map((s: StackEstimate) => s.stackName)).toEqual(['MicroservicesFixture']);
  expect(json.stacks[0].usdPerHour).toBe(Number(fixture('MicroservicesFixture').usdPerHour.toFixed(4)));
});

test('--json rounds every amount of money to the 4 decimals the text shows', () => {
  // Monthly fees prorated over 730 hours (a secret, a key) give long fractions such as 0.0005479452054794521.
  const text = costReport(estimateStacks([], { templates: FIXTURES }), false);
  const json = costReport(estimateStacks([], { templates: FIXTURES }), true);
  const amounts: number[] = [];
  JSON.parse(json, (key, value) => {
    if (/^usd/i.test(key) && typeof value === 'number') amounts.push(value);
    return value;
  });
  expect(amounts.length).toBeGreaterThan(10);
  for (const usd of amounts) expect(String(usd)).toMatch(/^\d+(\.\d{1,4})?$/);
  for (const stack of JSON.parse(json).stacks) expect(text).toContain(`${stack.stackName}  $${stack.usdPerHour.toFixed(4)}/h`);
});

describe('user errors are one line, exit 1', () => {
  test('an unknown stack names the stacks there are', async () => {
    const lines: string[] = [];
    const status = await run(['cost', '--templates', FIXTURES, 'NoSuchStack'], (l) => lines.push(l));
    expect(status).toBe(1);
    expect(lines).toEqual([
      'labs: unknown stack NoSuchStack; the app has: ContainerClusterFixture, HadoopFixture, MicroservicesFixture, ServerlessFixture',
    ]);
  });

  test('a missing templates folder', async () => {
    const lines: string[] = [];
    expect(await run(['cost', '--templates', '/nonexistent/cdk.out'], (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual(['labs: templates folder /nonexistent/cdk.out does not exist']);
  });
});

test('parameters at their defaults and decidable conditions are resolved; undecidable ones are counted and said so', () => {
  const e = estimateStack('Conditional', {
    Parameters: { EnableNat: { Type: 'String', Default: 'no' }, Size: { Type: 'String', Default: 'small' } },
    Conditions: {
      UseNat: { 'Fn::Equals': [{ Ref: 'EnableNat' }, 'yes'] },
      Large: { 'Fn::Equals': [{ Ref: 'Size' }, 'large'] },
      InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
    },
    Resources: {
      Nat: { Type: 'AWS::EC2::NatGateway', Condition: 'UseNat', Properties: { SubnetId: 'subnet-1', AllocationId: 'eipalloc-1' } },
      Server: {
        Type: 'AWS::EC2::Instance',
        Properties: {
          InstanceType: { 'Fn::If': ['Large', 't3.large', 't3.micro'] },
          NetworkInterfaces: [{ DeviceIndex: '0', AssociatePublicIpAddress: 'false', SubnetId: 'subnet-1' }],
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
        },
      },
      Zone: { Type: 'AWS::Route53::HostedZone', Condition: 'InUsEast1', Properties: { Name: 'lab.example.' } },
    },
  });
  expect(e.resources.map((r) => r.logicalId)).toEqual(['Server', 'Zone']); // no NAT gateway: EnableNat defaults to "no"
  expect(e.resources[0].lines.map((l) => l.description)).toEqual(['EC2 instance t3.micro', 'EBS gp3 volume 8 GB']);
  expect(e.resources[1].notes).toEqual(['created only if condition InUsEast1 holds at deploy time; counted as created']);
  expect(e.usdPerHour).toBeCloseTo(0.0104 + (8 * 0.08) / HOURS + 0.5 / HOURS, 10);
});

describe('Elastic Beanstalk environments are priced by what they create, from their option settings', () => {
  const env = (options: Array<[string, string, unknown]>, tier?: string) =>
    estimateStack('Beanstalk', {
      Resources: {
        App: { Type: 'AWS::ElasticBeanstalk::Application', Properties: {} },
        Env: {
          Type: 'AWS::ElasticBeanstalk::Environment',
          Properties: {
            ApplicationName: 'a',
            ...(tier ? { Tier: { Name: tier, Type: 'SQS/HTTP' } } : {}),
            OptionSettings: options.map(([Namespace, OptionName, Value]) => ({ Namespace, OptionName, Value })),
          },
        },
      },
    });
  const gp3 = (gb: number) => (gb * 0.08) / HOURS;

  test('single instance: the instance, its Elastic IP and its root volume; no load balancer', () => {
    const e = env([
      ['aws:elasticbeanstalk:environment', 'EnvironmentType', 'SingleInstance'],
      ['aws:ec2:instances', 'InstanceTypes', 't4g.micro,t4g.small'],
      ['aws:autoscaling:launchconfiguration', 'RootVolumeType', 'gp3'],
      ['aws:autoscaling:launchconfiguration', 'RootVolumeSize', '10'],
    ]);
    expect(e.unpriced).toBe(0);
    expect(e.usdPerHour).toBeCloseTo(0.0084 + 0.005 + gp3(10), 10);
    expect(lines(e, 'App')).toBeUndefined(); // an application costs nothing
  });

  test('load balanced: MinSize instances with public addresses, the load balancer and one address per ELB subnet', () => {
    const e = env([
      ['aws:ec2:instances', 'InstanceTypes', 't4g.micro'],
      ['aws:autoscaling:asg', 'MinSize', '3'],
      ['aws:ec2:vpc', 'AssociatePublicIpAddress', 'true'],
      ['aws:ec2:vpc', 'ELBSubnets', { 'Fn::Join': [',', [{ Ref: 'A' }, { Ref: 'B' }]] }],
      ['aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'],
      ['aws:autoscaling:launchconfiguration', 'RootVolumeType', 'gp3'],
      ['aws:autoscaling:launchconfiguration', 'RootVolumeSize', '10'],
    ]);
    expect(e.unpriced).toBe(0);
    expect(e.usdPerHour).toBeCloseTo(3 * 0.0084 + 3 * 0.005 + 3 * gp3(10) + 0.0225 + 2 * 0.005, 10);
  });

  test("what the settings leave to the platform is unpriced, with why, never $0; a worker tier has no load balancer", () => {
    const e = env([], 'Worker');
    expect(lines(e, 'Env')).toEqual([
      [1, 'EC2 instances of the environment', 'no InstanceTypes option: the platform chooses the type'],
      [1, 'public IPv4 of each instance', 'AssociatePublicIpAddress not set: it depends on the subnets'],
      [1, 'root EBS volume of each instance', 'RootVolumeType or RootVolumeSize not set: they come from the platform'],
    ]);
    const web = env([['aws:ec2:instances', 'InstanceTypes', 't4g.micro']]);
    expect(lines(web, 'Env')).toEqual(
      expect.arrayContaining([[1, 'public IPv4 addresses of the load balancer (one per Availability Zone)', 'ELBSubnets not known from the template']]),
    );
    expect(lines(web, 'Env')!.map((l) => l[1])).toContain('classic load balancer');
  });
});
