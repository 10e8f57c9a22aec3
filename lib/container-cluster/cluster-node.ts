import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { instanceTypeSpec } from './instance-types';

/** Properties of a `ClusterNode`. */
export interface ClusterNodeProps {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnet the node goes in (see `ClusterNetwork`). */
  readonly subnet: ec2.ISubnet;
  /** The node's security group (its role's). */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The node's instance role (its role's). */
  readonly role: iam.IRole;
  /** An instance type from the table in `instance-types.ts`; it also picks the image's architecture. */
  readonly instanceType: string;
  /** The node's bootstrap script, rendered by `renderNodeScript`. */
  readonly script: string;
  /**
   * Size of the encrypted root volume, in GiB: the OS, Docker's and containerd's images.
   * @default 8, the size of the Amazon Linux 2023 image
   */
  readonly rootVolumeGiB?: number;
  /**
   * Whether the node forwards other nodes' traffic (the control plane, the workers' way out): EC2's
   * source/destination check is turned off, since the packets it forwards are neither from it nor for it.
   * @default false
   */
  readonly forwardsTraffic?: boolean;
}

/**
 * One node of the cluster: an EC2 instance on the current Amazon Linux 2023 image for its architecture,
 * with IMDSv2 required, an encrypted gp3 root volume and its bootstrap script as user data.
 *
 * The image ID comes from Amazon's public SSM parameter, resolved by CloudFormation at each deploy
 * (`cachedInContext: false`): synthesis makes no lookup. A deploy after Amazon has published a newer
 * image therefore replaces the node; the lab guide says so.
 *
 * A change of the script replaces the node (`userDataCausesReplacement`): an EC2 instance runs its user
 * data only at first boot, so an instance kept with new user data would silently keep the old bootstrap.
 */
export class ClusterNode extends Construct {
  public readonly instance: ec2.Instance;

  constructor(scope: Construct, id: string, props: ClusterNodeProps) {
    super(scope, id);
    const spec = instanceTypeSpec(props.instanceType);
    if (!spec) throw new Error(`${this.node.path}: unknown instance type ${props.instanceType}`);

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [props.subnet] },
      sourceDestCheck: props.forwardsTraffic ? false : undefined,
      securityGroup: props.securityGroup,
      role: props.role,
      instanceType: new ec2.InstanceType(props.instanceType),
      // Not MachineImage.latestAmazonLinux2023(), which pins the kernel to the one CDK knew (6.1): the
      // kernel-default parameter follows the kernel Amazon ships as the image's default.
      machineImage: new ec2.AmazonLinux2023ImageSsmParameter({
        cpuType: spec.architecture === 'arm64' ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
        kernel: ec2.AmazonLinux2023Kernel.DEFAULT,
        cachedInContext: false,
      }),
      userData: ec2.UserData.custom(props.script),
      userDataCausesReplacement: true,
      // IMDSv2 only, and a hop limit of 1: the answer to the token request (a PUT) travels one network hop
      // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html),
      // so a container behind a bridge or a pod on Flannel's network, one hop further, gets no token and
      // so no metadata or credentials of the node's role (which can read the cluster's join secret).
      // Containers with --network host and pods with hostNetwork: true share the node's network and do
      // reach it: the lab guide says so ("Instance metadata").
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 8, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    Validations.of(this.instance).acknowledge(
      {
        id: 'AwsSolutions-EC28',
        reason: 'Detailed monitoring bills per metric; a lab node that lives a few hours is watched with kubectl and docker instead.',
      },
      {
        id: 'AwsSolutions-EC29',
        reason:
          'Termination protection would make cdk destroy and the lab expiry fail; the course-labs teardown rules forbid it.',
      },
    );
  }
}
