import * as path from 'path';
import {
  AspectPriority,
  Aspects,
  CfnResource,
  CustomResource,
  DefaultStackSynthesizer,
  Duration,
  IAspect,
  RemovalPolicy,
  Stack,
  TimeZone,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct, IConstruct } from 'constructs';
import { EXPIRY_RETRY_HOURS } from '../../lambda/expiry';
import { LabFunction } from './lab-function';
import { referencedLogicalIds, renderedResource } from './rendered';
import { isValidTtlHours, TTL_HOURS } from './settings';

/**
 * How long CloudFormation waits for the expiry function's answer before it fails the deploy (or the
 * `cdk destroy`), instead of its default hour. The handler does nothing but some arithmetic and one PUT of
 * its answer; if it crashes, CloudFormation's asynchronous invocation is retried by Lambda twice, about one
 * and then two minutes later, each run at most 30 s (its timeout): five minutes covers all three attempts.
 */
export const EXPIRY_SERVICE_TIMEOUT = Duration.minutes(5);

/** Properties of a `LabExpiry`. */
export interface LabExpiryProps {
  /**
   * Hours after deployment at which the stack deletes itself. Changing it on a redeploy sets a new
   * expiry counted from that redeploy. (To never expire, do not create a `LabExpiry`.)
   */
  readonly ttlHours: number;
}

/**
 * Deletes the stack it belongs to `ttlHours` after deployment, so a forgotten lab stops costing money.
 *
 * How: a custom resource (`lambda/expiry`) computes "now + ttlHours" when the stack is created, and again
 * whenever `ttlHours` changes, and a one-time EventBridge Scheduler schedule calls CloudFormation
 * `DeleteStack` on this stack at that time. The template itself holds no timestamp, so synthesis is
 * deterministic.
 *
 * When the clock starts: the custom resource depends on every other resource of the stack (see
 * `StartClockLast`), so CloudFormation runs it only once the rest of the lab exists; a CloudFront
 * distribution or a cluster that takes many minutes to create does not eat into `ttlHours`. No resource of
 * the lab may therefore use `expiresAt` (that would be a dependency cycle, refused at synth): show it in an
 * output.
 *
 * Why a one-time `at()` schedule and not `rate(N hours)`: the Scheduler guide says "If you do not provide a
 * StartDate for a rate-based schedule, your schedule starts invoking the target immediately"
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based), which would
 * delete the lab right after deploy, and a StartDate would put a timestamp in the template. The same page
 * (#one-time): "A one-time schedule is a schedule that invokes a target only once", at "the time, date, and
 * time zone" you specify. That time is `ttlHours` (at least one) after the custom resource ran, rounded up
 * to the minute, so the first and only invocation is never earlier than one hour after deployment.
 *
 * Why the schedule's completion action stays NONE (the default; `AWS::Scheduler::Schedule` has no
 * `ActionAfterCompletion` property, so CloudFormation always creates schedules with it): with `DELETE`,
 * "EventBridge Scheduler deletes the schedule after its last target invocation. For one-time schedules,
 * this occurs after the schedule has invoked its target once", and "if all retries are exhausted because of
 * failure for a schedule configured with automatic deletion, the schedule is deleted shortly after the last
 * unsuccessful attempt" (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-delete.html
 * and the Scheduler launch post for the feature). The schedule is a resource of the very stack it deletes:
 * when the deletion goes through, CloudFormation deletes the schedule (and then its group) itself, so
 * `DELETE` would add nothing but a race with CloudFormation's own delete. When the deletion is refused (the
 * stack is mid-deploy at that minute, every retry) the stack stays up, and `DELETE` would then have removed
 * a resource behind CloudFormation's back: the stack would show a schedule that no longer exists, and the
 * next redeploy that changes `ttlHours` would try to update a schedule that is gone. With NONE, a completed
 * one-time schedule stays in the lab's group doing nothing, and goes with the stack.
 *
 * Why a second schedule, `EXPIRY_RETRY_HOURS` later (`retrySchedule`): CloudFormation refuses DeleteStack
 * while the stack is mid-update (a ValidationError, an API error), and a lab must not keep billing because one
 * call at its expiry minute was refused. Scheduler's retry policy is no proof of a second call: its
 * documentation says only that it retries "when EventBridge Scheduler is unable to deliver an event
 * successfully to a target" and sends events to a dead-letter queue "after the retry policy has been
 * exhausted" (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule.html,
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html); it nowhere says which
 * errors of a universal target's API it retries. A second one-time schedule is a documented, unconditional
 * second invocation ("a one-time schedule ... invokes a target only once", at its time). If the first call
 * worked, CloudFormation deletes the retry schedule with the rest of the stack before it fires; if it was
 * refused, or the deletion ended in DELETE_FAILED (DeleteStack retries a failed deletion), the second call
 * comes an hour later, when a deploy that was running is long over. It costs nothing while it waits
 * (Scheduler bills invocations, not schedules: https://aws.amazon.com/eventbridge/pricing/), and it is a resource of the stack, deleted with it. `labs
 * extend` moves both schedules, keeping the hour between them.
 *
 * Permissions: the schedules live in a schedule group of its own, created and deleted with the stack, and
 * runs as a role of its own that only schedules of that group, in this account, can assume. Scheduler's
 * confused-deputy guide: "The value of aws:SourceArn must be your EventBridge Scheduler schedule group ARN
 * ... Do not scope the aws:SourceArn statement to a specific schedule"
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
 * The role may call `cloudformation:DeleteStack` on this one stack ARN and nothing else (it is not
 * aws-scheduler-targets' shared default role, which every default-group schedule of the account could
 * assume and which collects the permissions of every schedule that uses it). CloudFormation then deletes
 * the resources with the service role the stack was deployed with (the CDK bootstrap's execution role):
 * "If you don't specify a value, CloudFormation uses the role that was previously associated with the
 * stack" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html). Hence
 * the synth-time check that the stack is deployed through CDK's DefaultStackSynthesizer with that role
 * (`selfDeletionProblems`): without one, DeleteStack would run with the schedule's narrow role and fail on
 * every resource.
 */
export class LabExpiry extends Construct {
  /** When the stack deletes itself, as an ISO 8601 UTC timestamp (resolved at deploy time). For outputs only. */
  public readonly expiresAt: string;
  /** The custom resource that computes the expiry time; it waits for every other resource of the stack. */
  public readonly clock: CustomResource;
  /** The schedule that deletes the stack. */
  public readonly schedule: scheduler.Schedule;
  /** The second try, `EXPIRY_RETRY_HOURS` after `schedule`, for a first DeleteStack call that CloudFormation refused. */
  public readonly retrySchedule: scheduler.Schedule;
  /** The stack's own schedule group, holding only the expiry schedule. */
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The role the schedule runs as: `cloudformation:DeleteStack` on this stack, assumable from the group only. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LabExpiryProps) {
    super(scope, id);
    if (!isValidTtlHours(props.ttlHours) || props.ttlHours === 0) {
      throw new Error(`LabExpiry ttlHours must be a whole number from 1 to ${TTL_HOURS.max} (to never expire, create no LabExpiry), got ${props.ttlHours}`);
    }
    const stack = Stack.of(this);
    this.node.addValidation({ validate: () => [...selfDeletionProblems(stack), ...expiryUsers(stack, this)] });

    const timeFunction = new LabFunction(this, 'ExpiryTime', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'expiry', 'index.ts'),
      description: 'Works out when this course lab deletes itself (now + ttlHours).',
    });
    this.clock = new CustomResource(this, 'ExpiryTimeResource', {
      serviceToken: timeFunction.function.functionArn,
      resourceType: 'Custom::LabExpiryTime',
      properties: { TtlHours: props.ttlHours },
      serviceTimeout: EXPIRY_SERVICE_TIMEOUT,
    });
    this.expiresAt = this.clock.getAttString('ExpiresAt');

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', { removalPolicy: RemovalPolicy.DESTROY });
    this.role = new iam.Role(this, 'DeleteStackRole', {
      description: `Lets the expiry schedule of ${stack.stackName} delete that stack, and nothing else.`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    const deleteStack = (id: string, description: string, expressionAttribute: string) => {
      const schedule = new scheduler.Schedule(this, id, {
        description,
        scheduleGroup: this.scheduleGroup,
        schedule: scheduler.ScheduleExpression.expression(this.clock.getAttString(expressionAttribute), TimeZone.ETC_UTC),
        target: new targets.Universal({
          service: 'cloudformation',
          action: 'deleteStack',
          input: scheduler.ScheduleTargetInput.fromObject({ StackName: stack.stackId }),
          role: this.role,
          policyStatements: [new iam.PolicyStatement({ actions: ['cloudformation:DeleteStack'], resources: [stack.stackId] })],
        }),
      });
      // The schedule names its group by a literal name, which gives CloudFormation no order: create the group
      // first and delete it last.
      schedule.node.addDependency(this.scheduleGroup);
      return schedule;
    };
    this.schedule = deleteStack(
      'DeleteStackSchedule',
      `Deletes this course lab's CloudFormation stack ${props.ttlHours} h after it was deployed.`,
      'ScheduleExpression',
    );
    this.retrySchedule = deleteStack(
      'DeleteStackRetrySchedule',
      `Deletes this course lab's CloudFormation stack again ${EXPIRY_RETRY_HOURS} h after its expiry, in case the first call was refused.`,
      'RetryScheduleExpression',
    );

    // After every other aspect, so resources that aspects add are waited for too.
    Aspects.of(stack).add(new StartClockLast(this.clock, this), { priority: AspectPriority.READONLY - 1 });
  }
}

/**
 * Makes the expiry clock (the custom resource) depend on every top-level construct of the stack except the
 * expiry itself, so that CloudFormation computes "now + ttlHours" only once the rest of the lab exists.
 *
 * The dependency is declared between constructs and turned into `DependsOn` by aws-cdk-lib after all aspects
 * have run, on every resource under each construct at that time. The expiry's own function, role, log group,
 * schedule, group and role are excluded (the clock needs its function; the schedule needs the clock's
 * answer), and so is any nested stack (its resource in this stack is a sibling construct, which is covered).
 */
export class StartClockLast implements IAspect {
  constructor(private readonly clock: CustomResource, private readonly expiry: Construct) {}

  public visit(node: IConstruct): void {
    const stack = Stack.of(this.expiry);
    if (node.node.scope !== stack || node === this.expiry || Stack.isStack(node)) return;
    this.clock.node.addDependency(node);
  }
}

/**
 * Why the stack could not delete itself, if it could not: DeleteStack called by the schedule's narrow role
 * only works if CloudFormation has an execution role on record for the stack, which the CDK CLI passes on
 * every deploy when the stack uses `DefaultStackSynthesizer` with a `cloudFormationExecutionRole` (its
 * default is the bootstrap's `cdk-<qualifier>-cfn-exec-role-...`). Other synthesizers
 * (`CliCredentialsStackSynthesizer`, `LegacyStackSynthesizer`, ...) deploy with the caller's credentials and
 * leave no role on record.
 */
export function selfDeletionProblems(stack: Stack): string[] {
  const synthesizer = stack.synthesizer;
  const role = synthesizer instanceof DefaultStackSynthesizer ? synthesizer.cloudFormationExecutionRole : undefined;
  if (role) return [];
  const what =
    synthesizer instanceof DefaultStackSynthesizer
      ? 'a DefaultStackSynthesizer without a cloudFormationExecutionRole'
      : `${synthesizer.constructor.name}, not CDK's DefaultStackSynthesizer`;
  return [
    `${stack.node.path} deletes itself after ttlHours, which needs CloudFormation to hold an execution role for the stack, ` +
      `but the stack is synthesized with ${what}: the expiry schedule's DeleteStack would run with its own narrow role and fail on every resource. ` +
      'Use the default synthesizer (with its cloudFormationExecutionRole), or set ttlHours to 0.',
  ];
}

/** Resources outside the expiry that use its clock or schedule: each would be a dependency cycle. */
function expiryUsers(stack: Stack, expiry: LabExpiry): string[] {
  const own = new Set(expiry.node.findAll().filter(CfnResource.isCfnResource).map((r) => stack.resolve(r.logicalId)));
  const clockId = stack.resolve((expiry.clock.node.defaultChild as CfnResource).logicalId);
  const scheduleIds = [expiry.schedule, expiry.retrySchedule].map((s) => stack.resolve((s.node.defaultChild as CfnResource).logicalId));
  const problems: string[] = [];
  for (const resource of stack.node.findAll().filter(CfnResource.isCfnResource)) {
    const id = stack.resolve(resource.logicalId);
    if (own.has(id)) continue;
    const used = referencedLogicalIds(renderedResource(resource));
    if (used.has(clockId) || scheduleIds.some((id) => used.has(id))) {
      problems.push(
        `${resource.node.path} (${resource.cfnResourceType}) uses the lab's expiry time, but the expiry starts only once every other ` +
          'resource exists (so that ttlHours counts from when the lab is ready): that is a dependency cycle. Show the expiry in a stack output instead.',
      );
    }
  }
  return problems;
}
