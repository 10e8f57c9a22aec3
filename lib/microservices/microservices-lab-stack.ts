import * as path from 'path';
import { Aws, CfnOutput, Duration, Fn, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { publicLabVpc } from '../shared/public-lab-vpc';
import { BoardHost } from './board-host';
import { BoardService } from './board-service';
import { HealthyTargetsGate } from './healthy-targets-gate';
import { BOARD_PHASES, BoardPhase, DEPLOYABLES, deployablesIn, nextPhase, PREVIEW_HEADER, TASK_COUNT, TaskCounts } from './phases';

/** The message board's code: one Dockerfile, built once per deployable. */
export const BOARD_APP_DIR = path.join(__dirname, 'app');

/** Course lab 4. */
export const MICROSERVICES_LAB: LabInfo = { id: 'microservices', title: 'Monolith to microservices on ECS' };

/** The load balancer's idle timeout; the app keeps idle connections open longer (app/src/server.js). */
export const LOAD_BALANCER_IDLE_TIMEOUT = Duration.seconds(60);

/** The npm script that checks for Docker and deploys this stack (`lib/microservices/deploy.ts`). */
export const DEPLOY_SCRIPT = 'npm run deploy:microservices --';

/** Properties of a `MicroservicesLabStack`. */
export interface MicroservicesLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * `monolith`: one service runs the whole board. `split`: the three microservices run beside it and
   * take their paths. `microservices`: the monolith is removed.
   * @default 'monolith'
   */
  readonly phase?: BoardPhase;
  /**
   * Tasks per deployable, each from 1 to 3; only the deployables of the phase are read.
   * @default 1 each
   */
  readonly taskCounts?: Partial<TaskCounts>;
}

/**
 * Lab 4, "Break a monolith into microservices": the message board runs on ECS behind an Application Load
 * Balancer, first as a monolith, then beside its three microservices, then as microservices only.
 * Each phase is a redeploy of this stack with `-c phase=...`, and moving between phases fails no request
 * (`board-service.ts` orders the resources; the lab guide explains why it works).
 * The walkthrough is `lib/microservices/README.md`.
 */
export class MicroservicesLabStack extends LabStack {
  public readonly phase: BoardPhase;
  /** The deployables of this phase, by name. */
  public readonly services: ReadonlyMap<string, BoardService>;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTP listener: a 404 default action, and the deployables' rules. */
  public readonly listener: elbv2.ApplicationListener;
  public readonly host: BoardHost;

  constructor(scope: Construct, id: string, props: MicroservicesLabStackProps = {}) {
    super(scope, id, { ...props, lab: MICROSERVICES_LAB });
    const phase = props.phase ?? 'monolith';
    if (!BOARD_PHASES.includes(phase)) throw new Error(`${id}: phase must be one of ${BOARD_PHASES.join(', ')}, got ${JSON.stringify(phase)}`);
    this.phase = phase;
    for (const [name, count] of Object.entries(props.taskCounts ?? {})) {
      if (!DEPLOYABLES.some((d) => d.name === name)) throw new Error(`${id}: taskCounts has no deployable ${JSON.stringify(name)}`);
      if (!Number.isInteger(count) || count! < TASK_COUNT.min || count! > TASK_COUNT.max) {
        throw new Error(`${id}: taskCounts.${name} must be a whole number from ${TASK_COUNT.min} to ${TASK_COUNT.max}, got ${count}`);
      }
    }

    const vpc = publicLabVpc(this, 'Vpc', {
      cidr: '10.40.0.0/16',
      maxAzs: 2, // an Application Load Balancer needs two Availability Zones
      noFlowLogsReason:
        "A lab VPC that lives a few hours: the exercise watches traffic through the target groups' metrics and target health; flow logs would add a delivery role and per-GB log ingestion that nobody reads.",
    });

    this.host = new BoardHost(this, 'Host', { vpc });

    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'Microservices lab load balancer: HTTP from anywhere; out only to the ECS host',
      allowAllOutbound: false, // egress to the host's ephemeral ports is added as target groups attach
    });
    loadBalancerSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'The message board, public over HTTP');
    Validations.of(loadBalancerSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The message board is a public web API on port 80; this is the only open rule, on the load balancer alone.',
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      securityGroup: loadBalancerSecurityGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      idleTimeout: LOAD_BALANCER_IDLE_TIMEOUT,
      dropInvalidHeaderFields: true,
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        "The lab watches traffic move with the target groups' RequestCount metrics and each service's logs; access logs arrive in 5-minute batches and would add a bucket to empty at teardown.",
    });

    this.listener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false, // the security group above already admits port 80
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: JSON.stringify({ error: 'No route: the message board API is under /api/ (try /api/users).' }),
      }),
    });

    const gate = new HealthyTargetsGate(this, 'HealthyTargetsGate');
    const services = new Map<string, BoardService>();
    for (const spec of deployablesIn(phase)) {
      services.set(
        spec.name,
        new BoardService(this, spec.constructId, {
          spec,
          host: this.host,
          listener: this.listener,
          gate,
          appDir: BOARD_APP_DIR,
          desiredCount: props.taskCounts?.[spec.name],
        }),
      );
    }
    this.services = services;

    this.addOutputs(phase, services);
  }

  private addOutputs(phase: BoardPhase, services: ReadonlyMap<string, BoardService>): void {
    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const running = deployablesIn(phase);
    const region = `--region ${Aws.REGION}`;

    out('MessageBoardUrl', 'The message board, through the load balancer (HTTP). Try /api/users.', `http://${this.loadBalancer.loadBalancerDnsName}`);
    out(
      'Phase',
      'What this deploy runs.',
      `${phase}: ${running.map((d) => `${d.title} (${d.pathPatterns.join(', ')})`).join('; ')}. Call one directly with the header ${PREVIEW_HEADER}: <name>.`,
    );
    out('ClusterName', 'The ECS cluster.', this.host.cluster.clusterName);
    out('ListenerArn', "The load balancer's HTTP listener, whose rules route the board's paths.", this.listener.listenerArn);
    out('LoadBalancerFullName', 'The load balancer as CloudWatch metrics name it (dimension LoadBalancer).', this.loadBalancer.loadBalancerFullName);
    for (const spec of running) {
      const s = services.get(spec.name)!;
      out(`${spec.outputPrefix}ServiceName`, `The ECS service of ${spec.title}.`, s.service.serviceName);
      out(`${spec.outputPrefix}TargetGroupArn`, `The target group of ${spec.title}.`, s.targetGroup.targetGroupArn);
      out(
        `${spec.outputPrefix}TargetGroupFullName`,
        `The target group of ${spec.title} as CloudWatch metrics name it (dimension TargetGroup).`,
        s.targetGroup.targetGroupFullName,
      );
      out(`${spec.outputPrefix}LogGroup`, `The container logs of ${spec.title}.`, s.logGroup.logGroupName);
    }
    out(
      'TargetHealthCommand',
      'Prints the health of every target of every target group in this phase.',
      Fn.join(
        '; ',
        running.map(
          (spec) =>
            `aws elbv2 describe-target-health --target-group-arn ${services.get(spec.name)!.targetGroup.targetGroupArn} ${region} ` +
            `--query 'TargetHealthDescriptions[].[\`${spec.name}\`,Target.Id,Target.Port,TargetHealth.State]' --output text`,
        ),
      ),
    );
    const next = nextPhase(phase);
    out(
      'NextPhaseCommand',
      'The redeploy that moves the lab to its next phase, with the same other settings.',
      next
        ? `${DEPLOY_SCRIPT}${this.settingsArgs({ phase: next })}`
        : `None: microservices is the last phase. To scale a service: ${DEPLOY_SCRIPT}${this.settingsArgs({ usersTaskCount: '2' })}`,
    );
  }
}
