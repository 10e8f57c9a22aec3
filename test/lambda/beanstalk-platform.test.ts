import { makeHandler, newestNodeSolutionStack, PlatformEvent } from '../../lambda/beanstalk-platform';

/**
 * Solution stack names as ListAvailableSolutionStacks returns them: these are from moto's copy of the
 * service's answer (moto/elasticbeanstalk), which the moto suite also calls through the SDK.
 */
const LISTED = [
  '64bit Amazon Linux 2023 v5.7.0 running Tomcat 10 Corretto 21',
  '64bit Amazon Linux 2023 v6.6.0 running Node.js 22',
  '64bit Amazon Linux 2023 v6.6.0 running Node.js 20',
  '64bit Amazon Linux 2023 v6.6.0 running Node.js 18',
  '64bit Amazon Linux 2 v5.11.0 running Node.js 18',
  '64bit Amazon Linux 2 v0.1.0 running Node.js 12 (BETA)',
  '64bit Amazon Linux 2023 v4.6.0 running Python 3.11',
];

describe('newestNodeSolutionStack', () => {
  test('picks Node.js on Amazon Linux 2023, the newest Node.js major first', () => {
    expect(newestNodeSolutionStack(LISTED)).toBe('64bit Amazon Linux 2023 v6.6.0 running Node.js 22');
  });

  test('a later Node.js major wins, then the later platform version, compared as numbers', () => {
    expect(
      newestNodeSolutionStack([
        ...LISTED,
        '64bit Amazon Linux 2023 v6.10.1 running Node.js 24',
        '64bit Amazon Linux 2023 v6.9.12 running Node.js 24',
        '64bit Amazon Linux 2025 v1.0.0 running Node.js 26', // another OS: not chosen
        '64bit Amazon Linux 2023 v7.0.0 running Node.js 24 (BETA)', // beta: not chosen
      ]),
    ).toBe('64bit Amazon Linux 2023 v6.10.1 running Node.js 24');
  });

  test('no Node.js on AL2023: an error naming what was listed', () => {
    expect(() => newestNodeSolutionStack(LISTED.filter((n) => !n.includes('2023 v6')))).toThrow(
      'Elastic Beanstalk lists no "64bit Amazon Linux 2023 vX.Y.Z running Node.js N" solution stack in this region (4 listed; Node.js ones: 64bit Amazon Linux 2 v5.11.0 running Node.js 18; 64bit Amazon Linux 2 v0.1.0 running Node.js 12 (BETA)).',
    );
  });
});

describe('platform custom resource handler', () => {
  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());
  const event = (over: Partial<PlatformEvent> = {}): PlatformEvent => ({
    RequestType: 'Create',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/BeanstalkLabStack/guid',
    RequestId: 'req-1',
    LogicalResourceId: 'Platform',
    ResourceProperties: { Platform: 'Node.js on Amazon Linux 2023', Revision: '1' },
    ...over,
  });
  async function run(e: PlatformEvent, list: () => Promise<string[]>) {
    const puts: any[] = [];
    await makeHandler({ listSolutionStacks: list, put: async (_url, body) => void puts.push(JSON.parse(body)) })(e);
    expect(puts).toHaveLength(1);
    return puts[0];
  }

  test.each(['Create', 'Update'] as const)('%s: answers SUCCESS with the name as attribute and physical id', async (RequestType) => {
    expect(await run(event({ RequestType, PhysicalResourceId: RequestType === 'Update' ? 'old' : undefined }), async () => LISTED)).toEqual({
      StackId: event().StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'Platform',
      PhysicalResourceId: '64bit Amazon Linux 2023 v6.6.0 running Node.js 22',
      Status: 'SUCCESS',
      Data: { SolutionStackName: '64bit Amazon Linux 2023 v6.6.0 running Node.js 22' },
    });
  });

  test('Update with the same Revision (a replaced resolver: only the ServiceToken changed): keeps the platform, without asking Elastic Beanstalk', async () => {
    const list = jest.fn(async () => LISTED);
    const kept = '64bit Amazon Linux 2023 v6.1.0 running Node.js 20';
    const answer = await run(
      event({
        RequestType: 'Update',
        PhysicalResourceId: kept,
        ResourceProperties: { ServiceToken: 'arn:new', Platform: 'Node.js on Amazon Linux 2023', Revision: '1' },
        OldResourceProperties: { ServiceToken: 'arn:old', Platform: 'Node.js on Amazon Linux 2023', Revision: '1' },
      }),
      list,
    );
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: kept, Data: { SolutionStackName: kept } });
    expect(list).not.toHaveBeenCalled();
  });

  test('Update raising the Revision: the newest platform', async () => {
    const answer = await run(
      event({
        RequestType: 'Update',
        PhysicalResourceId: '64bit Amazon Linux 2023 v6.1.0 running Node.js 20',
        ResourceProperties: { Platform: 'Node.js on Amazon Linux 2023', Revision: '2' },
        OldResourceProperties: { Platform: 'Node.js on Amazon Linux 2023', Revision: '1' },
      }),
      async () => LISTED,
    );
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: '64bit Amazon Linux 2023 v6.6.0 running Node.js 22' });
  });

  test('Delete: SUCCESS without calling Elastic Beanstalk', async () => {
    const list = jest.fn();
    const answer = await run(event({ RequestType: 'Delete', PhysicalResourceId: 'the-name' }), list);
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'the-name' });
    expect(list).not.toHaveBeenCalled();
  });

  test('an API error or an empty list is a FAILED answer with the reason, never a hung deploy', async () => {
    const denied = await run(event(), async () => {
      throw Object.assign(new Error('User is not authorized to perform: elasticbeanstalk:ListAvailableSolutionStacks'), { name: 'AccessDenied' });
    });
    expect(denied).toMatchObject({ Status: 'FAILED', Reason: 'User is not authorized to perform: elasticbeanstalk:ListAvailableSolutionStacks' });
    expect((await run(event(), async () => [])).Reason).toMatch(/^Elastic Beanstalk lists no .* \(0 listed\)\.$/);
  });
});
