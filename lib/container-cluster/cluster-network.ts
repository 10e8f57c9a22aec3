import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NODE_PORTS, NodeRole, Orchestrator, SUBNET_CIDR_MASK, VPC_CIDR } from './cluster-config';

/** Properties of a `ClusterNetwork`. */
export interface ClusterNetworkProps {
  /** Whose ports the nodes open to each other (see `NODE_PORTS`). */
  readonly orchestrator: Orchestrator;
  /**
   * An IPv4 CIDR allowed to reach the control plane on TCP 22 (SSH). Validated by the `sshCidr` setting,
   * which refuses world-open ranges. The workers have no public address: SSH reaches them through Session
   * Manager, which needs no open port.
   * @default - no SSH port open: nodes are reached with SSM Session Manager
   */
  readonly sshCidr?: string;
}

/**
 * The cluster's network, built for an idle cost of one public IPv4 address: a VPC in one Availability
 * Zone with two subnets and no NAT gateway.
 * - `controlPlaneSubnet`, public: the control plane, the only node with a public IPv4 address.
 * - `workerSubnet`, private: the workers. Its default route, added by `routeWorkerEgressThrough`, is the
 *   control plane, which forwards and masquerades their outbound traffic (a NAT instance, set up by its
 *   bootstrap). A NAT gateway would cost $0.045/h, and a public address per worker $0.005/h each.
 *
 * The security groups open, between nodes, exactly the ports in `NODE_PORTS` for the orchestrator, each
 * from the role that connects to the role that listens (the workers' forwarded HTTP and HTTPS among
 * them); from outside, nothing but SSH to the control plane from `sshCidr` when it is given. Outbound
 * traffic is open: nodes download packages and container images.
 */
export class ClusterNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** The public subnet of the control plane. */
  public readonly controlPlaneSubnet: ec2.ISubnet;
  /** The private subnet of the workers, whose outbound traffic goes through the control plane. */
  public readonly workerSubnet: ec2.ISubnet;
  /** Security group of each role's nodes. */
  public readonly securityGroups: Readonly<Record<NodeRole, ec2.SecurityGroup>>;

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    // One AZ: node-to-node traffic never pays for crossing zones, and one control plane serves the workers' egress.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'ControlPlane', subnetType: ec2.SubnetType.PUBLIC, cidrMask: SUBNET_CIDR_MASK },
        // Isolated as CDK builds it (no route out); routeWorkerEgressThrough adds the route through the control plane.
        { name: 'Workers', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: SUBNET_CIDR_MASK },
      ],
    });
    this.controlPlaneSubnet = this.vpc.publicSubnets[0];
    this.workerSubnet = this.vpc.isolatedSubnets[0];
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
      this.securityGroups['control-plane'].addIngressRule(
        ec2.Peer.ipv4(props.sshCidr),
        ec2.Port.tcp(22),
        `SSH from ${props.sshCidr} (the sshCidr setting)`,
      );
    }
  }

  /**
   * Makes `gateway` the workers' way out: a default route of the workers' subnet to that instance, which
   * must forward and masquerade their traffic (source/destination check off, and its bootstrap's
   * `forward_worker_egress`). Returns the route, which a worker should depend on so it boots with a way out.
   */
  public routeWorkerEgressThrough(gateway: ec2.Instance): ec2.CfnRoute {
    const table = this.workerSubnet.routeTable.routeTableId;
    return new ec2.CfnRoute(this, 'WorkerEgressRoute', { routeTableId: table, destinationCidrBlock: '0.0.0.0/0', instanceId: gateway.instanceId });
  }
}
