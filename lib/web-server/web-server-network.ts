import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Properties of a `WebServerNetwork`. */
export interface WebServerNetworkProps {
  /**
   * Open HTTPS (TCP 443) to anyone, for the guide's optional TLS step.
   * @default false
   */
  readonly https?: boolean;
  /**
   * An IPv4 CIDR allowed to reach the server on TCP 22 (SSH). Validated by the `webServerSshCidr` setting,
   * which refuses world-open ranges.
   * @default - port 22 closed: the server is reached with SSM Session Manager
   */
  readonly sshCidr?: string;
}

/**
 * The web server's network, built for an idle cost of one public IPv4 address: a VPC in one Availability
 * Zone with one public subnet and no NAT gateway, and the server's security group, which opens, from
 * outside, HTTP to anyone (it is a public web server, as in the course), HTTPS to anyone only with `https`,
 * and SSH only from `sshCidr`. Outbound traffic is open: the server downloads packages.
 */
export class WebServerNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** The one public subnet. */
  public readonly subnet: ec2.ISubnet;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: WebServerNetworkProps = {}) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/24'),
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26 }],
    });
    this.subnet = this.vpc.publicSubnets[0];
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'A lab VPC that holds one web server and lives a few hours; flow logs would add a log group and ingestion charges for traffic no one reviews.',
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'WebServer', {
      vpc: this.vpc,
      description: `EC2 web server lab: HTTP from anywhere${props.https ? ', HTTPS from anywhere' : ''}${props.sshCidr ? `, SSH from ${props.sshCidr}` : ''}`,
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from anywhere: the public web server of the lab');
    if (props.https) {
      this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from anywhere (the webServerHttps setting)');
    }
    if (props.sshCidr) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.sshCidr), ec2.Port.tcp(22), `SSH from ${props.sshCidr} (the webServerSshCidr setting)`);
    }
    Validations.of(this.securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'A public web server is the exercise: HTTP (and, with webServerHttps, HTTPS) is open to anyone, as in the course. SSH is never open to the world.',
    });
  }
}
