/**
 * Custom resource that lets CloudFormation delete the EMR-managed security groups of a lab.
 *
 * EMR adds rules to the security groups it manages at run time, and some of them name the other group
 * (the primary's group lets the core group in, and the reverse). CloudFormation does not know those
 * rules, and EC2 refuses to delete a group that another group's rule still references, so `cdk destroy`
 * would end in DELETE_FAILED. The stack deletes this resource after the cluster has terminated and before
 * the groups; on Delete it revokes every rule of the groups that references a security group, which is
 * exactly what blocks their deletion. Rules on addresses (CIDR ranges) are left to go with their group.
 *
 * Create and Update do nothing. The physical id is the list of groups, so CloudFormation only deletes an
 * old copy of this resource when the groups themselves were replaced.
 *
 * It speaks the CloudFormation custom resource protocol directly (a PUT of the result to the pre-signed
 * `ResponseURL`), like `lambda/expiry`.
 */
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { putResponse } from '../shared/cloudformation-response';

/** The fields of a CloudFormation custom resource event that this handler reads. */
export interface CleanupEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly SecurityGroupIds?: unknown };
}

/** The EC2 calls the handler makes, so tests can give it a fake. */
export interface Ec2Api {
  describeRules(groupId: string): Promise<SecurityGroupRule[]>;
  revokeIngress(groupId: string, ruleIds: string[]): Promise<void>;
  revokeEgress(groupId: string, ruleIds: string[]): Promise<void>;
}

type Put = (url: string, body: string) => Promise<void>;

/** The rules of one group that reference a security group, split by direction. */
export function rulesReferencingGroups(rules: readonly SecurityGroupRule[]): { ingress: string[]; egress: string[] } {
  const referencing = rules.filter((r) => r.ReferencedGroupInfo?.GroupId && r.SecurityGroupRuleId);
  return {
    ingress: referencing.filter((r) => !r.IsEgress).map((r) => r.SecurityGroupRuleId!),
    egress: referencing.filter((r) => r.IsEgress).map((r) => r.SecurityGroupRuleId!),
  };
}

/** Revokes every group-referencing rule of each group; a group that no longer exists is skipped. */
export async function revokeGroupReferences(ec2: Ec2Api, groupIds: readonly string[]): Promise<string[]> {
  const revoked: string[] = [];
  for (const groupId of groupIds) {
    try {
      const { ingress, egress } = rulesReferencingGroups(await ec2.describeRules(groupId));
      if (ingress.length > 0) await ec2.revokeIngress(groupId, ingress);
      if (egress.length > 0) await ec2.revokeEgress(groupId, egress);
      revoked.push(...ingress, ...egress);
    } catch (err) {
      if ((err as { name?: string }).name === 'InvalidGroup.NotFound') continue;
      throw err;
    }
  }
  return revoked;
}

/** The group ids the resource was given, or `undefined` when they are not a non-empty list of `sg-` ids. */
function groupIdsOf(event: CleanupEvent): string[] | undefined {
  const ids = event.ResourceProperties.SecurityGroupIds;
  const valid = Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string' && /^sg-[0-9a-f]+$/.test(id));
  return valid ? (ids as string[]) : undefined;
}

/** Builds the handler with EC2 and the transport injectable, so tests exercise the real logic. */
export function makeHandler(deps: { ec2: Ec2Api; put: Put }) {
  return async (event: CleanupEvent): Promise<void> => {
    const groupIds = groupIdsOf(event);
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: event.PhysicalResourceId ?? `emr-security-group-rules-${event.RequestId}`,
    };
    let response: Record<string, unknown>;
    try {
      if (event.RequestType === 'Delete') {
        // A resource whose Create was refused (bad properties) has nothing to clean up: let its rollback pass.
        const revoked = groupIds ? await revokeGroupReferences(deps.ec2, groupIds) : [];
        console.log(JSON.stringify({ groupIds, revoked }));
        response = { ...base, Status: 'SUCCESS' };
      } else {
        if (!groupIds) {
          throw new Error(
            `SecurityGroupIds must be a non-empty list of security group ids, got ${JSON.stringify(event.ResourceProperties.SecurityGroupIds)}`,
          );
        }
        response = { ...base, PhysicalResourceId: `emr-security-group-rules:${groupIds.join(',')}`, Status: 'SUCCESS' };
      }
    } catch (err) {
      // A FAILED response makes CloudFormation stop with this reason instead of waiting for a timeout.
      // On Delete that leaves the stack in DELETE_FAILED, and `cdk destroy` can simply be run again.
      response = { ...base, Status: 'FAILED', Reason: err instanceof Error ? err.message : String(err) };
    }
    console.log(JSON.stringify({ requestType: event.RequestType, response }));
    await deps.put(event.ResponseURL, JSON.stringify(response));
  };
}

/** The EC2 API through the AWS SDK, which the Lambda runtime provides; the client is made on first use. */
function sdkEc2(): Ec2Api {
  let ec2: EC2Client | undefined;
  const client = { send: ((command: never) => (ec2 ??= new EC2Client({})).send(command)) as EC2Client['send'] };
  return {
    async describeRules(groupId) {
      const rules: SecurityGroupRule[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], NextToken }),
        );
        rules.push(...(page.SecurityGroupRules ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return rules;
    },
    async revokeIngress(groupId, ruleIds) {
      await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ruleIds }));
    },
    async revokeEgress(groupId, ruleIds) {
      await client.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: ruleIds }));
    },
  };
}

export const handler = makeHandler({ ec2: sdkEc2(), put: putResponse });
