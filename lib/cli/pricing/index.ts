/**
 * Hourly prices of the things a lab pays for while it sits deployed and idle, from the price table kept as
 * data beside this file (`prices.json`: us-east-1, Linux, on-demand, USD, each price with its source and
 * the date it was checked).
 *
 * `labs cost` and `labs review` price synthesized templates with it; `labs status` prices live resources.
 * Whatever the table cannot price comes back as `{ priced: false, reason }`: an unknown type is never $0.
 */
import * as fs from 'fs';
import * as path from 'path';

/** One published price: what it costs per `unit`, where it was read and when. */
export interface TablePrice {
  readonly usd: number;
  /** The AWS pricing page that publishes the figure. */
  readonly source: string;
  /** The date (YYYY-MM-DD) the figure was last compared with public sources. */
  readonly checked: string;
  /** A second public page that gives the same figure, where one was found. */
  readonly confirmedBy?: string;
  readonly note?: string;
}

/** The shape of `prices.json`. */
export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  /** Hours in a month, to turn GB-month and per-month prices into hourly ones (AWS uses 730). */
  readonly hoursPerMonth: number;
  readonly spot: { readonly ec2: string; readonly fargate: string };
  /** EC2 Linux on-demand price per instance-hour, by instance type. */
  readonly ec2Instance: Readonly<Record<string, TablePrice>>;
  /** Amazon EMR fee per instance-hour, on top of the EC2 price, by instance type. */
  readonly emrFee: Readonly<Record<string, TablePrice>>;
  readonly natGateway: TablePrice;
  readonly loadBalancer: Readonly<Record<LoadBalancerType, TablePrice>>;
  readonly publicIpv4: TablePrice;
  readonly fargate: Readonly<Record<CpuArchitecture, { readonly vcpuHour: TablePrice; readonly gbHour: TablePrice }>>;
  /** EBS storage per GB-month, by volume type. */
  readonly ebsGbMonth: Readonly<Record<string, TablePrice>>;
  readonly ebsExtras: {
    readonly gp3IopsMonth: TablePrice;
    readonly gp3ThroughputMibpsMonth: TablePrice;
    readonly provisionedIopsMonth: TablePrice;
  };
  /** Per interface endpoint per Availability Zone-hour. */
  readonly vpcInterfaceEndpoint: TablePrice;
  readonly kmsKeyMonth: TablePrice;
  readonly secretMonth: TablePrice;
  readonly dynamodbProvisioned: { readonly wcuHour: TablePrice; readonly rcuHour: TablePrice };
  readonly cloudwatchAlarmMonth: TablePrice;
  readonly hostedZoneMonth: TablePrice;
  /** What serving one request costs (for `labs compare`): request fees and data transfer out, first tier. */
  readonly perRequest: {
    readonly s3GetPer1000: TablePrice;
    readonly cloudfrontHttpsPer10000: TablePrice;
    readonly cloudfrontHttpPer10000: TablePrice;
    readonly cloudfrontTransferOutGb: TablePrice;
    readonly internetTransferOutGb: TablePrice;
  };
}

export type LoadBalancerType = 'application' | 'network' | 'gateway' | 'classic';
export type CpuArchitecture = 'x86_64' | 'arm64';

/** Something that bills by the hour (or by the month, prorated) while it exists. Priced one unit at a time. */
export type BillableItem =
  /** A running EC2 instance. `spot` is priced at on-demand, with a note. */
  | { readonly kind: 'ec2-instance'; readonly instanceType: string; readonly spot?: boolean }
  /** One node of an EMR cluster: its EC2 price plus the EMR fee for its type. */
  | { readonly kind: 'emr-node'; readonly instanceType: string; readonly spot?: boolean }
  /** One public IPv4 address (instance, Elastic IP, load balancer node, NAT gateway, Fargate task). */
  | { readonly kind: 'public-ipv4' }
  /** A load balancer's hourly charge; its public addresses are separate `public-ipv4` items. */
  | { readonly kind: 'load-balancer'; readonly type: LoadBalancerType }
  /** A NAT gateway's hourly charge; its Elastic IP is a separate `public-ipv4` item. */
  | { readonly kind: 'nat-gateway' }
  /** One running Fargate task (Linux). Fargate Spot is priced at on-demand, with a note. */
  | {
      readonly kind: 'fargate-task';
      readonly vcpu: number;
      readonly memoryGb: number;
      readonly arch: CpuArchitecture;
      readonly spot?: boolean;
    }
  /** An EBS volume of `volumeType` (gp2, gp3, io1, io2, st1, sc1, standard). */
  | {
      readonly kind: 'ebs-volume';
      readonly volumeType: string;
      readonly sizeGb: number;
      readonly iops?: number;
      readonly throughputMibps?: number;
    }
  /** A VPC endpoint: interface endpoints bill per AZ, gateway endpoints are free. */
  | { readonly kind: 'vpc-endpoint'; readonly endpointType: string; readonly azCount: number }
  /** A customer managed KMS key ($/month, prorated). */
  | { readonly kind: 'kms-key' }
  /** A Secrets Manager secret ($/month, prorated). */
  | { readonly kind: 'secret' }
  /** Provisioned DynamoDB capacity (a table and its global secondary indexes together). */
  | { readonly kind: 'dynamodb-provisioned'; readonly readCapacityUnits: number; readonly writeCapacityUnits: number }
  /** A standard-resolution CloudWatch metric alarm ($/month, prorated). */
  | { readonly kind: 'cloudwatch-alarm' }
  /** A Route 53 hosted zone, public or private ($/month). */
  | { readonly kind: 'hosted-zone' };

/** One table entry an hourly figure was computed from. */
export interface PriceComponent {
  readonly what: string;
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly checked: string;
}

export type Price =
  | {
      readonly priced: true;
      readonly usdPerHour: number;
      /** How the figure was computed, e.g. "2 vCPU x $0.04048 + 4 GB x $0.004445". */
      readonly basis: string;
      readonly components: readonly PriceComponent[];
      /** Something the reader should know (Spot shown at on-demand, usage charges on top). */
      readonly note?: string;
    }
  | { readonly priced: false; readonly reason: string };

const TABLE_FILE = path.join(__dirname, 'prices.json');

/** Reads and checks the price table: every price a positive number with a source URL and a date. */
export function loadPriceTable(file: string = TABLE_FILE): PriceTable {
  const table = JSON.parse(fs.readFileSync(file, 'utf8')) as PriceTable;
  const problems: string[] = [];
  const check = (where: string, value: unknown): void => {
    const p = value as Partial<TablePrice> | undefined;
    if (!p || typeof p.usd !== 'number' || !(p.usd >= 0) || !Number.isFinite(p.usd)) problems.push(`${where}: usd must be a number >= 0`);
    if (!p || typeof p.source !== 'string' || !/^https:\/\//.test(p.source)) problems.push(`${where}: source must be an https URL`);
    if (!p || typeof p.checked !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(p.checked)) problems.push(`${where}: checked must be a YYYY-MM-DD date`);
  };
  const each = (where: string, record: Record<string, unknown> | undefined): void => {
    if (!record || typeof record !== 'object') problems.push(`${where}: missing`);
    else for (const [key, value] of Object.entries(record)) check(`${where}.${key}`, value);
  };
  each('ec2Instance', table.ec2Instance);
  each('emrFee', table.emrFee);
  each('loadBalancer', table.loadBalancer);
  each('ebsGbMonth', table.ebsGbMonth);
  each('ebsExtras', table.ebsExtras as unknown as Record<string, unknown>);
  for (const arch of ['x86_64', 'arm64'] as const) each(`fargate.${arch}`, table.fargate?.[arch] as unknown as Record<string, unknown>);
  each('dynamodbProvisioned', table.dynamodbProvisioned as unknown as Record<string, unknown>);
  const { $comment: _comment, ...perRequest } = (table.perRequest ?? {}) as unknown as Record<string, unknown>;
  each('perRequest', table.perRequest ? perRequest : undefined);
  for (const key of ['natGateway', 'publicIpv4', 'vpcInterfaceEndpoint', 'kmsKeyMonth', 'secretMonth', 'cloudwatchAlarmMonth', 'hostedZoneMonth'] as const) {
    check(key, table[key]);
  }
  if (!(table.hoursPerMonth > 0)) problems.push('hoursPerMonth must be a positive number');
  if (problems.length) throw new Error(`Invalid price table ${file}: ${problems.join('; ')}`);
  return table;
}

/** The price table shipped with the repository. */
export const PRICE_TABLE: PriceTable = loadPriceTable();

const component = (what: string, p: TablePrice, unit: string): PriceComponent => ({
  what,
  usd: p.usd,
  unit,
  source: p.source,
  checked: p.checked,
});

const unpriced = (reason: string): Price => ({ priced: false, reason });

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** The hourly price of one billable item, or why it cannot be priced. */
export function priceItem(item: BillableItem, table: PriceTable = PRICE_TABLE): Price {
  const perMonth = (usd: number) => usd / table.hoursPerMonth;
  switch (item.kind) {
    case 'ec2-instance': {
      const ec2 = table.ec2Instance[item.instanceType];
      if (!ec2) return unpriced(`no on-demand price for instance type ${item.instanceType} in the price table`);
      return {
        priced: true,
        usdPerHour: ec2.usd,
        basis: `${item.instanceType} on-demand $${ec2.usd}/h`,
        components: [component(`EC2 ${item.instanceType}`, ec2, 'instance-hour')],
        note: item.spot ? table.spot.ec2 : undefined,
      };
    }
    case 'emr-node': {
      const ec2 = table.ec2Instance[item.instanceType];
      const fee = table.emrFee[item.instanceType];
      if (!ec2) return unpriced(`no on-demand price for instance type ${item.instanceType} in the price table`);
      if (!fee) return unpriced(`no EMR fee for instance type ${item.instanceType} in the price table (its EC2 part alone is $${ec2.usd}/h)`);
      return {
        priced: true,
        usdPerHour: ec2.usd + fee.usd,
        basis: `${item.instanceType} EC2 $${ec2.usd}/h + EMR fee $${fee.usd}/h`,
        components: [component(`EC2 ${item.instanceType}`, ec2, 'instance-hour'), component(`EMR fee ${item.instanceType}`, fee, 'instance-hour')],
        note: item.spot ? `${table.spot.ec2} The EMR fee is the same for Spot.` : undefined,
      };
    }
    case 'public-ipv4':
      return {
        priced: true,
        usdPerHour: table.publicIpv4.usd,
        basis: `public IPv4 address $${table.publicIpv4.usd}/h`,
        components: [component('public IPv4 address', table.publicIpv4, 'address-hour')],
      };
    case 'load-balancer': {
      const lb = table.loadBalancer[item.type];
      if (!lb) return unpriced(`no price for load balancer type ${item.type} in the price table`);
      return {
        priced: true,
        usdPerHour: lb.usd,
        basis: `${item.type} load balancer $${lb.usd}/h`,
        components: [component(`${item.type} load balancer`, lb, 'hour')],
        note: lb.note,
      };
    }
    case 'nat-gateway':
      return {
        priced: true,
        usdPerHour: table.natGateway.usd,
        basis: `NAT gateway $${table.natGateway.usd}/h`,
        components: [component('NAT gateway', table.natGateway, 'hour')],
        note: table.natGateway.note,
      };
    case 'fargate-task': {
      const rates = table.fargate[item.arch];
      if (!rates) return unpriced(`no Fargate price for CPU architecture ${item.arch} in the price table`);
      if (!positive(item.vcpu) || !positive(item.memoryGb)) {
        return unpriced(`Fargate task size unknown (vCPU ${item.vcpu}, memory ${item.memoryGb} GB)`);
      }
      const usd = item.vcpu * rates.vcpuHour.usd + item.memoryGb * rates.gbHour.usd;
      return {
        priced: true,
        usdPerHour: usd,
        basis: `${item.vcpu} vCPU x $${rates.vcpuHour.usd} + ${item.memoryGb} GB x $${rates.gbHour.usd} (${item.arch})`,
        components: [
          component(`Fargate vCPU (${item.arch})`, rates.vcpuHour, 'vCPU-hour'),
          component(`Fargate memory (${item.arch})`, rates.gbHour, 'GB-hour'),
        ],
        note: item.spot ? table.spot.fargate : undefined,
      };
    }
    case 'ebs-volume': {
      const storage = table.ebsGbMonth[item.volumeType];
      if (!storage) return unpriced(`no price for EBS volume type ${item.volumeType} in the price table`);
      if (!positive(item.sizeGb)) return unpriced(`EBS volume size unknown (${item.sizeGb} GB)`);
      let usdMonth = item.sizeGb * storage.usd;
      let basis = `${item.sizeGb} GB ${item.volumeType} x $${storage.usd}/GB-month`;
      const components = [component(`EBS ${item.volumeType} storage`, storage, 'GB-month')];
      const extras = table.ebsExtras;
      if (item.volumeType === 'gp3') {
        const extraIops = Math.max(0, (item.iops ?? 3000) - 3000);
        const extraThroughput = Math.max(0, (item.throughputMibps ?? 125) - 125);
        if (extraIops) {
          usdMonth += extraIops * extras.gp3IopsMonth.usd;
          basis += ` + ${extraIops} IOPS x $${extras.gp3IopsMonth.usd}`;
          components.push(component('EBS gp3 IOPS above 3,000', extras.gp3IopsMonth, 'IOPS-month'));
        }
        if (extraThroughput) {
          usdMonth += extraThroughput * extras.gp3ThroughputMibpsMonth.usd;
          basis += ` + ${extraThroughput} MiB/s x $${extras.gp3ThroughputMibpsMonth.usd}`;
          components.push(component('EBS gp3 throughput above 125 MiB/s', extras.gp3ThroughputMibpsMonth, 'MiB/s-month'));
        }
      } else if (item.volumeType === 'io1' || item.volumeType === 'io2') {
        if (!positive(item.iops)) return unpriced(`EBS ${item.volumeType} volume without provisioned IOPS`);
        // io2 IOPS above 32,000 are billed in cheaper tiers the table does not hold.
        if (item.volumeType === 'io2' && item.iops > 32000) return unpriced('EBS io2 IOPS above 32,000 are tiered; not in the price table');
        usdMonth += item.iops * extras.provisionedIopsMonth.usd;
        basis += ` + ${item.iops} IOPS x $${extras.provisionedIopsMonth.usd}`;
        components.push(component(`EBS ${item.volumeType} provisioned IOPS`, extras.provisionedIopsMonth, 'IOPS-month'));
      }
      return { priced: true, usdPerHour: perMonth(usdMonth), basis: `(${basis}) / ${table.hoursPerMonth} h`, components };
    }
    case 'vpc-endpoint': {
      if (item.endpointType === 'Gateway') {
        return { priced: true, usdPerHour: 0, basis: 'gateway endpoints are free', components: [] };
      }
      if (item.endpointType !== 'Interface') return unpriced(`no price for VPC endpoint type ${item.endpointType} in the price table`);
      if (!positive(item.azCount)) return unpriced('interface endpoint in an unknown number of Availability Zones');
      const rate = table.vpcInterfaceEndpoint;
      return {
        priced: true,
        usdPerHour: item.azCount * rate.usd,
        basis: `${item.azCount} AZ x $${rate.usd}/h`,
        components: [component('VPC interface endpoint', rate, 'AZ-hour')],
        note: rate.note,
      };
    }
    case 'kms-key':
      return {
        priced: true,
        usdPerHour: perMonth(table.kmsKeyMonth.usd),
        basis: `$${table.kmsKeyMonth.usd}/month / ${table.hoursPerMonth} h`,
        components: [component('KMS customer managed key', table.kmsKeyMonth, 'key-month')],
      };
    case 'secret':
      return {
        priced: true,
        usdPerHour: perMonth(table.secretMonth.usd),
        basis: `$${table.secretMonth.usd}/month / ${table.hoursPerMonth} h`,
        components: [component('Secrets Manager secret', table.secretMonth, 'secret-month')],
      };
    case 'dynamodb-provisioned': {
      const { rcuHour, wcuHour } = table.dynamodbProvisioned;
      const rcu = item.readCapacityUnits;
      const wcu = item.writeCapacityUnits;
      if (!(rcu >= 0) || !(wcu >= 0)) return unpriced(`DynamoDB provisioned capacity unknown (${rcu} RCU, ${wcu} WCU)`);
      return {
        priced: true,
        usdPerHour: rcu * rcuHour.usd + wcu * wcuHour.usd,
        basis: `${rcu} RCU x $${rcuHour.usd} + ${wcu} WCU x $${wcuHour.usd}`,
        components: [component('DynamoDB read capacity', rcuHour, 'RCU-hour'), component('DynamoDB write capacity', wcuHour, 'WCU-hour')],
        note: 'storage and the free tier (25 RCU and 25 WCU per account) are not counted',
      };
    }
    case 'cloudwatch-alarm':
      return {
        priced: true,
        usdPerHour: perMonth(table.cloudwatchAlarmMonth.usd),
        basis: `$${table.cloudwatchAlarmMonth.usd}/month / ${table.hoursPerMonth} h`,
        components: [component('CloudWatch metric alarm', table.cloudwatchAlarmMonth, 'alarm-month')],
      };
    case 'hosted-zone':
      return {
        priced: true,
        usdPerHour: perMonth(table.hostedZoneMonth.usd),
        basis: `$${table.hostedZoneMonth.usd}/month / ${table.hoursPerMonth} h`,
        components: [component('Route 53 hosted zone', table.hostedZoneMonth, 'zone-month')],
        note: 'Route 53 bills a whole month for a zone kept more than 12 hours; DNS queries are usage',
      };
    default: {
      const never: never = item;
      return unpriced(`unknown billable item ${JSON.stringify(never)}`);
    }
  }
}

/** A short description of an item, as reports show it: "EC2 instance t4g.small (Spot)". */
export function describeItem(item: BillableItem): string {
  switch (item.kind) {
    case 'ec2-instance':
      return `EC2 instance ${item.instanceType}${item.spot ? ' (Spot)' : ''}`;
    case 'emr-node':
      return `EMR node ${item.instanceType}${item.spot ? ' (Spot)' : ''}`;
    case 'public-ipv4':
      return 'public IPv4 address';
    case 'load-balancer':
      return `${item.type} load balancer`;
    case 'nat-gateway':
      return 'NAT gateway';
    case 'fargate-task':
      return `Fargate task ${item.vcpu} vCPU / ${item.memoryGb} GB ${item.arch}${item.spot ? ' (Spot)' : ''}`;
    case 'ebs-volume':
      return `EBS ${item.volumeType} volume ${item.sizeGb} GB`;
    case 'vpc-endpoint':
      return `VPC ${item.endpointType.toLowerCase()} endpoint${item.endpointType === 'Interface' ? ` in ${item.azCount} AZ` : ''}`;
    case 'kms-key':
      return 'KMS customer managed key';
    case 'secret':
      return 'Secrets Manager secret';
    case 'dynamodb-provisioned':
      return `DynamoDB provisioned capacity ${item.readCapacityUnits} RCU / ${item.writeCapacityUnits} WCU`;
    case 'cloudwatch-alarm':
      return 'CloudWatch alarm';
    case 'hosted-zone':
      return 'Route 53 hosted zone';
  }
}

/** `$0.0168/h`: four decimals, enough for the cheapest item (a public IPv4 address at $0.005/h). */
export function formatUsdPerHour(usd: number): string {
  return `$${usd.toFixed(4)}/h`;
}

/** Adds up priced items; unpriced ones are counted, never added as $0. */
export function sumPrices(prices: readonly Price[]): { usdPerHour: number; unpriced: number } {
  let usdPerHour = 0;
  let unpricedCount = 0;
  for (const p of prices) {
    if (p.priced) usdPerHour += p.usdPerHour;
    else unpricedCount += 1;
  }
  return { usdPerHour, unpriced: unpricedCount };
}
