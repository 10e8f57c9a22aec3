import { Stack } from 'aws-cdk-lib';
import { SSM_AGENT_ACTIONS, ssmAgentStatements } from '../../lib/shared/ssm-agent';

describe('ssmAgentStatements', () => {
  const json = (props?: Parameters<typeof ssmAgentStatements>[0]) => new Stack().resolve(ssmAgentStatements(props).map((s) => s.toStatementJson()));

  test("Session Manager only, by default: the agent's heartbeat and its session channels", () => {
    expect(json()).toEqual([
      {
        Sid: 'SessionManager',
        Effect: 'Allow',
        Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        Resource: '*',
      },
    ]);
  });

  test('with Run Command, the Message Delivery Service actions in a statement of their own', () => {
    const [, runCommand] = json({ runCommand: true });
    expect(runCommand).toEqual({ Sid: 'RunCommand', Effect: 'Allow', Action: [...SSM_AGENT_ACTIONS.runCommand], Resource: '*' });
    expect(runCommand.Action.every((a: string) => a.startsWith('ec2messages:'))).toBe(true);
  });

  test('never what AmazonSSMManagedInstanceCore adds beyond the agent: parameters, documents, inventory, associations', () => {
    const actions = [...SSM_AGENT_ACTIONS.sessionManager, ...SSM_AGENT_ACTIONS.runCommand];
    expect(actions.filter((a) => /^ssm:(Get|Put|Describe|List)|Association/.test(a))).toEqual([]);
  });
});
