import { Stack, Tags, Validations } from 'aws-cdk-lib';
import * as emr from 'aws-cdk-lib/aws-emr';
import { Construct } from 'constructs';
import {
  EMR_APPLICATIONS,
  EMR_RELEASE_LABEL,
  EmrApplication,
  INSTANCE_TYPE_FACTS,
  LabInstanceType,
  NODE_DATA_VOLUME_GIB,
  NODE_ROOT_VOLUME_GIB,
} from './emr-release';
import { EMR_MANAGED_POLICY_TAG, EmrNetwork } from './emr-network';
import { EmrRoles } from './emr-roles';
import { EmrSecurityConfiguration } from './emr-security-configuration';
import { HADOOP_LIMITS, HadoopClusterMode } from './settings';

/** Properties of a `HadoopCluster`. */
export interface HadoopClusterProps {
  /** The VPC, subnet and EMR-managed security groups the cluster runs in. */
  readonly network: EmrNetwork;
  /** EMR's service role and the nodes' instance profile. */
  readonly roles: EmrRoles;
  /** The at-rest encryption the cluster uses. */
  readonly securityConfiguration: EmrSecurityConfiguration;
  /** `s3://...` folder where EMR writes the cluster's logs. */
  readonly logUri: string;
  /** The steps to run once the cluster is up, in order. */
  readonly steps: emr.CfnCluster.StepConfigProperty[];
  /**
   * `long-running`: after the steps, wait for more work until idle for `idleTimeoutSeconds`.
   * `transient`: terminate as soon as the steps have ended.
   * @default 'long-running'
   */
  readonly mode?: HadoopClusterMode;
  /**
   * Core nodes besides the single primary node; 0 for a one-node cluster.
   * @default 2
   */
  readonly coreNodes?: number;
  /**
   * Run the core nodes on Spot capacity, at most the on-demand price (the primary is always on-demand).
   * @default true
   */
  readonly coreSpot?: boolean;
  /**
   * Instance type of every node.
   * @default 'm4.large'
   */
  readonly instanceType?: LabInstanceType;
  /**
   * Seconds without work after which EMR terminates the cluster (60 to 604800).
   * @default 3600
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Applications to install; Hadoop and Hive are added if missing.
   * @default ['Hadoop', 'Hive']
   */
  readonly applications?: readonly EmrApplication[];
}

/**
 * The lab's EMR cluster: one primary node and `coreNodes` core nodes (instance groups) of the cheapest
 * supported instance type, with the course's steps, that cannot run forever: it terminates itself after
 * `idleTimeoutSeconds` without work (EMR's auto-termination), or right after its steps in transient mode,
 * and the stack's own expiry deletes it in any case. Termination protection is off, so that the stack
 * can always delete it.
 */
export class HadoopCluster extends Construct {
  public readonly cluster: emr.CfnCluster;
  public readonly mode: HadoopClusterMode;
  /** The cluster id (`j-...`). */
  public readonly clusterId: string;

  constructor(scope: Construct, id: string, props: HadoopClusterProps) {
    super(scope, id);
    const mode = props.mode ?? 'long-running';
    const coreNodes = props.coreNodes ?? HADOOP_LIMITS.coreNodes.default;
    const idleTimeout = props.idleTimeoutSeconds ?? HADOOP_LIMITS.idleTimeoutSeconds.default;
    const instanceType = props.instanceType ?? 'm4.large';
    const applications = EMR_APPLICATIONS.filter((a) => ['Hadoop', 'Hive', ...(props.applications ?? [])].includes(a));
    checkRange(this, 'coreNodes', coreNodes, HADOOP_LIMITS.coreNodes);
    checkRange(this, 'idleTimeoutSeconds', idleTimeout, HADOOP_LIMITS.idleTimeoutSeconds);
    if (!(instanceType in INSTANCE_TYPE_FACTS)) throw new Error(`${this.node.path}: unknown instanceType ${instanceType}`);
    const unknown = (props.applications ?? []).filter((a) => !EMR_APPLICATIONS.includes(a));
    if (unknown.length > 0) throw new Error(`${this.node.path}: unknown applications ${unknown.join(', ')}`);

    const { network, roles } = props;
    this.mode = mode;
    // One gp3 data volume per node, instead of EMR's default storage for the type: a known size and price.
    const ebsConfiguration: emr.CfnCluster.EbsConfigurationProperty = {
      ebsBlockDeviceConfigs: [{ volumeSpecification: { volumeType: 'gp3', sizeInGb: NODE_DATA_VOLUME_GIB }, volumesPerInstance: 1 }],
    };
    this.cluster = new emr.CfnCluster(this, 'Resource', {
      name: Stack.of(this).stackName,
      releaseLabel: EMR_RELEASE_LABEL,
      applications: applications.map((name) => ({ name })),
      serviceRole: roles.serviceRole.roleName,
      jobFlowRole: roles.instanceProfile.instanceProfileName,
      securityConfiguration: props.securityConfiguration.name,
      logUri: props.logUri,
      ebsRootVolumeSize: NODE_ROOT_VOLUME_GIB,
      instances: {
        ec2SubnetId: network.subnet.subnetId,
        emrManagedMasterSecurityGroup: network.primarySecurityGroup.securityGroupId,
        emrManagedSlaveSecurityGroup: network.coreSecurityGroup.securityGroupId,
        masterInstanceGroup: { instanceCount: 1, instanceType, market: 'ON_DEMAND', ebsConfiguration },
        coreInstanceGroup:
          coreNodes > 0
            ? { instanceCount: coreNodes, instanceType, market: props.coreSpot === false ? 'ON_DEMAND' : 'SPOT', ebsConfiguration }
            : undefined,
        keepJobFlowAliveWhenNoSteps: mode === 'long-running',
        terminationProtected: false,
      },
      autoTerminationPolicy: { idleTimeout },
      steps: props.steps,
    });
    this.clusterId = this.cluster.ref;
    Validations.of(this.cluster).acknowledge(
      {
        id: 'AwsSolutions-EMR4',
        reason:
          'Local disk encryption is on (EmrSecurityConfiguration: AwsKms, EBS included; asserted in test/hadoop). cdk-nag 3.0.2 looks for EnableAtRestEncryption at the top of the security configuration, while EMR nests it under EncryptionConfiguration, so it cannot see it.',
      },
      {
        id: 'AwsSolutions-EMR5',
        reason:
          "In-transit encryption needs a TLS certificate provider (PEM files in S3 or a custom Java provider). The traffic it would protect stays between the nodes of one short-lived cluster in the lab's own VPC, whose security groups admit nothing from outside; the data is AWS's public sample logs.",
      },
      {
        id: 'AwsSolutions-EMR6',
        reason:
          'No EC2 key pair on purpose: there is no SSH. Students reach the primary node with Systems Manager Session Manager, authenticated and authorised by IAM. Kerberos would add a KDC to a single-user teaching cluster.',
      },
    );
    Tags.of(this.cluster).add(EMR_MANAGED_POLICY_TAG.key, EMR_MANAGED_POLICY_TAG.value);

    // The roles' policies are inline (no separate AWS::IAM::Policy), so the references above already make
    // them exist before the cluster and outlive it while it terminates.
    network.dependOnCleanup(this);
    // The nodes need the internet gateway's route from the first second (to reach EMR and S3), and a
    // gateway cannot be detached while they still hold public addresses: create after it, delete before it.
    this.node.addDependency(network.subnet.internetConnectivityEstablished);
  }
}

function checkRange(scope: Construct, name: string, value: number, range: { min: number; max: number }): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(`${scope.node.path}: ${name} must be a whole number from ${range.min} to ${range.max}, got ${value}`);
  }
}
