import * as fs from 'fs';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { templateToDiagram } from '../../lib/cli/diagram/graph';
import { stackSummary } from '../../lib/cli/cost/format';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { MYSFITS, MYSFITS_INDEXES } from '../../lib/mythical-mysfits/mysfits-table';
import { MYSFITS_SITE_DIR } from '../../lib/mythical-mysfits/mythical-mysfits-lab-stack';
import { createLabsApp } from '../../lib/app';
import { CDK_JSON_CONTEXT, normalizedTemplate, SynthesizedLab, synthLabs } from '../helpers/synth';

/** Synthesizes this lab alone, once per configuration; returns it and its site's config.json as the deploy writes it. */
function synthMysfits(context: Record<string, unknown>): { lab: SynthesizedLab; siteConfig: Record<string, unknown> } {
  const { app, labs } = synthLabs(context, ['MythicalMysfitsLabStack']);
  const lab = labs[0];
  const deployment = Object.values(lab.template.findResources('Custom::CDKBucketDeployment'))[0].Properties;
  const index = deployment.SourceMarkers.findIndex((m: object) => Object.keys(m).length > 0);
  const assetDir = path.join(app.outdir, `asset.${deployment.SourceObjectKeys[index].replace(/\.zip$/, '')}`);
  const markers: Record<string, unknown> = deployment.SourceMarkers[index];
  const raw = JSON.parse(fs.readFileSync(path.join(assetDir, 'config.json'), 'utf8'));
  return { lab, siteConfig: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, markers[v as string] ?? v])) };
}

const defaults = synthMysfits({});
const faster = synthMysfits({ mysfitsRequestsPerSecond: '25' });
const lab = defaults.lab;
const resources = lab.json.Resources;

const idsOf = (type: string, prefix = '') => Object.keys(resources).filter((id) => resources[id].Type === type && id.startsWith(prefix));
const idOf = (type: string, prefix = '') => {
  const ids = idsOf(type, prefix);
  expect(ids).toHaveLength(1);
  return ids[0];
};
const props = (id: string) => resources[id].Properties!;
const tableId = 'Mysfits';
const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
const nlbId = idOf('AWS::ElasticLoadBalancingV2::LoadBalancer');
const serviceId = idOf('AWS::ECS::Service');
const streamId = idOf('AWS::KinesisFirehose::DeliveryStream');
const vpcLinkId = idOf('AWS::ApiGateway::VpcLink');
const apiId = idOf('AWS::ApiGateway::RestApi');
const distributionId = idOf('AWS::CloudFront::Distribution');
const siteOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };

/** Every policy statement attached to the role `roleId`. */
const statementsOfRole = (roleId: string) =>
  idsOf('AWS::IAM::Policy')
    .filter((id) => props(id).Roles.some((r: any) => r.Ref === roleId))
    .flatMap((id) => props(id).PolicyDocument.Statement);
const roleOfFunction = (prefix: string) => props(idOf('AWS::Lambda::Function', prefix)).Role['Fn::GetAtt'][0];

describe.each([
  ['defaults', defaults.lab],
  ['25 requests per second', faster.lab],
])('MythicalMysfitsLabStack (%s)', (_name, l) => {
  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(l.json)).toMatchSnapshot();
  });
});

describe('the path to the service: API -> VPC link -> internal NLB -> one Fargate task, and nothing else', () => {
  test('the VPC link targets the NLB alone, which is internal, and whose only listener forwards to the service', () => {
    expect(props(vpcLinkId).TargetArns).toEqual([{ Ref: nlbId }]);
    expect(props(nlbId)).toMatchObject({ Scheme: 'internal', Type: 'network', EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' });
    const listenerId = idOf('AWS::ElasticLoadBalancingV2::Listener');
    const groupId = idOf('AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(props(listenerId)).toMatchObject({ LoadBalancerArn: { Ref: nlbId }, Port: 80, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: groupId } }] });
    expect(props(groupId)).toMatchObject({ TargetType: 'ip', Port: 8080, HealthCheckPath: '/', HealthCheckProtocol: 'HTTP' });
    expect(props(serviceId).LoadBalancers).toEqual([{ ContainerName: 'mysfits', ContainerPort: 8080, TargetGroupArn: { Ref: groupId } }]);
  });

  test('every method that reaches the service goes through that VPC link to that NLB; the others are the clicks and CORS preflights', () => {
    const methods = idsOf('AWS::ApiGateway::Method').map((id) => props(id));
    const proxied = methods.filter((m) => m.Integration.Type === 'HTTP_PROXY');
    expect(proxied).toHaveLength(5);
    const resourcePath = (m: any) => {
      const parts: string[] = [];
      for (let ref = m.ResourceId.Ref; ref; ref = props(ref).ParentId.Ref) parts.unshift(props(ref).PathPart);
      return `/${parts.join('/')}`;
    };
    for (const m of proxied) {
      expect(m.Integration).toMatchObject({ ConnectionType: 'VPC_LINK', ConnectionId: { Ref: vpcLinkId }, IntegrationHttpMethod: m.HttpMethod });
      // http://<NLB DNS name>:80<the route's own path>: a VPC link (V1) integration names the service's path in full,
      // and {mysfitId} is filled from the method's path parameter.
      expect(m.Integration.Uri).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [nlbId, 'DNSName'] }, `:80${resourcePath(m)}`]] });
      if (resourcePath(m).includes('{mysfitId}')) {
        expect(m.Integration.RequestParameters).toEqual({ 'integration.request.path.mysfitId': 'method.request.path.mysfitId' });
      }
    }
    expect(methods.filter((m) => m.Integration.Type === 'AWS').map((m) => m.HttpMethod)).toEqual(['POST']);
    expect(methods.filter((m) => !['HTTP_PROXY', 'AWS'].includes(m.Integration.Type)).every((m) => m.HttpMethod === 'OPTIONS')).toBe(true);
  });

  test("the service's security group admits only the NLB's, on 8080; the NLB's admits nothing and sends only to the service", () => {
    const [serviceSg] = props(serviceId).NetworkConfiguration.AwsvpcConfiguration.SecurityGroups.map((s: any) => s['Fn::GetAtt'][0]);
    const [nlbSg] = props(nlbId).SecurityGroups.map((s: any) => s['Fn::GetAtt'][0]);
    const ingress = idsOf('AWS::EC2::SecurityGroupIngress').map((id) => props(id));
    expect(ingress).toEqual([
      expect.objectContaining({ GroupId: { 'Fn::GetAtt': [serviceSg, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [nlbSg, 'GroupId'] }, FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' }),
    ]);
    for (const sg of [serviceSg, nlbSg]) expect(props(sg).SecurityGroupIngress).toBeUndefined();
    expect(props(nlbSg).SecurityGroupEgress).toBeUndefined();
    expect(idsOf('AWS::EC2::SecurityGroupEgress').map((id) => props(id))).toEqual([
      expect.objectContaining({ GroupId: { 'Fn::GetAtt': [nlbSg, 'GroupId'] }, DestinationSecurityGroupId: { 'Fn::GetAtt': [serviceSg, 'GroupId'] }, FromPort: 8080, ToPort: 8080 }),
    ]);
    expect(props(serviceSg).SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]);
  });

  test('one Graviton Fargate task (0.25 vCPU, 0.5 GB) in the public subnet with a public address; no NAT gateway, no private subnet', () => {
    expect(props(serviceId)).toMatchObject({ LaunchType: 'FARGATE', DesiredCount: 1, NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } } });
    const td = props(idOf('AWS::ECS::TaskDefinition'));
    expect(td).toMatchObject({ Cpu: '256', Memory: '512', RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
    expect(idsOf('AWS::EC2::NatGateway')).toEqual([]);
    expect(idsOf('AWS::EC2::Subnet')).toHaveLength(1);
    expect(props(idOf('AWS::EC2::Subnet')).MapPublicIpOnLaunch).toBe(true);
    expect(idsOf('AWS::Kinesis::Stream')).toEqual([]);
  });
});

describe('the API', () => {
  const route = (id: string) => {
    const m = props(id);
    const parts: string[] = [];
    for (let ref = m.ResourceId.Ref; ref; ref = props(ref).ParentId.Ref) parts.unshift(props(ref).PathPart);
    return `${m.HttpMethod} /${parts.join('/')}`;
  };
  const methods = idsOf('AWS::ApiGateway::Method').filter((id) => props(id).HttpMethod !== 'OPTIONS');

  test('like, unlike and adopt need the Cognito authorizer; listing, one mysfit and clicks are open', () => {
    const auth = Object.fromEntries(methods.map((id) => [route(id), props(id).AuthorizationType]));
    expect(auth).toEqual({
      'GET /mysfits': 'NONE',
      'GET /mysfits/{mysfitId}': 'NONE',
      'POST /mysfits/{mysfitId}/like': 'COGNITO_USER_POOLS',
      'DELETE /mysfits/{mysfitId}/like': 'COGNITO_USER_POOLS',
      'POST /mysfits/{mysfitId}/adopt': 'COGNITO_USER_POOLS',
      'POST /clicks': 'NONE',
    });
    const authorizer = props(idOf('AWS::ApiGateway::Authorizer'));
    expect(authorizer).toMatchObject({ Type: 'COGNITO_USER_POOLS', IdentitySource: 'method.request.header.Authorization', ProviderARNs: [{ 'Fn::GetAtt': [idOf('AWS::Cognito::UserPool'), 'Arn'] }] });
  });

  test('a missing or bad token is a 401 with JSON and the CORS header of the site', () => {
    lab.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': Match.anyValue() }),
    });
  });

  test("every gateway response's body is JSON once API Gateway fills in its variables", () => {
    // messageString is the message already quoted; requestId an id; validationErrorString free text (here without quotes).
    const fill = (template: string) =>
      template
        .replace(/\$context\.error\.messageString/g, '"Too Many Requests"')
        .replace(/\$context\.requestId/g, 'c0ffee00-1234-4abc-8def-0123456789ab')
        .replace(/\$context\.error\.validationErrorString/g, '[object has missing required properties]');
    const responses = Object.values(lab.template.findResources('AWS::ApiGateway::GatewayResponse'));
    expect(responses.length).toBeGreaterThanOrEqual(5);
    for (const r of responses) {
      const body = JSON.parse(fill(r.Properties.ResponseTemplates['application/json']));
      expect(body).toEqual({ error: expect.any(String), reference: 'c0ffee00-1234-4abc-8def-0123456789ab' });
    }
  });

  test('POST /clicks validates the body (a UUID mysfitId) and puts it, base64, into the delivery stream with a role that may do only that', () => {
    const click = methods.find((id) => route(id) === 'POST /clicks')!;
    const m = props(click);
    expect(m.Integration.Uri).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, ':firehose:action/PutRecord']] });
    const template = m.Integration.RequestTemplates['application/json'];
    expect(JSON.stringify(template)).toContain("$util.base64Encode($input.json('$'))");
    expect(JSON.stringify(template)).toContain(`{"Ref":"${streamId}"}`);
    expect(m.RequestValidatorId).toBeDefined();
    const model = props(idOf('AWS::ApiGateway::Model'));
    expect(model.Schema).toMatchObject({ required: ['mysfitId'], additionalProperties: false });
    const roleId = m.Integration.Credentials['Fn::GetAtt'][0];
    expect(statementsOfRole(roleId)).toEqual([{ Action: 'firehose:PutRecord', Effect: 'Allow', Resource: { 'Fn::GetAtt': [streamId, 'Arn'] } }]);
    // The documented trust, with no aws:SourceAccount condition: API Gateway does not set that key for an
    // integration's credentials role, so the condition would refuse every click (lib/mythical-mysfits/mysfits-api.ts).
    expect(props(roleId).AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } }]);
    lab.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: 'BAD_REQUEST_BODY', StatusCode: '400' });
  });

  test('API Gateway writes no log group: no execution logging (its group would be outside the stack), no access logging, no account-wide CloudWatch role', () => {
    const stage = props(idOf('AWS::ApiGateway::Stage'));
    expect(stage.AccessLogSetting).toBeUndefined();
    expect(stage.MethodSettings).toEqual([expect.not.objectContaining({ LoggingLevel: expect.anything() })]);
    expect(stage.MethodSettings[0].DataTraceEnabled ?? false).toBe(false);
    expect(idsOf('AWS::ApiGateway::Account')).toEqual([]);
  });

  test('the prod stage is throttled as set (bursts twice the rate)', () => {
    const throttle = (l: SynthesizedLab) => {
      const s = Object.values(l.template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
      return [s.StageName, s.MethodSettings[0].ThrottlingRateLimit, s.MethodSettings[0].ThrottlingBurstLimit];
    };
    expect(throttle(defaults.lab)).toEqual(['prod', 10, 20]);
    expect(throttle(faster.lab)).toEqual(['prod', 25, 50]);
  });
});

describe('IAM: each role does its job and no more', () => {
  test('the service may read and update the mysfits table and its two indexes, by name; only ECS tasks of this account may assume it', () => {
    const td = props(idOf('AWS::ECS::TaskDefinition'));
    const roleId = td.TaskRoleArn['Fn::GetAtt'][0];
    const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${name}`]] });
    expect(statementsOfRole(roleId)).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: [tableArn, ...Object.values(MYSFITS_INDEXES).map(indexArn)],
      },
    ]);
    expect(props(roleId).AssumeRolePolicyDocument.Statement[0]).toMatchObject({
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']] } } },
    });
  });

  test("the task's execution role pulls only from the CDK asset repository and writes only the service's own log group (never creates one)", () => {
    const td = props(idOf('AWS::ECS::TaskDefinition'));
    const roleId = td.ExecutionRoleArn['Fn::GetAtt'][0];
    const statements = statementsOfRole(roleId);
    expect(statements.map((s: any) => s.Action)).toEqual([
      ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      'ecr:GetAuthorizationToken',
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    expect(JSON.stringify(statements[0].Resource)).toContain('cdk-hnb659fds-container-assets-');
    expect(statements[1].Resource).toBe('*'); // GetAuthorizationToken takes no resource
    const logGroupId = idOf('AWS::Logs::LogGroup', 'MysfitsServiceLogGroup');
    expect(statements[2].Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    expect(td.ContainerDefinitions[0].LogConfiguration).toMatchObject({ LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: logGroupId } } });
    expect(props(td.ContainerDefinitions[0].LogConfiguration.Options['awslogs-group'].Ref)).toMatchObject({ RetentionInDays: 7 });
    expect(resources[logGroupId].DeletionPolicy).toBe('Delete');
  });

  test('the seeder may only UpdateItem, the processor only BatchGetItem, on the table alone (besides their own logs)', () => {
    const dynamoStatements = (prefix: string) => statementsOfRole(roleOfFunction(prefix)).filter((s: any) => JSON.stringify(s.Action).includes('dynamodb'));
    expect(dynamoStatements('MysfitsTableSeed')).toEqual([{ Action: 'dynamodb:UpdateItem', Effect: 'Allow', Resource: tableArn }]);
    expect(dynamoStatements('ClickstreamProcessor')).toEqual([{ Action: 'dynamodb:BatchGetItem', Effect: 'Allow', Resource: tableArn }]);
  });

  test("Firehose's role: the documented trust (account as external id) and only this bucket, this function and this log stream", () => {
    const roleId = props(streamId).ExtendedS3DestinationConfiguration.RoleARN['Fn::GetAtt'][0];
    expect(props(roleId).AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } } },
    ]);
    const statements = statementsOfRole(roleId);
    const bucketId = idOf('AWS::S3::Bucket', 'ClickstreamBucket');
    expect(statements.map((s: any) => s.Action)).toEqual([
      ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
      ['lambda:GetFunctionConfiguration', 'lambda:InvokeFunction'],
      'logs:PutLogEvents',
    ]);
    expect(statements[0].Resource).toEqual([{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }]);
    // The function, unqualified as the stream names it, and its $LATEST version (the documented policy names a version).
    const processorArn = { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'ClickstreamProcessor'), 'Arn'] };
    expect(statements[1].Resource).toEqual([processorArn, { 'Fn::Join': ['', [processorArn, ':$LATEST']] }]);
    expect(JSON.stringify(statements[2].Resource)).toContain(':log-stream:');
    expect(JSON.stringify(statements)).not.toMatch(/"Resource":"\*"/);
  });
});

describe('data, users and clicks', () => {
  test("the table is seeded at deploy with the workshop's mysfits, and CloudFormation waits at most 5 minutes for the seeder", () => {
    const seed = props(idOf('Custom::MysfitsSeed'));
    expect(JSON.parse(seed.Mysfits)).toEqual(MYSFITS);
    expect(MYSFITS).toHaveLength(12);
    expect(seed.ServiceTimeout).toBe('300');
    expect(seed.TableName).toEqual({ Ref: tableId });
    expect(props(tableId)).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', DeletionProtectionEnabled: false });
    expect(props(tableId).GlobalSecondaryIndexes.map((i: any) => i.IndexName).sort()).toEqual(['GoodEvilIndex', 'LawChaosIndex']);
    expect(resources[tableId].DeletionPolicy).toBe('Delete');
  });

  test('the user pool: self sign-up, email verified with a code, no deletion protection, deleted with the stack', () => {
    const poolId = idOf('AWS::Cognito::UserPool');
    expect(props(poolId)).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      AutoVerifiedAttributes: ['email'],
      UsernameAttributes: ['email'],
      DeletionProtection: 'INACTIVE',
    });
    expect(resources[poolId].DeletionPolicy).toBe('Delete');
    expect(props(idOf('AWS::Cognito::UserPoolClient'))).toMatchObject({ GenerateSecret: false, ExplicitAuthFlows: expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']) });
  });

  test('clicks: a direct-PUT stream, encrypted, processed by the Lambda function, delivered under clicks/ to a bucket that empties itself', () => {
    const s = props(streamId);
    expect(s.DeliveryStreamType).toBe('DirectPut');
    expect(s.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
    const bucketId = idOf('AWS::S3::Bucket', 'ClickstreamBucket');
    expect(s.ExtendedS3DestinationConfiguration).toMatchObject({
      BucketARN: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Prefix: 'clicks/',
      BufferingHints: { IntervalInSeconds: 60 },
      ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'Lambda' }] },
      CloudWatchLoggingOptions: { Enabled: true },
    });
    const autoDelete = Object.values(lab.template.findResources('Custom::S3AutoDeleteObjects')).map((r) => r.Properties.BucketName);
    expect(autoDelete).toContainEqual({ Ref: bucketId });
    // Firehose's error log group is the stack's own.
    expect(s.ExtendedS3DestinationConfiguration.CloudWatchLoggingOptions.LogGroupName).toEqual({ Ref: idOf('AWS::Logs::LogGroup', 'ClickstreamDeliveryLogs') });
  });
});

describe('the site', () => {
  test("config.json holds this deployment's region, pool, client and API URL, written at deploy time", () => {
    const stageId = idOf('AWS::ApiGateway::Stage');
    expect(defaults.siteConfig).toEqual({
      region: { Ref: 'AWS::Region' },
      userPoolId: { Ref: idOf('AWS::Cognito::UserPool') },
      userPoolClientId: { Ref: idOf('AWS::Cognito::UserPoolClient') },
      apiUrl: { 'Fn::Join': ['', ['https://', { Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: stageId }, '/']] },
    });
    expect(fs.readdirSync(MYSFITS_SITE_DIR)).not.toContain('config.json');
  });

  test("the service answers the site's origin only (CORS), in the API and in the container", () => {
    const td = props(idOf('AWS::ECS::TaskDefinition'));
    expect(td.ContainerDefinitions[0].Environment).toContainEqual({ Name: 'ALLOWED_ORIGIN', Value: siteOrigin });
    expect(lab.json.Outputs!.SiteUrl.Value).toEqual(siteOrigin);
  });
});

describe('hourly cost (labs cost)', () => {
  test('NLB $0.0225 + Fargate arm64 0.25 vCPU/0.5 GB + its public IPv4 $0.005: under $0.06/h, nothing unpriced', () => {
    const e = estimateStack(lab.stack.stackName, lab.json as never);
    // Fargate arm64 us-east-1: $0.03238 per vCPU-hour and $0.00356 per GB-hour (lib/cli/pricing/prices.json).
    const fargate = 0.25 * 0.03238 + 0.5 * 0.00356;
    expect(e.usdPerHour).toBeCloseTo(0.0225 + fargate + 0.005, 6);
    expect(e.usdPerHour).toBeLessThanOrEqual(0.06);
    expect(e.unpriced).toBe(0);
    expect(stackSummary(e)).toMatch(/^MythicalMysfitsLabStack {2}\$0\.0374\/h {2}\(\d+ usage-priced resources\)$/);
  });

  test("the README's lab table shows the figure labs cost prints at defaults", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `MythicalMysfitsLabStack` |'))!;
    const figure = formatUsdPerHour(estimateStack('MythicalMysfitsLabStack', lab.json as never).usdPerHour);
    expect(row.split(' | ')[3].slice(0, figure.length)).toBe(figure);
  });
});

describe('outputs', () => {
  test('the URLs, ids, names and commands the guide and labs check use', () => {
    expect(Object.keys(lab.json.Outputs!)).toEqual(
      expect.arrayContaining(['SiteUrl', 'ApiUrl', 'MysfitsUrl', 'UserPoolId', 'UserPoolClientId', 'MysfitsTableName', 'ClickstreamBucketName', 'DeliveryStreamName', 'ListClicksCommand', 'RedeployCommand']),
    );
    expect(JSON.stringify(lab.json.Outputs!.ListClicksCommand.Value)).toContain('aws s3 ls s3://');
    expect(lab.json.Outputs!.RedeployCommand.Value).toBe('npm run deploy:mysfits --');
  });
});

describe('the architecture diagram (labs diagram)', () => {
  test('draws the request path through the VPC link and the clickstream through Firehose', () => {
    const diagram = templateToDiagram(lab.stack.stackName, lab.json as never);
    const edge = (from: string, to: string) => diagram.edges.find((e) => e.from === from && e.to === to)?.label;
    const bucketId = idOf('AWS::S3::Bucket', 'ClickstreamBucket');
    const processorId = idOf('AWS::Lambda::Function', 'ClickstreamProcessor');
    expect([
      edge(apiId, nlbId),
      edge(nlbId, serviceId),
      edge(apiId, streamId),
      edge(streamId, processorId),
      edge(streamId, bucketId),
      edge(processorId, tableId),
    ]).toEqual(['through the VPC link', 'default, tcp 8080', 'POST puts records', 'transforms records with', 'delivers to', 'dynamodb: BatchGetItem']);
    expect(diagram.nodes.find((n) => n.id === streamId)).toMatchObject({ what: 'Firehose stream' });
  });
});

describe('the lab guide', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'mythical-mysfits', 'README.md'), 'utf8');
  test('names only outputs the stack has', () => {
    const named = [...new Set([...guide.matchAll(/<([A-Z][A-Za-z]+)(?: output)?>/g)].map((m) => m[1]))];
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !(n in lab.json.Outputs!))).toEqual([]);
  });
  test('says first that deploying needs Docker, and how to deploy', () => {
    expect(guide.split('\n').slice(0, 6).join('\n')).toMatch(/needs a running Docker engine[\s\S]*npm run deploy:mysfits/);
  });
});

describe('settings', () => {
  test.each(['0', '1001', '2.5', 'fast'])('mysfitsRequestsPerSecond=%s is refused with one line naming the key, the value and what is allowed', (value) => {
    expect(() => createLabsApp({ context: { ...CDK_JSON_CONTEXT, mysfitsRequestsPerSecond: value } }, { labs: [] })).toThrow(
      `Invalid value "${value}" for context key "mysfitsRequestsPerSecond". Allowed: a whole number from 1 to 1000.`,
    );
  });
});
