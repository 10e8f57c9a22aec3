import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { instanceTypeSpec } from './instance-types';

/** What `al2023Instance` builds. */
export interface Al2023InstanceProps {
  readonly vpc: ec2.IVpc;
  /** The subnet the instance goes in. */
  readonly subnet: ec2.ISubnet;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The instance role. */
  readonly role: iam.IRole;
  /** An instance type from the table in `instance-types.ts`; it also picks the image's architecture. */
  readonly instanceType: string;
  /** The bootstrap script (rendered by `renderUserDataScript`), run once at first boot. */
  readonly script: string;
  /** Size of the encrypted gp3 root volume, in GiB. */
  readonly rootVolumeGiB: number;
  /**
   * Whether the instance forwards other instances' traffic: EC2's source/destination check is turned off.
   * @default false
   */
  readonly forwardsTraffic?: boolean;
}

/**
 * An EC2 instance as the labs boot one: the current Amazon Linux 2023 image for its architecture, IMDSv2
 * required with a hop limit of 1, an encrypted gp3 root volume and its bootstrap script as user data.
 *
 * - The image ID comes from Amazon's public SSM parameter, resolved by CloudFormation at each deploy
 *   (`cachedInContext: false`): synthesis makes no lookup. A deploy after Amazon has published a newer
 *   image therefore replaces the instance.
 * - A change of the script replaces the instance (`userDataCausesReplacement`): an instance runs its user
 *   data only at first boot, so an instance kept with new user data would silently keep the old bootstrap.
 * - IMDSv2 only, with a hop limit of 1: the answer to the token request (a PUT) travels one network hop
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html), so
 *   containers behind a bridge network, one hop further, get no token and cannot borrow the instance's
 *   role; containers that share the host's network do reach it.
 *
 * @throws if `instanceType` is not in the table
 */
export function al2023Instance(scope: Construct, id: string, props: Al2023InstanceProps): ec2.Instance {
  const spec = instanceTypeSpec(props.instanceType);
  if (!spec) throw new Error(`${scope.node.path}: unknown instance type ${props.instanceType}`);
  const instance = new ec2.Instance(scope, id, {
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
    httpTokens: ec2.HttpTokens.REQUIRED,
    httpPutResponseHopLimit: 1,
    blockDevices: [
      {
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeGiB, {
          encrypted: true,
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          deleteOnTermination: true,
        }),
      },
    ],
  });
  Validations.of(instance).acknowledge(
    {
      id: 'AwsSolutions-EC28',
      reason: 'Detailed monitoring bills per metric; a lab instance that lives a few hours is watched from its own shell (or kubectl and docker) instead.',
    },
    {
      id: 'AwsSolutions-EC29',
      reason: 'Termination protection would make cdk destroy and the lab expiry fail; the course-labs teardown rules forbid it.',
    },
  );
  return instance;
}
