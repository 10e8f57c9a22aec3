/** The price table and the API that prices one billable item. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PRICE_TABLE, describeItem, formatUsdPerHour, loadPriceTable, priceItem, sumPrices } from '../../lib/cli/pricing';

const usd = (p: ReturnType<typeof priceItem>) => {
  if (!p.priced) throw new Error(`unpriced: ${p.reason}`);
  return p.usdPerHour;
};

describe('the price table', () => {
  test('is us-east-1 on-demand in USD with 730 hours a month', () => {
    expect(PRICE_TABLE.region).toBe('us-east-1');
    expect(PRICE_TABLE.currency).toBe('USD');
    expect(PRICE_TABLE.hoursPerMonth).toBe(730);
  });

  test('holds the published prices the brief names', () => {
    expect(PRICE_TABLE.publicIpv4.usd).toBe(0.005);
    expect(PRICE_TABLE.ec2Instance['t4g.small'].usd).toBe(0.0168);
    expect(PRICE_TABLE.ec2Instance['t4g.micro'].usd).toBe(0.0084);
    expect(PRICE_TABLE.loadBalancer.application.usd).toBe(0.0225);
    expect(PRICE_TABLE.fargate.x86_64.vcpuHour.usd).toBe(0.04048);
    expect(PRICE_TABLE.fargate.x86_64.gbHour.usd).toBe(0.004445);
  });

  test('covers the instance types the labs use', () => {
    const families = ['t4g', 't3', 't3a'];
    const sizes = ['nano', 'micro', 'small', 'medium', 'large'];
    const types = [
      ...families.flatMap((f) => sizes.map((s) => `${f}.${s}`)),
      'm4.large', 'c4.large',
      ...['m5', 'm6g', 'm7g', 'c6g', 'c7g'].flatMap((f) => [`${f}.large`, `${f}.xlarge`]),
    ];
    expect(types.filter((t) => !PRICE_TABLE.ec2Instance[t])).toEqual([]);
  });

  test('prices in a family double with each size (a typo in one entry breaks the pattern)', () => {
    const order = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'];
    for (const [type, price] of Object.entries(PRICE_TABLE.ec2Instance)) {
      const [family, size] = type.split('.');
      const next = PRICE_TABLE.ec2Instance[`${family}.${order[order.indexOf(size) + 1]}`];
      // AWS rounds some prices (t2.small $0.023 is 1.98 x t2.micro), so allow 2 percent.
      if (next) expect({ type, doubles: Math.abs(next.usd / price.usd - 2) <= 0.04 }).toEqual({ type, doubles: true });
    }
  });

  test('the EMR fee of every type has an EC2 price, and is about a quarter of it', () => {
    for (const [type, fee] of Object.entries(PRICE_TABLE.emrFee)) {
      const ec2 = PRICE_TABLE.ec2Instance[type];
      expect(ec2).toBeDefined();
      expect(fee.usd / ec2.usd).toBeGreaterThan(0.2);
      expect(fee.usd / ec2.usd).toBeLessThan(0.35);
    }
  });

  test('a price without a source or date is rejected when the table is loaded', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prices-')), 'prices.json');
    const broken = JSON.parse(JSON.stringify(PRICE_TABLE));
    broken.ec2Instance['t4g.small'] = { usd: 0.0168 };
    broken.natGateway.usd = 'cheap';
    fs.writeFileSync(file, JSON.stringify(broken));
    expect(() => loadPriceTable(file)).toThrow(
      /ec2Instance\.t4g\.small: source must be an https URL; ec2Instance\.t4g\.small: checked must be a YYYY-MM-DD date; natGateway: usd must be a number/,
    );
  });
});

describe('priceItem', () => {
  test('EC2 instances by type', () => {
    expect(usd(priceItem({ kind: 'ec2-instance', instanceType: 't4g.small' }))).toBe(0.0168);
    expect(usd(priceItem({ kind: 'ec2-instance', instanceType: 'm5.xlarge' }))).toBe(0.192);
  });

  test('an unknown instance type is unpriced, never $0', () => {
    expect(priceItem({ kind: 'ec2-instance', instanceType: 'x2iedn.metal' })).toEqual({
      priced: false,
      reason: 'no on-demand price for instance type x2iedn.metal in the price table',
    });
  });

  test('Spot is priced at on-demand, with the usual discount noted', () => {
    const spot = priceItem({ kind: 'ec2-instance', instanceType: 't3.micro', spot: true });
    expect(usd(spot)).toBe(0.0104);
    expect(spot.priced && spot.note).toMatch(/on-demand price: Spot usually costs 60-90% less/);
    const fargateSpot = priceItem({ kind: 'fargate-task', vcpu: 1, memoryGb: 2, arch: 'x86_64', spot: true });
    expect(fargateSpot.priced && fargateSpot.note).toMatch(/about 70% less/);
  });

  test('an EMR node is its EC2 price plus the EMR fee; a type without a fee is unpriced', () => {
    expect(usd(priceItem({ kind: 'emr-node', instanceType: 'm5.xlarge' }))).toBeCloseTo(0.192 + 0.048, 10);
    const noFee = priceItem({ kind: 'emr-node', instanceType: 't3.micro' });
    expect(noFee).toEqual({ priced: false, reason: 'no EMR fee for instance type t3.micro in the price table (its EC2 part alone is $0.0104/h)' });
  });

  test('public IPv4, load balancers, NAT gateway', () => {
    expect(usd(priceItem({ kind: 'public-ipv4' }))).toBe(0.005);
    expect(usd(priceItem({ kind: 'load-balancer', type: 'application' }))).toBe(0.0225);
    expect(usd(priceItem({ kind: 'load-balancer', type: 'network' }))).toBe(0.0225);
    expect(usd(priceItem({ kind: 'nat-gateway' }))).toBe(0.045);
  });

  test('Fargate by vCPU, GB and architecture', () => {
    expect(usd(priceItem({ kind: 'fargate-task', vcpu: 0.25, memoryGb: 0.5, arch: 'x86_64' }))).toBeCloseTo(0.25 * 0.04048 + 0.5 * 0.004445, 10);
    expect(usd(priceItem({ kind: 'fargate-task', vcpu: 1, memoryGb: 2, arch: 'arm64' }))).toBeCloseTo(0.03238 + 2 * 0.00356, 10);
    expect(priceItem({ kind: 'fargate-task', vcpu: NaN, memoryGb: 2, arch: 'x86_64' }).priced).toBe(false);
  });

  test('EBS by type and size, per GB-month over 730 hours, with gp3 and io1 extras', () => {
    expect(usd(priceItem({ kind: 'ebs-volume', volumeType: 'gp3', sizeGb: 8 }))).toBeCloseTo((8 * 0.08) / 730, 12);
    expect(usd(priceItem({ kind: 'ebs-volume', volumeType: 'gp2', sizeGb: 30 }))).toBeCloseTo((30 * 0.1) / 730, 12);
    expect(usd(priceItem({ kind: 'ebs-volume', volumeType: 'gp3', sizeGb: 10, iops: 4000, throughputMibps: 225 }))).toBeCloseTo(
      (10 * 0.08 + 1000 * 0.005 + 100 * 0.04) / 730,
      12,
    );
    expect(usd(priceItem({ kind: 'ebs-volume', volumeType: 'io1', sizeGb: 10, iops: 100 }))).toBeCloseTo((10 * 0.125 + 100 * 0.065) / 730, 12);
    expect(priceItem({ kind: 'ebs-volume', volumeType: 'io1', sizeGb: 10 })).toEqual({ priced: false, reason: 'EBS io1 volume without provisioned IOPS' });
    expect(priceItem({ kind: 'ebs-volume', volumeType: 'gp9', sizeGb: 10 }).priced).toBe(false);
  });

  test('VPC endpoints: interface per AZ, gateway free, anything else unpriced', () => {
    expect(usd(priceItem({ kind: 'vpc-endpoint', endpointType: 'Interface', azCount: 2 }))).toBeCloseTo(0.02, 12);
    expect(usd(priceItem({ kind: 'vpc-endpoint', endpointType: 'Gateway', azCount: 2 }))).toBe(0);
    expect(priceItem({ kind: 'vpc-endpoint', endpointType: 'GatewayLoadBalancer', azCount: 1 }).priced).toBe(false);
  });

  test('monthly fees are prorated over 730 hours; provisioned DynamoDB capacity by the unit-hour', () => {
    expect(usd(priceItem({ kind: 'hosted-zone' }))).toBeCloseTo(0.5 / 730, 12);
    expect(usd(priceItem({ kind: 'kms-key' }))).toBeCloseTo(1 / 730, 12);
    expect(usd(priceItem({ kind: 'secret' }))).toBeCloseTo(0.4 / 730, 12);
    expect(usd(priceItem({ kind: 'cloudwatch-alarm' }))).toBeCloseTo(0.1 / 730, 12);
    expect(usd(priceItem({ kind: 'dynamodb-provisioned', readCapacityUnits: 10, writeCapacityUnits: 2 }))).toBeCloseTo(10 * 0.00013 + 2 * 0.00065, 12);
  });

  test('every priced figure names the table entries it came from, with source and date', () => {
    const p = priceItem({ kind: 'emr-node', instanceType: 'm5.xlarge' });
    expect(p.priced && p.components.map((c) => [c.what, c.source, c.checked])).toEqual([
      ['EC2 m5.xlarge', 'https://aws.amazon.com/ec2/pricing/on-demand/', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)],
      ['EMR fee m5.xlarge', 'https://aws.amazon.com/emr/pricing/', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)],
    ]);
  });
});

test('sumPrices adds priced items and counts unpriced ones apart', () => {
  const prices = [
    priceItem({ kind: 'ec2-instance', instanceType: 't4g.small' }),
    priceItem({ kind: 'public-ipv4' }),
    priceItem({ kind: 'ec2-instance', instanceType: 'z9.huge' }),
  ];
  const sum = sumPrices(prices);
  expect(sum.usdPerHour).toBeCloseTo(0.0218, 12);
  expect(sum.unpriced).toBe(1);
});

test('formatting and descriptions', () => {
  expect(formatUsdPerHour(0.0218)).toBe('$0.0218/h');
  expect(formatUsdPerHour(0)).toBe('$0.0000/h');
  expect(describeItem({ kind: 'fargate-task', vcpu: 0.5, memoryGb: 1, arch: 'arm64', spot: true })).toBe('Fargate task 0.5 vCPU / 1 GB arm64 (Spot)');
  expect(describeItem({ kind: 'vpc-endpoint', endpointType: 'Interface', azCount: 2 })).toBe('VPC interface endpoint in 2 AZ');
});
