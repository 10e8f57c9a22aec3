import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Properties of a lab VPC with public subnets only. */
export interface PublicLabVpcProps {
  /** The VPC's IPv4 range, e.g. `10.40.0.0/16`: each lab has its own, so two labs' VPCs never overlap. */
  readonly cidr: string;
  /**
   * How many Availability Zones get a public subnet (a /24 each).
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * Why this lab keeps no VPC flow logs, for cdk-nag's AwsSolutions-VPC7 finding: say what the exercise
   * watches instead. Required, so that the acknowledgement is true for each lab.
   */
  readonly noFlowLogsReason: string;
}

/**
 * A VPC with public subnets only and no NAT gateway (a NAT gateway bills $0.045/h whatever the traffic):
 * what a lab needs whose instances, tasks or load balancer reach the internet through their own public
 * address. Nothing is placed in the default security group, so it is left as it is: restricting it would
 * add a custom-resource Lambda function to every deploy and teardown of the lab.
 */
export function publicLabVpc(scope: Construct, id: string, props: PublicLabVpcProps): ec2.Vpc {
  if (!props.noFlowLogsReason.trim()) throw new Error(`${scope.node.path}/${id}: noFlowLogsReason must say why the lab keeps no flow logs`);
  const vpc = new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr(props.cidr),
    maxAzs: props.maxAzs ?? 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    restrictDefaultSecurityGroup: false,
  });
  Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: props.noFlowLogsReason });
  return vpc;
}
