import * as path from 'path';
import { CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LabFunction } from '../shared/lab-function';
import { markAsPlumbing } from '../shared/plumbing';

/**
 * The tag that AmazonEMRServicePolicy_v2 (the EMR service role's managed policy) requires on the subnet and
 * security groups a cluster launches into, and on the cluster itself (EMR copies it to the instances and
 * volumes it creates): https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role.html
 */
export const EMR_MANAGED_POLICY_TAG = { key: 'for-use-with-amazon-emr-managed-policies', value: 'true' } as const;

/** Properties of an `EmrNetwork`. */
export interface EmrNetworkProps {
  /**
   * The VPC's address range. One public subnet of a quarter of it is created in the first Availability Zone.
   * @default '10.40.0.0/24'
   */
  readonly cidr?: string;
  /**
   * How long CloudWatch keeps the VPC's flow logs of rejected traffic.
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * Where a lab's EMR cluster runs: a VPC with one public subnet and no NAT gateway (the nodes reach S3 and
 * EMR through their public IPv4 addresses, and nothing can reach them: no security group rule allows
 * traffic from outside the cluster), and the two EMR-managed security groups, created here so that
 * CloudFormation owns them.
 *
 * Teardown: EMR adds rules to these groups at run time that reference each other, which would stop
 * CloudFormation from deleting them. `ruleCleanup` is a custom resource that revokes those rules when the
 * stack is deleted; the cluster must depend on it (`dependOnCleanup`), so that CloudFormation deletes the
 * cluster (waiting for its instances to terminate), then the rules, then the groups and the VPC.
 * A private subnet would also need EMR's service-access group and a NAT gateway or endpoints; the public
 * subnet keeps the lab cheap and needs neither.
 */
export class EmrNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** The public subnet the cluster launches into. */
  public readonly subnet: ec2.ISubnet;
  /** EMR-managed security group of the primary node. */
  public readonly primarySecurityGroup: ec2.SecurityGroup;
  /** EMR-managed security group of the core (and task) nodes. */
  public readonly coreSecurityGroup: ec2.SecurityGroup;
  /** Revokes, on stack deletion, the rules EMR added that reference the groups. */
  public readonly ruleCleanup: CustomResource;

  constructor(scope: Construct, id: string, props: EmrNetworkProps = {}) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.40.0.0/24'),
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: true }],
    });
    this.subnet = this.vpc.publicSubnets[0];

    // Rejected traffic only: what a reviewer wants to see (attempts to reach the nodes) at the least log volume.
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The role VPC Flow Logs assumes to write the group, with the confused-deputy conditions AWS recommends:
    // "We recommend that you use the aws:SourceAccount and aws:SourceArn condition keys ... The source account
    // is the owner of the flow log and the source ARN is the flow log ARN. If you don't know the flow log ID,
    // you can replace that portion of the ARN with a wildcard (*)"
    // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html). The flow log's id cannot be
    // named here (the flow log names this role: a cycle), so: any flow log of this account and region.
    const stack = Stack.of(this);
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      description: "Lets VPC Flow Logs write the course Hadoop lab's rejected-traffic log group.",
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ec2', resource: 'vpc-flow-log', resourceName: '*' }) },
      }),
    });
    this.vpc.addFlowLog('RejectedTraffic', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    const group = (groupId: string, description: string) =>
      new ec2.SecurityGroup(this, groupId, { vpc: this.vpc, description, allowAllOutbound: true });
    this.primarySecurityGroup = group('PrimarySecurityGroup', 'EMR-managed: primary node of the course Hadoop cluster');
    this.coreSecurityGroup = group('CoreSecurityGroup', 'EMR-managed: core nodes of the course Hadoop cluster');

    // The service role's managed policy lets EMR launch into, and edit, only resources carrying this tag.
    for (const tagged of [this.vpc, this.primarySecurityGroup, this.coreSecurityGroup]) {
      Tags.of(tagged).add(EMR_MANAGED_POLICY_TAG.key, EMR_MANAGED_POLICY_TAG.value);
    }

    this.ruleCleanup = this.createRuleCleanup([this.primarySecurityGroup, this.coreSecurityGroup]);
  }

  /** Makes `cluster` be deleted before the rule cleanup runs (and created after it exists). */
  public dependOnCleanup(cluster: Construct): void {
    cluster.node.addDependency(this.ruleCleanup);
  }

  private createRuleCleanup(groups: ec2.SecurityGroup[]): CustomResource {
    const cleanup = new LabFunction(this, 'SecurityGroupRuleCleanup', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'emr-security-group-cleanup', 'index.ts'),
      description: "Revokes the rules EMR added between the lab's EMR-managed security groups, so the stack can delete them.",
      timeout: Duration.minutes(1),
    });
    const stack = Stack.of(this);
    cleanup.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RevokeRulesOfTheLabGroups',
        actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
        resources: groups.map((g) => stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: g.securityGroupId })),
      }),
    );
    cleanup.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ReadRules', actions: ['ec2:DescribeSecurityGroupRules'], resources: ['*'] }),
    );
    // Its only wildcard is ec2:DescribeSecurityGroupRules, but delete the role before the log group anyway,
    // as for every helper (see OwnedLogGroups), so no log batch can ever find a role to re-create it with.
    (cleanup.role.node.defaultChild as CfnResource).addResourceDependency(cleanup.logGroup.node.defaultChild as CfnResource);
    Validations.of(cleanup.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeSecurityGroupRules supports no resource-level permissions; the revoke actions are limited to the two lab groups.',
    });

    const resource = new CustomResource(this, 'SecurityGroupRuleCleanupResource', {
      serviceToken: cleanup.function.functionArn,
      resourceType: 'Custom::EmrSecurityGroupRuleCleanup',
      properties: { SecurityGroupIds: groups.map((g) => g.securityGroupId) },
      serviceTimeout: Duration.minutes(5),
    });
    // The function's policy must outlive the resource, or the Delete call would run without permissions.
    resource.node.addDependency(cleanup.role);
    markAsPlumbing(resource, 'revokes the rules EMR adds between its security groups, so cdk destroy can delete them');
    return resource;
  }
}
