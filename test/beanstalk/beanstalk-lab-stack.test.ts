/**
 * BeanstalkLabStack's template in each configuration that changes it (single instance, high availability
 * with a subscribed address), synthesized once each: snapshots, and assertions for what the lab relies on
 * (the environment's options, the roles, the table, the topic, the outputs, the cost estimate).
 */
import { estimateStack } from '../../lib/cli/cost/estimate';
import { templateToDiagram } from '../../lib/cli/diagram/graph';
import { normalizedTemplate, SynthesizedLab, synthLab } from '../helpers/synth';
import { SESSION_MANAGER_AGENT_ACTIONS } from '../../lib/shared/session-manager';

const single = synthLab('BeanstalkLabStack');
const ha = synthLab('BeanstalkLabStack', { beanstalkEnvironment: 'high-availability', notificationEmail: 'TA@Example.edu', stackSuffix: 'ta' });

const resourcesOf = (l: SynthesizedLab, type: string) => Object.entries(l.json.Resources).filter(([, r]) => r.Type === type);
const oneOf = (l: SynthesizedLab, type: string) => {
  const found = resourcesOf(l, type);
  expect(found).toHaveLength(1);
  return { id: found[0][0], ...found[0][1] };
};
/** The environment's option settings as `namespace:option` -> value. */
const options = (l: SynthesizedLab): Record<string, unknown> =>
  Object.fromEntries(
    oneOf(l, 'AWS::ElasticBeanstalk::Environment').Properties!.OptionSettings.map((o: any) => [`${o.Namespace}:${o.OptionName}`, o.Value]),
  );

describe.each([
  ['single-instance (defaults)', single],
  ['high-availability, notificationEmail, stackSuffix', ha],
])('BeanstalkLabStack %s', (_name, l) => {
  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(l.json)).toMatchSnapshot();
  });

  test('the environment: Node.js platform chosen at deploy time, t4g.micro arm64, IMDSv2 only, enhanced health, no managed updates, no log streaming', () => {
    const env = oneOf(l, 'AWS::ElasticBeanstalk::Environment');
    const platform = oneOf(l, 'Custom::BeanstalkNodePlatform');
    expect(env.Properties!.SolutionStackName).toEqual({ 'Fn::GetAtt': [platform.id, 'SolutionStackName'] });
    expect(env.Properties!.PlatformArn).toBeUndefined();
    expect(options(l)).toMatchObject({
      'aws:ec2:instances:InstanceTypes': 't4g.micro',
      'aws:ec2:instances:SupportedArchitectures': 'arm64',
      'aws:autoscaling:launchconfiguration:DisableIMDSv1': 'true',
      'aws:autoscaling:launchconfiguration:RootVolumeType': 'gp3',
      'aws:autoscaling:launchconfiguration:RootVolumeSize': '10',
      'aws:autoscaling:launchconfiguration:SSHSourceRestriction': 'tcp, 22, 22, 127.0.0.1/32',
      'aws:elasticbeanstalk:healthreporting:system:SystemType': 'enhanced',
      'aws:elasticbeanstalk:managedactions:ManagedActionsEnabled': 'false',
      'aws:elasticbeanstalk:cloudwatch:logs:StreamLogs': 'false',
      'aws:elasticbeanstalk:cloudwatch:logs:health:HealthStreamingEnabled': 'false',
      'aws:elasticbeanstalk:hostmanager:LogPublicationControl': 'false',
      'aws:ec2:vpc:AssociatePublicIpAddress': 'true',
      'aws:ec2:vpc:VPCId': { Ref: oneOf(l, 'AWS::EC2::VPC').id },
      'aws:elasticbeanstalk:application:environment:AWS_REGION': { Ref: 'AWS::Region' },
      'aws:elasticbeanstalk:application:environment:SIGNUP_TABLE': { Ref: oneOf(l, 'AWS::DynamoDB::Table').id },
      'aws:elasticbeanstalk:application:environment:SIGNUP_TOPIC_ARN': { Ref: oneOf(l, 'AWS::SNS::Topic').id },
      'aws:elasticbeanstalk:environment:ServiceRole': { 'Fn::GetAtt': [expect.stringMatching(/^RolesServiceRole/), 'Arn'] },
      'aws:autoscaling:launchconfiguration:IamInstanceProfile': { 'Fn::GetAtt': [oneOf(l, 'AWS::IAM::InstanceProfile').id, 'Arn'] },
    });
    // Both public subnets, and the environment waits for their routes to the internet.
    const subnets = resourcesOf(l, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
    expect(options(l)['aws:ec2:vpc:Subnets']).toEqual({ 'Fn::Join': [',', subnets] });
    for (const [routeId] of resourcesOf(l, 'AWS::EC2::Route')) expect(env.DependsOn).toContain(routeId);
  });

  test('first deploy: the environment waits for the instance role with its policy, and the platform resolver runs after the roles and the instance profile exist', () => {
    const env = oneOf(l, 'AWS::ElasticBeanstalk::Environment');
    const platform = oneOf(l, 'Custom::BeanstalkNodePlatform');
    const [roleId] = resourcesOf(l, 'AWS::IAM::Role').find(([id]) => id.startsWith('RolesInstanceRole'))!;
    const [serviceRoleId] = resourcesOf(l, 'AWS::IAM::Role').find(([id]) => id.startsWith('RolesServiceRole'))!;
    const [policyId] = resourcesOf(l, 'AWS::IAM::Policy').find(([, p]) => p.Properties!.Roles.some((r: any) => r.Ref === roleId))!;
    const profileId = oneOf(l, 'AWS::IAM::InstanceProfile').id;
    expect(env.DependsOn).toEqual(expect.arrayContaining([roleId, policyId]));
    expect(platform.DependsOn).toEqual(expect.arrayContaining([roleId, policyId, profileId, serviceRoleId]));
  });

  test('the application version is the bundled app from the CDK asset bucket; the environment runs it', () => {
    const version = oneOf(l, 'AWS::ElasticBeanstalk::ApplicationVersion');
    expect(version.Properties!.SourceBundle).toEqual({
      S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
      S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/),
    });
    expect(oneOf(l, 'AWS::ElasticBeanstalk::Environment').Properties!.VersionLabel).toEqual({ Ref: version.id });
  });

  test('the service role: enhanced health only, trusted by Elastic Beanstalk with its external id', () => {
    const [, role] = resourcesOf(l, 'AWS::IAM::Role').find(([id]) => id.startsWith('RolesServiceRole'))!;
    expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'elasticbeanstalk.amazonaws.com' },
        Condition: { StringEquals: { 'sts:ExternalId': 'elasticbeanstalk' } },
      },
    ]);
    expect(JSON.stringify(role.Properties!.ManagedPolicyArns)).toMatch(/service-role\/AWSElasticBeanstalkEnhancedHealth"\]\]\}\]$/);
    expect(JSON.stringify(role)).not.toMatch(/ManagedUpdates|AWSElasticBeanstalkService\b|AdministratorAccess/);
  });

  test('the instance role: this environment, this region\'s Beanstalk bucket, PutItem on the table, Publish to the topic, Session Manager only', () => {
    const [roleId, role] = resourcesOf(l, 'AWS::IAM::Role').find(([id]) => id.startsWith('RolesInstanceRole'))!;
    // Session Manager through the agent's five actions inline, no managed policy (AmazonSSMManagedInstanceCore
    // would also read every SSM parameter in the account).
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties!.Policies).toEqual([
      {
        PolicyName: 'SsmAgent',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'SessionManager', Effect: 'Allow', Action: [...SESSION_MANAGER_AGENT_ACTIONS], Resource: '*' }] },
      },
    ]);
    const statements = resourcesOf(l, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties!.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement);
    const actions = statements.flatMap((s: any) => [s.Action].flat()).sort();
    expect(actions).toEqual(['dynamodb:PutItem', 'elasticbeanstalk:PutInstanceStatistics', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sns:Publish']);
    const text = JSON.stringify(statements);
    expect(text).not.toMatch(/elasticbeanstalk-\*|"\*"|xray|logs:/);
    expect(text).toContain(`:environment/${l.stack.stackName}/*`); // this application's environments only
  });

  test('the table: on-demand, keyed on email, no deletion protection, deleted with the stack', () => {
    const table = oneOf(l, 'AWS::DynamoDB::Table');
    expect(table).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: { BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }] },
    });
    expect(table.Properties!.DeletionProtectionEnabled).toBeFalsy();
  });

  test('the outputs give the URL, the table, the topic and the commands of the guide', () => {
    const outputs = l.json.Outputs!;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'EnvironmentUrl', 'EnvironmentName', 'SignupTableName', 'SignupTopicArn', 'ScanSignupsCommand',
        'HealthCommand', 'InstanceSessionCommand', 'SubscribeCommand', 'RedeployCommand', 'SolutionStackName',
      ]),
    );
    const envRef = JSON.stringify({ Ref: oneOf(l, 'AWS::ElasticBeanstalk::Environment').id });
    expect(outputs.EnvironmentName.Value).toEqual(JSON.parse(envRef));
    expect(JSON.stringify(outputs.InstanceSessionCommand.Value)).toContain(`Name=tag:elasticbeanstalk:environment-name,Values=",${envRef}`);
    expect(JSON.stringify(outputs.HealthCommand.Value)).toContain(`describe-environment-health --environment-name ",${envRef}`);
  });
});

describe('the two environment kinds', () => {
  test('single-instance: one instance, no load balancer options', () => {
    expect(options(single)).toMatchObject({
      'aws:elasticbeanstalk:environment:EnvironmentType': 'SingleInstance',
      'aws:autoscaling:asg:MinSize': '1',
      'aws:autoscaling:asg:MaxSize': '1',
    });
    expect(Object.keys(options(single)).filter((k) => /ELB|LoadBalancer|DeploymentPolicy|HealthCheckPath/.test(k))).toEqual([]);
  });

  test('high-availability: an application load balancer in both subnets, two instances, rolling one at a time', () => {
    const subnets = resourcesOf(ha, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
    expect(subnets).toHaveLength(2);
    expect(options(ha)).toMatchObject({
      'aws:elasticbeanstalk:environment:EnvironmentType': 'LoadBalanced',
      'aws:elasticbeanstalk:environment:LoadBalancerType': 'application',
      'aws:ec2:vpc:ELBSubnets': { 'Fn::Join': [',', subnets] },
      'aws:ec2:vpc:ELBScheme': 'public',
      'aws:autoscaling:asg:MinSize': '2',
      'aws:autoscaling:asg:MaxSize': '2',
      'aws:elasticbeanstalk:environment:process:default:HealthCheckPath': '/health',
      'aws:elasticbeanstalk:command:DeploymentPolicy': 'Rolling',
      'aws:elasticbeanstalk:command:BatchSize': '1',
    });
  });

  test('each kind is its own environment resource, so switching kinds replaces the environment (a load balancer type is chosen only at creation)', () => {
    expect(oneOf(single, 'AWS::ElasticBeanstalk::Environment').id).toMatch(/^SignupAppEnvironment[0-9A-F]{8}$/);
    expect(oneOf(ha, 'AWS::ElasticBeanstalk::Environment').id).toMatch(/^SignupAppHighAvailabilityEnvironment[0-9A-F]{8}$/);
  });

  test('notificationEmail subscribes that address (lower-cased); without it there is no subscription', () => {
    expect(resourcesOf(single, 'AWS::SNS::Subscription')).toEqual([]);
    expect(oneOf(ha, 'AWS::SNS::Subscription').Properties).toMatchObject({ Protocol: 'email', Endpoint: 'ta@example.edu' });
    expect(JSON.stringify(single.json.Outputs!.SubscribeCommand)).toContain('No address is subscribed');
  });

  test('the application is named after the stack (so two copies can share an account); the environment is named by CloudFormation, so a new platform can replace it', () => {
    expect(oneOf(ha, 'AWS::ElasticBeanstalk::Application').Properties!.ApplicationName).toBe('BeanstalkLabStack-ta');
    expect(oneOf(ha, 'AWS::ElasticBeanstalk::Environment').Properties!.ApplicationName).toBe('BeanstalkLabStack-ta');
    expect(oneOf(ha, 'AWS::ElasticBeanstalk::Environment').Properties!.EnvironmentName).toBeUndefined();
  });

  test('labs cost prices what each environment creates: at most $0.02/h single-instance', () => {
    const one = estimateStack('BeanstalkLabStack', single.json as any);
    const two = estimateStack('BeanstalkLabStack-ta', ha.json as any);
    expect({ unpriced: one.unpriced, usdPerHour: Number(one.usdPerHour.toFixed(4)) }).toEqual({ unpriced: 0, usdPerHour: 0.0145 });
    expect(one.usdPerHour).toBeLessThanOrEqual(0.02);
    expect({ unpriced: two.unpriced, usdPerHour: Number(two.usdPerHour.toFixed(4)) }).toEqual({ unpriced: 0, usdPerHour: 0.0615 });
  });
});

test("labs diagram draws the environment in the VPC, reached over HTTP, writing the table and publishing to the topic", () => {
  const diagram = templateToDiagram('BeanstalkLabStack', single.json as any);
  const env = oneOf(single, 'AWS::ElasticBeanstalk::Environment').id;
  const table = oneOf(single, 'AWS::DynamoDB::Table').id;
  const topic = oneOf(single, 'AWS::SNS::Topic').id;
  expect(diagram.nodes.find((n) => n.id === env)).toMatchObject({ what: 'Elastic Beanstalk environment', group: oneOf(single, 'AWS::EC2::VPC').id });
  expect(diagram.edges).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ from: 'internet', to: env, label: 'HTTP 80' }),
      expect.objectContaining({ from: env, to: table, label: 'dynamodb: PutItem' }),
      expect.objectContaining({ from: env, to: topic, label: 'sns: Publish' }),
    ]),
  );
});
