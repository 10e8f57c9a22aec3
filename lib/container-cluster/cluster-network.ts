import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NODE_PORTS, NodeRole, Orchestrator, VPC_CIDR } from './cluster-config';

/** Properties of a `ClusterNetwork`. */
export interface ClusterNetworkProps {
  /** Whose ports the nodes open to each other (see `NODE_PORTS`). */
  readonly orchestrator: Orchestrator;
  /**
   * An IPv4 CIDR allowed to reach every node on TCP 22 (SSH). Validated by the `sshCidr` setting, which
   * refuses world-open ranges.
   * @default - no SSH: nodes are reached with SSM Session Manager, which needs no open port
   */
  readonly sshCidr?: string;
}

/**
 * The cluster's network: a VPC with public subnets only (no NAT gateway to pay for; each node has a public
 * IPv4 address for its outbound traffic), and one security group per role.
 *
 * The security groups open, between nodes, exactly the ports in `NODE_PORTS` for the orchestrator, each
 * from the role that connects to the role that listens; from outside, nothing but SSH from `sshCidr`
 * when it is given. Outbound traffic is open: nodes download packages and container images.
 */
export class ClusterNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** Security group of each role's nodes. */
  public readonly securityGroups: Readonly<Record<NodeRole, ec2.SecurityGroup>>;

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    // One AZ: every node in one subnet, so node-to-node traffic never pays for crossing zones.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Nodes', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    });
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'A lab VPC that holds only the cluster and lives a few hours; flow logs would add a log group and ingestion charges for traffic no one reviews.',
    });

    const group = (role: NodeRole, description: string) =>
      new ec2.SecurityGroup(this, role === 'control-plane' ? 'ControlPlane' : 'Workers', {
        vpc: this.vpc,
        description,
        allowAllOutbound: true,
      });
    this.securityGroups = {
      'control-plane': group('control-plane', `Container cluster control plane (${props.orchestrator}): ports from the workers only`),
      worker: group('worker', `Container cluster workers (${props.orchestrator}): ports from the other nodes only`),
    };

    for (const rule of NODE_PORTS[props.orchestrator]) {
      const port = rule.protocol === 'tcp' ? ec2.Port.tcp(rule.port) : ec2.Port.udp(rule.port);
      for (const to of rule.to) {
        for (const from of rule.from) {
          // A node's traffic to itself never passes a security group.
          if (from === 'control-plane' && to === 'control-plane') continue;
          this.securityGroups[to].addIngressRule(
            this.securityGroups[from],
            port,
            `${rule.protocol.toUpperCase()} ${rule.port} from ${from === 'worker' ? 'the workers' : 'the control plane'}: ${rule.purpose}`,
          );
        }
      }
    }

    if (props.sshCidr) {
      for (const sg of Object.values(this.securityGroups)) {
        sg.addIngressRule(ec2.Peer.ipv4(props.sshCidr), ec2.Port.tcp(22), `SSH from ${props.sshCidr} (the sshCidr setting)`);
      }
    }
  }
}
