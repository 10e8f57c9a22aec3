import { Aws, CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ignoreCfnLint } from '../shared/cfn-lint';
import { publicLabVpc } from '../shared/public-lab-vpc';
import { MysfitsTable } from './mysfits-table';

/** The port the service listens on in its container (the workshop's Flask service used 8080). */
export const SERVICE_PORT = 8080;
/** The load balancer's listener port, which the API's VPC link integration calls. */
export const LOAD_BALANCER_PORT = 80;

/** Properties of a `MysfitsService`. */
export interface MysfitsServiceProps {
  /** The folder with the service's Dockerfile (`lib/mythical-mysfits/app`). */
  readonly appDir: string;
  /** The mysfits table the service reads and updates. */
  readonly table: MysfitsTable;
  /** The site's origin, the one origin whose pages may read the service's answers (CORS). */
  readonly allowedOrigin: string;
  /**
   * How long the service's logs are kept (the log group itself is deleted with the stack).
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The Mysfits service (the workshop's module 2): one Fargate task on Graviton (0.25 vCPU, 0.5 GB) behind an
 * internal Network Load Balancer, in a VPC with one public subnet and no NAT gateway.
 *
 * - The task has a public IPv4 address only so that it can pull its image from ECR and reach DynamoDB and
 *   CloudWatch Logs without a NAT gateway ($0.045/h) or interface endpoints ($0.01/h each). Its security
 *   group admits nothing but the load balancer's security group, on the service port.
 * - The load balancer is internal: API Gateway reaches it through a VPC link (AWS PrivateLink). Its security
 *   group has no inbound rule, so nothing inside the VPC can reach it; with "Enforce inbound rules on
 *   PrivateLink traffic" off (EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: off), the load balancer
 *   does not evaluate its inbound rules for traffic that comes through PrivateLink, so the VPC link is the
 *   only way in. API Gateway's own setup steps for a VPC link (V1) to an NLB with security groups say to
 *   turn that evaluation off; with it on, the empty rule set would refuse the VPC link as well. The load
 *   balancer may send only to the service's security group, on the service port (health checks are
 *   subject to outbound rules, not inbound ones).
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-nlb-for-vpclink-using-console.html
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
 */
export class MysfitsService extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly cluster: ecs.Cluster;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  public readonly targetGroup: elbv2.NetworkTargetGroup;
  public readonly serviceSecurityGroup: ec2.SecurityGroup;
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MysfitsServiceProps) {
    super(scope, id);

    this.vpc = publicLabVpc(this, 'Vpc', {
      cidr: '10.60.0.0/16',
      maxAzs: 1, // one task, one load balancer node: a lab, not a highly available service
      noFlowLogsReason:
        "A lab VPC that lives a few hours and carries one service's traffic, which the service's request log shows; flow logs would add a delivery role and per-GB log ingestion that nobody reads.",
    });

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'Mysfits load balancer: no inbound rule (the API reaches it through its VPC link); out only to the service',
      allowAllOutbound: false,
    });
    this.serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: this.vpc,
      description: 'Mysfits service: in only from the load balancer on the service port; out to AWS APIs over HTTPS',
      allowAllOutbound: false,
    });
    this.serviceSecurityGroup.addIngressRule(this.loadBalancerSecurityGroup, ec2.Port.tcp(SERVICE_PORT), 'Requests and health checks from the load balancer');
    this.loadBalancerSecurityGroup.addEgressRule(this.serviceSecurityGroup, ec2.Port.tcp(SERVICE_PORT), 'Requests and health checks to the service');
    // ECR, S3 (image layers), DynamoDB and CloudWatch Logs, all over HTTPS at public AWS endpoints.
    this.serviceSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS (image pull, DynamoDB, logs)');

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [this.loadBalancerSecurityGroup],
      // Off, as API Gateway's VPC link (V1) setup requires: the VPC link's traffic skips the (empty) inbound rules.
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-nlb-for-vpclink-using-console.html
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
      crossZoneEnabled: false,
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: "An internal load balancer that only the API's VPC link reaches; API Gateway's access logs record every request, and access logs would add a bucket to empty at teardown.",
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ecs.ContainerInsights.DISABLED });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason: "Container Insights bills per metric; one task's CPU and memory are in ECS's free service metrics, and its requests in the service's log.",
    });

    // Only ECS tasks of this account may assume the task role.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ecs:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` },
        },
      }),
      description: `The Mysfits service in ${Stack.of(this).stackName}: reads and updates the mysfits table only.`,
    });
    props.table.grant(taskRole, ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], { indexes: true });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      taskRole,
    });
    this.taskDefinition.addContainer('Service', {
      containerName: 'mysfits',
      image: ecs.ContainerImage.fromAsset(props.appDir, { platform: Platform.LINUX_ARM64 }),
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: SERVICE_PORT, protocol: ecs.Protocol.TCP }],
      environment: {
        MYSFITS_TABLE_NAME: props.table.table.tableName,
        ALLOWED_ORIGIN: props.allowedOrigin,
        AWS_REGION: Aws.REGION,
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'mysfits',
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: "The variables are the table's name, the site's origin and the region, none of them secret; they are only known at deploy time, so they cannot be baked into the image.",
    });
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken takes no resource ARN (Service Authorization Reference); the image pull itself is limited to the CDK asset repository.',
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      assignPublicIp: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [this.serviceSecurityGroup],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(30),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });

    const listener = this.loadBalancer.addListener('Http', { port: LOAD_BALANCER_PORT, protocol: elbv2.Protocol.TCP });
    this.targetGroup = listener.addTargets('Service', {
      port: SERVICE_PORT,
      protocol: elbv2.Protocol.TCP,
      targets: [this.service.loadBalancerTarget({ containerName: 'mysfits', containerPort: SERVICE_PORT })],
      deregistrationDelay: Duration.seconds(15),
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        path: '/',
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    ignoreCfnLint(
      this.service.node.defaultChild as CfnResource,
      'W3005',
      "aws-cdk-lib's FargateService declares DependsOn on the target group it also references (ECS needs the group attached to a listener first); the deploy order is the same.",
    );
  }
}
