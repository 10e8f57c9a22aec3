import * as path from 'path';
import { CustomResource, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { LabFunction } from './lab-function';
import { isValidTtlHours, TTL_HOURS } from './settings';

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
 * Why a one-time `at()` schedule and not `rate(N hours)`: the Scheduler guide says "If you do not provide a
 * StartDate for a rate-based schedule, your schedule starts invoking the target immediately"
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based), which would
 * delete the lab right after deploy, and a StartDate would put a timestamp in the template. The same page
 * (#one-time): "A one-time schedule is a schedule that invokes a target only once", at "the time, date, and
 * time zone" you specify. That time is `ttlHours` (at least one) after the custom resource ran, rounded up
 * to the minute, so the first and only invocation is never earlier than one hour after deployment.
 *
 * Permissions: the schedule's role may call `cloudformation:DeleteStack` on this one stack ARN and nothing
 * else. CloudFormation then deletes the resources with the service role the stack was deployed with (the
 * CDK bootstrap's execution role): "If you don't specify a value, CloudFormation uses the role that was
 * previously associated with the stack"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html).
 */
export class LabExpiry extends Construct {
  /** When the stack deletes itself, as an ISO 8601 UTC timestamp (resolved at deploy time). */
  public readonly expiresAt: string;
  /** The schedule that deletes the stack. */
  public readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: LabExpiryProps) {
    super(scope, id);
    if (!isValidTtlHours(props.ttlHours) || props.ttlHours === 0) {
      throw new Error(`LabExpiry ttlHours must be a whole number from 1 to ${TTL_HOURS.max} (to never expire, create no LabExpiry), got ${props.ttlHours}`);
    }
    const stack = Stack.of(this);

    const timeFunction = new LabFunction(this, 'ExpiryTime', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'expiry', 'index.ts'),
      description: 'Works out when this course lab deletes itself (now + ttlHours).',
    });
    const expiryTime = new CustomResource(this, 'ExpiryTimeResource', {
      serviceToken: timeFunction.function.functionArn,
      resourceType: 'Custom::LabExpiryTime',
      properties: { TtlHours: props.ttlHours },
    });
    this.expiresAt = expiryTime.getAttString('ExpiresAt');

    this.schedule = new scheduler.Schedule(this, 'DeleteStackSchedule', {
      description: `Deletes this course lab's CloudFormation stack ${props.ttlHours} h after it was deployed.`,
      schedule: scheduler.ScheduleExpression.expression(expiryTime.getAttString('ScheduleExpression'), TimeZone.ETC_UTC),
      target: new targets.Universal({
        service: 'cloudformation',
        action: 'deleteStack',
        input: scheduler.ScheduleTargetInput.fromObject({ StackName: stack.stackId }),
        policyStatements: [
          new iam.PolicyStatement({ actions: ['cloudformation:DeleteStack'], resources: [stack.stackId] }),
        ],
      }),
    });
  }
}
