import { Stack } from 'aws-cdk-lib';
import { RUN_COMMAND_AGENT_ACTIONS, SESSION_MANAGER_AGENT_ACTIONS, sessionManagerPolicy } from '../../lib/shared/session-manager';

describe('sessionManagerPolicy', () => {
  const json = (options?: Parameters<typeof sessionManagerPolicy>[0]) => new Stack().resolve(sessionManagerPolicy(options).toJSON());

  test("Session Manager only, by default: the agent's heartbeat and its session channels", () => {
    expect(json().Statement).toEqual([
      {
        Sid: 'SessionManager',
        Effect: 'Allow',
        Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        Resource: '*',
      },
    ]);
  });

  test('with Run Command, the Message Delivery Service actions in a statement of their own', () => {
    const [, runCommand] = json({ runCommand: true }).Statement;
    expect(runCommand).toEqual({ Sid: 'RunCommand', Effect: 'Allow', Action: [...RUN_COMMAND_AGENT_ACTIONS], Resource: '*' });
    expect(runCommand.Action.every((a: string) => a.startsWith('ec2messages:'))).toBe(true);
  });

  test('never what AmazonSSMManagedInstanceCore adds beyond the agent: parameters, documents, inventory, associations', () => {
    const actions = [...SESSION_MANAGER_AGENT_ACTIONS, ...RUN_COMMAND_AGENT_ACTIONS];
    expect(actions.filter((a) => /^ssm:(Get|Put|Describe|List)|Association/.test(a))).toEqual([]);
  });
});
