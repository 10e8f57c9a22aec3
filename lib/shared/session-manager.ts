import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * What the SSM agent on an instance needs for Session Manager, and nothing else: register the instance
 * (`ssm:UpdateInstanceInformation`) and open the control and data channels a session runs over. This is
 * the whole of AWS's own Session-Manager-only instance policy (AWSCloud9SSMInstanceProfile:
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloud9SSMInstanceProfile.html), and
 * the instance permissions the Session Manager guide lists when sessions are neither logged to S3 nor
 * encrypted with KMS:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 * Unlike AmazonSSMManagedInstanceCore it grants no Run Command (unless asked: `RUN_COMMAND_AGENT_ACTIONS`),
 * no parameters, no documents, no inventory. None of these actions supports resource-level permissions,
 * hence `*`. The agent's own API calls, and which endpoint each serves, are listed in "Reference:
 * ec2messages, ssmmessages, and other API operations":
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html
 */
export const SESSION_MANAGER_AGENT_ACTIONS: readonly string[] = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

/**
 * What the agent also needs to run Run Command documents (`aws ssm send-command`): the Message Delivery
 * Service (ec2messages), through which it receives commands and returns their output when it does not use
 * the ssmmessages channels above (same reference page).
 */
export const RUN_COMMAND_AGENT_ACTIONS: readonly string[] = [
  'ec2messages:AcknowledgeMessage',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
  'ec2messages:GetMessages',
  'ec2messages:SendReply',
];

/** Options of `sessionManagerPolicy` and `acknowledgeSessionManagerWildcard`. */
export interface SessionManagerPolicyOptions {
  /**
   * Whether the instance also runs Run Command documents (`aws ssm send-command`).
   * @default false - Session Manager only
   */
  readonly runCommand?: boolean;
}

/** The one statement of the Session Manager policy. */
export function sessionManagerStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'SessionManager', actions: [...SESSION_MANAGER_AGENT_ACTIONS], resources: ['*'] });
}

/** The Run Command statement, added by `sessionManagerPolicy({ runCommand: true })`. */
export function runCommandStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'RunCommand', actions: [...RUN_COMMAND_AGENT_ACTIONS], resources: ['*'] });
}

/**
 * The inline policy document an instance role carries for Session Manager (`inlinePolicies: { SsmAgent:
 * sessionManagerPolicy() }`), and Run Command with `{ runCommand: true }`: inline, so it lives and dies
 * with the role and no other role can attach it. Acknowledge cdk-nag's finding on its `*` with
 * `acknowledgeSessionManagerWildcard(role, options)`.
 */
export function sessionManagerPolicy(options: SessionManagerPolicyOptions = {}): iam.PolicyDocument {
  return new iam.PolicyDocument({ statements: [sessionManagerStatement(), ...(options.runCommand ? [runCommandStatement()] : [])] });
}

/** cdk-nag's IAM5 finding on the Session Manager statement's `*`, acknowledged on `scope` (the role) only. */
export function acknowledgeSessionManagerWildcard(scope: IConstruct, options: SessionManagerPolicyOptions = {}): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: options.runCommand
      ? 'The SSM agent actions for Session Manager and Run Command (ssm:UpdateInstanceInformation, ssmmessages:*Channel, ec2messages:*) support no resource-level permissions.'
      : 'The Session Manager agent actions (ssm:UpdateInstanceInformation, ssmmessages:*Channel) support no resource-level permissions.',
  });
}
