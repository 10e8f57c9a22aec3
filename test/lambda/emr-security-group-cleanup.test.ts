import { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { CleanupEvent, Ec2Api, makeHandler, rulesReferencingGroups } from '../../lambda/emr-security-group-cleanup';

const PRIMARY = 'sg-0aaa1111';
const CORE = 'sg-0bbb2222';

const event = (over: Partial<CleanupEvent> = {}): CleanupEvent => ({
  RequestType: 'Delete',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/HadoopLabStack/guid',
  RequestId: 'req-1',
  LogicalResourceId: 'NetworkSecurityGroupRuleCleanupResource',
  PhysicalResourceId: `emr-security-group-rules:${PRIMARY},${CORE}`,
  ResourceProperties: { SecurityGroupIds: [PRIMARY, CORE] },
  ...over,
});

/** The rules EMR adds to its managed groups in a public subnet, plus the egress rule the stack owns. */
function emrRules(): Record<string, SecurityGroupRule[]> {
  const rule = (id: string, groupId: string, egress: boolean, ref?: string, cidr?: string): SecurityGroupRule => ({
    SecurityGroupRuleId: id,
    GroupId: groupId,
    IsEgress: egress,
    IpProtocol: ref ? 'tcp' : '-1',
    ...(ref ? { ReferencedGroupInfo: { GroupId: ref } } : {}),
    ...(cidr ? { CidrIpv4: cidr } : {}),
  });
  return {
    [PRIMARY]: [
      rule('sgr-p-self', PRIMARY, false, PRIMARY),
      rule('sgr-p-from-core', PRIMARY, false, CORE),
      rule('sgr-p-8443', PRIMARY, false, undefined, '52.95.0.0/16'),
      rule('sgr-p-egress', PRIMARY, true, undefined, '0.0.0.0/0'),
    ],
    [CORE]: [
      rule('sgr-c-self', CORE, false, CORE),
      rule('sgr-c-from-primary', CORE, false, PRIMARY),
      rule('sgr-c-egress-to-primary', CORE, true, PRIMARY),
      rule('sgr-c-egress', CORE, true, undefined, '0.0.0.0/0'),
    ],
  };
}

/** A fake EC2 that keeps the rules and records every call. */
function fakeEc2(rules = emrRules(), fail?: { groupId: string; name: string }) {
  const calls: string[] = [];
  const api: Ec2Api = {
    async describeRules(groupId) {
      calls.push(`describe ${groupId}`);
      if (fail?.groupId === groupId) throw Object.assign(new Error(`${fail.name} for ${groupId}`), { name: fail.name });
      return rules[groupId] ?? [];
    },
    async revokeIngress(groupId, ids) {
      calls.push(`revoke-ingress ${groupId} ${ids.join(',')}`);
      rules[groupId] = rules[groupId].filter((r) => !ids.includes(r.SecurityGroupRuleId!));
    },
    async revokeEgress(groupId, ids) {
      calls.push(`revoke-egress ${groupId} ${ids.join(',')}`);
      rules[groupId] = rules[groupId].filter((r) => !ids.includes(r.SecurityGroupRuleId!));
    },
  };
  return { api, calls, rules };
}

async function run(e: CleanupEvent, ec2: Ec2Api) {
  const puts: Array<{ url: string; body: any }> = [];
  await makeHandler({ ec2, put: async (url, body) => void puts.push({ url, body: JSON.parse(body) }) })(e);
  expect(puts).toHaveLength(1);
  return puts[0];
}

beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

test('picks the rules that reference a security group, by direction', () => {
  expect(rulesReferencingGroups(emrRules()[CORE])).toEqual({
    ingress: ['sgr-c-self', 'sgr-c-from-primary'],
    egress: ['sgr-c-egress-to-primary'],
  });
});

test('Delete revokes every rule between the groups, leaves address rules, and answers SUCCESS', async () => {
  const ec2 = fakeEc2();
  const { url, body } = await run(event(), ec2.api);
  expect(url).toBe('https://example.invalid/response');
  expect(body).toEqual({
    Status: 'SUCCESS',
    StackId: event().StackId,
    RequestId: 'req-1',
    LogicalResourceId: 'NetworkSecurityGroupRuleCleanupResource',
    PhysicalResourceId: `emr-security-group-rules:${PRIMARY},${CORE}`,
  });
  expect(ec2.calls).toEqual([
    `describe ${PRIMARY}`,
    `revoke-ingress ${PRIMARY} sgr-p-self,sgr-p-from-core`,
    `describe ${CORE}`,
    `revoke-ingress ${CORE} sgr-c-self,sgr-c-from-primary`,
    `revoke-egress ${CORE} sgr-c-egress-to-primary`,
  ]);
  // Nothing references a group any more, so EC2 can delete both; the address rules go with their group.
  const left = Object.values(ec2.rules).flat();
  expect(left.filter((r) => r.ReferencedGroupInfo)).toEqual([]);
  expect(left.map((r) => r.SecurityGroupRuleId)).toEqual(['sgr-p-8443', 'sgr-p-egress', 'sgr-c-egress']);
});

test('a group already gone is skipped, the other still cleaned', async () => {
  const ec2 = fakeEc2(emrRules(), { groupId: PRIMARY, name: 'InvalidGroup.NotFound' });
  const { body } = await run(event(), ec2.api);
  expect(body.Status).toBe('SUCCESS');
  expect(ec2.calls).toContain(`revoke-ingress ${CORE} sgr-c-self,sgr-c-from-primary`);
});

test('any other EC2 error answers FAILED with the reason, instead of leaving CloudFormation waiting', async () => {
  const ec2 = fakeEc2(emrRules(), { groupId: CORE, name: 'UnauthorizedOperation' });
  const { body } = await run(event(), ec2.api);
  expect(body).toMatchObject({ Status: 'FAILED', Reason: `UnauthorizedOperation for ${CORE}` });
});

test('Create and Update change nothing and name the resource after its groups', async () => {
  for (const RequestType of ['Create', 'Update'] as const) {
    const ec2 = fakeEc2();
    const { body } = await run(event({ RequestType, PhysicalResourceId: RequestType === 'Create' ? undefined : 'old' }), ec2.api);
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `emr-security-group-rules:${PRIMARY},${CORE}` });
    expect(ec2.calls).toEqual([]);
  }
});

test('bad properties fail a Create, but never block the Delete that rolls it back', async () => {
  const ec2 = fakeEc2();
  const created = await run(event({ RequestType: 'Create', PhysicalResourceId: undefined, ResourceProperties: { SecurityGroupIds: 'sg-1' } }), ec2.api);
  expect(created.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('SecurityGroupIds must be') });
  const deleted = await run(event({ ResourceProperties: { SecurityGroupIds: [] } }), ec2.api);
  expect(deleted.body.Status).toBe('SUCCESS');
  expect(ec2.calls).toEqual([]);
});
