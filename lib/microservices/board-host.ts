import { Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IConstruct, IDependable } from 'constructs';

/**
 * Why the host role has statements on `*`, naming every action they hold (test/microservices checks the
 * list against the template): nothing else of the role applies to every resource.
 */
export const HOST_ROLE_WILDCARD_REASON =
  'The only actions on every resource: ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken, which take no resource ARN, and ecs:Poll and ecs:StartTelemetrySession, conditioned on this cluster. No CloudWatch Logs action: containers log with their task execution role. Containers cannot use this role (IMDS hop limit 1).';

/** Properties of a `BoardHost`. */
export interface BoardHostProps {
  /** The VPC; the host goes into its public subnets (no NAT gateway: see the lab guide's cost section). */
  readonly vpc: ec2.IVpc;
  /**
   * The host's instance type. It must be Graviton (arm64): the images are built for linux/arm64.
   * @default t4g.micro (2 vCPU, 1 GiB): every task of the default settings, in every phase
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The most hosts ECS managed scaling may run when the tasks no longer fit on one: enough for every
   * task of the largest task counts during a rolling deployment (`HOST_CAPACITY`, tested).
   * @default 3
   */
  readonly maxHosts?: number;
  /**
   * Memory the ECS agent keeps back from tasks for everything else on the host, in MiB (`HOST_CAPACITY`).
   * @default 300
   */
  readonly reservedMemoryMiB?: number;
  /**
   * The root volume's size in GiB; the ECS-optimized AMI's snapshot is 30 GiB, the minimum.
   * @default 30
   */
  readonly rootVolumeGiB?: number;
}

/**
 * The memory arithmetic of the default host, which test/microservices checks at the largest task counts
 * and during rolling deployments.
 *
 * ECS places tasks by the memory the agent registers: the total the kernel reports minus
 * `ECS_RESERVED_MEMORY`, which "effectively reserves that memory for critical system processes"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html). Task memory
 * reservations cover only the containers, so the reserve must hold everything else on an ECS-optimized
 * AL2023 host: systemd, journald and the other base services (about 80 MiB), dockerd (60-80 MiB) and
 * containerd (30-40 MiB) (dockerd "consuming over 60 MB", a containerd process "~30MB", plus a shim per
 * container: https://github.com/aws/amazon-ecs-agent/issues/2022), the ECS agent (about 40 MiB) and the SSM
 * agent (about 40 MiB, two processes): about 300 MiB. None of it is measured on this host yet (`labs
 * trial`; the guide's "Capacity" command shows the registered memory of a running host).
 */
export const HOST_CAPACITY = {
  /** What a t4g.micro's kernel reports of its 1 GiB (MemTotal), conservatively: not yet measured. */
  t4gMicroTotalMemoryMiB: 900,
  /** `ECS_RESERVED_MEMORY`: dockerd, containerd and its shims, the ECS agent, the SSM agent and the OS. */
  reservedMemoryMiB: 300,
  /** The most hosts: the largest task counts during a rolling deployment need three (tested). */
  maxHosts: 3,
} as const;

/**
 * The ECS cluster and the one small EC2 host that runs every task, as an Auto Scaling group capacity
 * provider (the lab guide compares this with Fargate, which costs more in the `split` phase).
 *
 * Hardening, each a reason a reviewer can check in the template:
 * - Tasks use bridge networking with dynamic host ports. The host's security group admits only the load
 *   balancer's security group, on the ephemeral range Docker maps container ports to; it may send only
 *   HTTPS (the ECS, ECR, S3 and CloudWatch Logs endpoints). DNS, the instance metadata service and the
 *   time service are link-local and not subject to security groups.
 * - IMDSv2 only, with a hop limit of 1: containers sit one network hop behind the host, so they cannot
 *   read the host role's credentials from the instance metadata service.
 * - Encrypted root volume; CPU credits `standard`, so a busy t4g cannot add surplus-credit charges.
 * - No managed termination protection: nothing can block the group's deletion at teardown. Managed
 *   draining moves tasks off a host before the group terminates it, so scale-in fails no request.
 */
export class BoardHost extends Construct {
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** The Auto Scaling group of hosts. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The capacity provider that services place their tasks with. */
  public readonly capacityProvider: ecs.AsgCapacityProvider;
  /** The hosts' security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /**
   * The cluster's capacity provider association, which aws-cdk-lib adds during synthesis. A service that
   * places tasks with the capacity provider must depend on it: created after it, deleted before it.
   */
  public readonly capacityProviderAssociation: IDependable;

  constructor(scope: Construct, id: string, props: BoardHostProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
    const maxHosts = props.maxHosts ?? HOST_CAPACITY.maxHosts;
    const reservedMemoryMiB = props.reservedMemoryMiB ?? HOST_CAPACITY.reservedMemoryMiB;
    const rootVolumeGiB = props.rootVolumeGiB ?? 30;
    if (instanceType.architecture !== ec2.InstanceArchitecture.ARM_64) {
      throw new Error(`BoardHost instanceType must be a Graviton (arm64) type such as t4g.micro: the images are linux/arm64. Got ${instanceType}`);
    }
    if (!Number.isInteger(maxHosts) || maxHosts < 1 || maxHosts > 4) throw new Error(`BoardHost maxHosts must be a whole number from 1 to 4, got ${maxHosts}`);
    if (!Number.isInteger(reservedMemoryMiB) || reservedMemoryMiB < 0) throw new Error(`BoardHost reservedMemoryMiB must be a whole number, got ${reservedMemoryMiB}`);
    if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 30) throw new Error(`BoardHost rootVolumeGiB must be a whole number of at least 30 (the AMI's size), got ${rootVolumeGiB}`);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Microservices lab ECS host: tasks reachable only from the load balancer; outbound HTTPS only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to the ECS, ECR, S3 and CloudWatch Logs endpoints (no NAT gateway: through the public IP)',
    );

    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'The ECS agent on the microservices lab host; containers cannot reach it (IMDS hop limit 1).',
    });
    // The launch template and the Auto Scaling group get the role without the right to add to it:
    // aws-cdk-lib's cluster would otherwise give the host logs:CreateLogStream and logs:PutLogEvents on
    // every log group of the account (for tasks without an execution role). Every task here has one, and
    // "the task execution role grants the Amazon ECS container and Fargate agents permission to make AWS
    // API calls on your behalf", sending container logs with awslogs among them
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html). The
    // agent's own statements are added below, once the cluster exists.
    const hostRole = role.withoutPolicyUpdates();
    const userData = ec2.UserData.forLinux();
    // The cluster's name is added by the cluster (configureAutoScalingGroup). Memory kept for the host itself:
    userData.addCommands(`echo ECS_RESERVED_MEMORY=${reservedMemoryMiB} >> /etc/ecs/ecs.config`);

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.ARM),
      instanceType,
      securityGroup: this.securityGroup,
      role: hostRole,
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      cpuCredits: ec2.CpuCredits.STANDARD,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(rootVolumeGiB, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Hosts', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      launchTemplate,
      minCapacity: 1,
      maxCapacity: maxHosts,
      // No desiredCapacity: ECS managed scaling owns it, and a deploy must not reset it.
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      // Explicitly off, so an account-wide default cannot switch it on: see the lab guide (cdk-nag ECS4).
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
    });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        'Container Insights bills each of its metrics (per cluster, service and task family) as a CloudWatch custom metric, which would take the lab past its cost target; the lab guide shows how to switch it on for a while and count them.',
    });
    this.capacityProvider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup: this.autoScalingGroup,
      enableManagedScaling: true,
      targetCapacityPercent: 100,
      enableManagedTerminationProtection: false,
      enableManagedDraining: true,
    });
    this.cluster.addAsgCapacityProvider(this.capacityProvider);
    // Bridge-mode services take their security groups from the cluster's connections, which
    // addAsgCapacityProvider (unlike addAutoScalingGroup) leaves empty.
    this.cluster.connections.addSecurityGroup(this.securityGroup);

    const cluster = this.cluster;
    this.capacityProviderAssociation = {};
    // Resolved when dependencies are rendered, after the aspect that creates the association has run.
    Dependable.implement(this.capacityProviderAssociation, {
      get dependencyRoots(): IConstruct[] {
        const associations = cluster.node.children.filter((c) => c instanceof ecs.CfnClusterCapacityProviderAssociations);
        if (associations.length !== 1) throw new Error(`BoardHost: expected one capacity provider association in ${cluster.node.path}, found ${associations.length}`);
        return associations;
      },
    });

    // What aws-cdk-lib's cluster gives the ECS agent, without the CloudWatch Logs statement (above).
    const agentPolicy = new iam.Policy(this, 'AgentPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['ecs:DeregisterContainerInstance', 'ecs:RegisterContainerInstance', 'ecs:Submit*'],
          resources: [this.cluster.clusterArn],
        }),
        new iam.PolicyStatement({
          actions: ['ecs:Poll', 'ecs:StartTelemetrySession'],
          resources: ['*'],
          conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
        }),
        new iam.PolicyStatement({ actions: ['ecs:DiscoverPollEndpoint', 'ecr:GetAuthorizationToken'], resources: ['*'] }),
      ],
    });
    // A host must not start before its role may register it with the cluster.
    launchTemplate.node.addDependency(agentPolicy);

    this.acknowledgeFindings(agentPolicy);
  }

  private acknowledgeFindings(agentPolicy: iam.Policy): void {
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason:
        'One lab host for a few hours: scaling events show in the ECS and Auto Scaling consoles; notifications would need an SNS topic and a subscriber nobody has.',
    });
    Validations.of(agentPolicy).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: HOST_ROLE_WILDCARD_REASON },
      {
        id: 'AwsSolutions-IAM5[Action::ecs:Submit*]',
        reason: "The ECS agent's policy as aws-cdk-lib writes it: the agent reports task and container state changes, on this cluster only.",
      },
    );
  }
}
