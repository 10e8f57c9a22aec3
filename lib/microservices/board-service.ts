import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BoardHost } from './board-host';
import { HealthyTargetsGate } from './healthy-targets-gate';
import { DeployableSpec, PREVIEW_HEADER, TASK_COUNT } from './phases';

/** The port the app listens on in its container (the tutorial's). */
export const CONTAINER_PORT = 3000;

/**
 * The user the container runs as: the official node image's unprivileged `node` (uid 1000), which the
 * Dockerfile also names, set in the task definition too so that ECS runs the app as it whatever the image
 * says (cdk-nag and a reviewer see it in the template).
 */
export const CONTAINER_USER = 'node';

/** What each task placement reserves (MiB) and may use at most, and its CPU units. */
export const TASK_RESOURCES = { memoryReservationMiB: 64, memoryLimitMiB: 128, cpu: 64 } as const;

/**
 * The traffic timings of every deployable. The lab guide's "No failed requests" section explains each;
 * test/microservices asserts them in the template.
 */
export const TRAFFIC_TIMINGS = {
  /** Target group health check: `GET /` every 5 s, 3 s to answer; 2 passes make a new task healthy (~10 s). */
  healthCheckInterval: Duration.seconds(5),
  healthCheckTimeout: Duration.seconds(3),
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  /**
   * How long a deregistered target keeps its open connections: longer than any request takes (a few
   * milliseconds here), short enough that a redeploy does not wait long for old tasks to go.
   */
  deregistrationDelay: Duration.seconds(15),
  /** ECS ignores failed load balancer health checks this long after a task starts. */
  healthCheckGracePeriod: Duration.seconds(30),
} as const;

/** Properties of a `BoardService`. */
export interface BoardServiceProps {
  /** Which deployable: its name, paths and rule priorities (`phases.ts`). */
  readonly spec: DeployableSpec;
  /** The cluster and capacity provider that run its tasks. */
  readonly host: BoardHost;
  /** The load balancer's listener that its rules join. */
  readonly listener: elbv2.ApplicationListener;
  /** The gate that lets its route rule switch traffic only once its targets are healthy. */
  readonly gate: HealthyTargetsGate;
  /** The app's folder, with the Dockerfile. */
  readonly appDir: string;
  /**
   * How many tasks run.
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * How long its logs are kept (the log group itself is deleted with the stack).
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * One deployable of the message board: its image (built from `appDir` with `SERVICE=<name>`), task
 * definition, log group, target group, ECS service and two listener rules, created in this order by
 * the dependencies below:
 *
 *     target group -> preview rule -> ECS service -> healthy-targets gate -> route rule
 *
 * - The preview rule (header `X-Message-Board-Service: <name>`) attaches the target group to the load
 *   balancer, which ECS requires before it creates the service, without taking any of the board's
 *   traffic.
 * - The route rule sends the deployable's paths to it. It is an L1 resource on purpose: an L2 rule that
 *   forwards to the target group would join the group's "attached to a load balancer" dependencies, and
 *   the ECS service would then depend on it, which is the order this construct exists to avoid.
 *
 * Removal runs the same chain backwards: route rule, gate (which pauses), service, preview rule, target
 * group.
 */
export class BoardService extends Construct {
  public readonly service: ecs.Ec2Service;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly logGroup: logs.LogGroup;
  public readonly taskDefinition: ecs.Ec2TaskDefinition;
  /** The rule that sends the deployable's paths to it. */
  public readonly routeRule: elbv2.CfnListenerRule;
  /** The rule that sends requests with the preview header to it. */
  public readonly previewRule: elbv2.ApplicationListenerRule;
  /** The custom resource between the service and the route rule. */
  public readonly healthyTargets: CfnResource;

  constructor(scope: Construct, id: string, props: BoardServiceProps) {
    super(scope, id);
    const { spec, host, listener } = props;
    const desiredCount = props.desiredCount ?? TASK_COUNT.default;
    if (!Number.isInteger(desiredCount) || desiredCount < TASK_COUNT.min || desiredCount > TASK_COUNT.max) {
      throw new Error(`BoardService ${spec.name}: desiredCount must be a whole number from ${TASK_COUNT.min} to ${TASK_COUNT.max}, got ${desiredCount}`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Both roles are assumed by ECS for this account's tasks only: "we recommend that you use the
    // aws:SourceAccount or aws:SourceArn condition keys ... to prevent the confused deputy security issue"
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html).
    const ecsTasks = () =>
      new iam.ServicePrincipal('ecs-tasks.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } });
    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      networkMode: ecs.NetworkMode.BRIDGE,
      // The app calls no AWS API: its role may do nothing.
      taskRole: new iam.Role(this, 'TaskRole', { assumedBy: ecsTasks(), description: `The ${spec.name} containers: may call no AWS API.` }),
      executionRole: new iam.Role(this, 'ExecutionRole', {
        assumedBy: ecsTasks(),
        description: `ECS for the ${spec.name} tasks: pulls its image, writes its logs.`,
      }),
    });
    this.taskDefinition.addContainer('App', {
      containerName: spec.name,
      // SERVICE is a build argument that the Dockerfile turns into the image's environment, so the task
      // definition carries no environment variables (cdk-nag ECS2) and each deployable has its own image.
      image: ecs.ContainerImage.fromAsset(props.appDir, {
        buildArgs: { SERVICE: spec.name },
        platform: Platform.LINUX_ARM64,
      }),
      // Placement reserves 64 MiB per task; a task may use up to 128 MiB (node's idle footprint is ~45 MiB).
      memoryReservationMiB: TASK_RESOURCES.memoryReservationMiB,
      memoryLimitMiB: TASK_RESOURCES.memoryLimitMiB,
      cpu: TASK_RESOURCES.cpu,
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: CONTAINER_PORT, hostPort: 0, protocol: ecs.Protocol.TCP }],
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: spec.name,
        // A slow CloudWatch Logs must never block the app's requests; a burst beyond the buffer is dropped.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
    });

    // The execution role (ECS pulls the image and ships logs with it) is created by the calls above:
    // ECR pull on the CDK asset repository and log writes to this log group only, plus:
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken takes no resource ARN (Service Authorization Reference); the image pull itself is limited to the CDK asset repository.',
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: host.cluster.vpc,
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay: TRAFFIC_TIMINGS.deregistrationDelay,
      healthCheck: {
        path: '/',
        // Each task's dynamic host port (cfn-lint E3049): the default, written out because the port varies.
        port: 'traffic-port',
        healthyHttpCodes: '200',
        interval: TRAFFIC_TIMINGS.healthCheckInterval,
        timeout: TRAFFIC_TIMINGS.healthCheckTimeout,
        healthyThresholdCount: TRAFFIC_TIMINGS.healthyThreshold,
        unhealthyThresholdCount: TRAFFIC_TIMINGS.unhealthyThreshold,
      },
    });

    this.previewRule = new elbv2.ApplicationListenerRule(this, 'PreviewRule', {
      listener,
      priority: spec.previewPriority,
      conditions: [elbv2.ListenerCondition.httpHeader(PREVIEW_HEADER, [spec.name])],
      targetGroups: [this.targetGroup],
    });

    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: host.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount,
      // Rolling deployments start new tasks first and stop old ones only once the new pass health checks.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: TRAFFIC_TIMINGS.healthCheckGracePeriod,
      capacityProviderStrategies: [{ capacityProvider: host.capacityProvider.capacityProviderName, weight: 1 }],
      // Fill one host before using another, so managed scaling can give back a second host.
      placementStrategies: [ecs.PlacementStrategy.packedByMemory()],
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    // The service's capacity provider strategy needs the provider associated with the cluster first, and
    // the association must outlive the service at teardown.
    this.service.node.addDependency(host.capacityProviderAssociation);
    // Registers the container's dynamic host port as an instance target, opens the load balancer's
    // security group to the host's on the ephemeral range, and makes the service depend on the preview rule.
    this.service.attachToApplicationTargetGroup(this.targetGroup);

    const gate = props.gate.gate(this, 'HealthyTargets', { targetGroup: this.targetGroup, minHealthy: desiredCount });
    this.healthyTargets = gate.node.defaultChild as CfnResource;
    this.healthyTargets.addResourceDependency(this.service.node.defaultChild as CfnResource);

    this.routeRule = new elbv2.CfnListenerRule(this, 'RouteRule', {
      listenerArn: listener.listenerArn,
      priority: spec.routePriority,
      conditions: [{ field: 'path-pattern', pathPatternConfig: { values: [...spec.pathPatterns] } }],
      actions: [{ type: 'forward', targetGroupArn: this.targetGroup.targetGroupArn }],
    });
    this.routeRule.addResourceDependency(this.healthyTargets);
  }
}
