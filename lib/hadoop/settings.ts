import {
  booleanSetting,
  choiceListSetting,
  choiceSetting,
  s3UriSetting,
  SettingsDefinition,
  wholeNumberSetting,
} from '../shared/settings';
import { EMR_APPLICATIONS, EmrApplication, LAB_INSTANCE_TYPES, LabInstanceType } from './emr-release';

/** Limits of the lab's numeric settings, shared by the settings and the stack's own prop checks. */
export const HADOOP_LIMITS = {
  /** Core nodes: 0 makes a one-node cluster (the primary runs everything); 8 is far beyond the course's needs. */
  coreNodes: { min: 0, max: 8, default: 2 },
  /** EMR's AutoTerminationPolicy.IdleTimeout range, in seconds (one minute to seven days). */
  idleTimeoutSeconds: { min: 60, max: 604_800, default: 3_600 },
} as const;

/** How the cluster lives: waits for more work after the step, or terminates itself once the step ends. */
export type HadoopClusterMode = 'long-running' | 'transient';

/** The settings only `HadoopLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const HADOOP_SETTINGS = {
  hadoopMode: choiceSetting<HadoopClusterMode>({
    description:
      '`long-running`: the cluster runs the Hive step, then waits for you (SSM, more steps) until it has been idle for `hadoopIdleTimeoutSeconds`. `transient`: it terminates itself as soon as the step ends (`KeepJobFlowAliveWhenNoSteps: false`); the buckets and the result stay until the stack is destroyed.',
    defaultValue: 'long-running',
    choices: ['long-running', 'transient'],
  }),
  hadoopCoreNodes: wholeNumberSetting({
    description:
      'Core nodes besides the one primary node (the course used 1 primary + 2 core). `0` makes a one-node cluster, where the primary runs HDFS and the Hive job too.',
    defaultValue: HADOOP_LIMITS.coreNodes.default,
    min: HADOOP_LIMITS.coreNodes.min,
    max: HADOOP_LIMITS.coreNodes.max,
  }),
  hadoopCoreSpot: booleanSetting({
    description:
      'Run the core nodes on Spot capacity (the primary is always on-demand). Spot costs less but can be interrupted, which fails a running step; use `false` if Spot capacity is short.',
    defaultValue: true,
  }),
  hadoopInstanceType: choiceSetting<LabInstanceType>({
    description:
      "EC2 instance type of every node. `m4.large` (2 vCPU, 8 GiB) is the cheapest type EMR 7 supports with memory enough for Hive; the xlarge types (Graviton first) are for an Availability Zone without m4.large capacity. The lab guide's cost table compares them.",
    defaultValue: 'm4.large',
    choices: LAB_INSTANCE_TYPES,
  }),
  hadoopIdleTimeoutSeconds: wholeNumberSetting({
    description:
      "Seconds of idleness (no step running, no YARN work) after which EMR terminates the cluster, on top of the stack's own `ttlHours` expiry.",
    defaultValue: HADOOP_LIMITS.idleTimeoutSeconds.default,
    min: HADOOP_LIMITS.idleTimeoutSeconds.min,
    max: HADOOP_LIMITS.idleTimeoutSeconds.max,
  }),
  hadoopApplications: choiceListSetting<EmrApplication>({
    description: 'EMR applications to install. Hadoop and Hive run the course step; add Spark for the later Spark exercises.',
    defaultValue: ['Hadoop', 'Hive'],
    choices: EMR_APPLICATIONS,
    required: ['Hadoop', 'Hive'],
  }),
  hadoopInput: s3UriSetting({
    description: "The CloudFront logs the Hive step reads: by default the region's public EMR sample data, as in the course.",
    defaultText: 's3://<region>.elasticmapreduce.samples/cloudfront/data',
  }),
} satisfies SettingsDefinition;
