import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What an EC2 instance's role needs so that the SSM Agent on it lets students in, and nothing more: the
 * narrow alternative to the AWS managed policy `AmazonSSMManagedInstanceCore`, which also grants
 * `ssm:GetParameter` and `ssm:GetParameters` on every parameter in the account (and documents, inventory,
 * patching and associations, which no lab uses).
 *
 * The actions are the agent's own API calls, as Systems Manager lists them in "Reference: ec2messages,
 * ssmmessages, and other API operations"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html):
 * - `ssm:UpdateInstanceInformation`: the agent's heartbeat, which registers the instance as managed;
 * - `ssmmessages:*Channel`: the channels Session Manager's sessions run on. Session Manager needs exactly
 *   these five ("Step 2: Verify or add instance permissions for Session Manager",
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-instance-profile.html);
 *   recent agents also take Run Command documents through them;
 * - `ec2messages:*`: the Message Delivery Service, through which the agent receives Run Command documents
 *   and returns their output when it does not use the channels above.
 * Each statement is on `*`, as in Systems Manager's own policies for instances (the Session Manager page
 * above, and `AmazonSSMManagedInstanceCore`): the ssmmessages and ec2messages actions have no resource
 * type to scope them to, and the instance that calls `ssm:UpdateInstanceInformation` is not known to its
 * role (the role exists before the instances that use it).
 */
export const SSM_AGENT_ACTIONS = {
  /** Session Manager: `aws ssm start-session`, its port forwarding and its SSH tunnel. */
  sessionManager: [
    'ssm:UpdateInstanceInformation',
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
  ],
  /** Run Command (`aws ssm send-command`), added to Session Manager's. */
  runCommand: [
    'ec2messages:AcknowledgeMessage',
    'ec2messages:DeleteMessage',
    'ec2messages:FailMessage',
    'ec2messages:GetEndpoint',
    'ec2messages:GetMessages',
    'ec2messages:SendReply',
  ],
} as const;

/** Properties of `ssmAgentStatements`. */
export interface SsmAgentStatementsProps {
  /**
   * Whether the instance also runs Run Command documents (`aws ssm send-command`).
   * @default false - Session Manager only
   */
  readonly runCommand?: boolean;
}

/**
 * The statements an instance role needs for Session Manager (and Run Command, if asked), with Sids that
 * say which is which. The cdk-nag finding on their `*` resource is for the caller to acknowledge, with
 * `SSM_AGENT_RESOURCE_REASON`.
 */
export function ssmAgentStatements(props: SsmAgentStatementsProps = {}): iam.PolicyStatement[] {
  const statements = [new iam.PolicyStatement({ sid: 'SessionManager', actions: [...SSM_AGENT_ACTIONS.sessionManager], resources: ['*'] })];
  if (props.runCommand) {
    statements.push(new iam.PolicyStatement({ sid: 'RunCommand', actions: [...SSM_AGENT_ACTIONS.runCommand], resources: ['*'] }));
  }
  return statements;
}

/** The true reason for the `*` resource of `ssmAgentStatements`, for cdk-nag's AwsSolutions-IAM5. */
export const SSM_AGENT_RESOURCE_REASON =
  "The SSM Agent's own calls (ssm:UpdateInstanceInformation, ssmmessages:*Channel and, for Run Command, ec2messages:*), on * as in Systems Manager's documented instance policies: the message actions have no resource type, and the role exists before the instances that call UpdateInstanceInformation. No other action is granted on *.";
