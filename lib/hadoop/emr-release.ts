/**
 * Facts about the EMR release the lab runs, kept in one place: the release label, the applications a
 * student may add, and the instance types offered with their prices (which the lab guide's cost table
 * and its test are computed from).
 */

/**
 * The newest EMR 7.x release in the data this project checks against (moto's copy of EMR's
 * ListSupportedInstanceTypes; see test/hadoop/emr-release.test.ts). Hadoop 3, Hive 3, Spark 3.
 */
export const EMR_RELEASE_LABEL = 'emr-7.13.0';

/** Applications a student may install, by the names EMR uses. Hadoop and Hive are always installed. */
export const EMR_APPLICATIONS = ['Hadoop', 'Hive', 'Spark', 'Tez', 'Pig', 'Hue', 'Livy', 'JupyterEnterpriseGateway'] as const;

/** An application name `EMR_APPLICATIONS` allows. */
export type EmrApplication = (typeof EMR_APPLICATIONS)[number];

/**
 * What one node of an instance type costs and holds. Prices are us-east-1 Linux on-demand USD per hour,
 * as the AWS Price List API returns them (`scripts/hadoop-prices.sh` prints them); Spot nodes are
 * counted at the on-demand price, the most they can cost.
 */
export interface InstanceTypeFacts {
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Graviton (arm64) or Intel/AMD (x86_64). */
  readonly architecture: 'x86_64' | 'arm64';
  /** EC2 on-demand price per hour. */
  readonly ec2Hourly: number;
  /** The EMR fee per hour, charged on top of EC2 for each node. */
  readonly emrHourly: number;
}

/**
 * The instance types the lab offers, cheapest first. Below the xlarge sizes, emr-7.13.0 supports only
 * m4.large, c4.large (EC2 $0.10/h each) and first-generation m1/c1 types (1.7 to 7.5 GiB, absent from
 * newer regions; m1.large costs more than m4.large). c4.large has 3.75 GiB, too little for the primary's
 * HDFS NameNode, YARN ResourceManager, Hive metastore and HiveServer2 together, so m4.large (8 GiB) is the
 * default. The next sizes up are the xlarge types, Graviton ones the cheapest of them.
 */
export const INSTANCE_TYPE_FACTS = {
  'm4.large': { vcpus: 2, memoryGiB: 8, architecture: 'x86_64', ec2Hourly: 0.1, emrHourly: 0.03 },
  'c6g.xlarge': { vcpus: 4, memoryGiB: 8, architecture: 'arm64', ec2Hourly: 0.136, emrHourly: 0.034 },
  'm6g.xlarge': { vcpus: 4, memoryGiB: 16, architecture: 'arm64', ec2Hourly: 0.154, emrHourly: 0.0385 },
  'm7g.xlarge': { vcpus: 4, memoryGiB: 16, architecture: 'arm64', ec2Hourly: 0.1632, emrHourly: 0.0408 },
  'm5.xlarge': { vcpus: 4, memoryGiB: 16, architecture: 'x86_64', ec2Hourly: 0.192, emrHourly: 0.048 },
} as const satisfies Record<string, InstanceTypeFacts>;

/** An instance type the lab offers. */
export type LabInstanceType = keyof typeof INSTANCE_TYPE_FACTS;

/** Every instance type the lab offers, cheapest first. */
export const LAB_INSTANCE_TYPES = Object.keys(INSTANCE_TYPE_FACTS) as LabInstanceType[];

/** Public IPv4 address, per address per hour (every node in the lab's public subnet has one). */
export const PUBLIC_IPV4_HOURLY = 0.005;

/** Hours in a month, as AWS prorates monthly prices (KMS keys, EBS storage). */
export const HOURS_PER_MONTH = 730;

/** A customer managed KMS key: $1 per month, prorated hourly. */
export const KMS_KEY_HOURLY = 1 / HOURS_PER_MONTH;

/** gp3 EBS storage, per GB-month. */
export const GP3_GB_MONTH = 0.08;

/**
 * Each node's disks, set explicitly so that their size and cost are known rather than EMR's defaults for
 * the type: the root volume at EMR's default size for current releases, and one gp3 data volume for
 * HDFS, YARN and Hive's scratch space (the course's data is a few MB).
 */
export const NODE_ROOT_VOLUME_GIB = 15;
export const NODE_DATA_VOLUME_GIB = 32;

/** What one node's EBS volumes (root and data, both gp3) cost per hour. */
export const NODE_EBS_HOURLY = ((NODE_ROOT_VOLUME_GIB + NODE_DATA_VOLUME_GIB) * GP3_GB_MONTH) / HOURS_PER_MONTH;

/** What one node of `type` costs per hour while it runs: EC2, the EMR fee, its public IPv4 address and its disks. */
export function nodeHourlyCost(type: LabInstanceType): number {
  const { ec2Hourly, emrHourly } = INSTANCE_TYPE_FACTS[type];
  return ec2Hourly + emrHourly + PUBLIC_IPV4_HOURLY + NODE_EBS_HOURLY;
}

/** What a cluster of `nodes` nodes of `type` costs per hour while it runs. */
export function clusterHourlyCost(type: LabInstanceType, nodes: number): number {
  return nodes * nodeHourlyCost(type);
}
