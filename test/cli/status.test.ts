/** `labs status`: what it counts, how it prices and flags, and how it reads. */
import { LiveStacks } from '../../lib/cli/inventory/ownership';
import { buildStatus, ExpiryInfo, renderStatus } from '../../lib/cli/status';
import { priceItem } from '../../lib/cli/pricing';
import { PAUSE_TAG_KEYS } from '../../lib/shared/tags';
import { labStack, resource, tagsOf } from './fixtures';

const now = new Date('2026-11-26T12:00:00Z');
const usd = (item: Parameters<typeof priceItem>[0]) => {
  const p = priceItem(item);
  if (!p.priced) throw new Error(p.reason);
  return p.usdPerHour;
};

const stacks = [
  labStack('HadoopLabStack', { lab: 'hadoop', createdAt: new Date('2026-11-26T06:50:00Z'), expiresAt: new Date('2026-11-26T10:50:00Z') }),
  labStack('MicroLabStack', { lab: 'microservices', createdAt: new Date('2026-11-26T11:00:00Z'), expiresAt: new Date('2026-11-26T15:00:00Z') }),
  labStack('SiteLabStack', { createdAt: new Date('2026-11-25T12:00:00Z') }),
];
const live: LiveStacks = { names: new Set(stacks.map((s) => s.name)), physicalIds: new Map() };
const service = 'arn:aws:ecs:us-east-1:1:service/lab/users';
const resources = [
  resource('emr-cluster', 'j-HADOOP', tagsOf('HadoopLabStack', 'hadoop'), {
    state: 'WAITING',
    detail: 'hadoop-lab, 3 nodes',
    billable: [
      { kind: 'emr-node', instanceType: 'm5.xlarge' },
      { kind: 'emr-node', instanceType: 'm5.xlarge' },
      { kind: 'emr-node', instanceType: 'm5.xlarge' },
      { kind: 'public-ipv4' },
    ],
  }),
  // An EMR node: billed through its cluster, never listed twice.
  resource('ec2-instance', 'i-node', tagsOf('HadoopLabStack'), { parent: { kind: 'emr-cluster', id: 'j-HADOOP' } }),
  resource('ecs-service', service, tagsOf('MicroLabStack'), { name: 'users', state: 'ACTIVE', detail: '2/2 tasks running' }),
  ...['t1', 't2'].map((id) =>
    resource('ecs-task', id, tagsOf('MicroLabStack'), { parent: { kind: 'ecs-service', id: service }, billable: [{ kind: 'fargate-task', vcpu: 0.25, memoryGb: 0.5, arch: 'x86_64' }] }),
  ),
  resource('ec2-instance', 'i-paused', { ...tagsOf('MicroLabStack'), [PAUSE_TAG_KEYS.instance]: 'running' }, { state: 'stopped', detail: 't3.small' }),
  resource('ec2-instance', 'i-odd', tagsOf('MicroLabStack'), { detail: 'x9.mega', billable: [{ kind: 'ec2-instance', instanceType: 'x9.mega' }] }),
  resource('security-group', 'sg-site', tagsOf('SiteLabStack'), { state: 'exists' }), // not something status lists
  resource('s3-bucket', 'site-bucket', tagsOf('SiteLabStack'), { state: 'exists', detail: '3 object versions, 1.2 KiB' }),
  resource('ebs-volume', 'vol-left', tagsOf('GoneLabStack'), { state: 'available', detail: '8 GiB gp3', billable: [{ kind: 'ebs-volume', volumeType: 'gp3', sizeGb: 8 }] }),
];
const expiries = new Map<string, ExpiryInfo>([
  ['HadoopLabStack', { kind: 'scheduled', at: new Date('2026-11-26T10:50:00Z') }],
  ['MicroLabStack', { kind: 'scheduled', at: new Date('2026-11-26T18:00:00Z') }],
  ['SiteLabStack', { kind: 'never' }],
]);
const report = buildStatus({ account: '123456789012', region: 'eu-west-1', labStacks: stacks, resources, live }, expiries, now);
const byName = (name: string) => report.stacks.find((s) => s.name === name)!;

test('each stack is priced from what bills in it; managed resources fold into their parent; unknown types stay unpriced', () => {
  const hadoop = byName('HadoopLabStack');
  expect(hadoop.resources.map((r) => r.id)).toEqual(['j-HADOOP']);
  expect(hadoop.usdPerHour).toBeCloseTo(3 * usd({ kind: 'emr-node', instanceType: 'm5.xlarge' }) + usd({ kind: 'public-ipv4' }), 10);
  const micro = byName('MicroLabStack');
  expect(micro.resources.map((r) => r.id)).toEqual([service, 'i-paused', 'i-odd']);
  expect(micro.resources[0].usdPerHour).toBeCloseTo(2 * usd({ kind: 'fargate-task', vcpu: 0.25, memoryGb: 0.5, arch: 'x86_64' }), 10);
  expect(micro.unpricedCount).toBe(1);
  expect(micro.resources[2].unpriced).toEqual(['no on-demand price for instance type x9.mega in the price table']);
  expect(byName('SiteLabStack').resources.map((r) => r.id)).toEqual(['site-bucket']);
  expect(report.usdPerHour).toBeCloseTo(report.stacks.reduce((t, s) => t + s.usdPerHour, 0) + report.leftovers[0].usdPerHour, 10);
});

test('a stack past its expiry is overdue; a moved schedule is "extended"; ttlHours=0 never expires', () => {
  expect(byName('HadoopLabStack')).toMatchObject({ overdue: true, overdueMs: 70 * 60_000, extended: false, expiry: 'scheduled' });
  expect(byName('MicroLabStack')).toMatchObject({ overdue: false, extended: true, scheduledAt: '2026-11-26T18:00:00.000Z', expiresAtOutput: '2026-11-26T15:00:00.000Z', paused: true });
  expect(byName('SiteLabStack')).toMatchObject({ overdue: false, expiry: 'never' });
});

test('a stack being deleted is not overdue; a schedule that is gone falls back to the output time', () => {
  const deleting = buildStatus(
    { account: '1', region: 'us-east-1', labStacks: [{ ...stacks[0], status: 'DELETE_IN_PROGRESS' }, stacks[1]], resources: [], live },
    new Map<string, ExpiryInfo>([['HadoopLabStack', { kind: 'scheduled', at: new Date('2026-11-26T10:50:00Z') }], ['MicroLabStack', { kind: 'missing' }]]),
    new Date('2026-11-26T16:00:00Z'),
  );
  expect(deleting.stacks.map((s) => [s.name, s.overdue])).toEqual([['HadoopLabStack', false], ['MicroLabStack', true]]);
});

test('an overdue stack whose expiry retry is still ahead says when it comes; once past, no longer', () => {
  const at = new Date('2026-11-26T10:50:00Z');
  const retryAt = new Date('2026-11-26T11:50:00Z');
  const build = (when: string) =>
    buildStatus(
      { account: '1', region: 'us-east-1', labStacks: [stacks[0]], resources: [], live },
      new Map<string, ExpiryInfo>([['HadoopLabStack', { kind: 'scheduled', at, retryAt }]]),
      new Date(when),
    );
  const refused = build('2026-11-26T11:00:00Z');
  expect(refused.stacks[0]).toMatchObject({ overdue: true, retryAt: '2026-11-26T11:50:00.000Z' });
  expect(renderStatus(refused)).toContain('OVERDUE by 10m (retry at 2026-11-26 11:50 UTC)');
  const bothFailed = build('2026-11-26T12:00:00Z');
  expect(bothFailed.stacks[0]).toMatchObject({ overdue: true, retryAt: undefined });
  expect(renderStatus(bothFailed)).not.toContain('retry at');
});

test("leftovers are what no live stack owns, with the stack their tags name", () => {
  expect(report.leftovers.map((r) => [r.id, r.stackTag])).toEqual([['vol-left', 'GoneLabStack']]);
});

test('the text report: aligned tables, the flag and its remedy, and where prices come from', () => {
  expect(renderStatus(report)).toBe(
    [
      'Account 123456789012, region eu-west-1: 3 lab stacks, about $0.7506+/h in all.',
      '',
      'STACK           LAB            STATUS           AGE     EXPIRES                                       $/HOUR  NOTE',
      'HadoopLabStack  hadoop         CREATE_COMPLETE  5h 10m  2026-11-26 10:50 UTC (1h 10m ago)            $0.7250  OVERDUE by 1h 10m',
      'MicroLabStack   microservices  CREATE_COMPLETE  1h 00m  2026-11-26 18:00 UTC (in 6h 00m), extended  $0.0247+  paused',
      'SiteLabStack    static-site    CREATE_COMPLETE  1d 0h   never (ttlHours=0)                                 -',
      '',
      'What is in them:',
      'STACK           RESOURCE               STATE    DETAIL                        $/HOUR',
      'HadoopLabStack  EMR cluster j-HADOOP   WAITING  hadoop-lab, 3 nodes          $0.7250',
      'MicroLabStack   ECS service users      ACTIVE   2/2 tasks running            $0.0247',
      'MicroLabStack   EC2 instance i-paused  stopped  t3.small                           -',
      'MicroLabStack   EC2 instance i-odd     running  x9.mega                     $0.0000+',
      'SiteLabStack    S3 bucket site-bucket           3 object versions, 1.2 KiB         -',
      '',
      '1 stack is past its expiry and still here: the self-delete failed or did not run. Delete with: labs destroy HadoopLabStack',
      '',
      'Left behind by stacks that no longer exist (labs sweep deletes them):',
      'STACK TAG     RESOURCE             STATE      DETAIL      $/HOUR',
      'GoneLabStack  EBS volume vol-left  available  8 GiB gp3  $0.0009',
      '',
      'Prices: us-east-1 on-demand list prices from lib/cli/pricing/prices.json (prices in eu-west-1 differ); storage and requests are not included. "+" means some items have no price: no on-demand price for instance type x9.mega in the price table.',
    ].join('\n'),
  );
});

test('an empty region says so', () => {
  const empty = buildStatus({ account: '1', region: 'us-east-1', labStacks: [], resources: [], live: { names: new Set(), physicalIds: new Map() } }, new Map(), now);
  expect(renderStatus(empty)).toContain('Account 1, region us-east-1: 0 lab stacks.\nNothing of the course labs is deployed here.');
});
