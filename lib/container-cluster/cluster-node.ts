import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { al2023Instance } from '../shared/al2023-instance';

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
    // IMDSv2 with a hop limit of 1 (in al2023Instance): a container behind a bridge or a pod on Flannel's
    // network gets no token, so no credentials of the node's role (which can read the cluster's join
    // secret); containers with --network host and pods with hostNetwork: true do reach it, as the lab guide
    // says ("Instance metadata").
    this.instance = al2023Instance(this, 'Instance', { ...props, rootVolumeGiB: props.rootVolumeGiB ?? 8 });
  }
}
