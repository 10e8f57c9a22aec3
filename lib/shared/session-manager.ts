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
 * Unlike AmazonSSMManagedInstanceCore it grants no Run Command, no parameters, no documents, no inventory.
 * None of these actions supports resource-level permissions, hence `*`.
 */
export const SESSION_MANAGER_AGENT_ACTIONS: readonly string[] = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

/** The one statement of the Session Manager policy. */
export function sessionManagerStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'SessionManager', actions: [...SESSION_MANAGER_AGENT_ACTIONS], resources: ['*'] });
}

/**
 * The inline policy document an instance role carries for Session Manager (`inlinePolicies: { SsmAgent:
 * sessionManagerPolicy() }`): inline, so it lives and dies with the role and no other role can attach it.
 * Acknowledge cdk-nag's finding on its `*` with `acknowledgeSessionManagerWildcard(role)`.
 */
export function sessionManagerPolicy(): iam.PolicyDocument {
  return new iam.PolicyDocument({ statements: [sessionManagerStatement()] });
}

/** cdk-nag's IAM5 finding on the Session Manager statement's `*`, acknowledged on `scope` (the role) only. */
export function acknowledgeSessionManagerWildcard(scope: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'The Session Manager agent actions (ssm:UpdateInstanceInformation, ssmmessages:*Channel) support no resource-level permissions.',
  });
}
