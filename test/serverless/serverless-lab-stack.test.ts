import * as fs from 'fs';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { stackSummary } from '../../lib/cli/cost/format';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { FAQ_ITEMS } from '../../lib/serverless/faq';
import { SERVERLESS_SITE_DIR } from '../../lib/serverless/serverless-lab-stack';
import { SERVERLESS_SETTINGS } from '../../lib/serverless/settings';
import { accessLogFormat, API_THROTTLED_METHODS } from '../../lib/serverless/wild-rydes-api';
import { normalizedTemplate, SynthesizedLab, synthLabs } from '../helpers/synth';

/**
 * Synthesizes the app, with this lab only, once per configuration; returns the lab and its site's config.json
 * as the deploy writes it. (The other labs' templates are their own files' and all-labs.test.ts's to check.)
 */
function synthServerless(context: Record<string, unknown>): { lab: SynthesizedLab; siteConfig: Record<string, unknown> } {
  const { app, labs } = synthLabs(context, ['ServerlessLabStack']);
  const lab = labs.find((l) => l.stack.node.id.startsWith('ServerlessLabStack'))!;
  // config.json is an asset with a marker per deploy-time value; the deployment substitutes the markers.
  const deployment = Object.values(lab.template.findResources('Custom::CDKBucketDeployment'))[0].Properties;
  const index = deployment.SourceMarkers.findIndex((m: object) => Object.keys(m).length > 0);
  const assetDir = path.join(app.outdir, `asset.${deployment.SourceObjectKeys[index].replace(/\.zip$/, '')}`);
  const markers: Record<string, unknown> = deployment.SourceMarkers[index];
  const raw = JSON.parse(fs.readFileSync(path.join(assetDir, 'config.json'), 'utf8'));
  const siteConfig = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, markers[v as string] ?? v]));
  return { lab, siteConfig };
}

const defaults = synthServerless({});
const withAccessLogs = synthServerless({ serverlessAccessLogs: 'true', serverlessRequestsPerSecond: '25' });
const lab = defaults.lab;
const resources = lab.json.Resources;

/** The one resource of `type` (whose logical id starts with `prefix`, if given). */
const idOf = (type: string, prefix = '') => {
  const ids = Object.entries(resources)
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
};
const distributionId = idOf('AWS::CloudFront::Distribution');
const siteOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };
const quotedSiteOrigin = { 'Fn::Join': ['', ["'https://", { 'Fn::GetAtt': [distributionId, 'DomainName'] }, "'"]] };
const poolId = idOf('AWS::Cognito::UserPool');
const clientId = idOf('AWS::Cognito::UserPoolClient');
const apiId = idOf('AWS::ApiGateway::RestApi');
const stageId = idOf('AWS::ApiGateway::Stage');
const authorizerId = idOf('AWS::ApiGateway::Authorizer');

/** The policy statements of the role that runs the function `<prefix>Function...`. */
function statementsOfFunction(l: SynthesizedLab, prefix: string): any[] {
  const roleId = functionByPrefix(prefix).Properties!.Role['Fn::GetAtt'][0];
  return Object.values(l.json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((r) => r.Properties!.PolicyDocument.Statement);
}

/** The function of the `LabFunction` whose logical ids start with `prefix`. */
function functionByPrefix(prefix: string) {
  return resources[idOf('AWS::Lambda::Function', `${prefix}Function`)];
}

describe.each([
  ['defaults', defaults.lab],
  ['access logs, 25 requests per second', withAccessLogs.lab],
])('ServerlessLabStack (%s)', (_name, l) => {
  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(l.json)).toMatchSnapshot();
  });
});

describe('the API', () => {
  const methods = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method');
  /** `POST /ride`: the method and the path part of its resource (`/` for the API's root). */
  const routeOf = (m: (typeof methods)[number]) => {
    const resourceRef = m.Properties!.ResourceId.Ref;
    return `${m.Properties!.HttpMethod} /${resourceRef ? resources[resourceRef].Properties!.PathPart : ''}`;
  };

  test('has exactly POST /ride, GET /faq and the CORS preflights', () => {
    expect(methods.map(routeOf).sort()).toEqual(['GET /faq', 'OPTIONS /', 'OPTIONS /faq', 'OPTIONS /ride', 'POST /ride']);
  });

  test("every route but GET /faq (and the preflights, which browsers send without a token) needs the Cognito authorizer", () => {
    for (const method of methods) {
      const route = routeOf(method);
      const expected =
        route === 'GET /faq' || method.Properties!.HttpMethod === 'OPTIONS'
          ? { AuthorizationType: 'NONE' }
          : { AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } };
      expect({ route, ...method.Properties }).toMatchObject({ route, ...expected });
      if (expected.AuthorizationType === 'NONE') expect(method.Properties!.AuthorizerId).toBeUndefined();
    }
    lab.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [poolId, 'Arn'] }],
      RestApiId: { Ref: apiId },
    });
  });

  test('POST /ride and GET /faq are Lambda proxy integrations of their functions', () => {
    const integrationOf = (route: string) => methods.find((m) => routeOf(m) === route)!.Properties!.Integration;
    expect(JSON.stringify(integrationOf('POST /ride'))).toContain(idOf('AWS::Lambda::Function', 'RideServiceRequestUnicornFunction'));
    expect(JSON.stringify(integrationOf('GET /faq'))).toContain(idOf('AWS::Lambda::Function', 'FaqServiceAnswerFunction'));
    for (const route of ['POST /ride', 'GET /faq']) expect(integrationOf(route).Type).toBe('AWS_PROXY');
  });

  test('CORS allows the site origin only: preflights, gateway errors and both functions', () => {
    const preflights = methods.filter((m) => m.Properties!.HttpMethod === 'OPTIONS');
    expect(preflights).toHaveLength(3);
    for (const m of preflights) {
      const headers = m.Properties!.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toEqual(quotedSiteOrigin);
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toBe("'Authorization,Content-Type'");
    }
    const gatewayResponses = Object.values(lab.template.findResources('AWS::ApiGateway::GatewayResponse'));
    expect(gatewayResponses.map((r) => r.Properties.ResponseType).sort()).toEqual([
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'MISSING_AUTHENTICATION_TOKEN',
      'UNAUTHORIZED',
    ]);
    for (const r of gatewayResponses) {
      expect(r.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toEqual(quotedSiteOrigin);
    }
    for (const fn of ['RideServiceRequestUnicorn', 'FaqServiceAnswer']) {
      expect(functionByPrefix(fn).Properties!.Environment.Variables.ALLOWED_ORIGIN).toEqual(siteOrigin);
    }
    expect(JSON.stringify(lab.json)).not.toMatch(/Allow-Origin[^,]*'\*'/);
  });

  test('no or a bad token gets a 401 whose JSON names the Authorization header; an unknown route a 404', () => {
    lab.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"Field": "Authorization"') },
    });
    lab.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: 'MISSING_AUTHENTICATION_TOKEN', StatusCode: '404' });
    for (const r of Object.values(lab.template.findResources('AWS::ApiGateway::GatewayResponse'))) {
      // Only simple substitution happens here: the template must already be JSON around the variables.
      const template: string = r.Properties.ResponseTemplates['application/json'];
      expect(() => JSON.parse(template.replace('$context.error.messageString', '"message"'))).not.toThrow();
    }
  });

  test('with serverlessAccessLogs=true, access logs go to a log group the stack owns; never execution logging or an account-wide CloudWatch role', () => {
    const l = withAccessLogs.lab;
    const stage = Object.values(l.template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    const logGroupId = stage.AccessLogSetting.DestinationArn['Fn::Join'][1].slice(-1)[0].Ref;
    expect(l.json.Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
    expect(JSON.parse(stage.AccessLogSetting.Format)).toMatchObject({
      requestId: '$context.requestId',
      riderSub: '$context.authorizer.claims.sub',
      status: '$context.status',
      errorType: '$context.error.responseType',
    });
    for (const t of [l, lab]) {
      const s = Object.values(t.template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
      expect(s.MethodSettings).toEqual([expect.not.objectContaining({ LoggingLevel: expect.anything() })]);
      expect(s.MethodSettings[0].MetricsEnabled ?? false).toBe(false);
      t.template.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(JSON.stringify(t.json)).not.toContain('AmazonAPIGatewayPushToCloudWatchLogs');
    }
    expect(l.json.Outputs!.ApiAccessLogGroup.Value).toEqual({ Ref: logGroupId });
  });

  test('at defaults (a fresh account has no API Gateway CloudWatch Logs role) the stage has no access logging, so nothing waits on that role', () => {
    const stage = resources[stageId].Properties!;
    expect(stage.AccessLogSetting).toBeUndefined();
    expect(lab.json.Outputs!.ApiAccessLogGroup).toBeUndefined();
    expect(SERVERLESS_SETTINGS.serverlessAccessLogs.defaultValue).toBe(false);
  });

  /**
   * The access log line as API Gateway writes it: each `$context` variable replaced by its value as is,
   * with no JSON escaping. A variable whose documented value is an id, a time, an address, a method, the
   * resource template, a number or an enumeration gets a realistic value of that shape; every other one
   * (free text, or a value a caller chooses) gets hostile text. `messageString` variables are that text in
   * quotes, as documented ("The quoted value of $context.error.message"), not escaped.
   */
  function renderAccessLog(format: string, hostile: string): string {
    const shaped: Record<string, string> = {
      '$context.requestId': 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      '$context.extendedRequestId': 'E2tQsGHxPHcEbXw=',
      '$context.requestTime': '05/Dec/2026:00:12:03 +0000',
      '$context.identity.sourceIp': '203.0.113.7',
      '$context.httpMethod': 'POST',
      '$context.resourcePath': '/ride',
      '$context.status': '429',
      '$context.responseLatency': '12',
      '$context.error.responseType': 'THROTTLED',
      '$context.authorizer.claims.sub': '7d8ca528-4931-4254-9273-ea5ee853f271',
    };
    return format.replace(/\$context\.[A-Za-z0-9_.:]+/g, (variable) => {
      if (variable in shaped) return shaped[variable];
      return variable.endsWith('String') ? `"${hostile}"` : hostile;
    });
  }

  test.each([
    ['a quote and a backslash', 'Invalid "topic" \\ parameter'],
    ['a newline and a brace', 'line one\n}, "status": "200'],
  ])('the access log line is valid JSON whatever an error message or a rider-chosen value holds (%s)', (_name, hostile) => {
    const stage = Object.values(withAccessLogs.lab.template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    const format: string = stage.AccessLogSetting.Format;
    const line = renderAccessLog(format, hostile);
    expect(() => JSON.parse(line)).not.toThrow();
    expect(JSON.parse(line)).toMatchObject({ status: '429', errorType: 'THROTTLED', path: '/ride' });
    expect(format).toBe(accessLogFormat());
  });

  test('the prod stage is throttled as set (bursts twice the rate), as the default of every method', () => {
    expect(resources[stageId].Properties!).toMatchObject({
      StageName: 'prod',
      MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', DataTraceEnabled: false, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }],
    });
    withAccessLogs.lab.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 })],
    });
  });

  test("the throttle caps each method on its own, and the setting, the README and the guide say what that allows the API as a whole", () => {
    // Stage-level throttling applies at the method level (API_THROTTLED_METHODS cites the documentation).
    expect([...API_THROTTLED_METHODS].sort()).toEqual(methods.map(routeOf).sort());
    const n = API_THROTTLED_METHODS.length;
    const description = SERVERLESS_SETTINGS.serverlessRequestsPerSecond.description;
    expect(description).toContain('each method');
    expect(description).toContain(`${n} times this (${n * 10} per second at the default)`);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme.split('\n').find((line) => line.startsWith('| `serverlessRequestsPerSecond` |'))).toContain(description);
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'serverless', 'README.md'), 'utf8');
    expect(guide).toContain(`${n} methods × 10 = ${n * 10} requests per second`);
  });
});

describe('the tables', () => {
  test.each([
    ['Rides', [{ AttributeName: 'RideId', KeyType: 'HASH' }]],
    ['Faq', [{ AttributeName: 'Topic', KeyType: 'HASH' }, { AttributeName: 'Question', KeyType: 'RANGE' }]],
  ])('%s: the keys, on-demand, point-in-time recovery, no deletion protection, deleted with the stack, no fixed name', (id, keys) => {
    expect(resources[id]).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        KeySchema: keys,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' })),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: false,
      },
    });
    expect(resources[id].Properties!.TableName).toBeUndefined();
  });

  test('each function gets its table name from the environment', () => {
    expect(functionByPrefix('RideServiceRequestUnicorn').Properties!.Environment.Variables.RIDES_TABLE_NAME).toEqual({ Ref: 'Rides' });
    expect(functionByPrefix('FaqServiceAnswer').Properties!.Environment.Variables.FAQ_TABLE_NAME).toEqual({ Ref: 'Faq' });
  });

  test("the FAQ table is seeded at deploy time with the lab's questions; CloudFormation waits at most 5 minutes for the seeder", () => {
    lab.template.hasResourceProperties('Custom::FaqSeed', { TableName: { Ref: 'Faq' }, Items: FAQ_ITEMS, ServiceTimeout: '300' });
  });
});

describe('IAM: each function may do exactly its job, on its own table', () => {
  const logs = (fn: string) => ({
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: { 'Fn::GetAtt': [expect.stringContaining(fn), 'Arn'] },
  });
  test.each([
    ['RideServiceRequestUnicorn', 'dynamodb:PutItem', 'Rides'],
    ['FaqServiceAnswer', ['dynamodb:Query', 'dynamodb:Scan'], 'Faq'],
    ['FaqServiceSeed', 'dynamodb:BatchWriteItem', 'Faq'],
  ])('%s', (fn, actions, table) => {
    const logGroup = `${fn}LogGroup`;
    expect(statementsOfFunction(lab, fn)).toEqual([
      logs(logGroup),
      { Effect: 'Allow', Action: actions, Resource: { 'Fn::GetAtt': [table, 'Arn'] } },
    ]);
  });

  test('no statement anywhere grants DynamoDB on a wildcard', () => {
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties!.PolicyDocument.Statement);
    const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb'));
    expect(dynamo).toHaveLength(3);
    for (const s of dynamo) expect(JSON.stringify(s)).not.toMatch(/dynamodb:\*|"Resource":"\*"|\/\*/);
  });
});

describe('Cognito', () => {
  test('anyone may sign up; the email is verified with a code; no deletion protection; deleted with the stack', () => {
    expect(resources[poolId]).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
        AutoVerifiedAttributes: ['email'],
        DeletionProtection: 'INACTIVE',
        VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
        Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
        UserPoolTier: 'LITE',
      },
    });
    expect(JSON.stringify(resources[poolId].Properties!.VerificationMessageTemplate.EmailMessage)).toContain('/verify.html');
  });

  test('the app client has no secret and allows password and SRP sign-in, and no OAuth', () => {
    expect(resources[clientId].Properties).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});

describe('the site', () => {
  test("config.json is written at deploy time with this deployment's region, pool, client and API URL", () => {
    expect(defaults.siteConfig).toEqual({
      region: { Ref: 'AWS::Region' },
      userPoolId: { Ref: poolId },
      userPoolClientId: { Ref: clientId },
      apiUrl: {
        'Fn::Join': ['', ['https://', { Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: stageId }, '/']],
      },
    });
  });

  test('is served by CloudFront over HTTPS from a private bucket, and no page in the repo holds a deployment value', () => {
    lab.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }) }),
    });
    expect(lab.json.Outputs!.SiteUrl.Value).toEqual(siteOrigin);
    const files = fs.readdirSync(SERVERLESS_SITE_DIR, { recursive: true }) as string[];
    expect(files).not.toContain('config.json');
    for (const file of files.filter((f) => /\.(html|js)$/.test(f))) {
      const text = fs.readFileSync(path.join(SERVERLESS_SITE_DIR, file), 'utf8');
      expect({ file, ids: text.match(/[a-z]{2}-[a-z]+-\d_[A-Za-z0-9]{9}|execute-api\.[a-z]/g) }).toEqual({ file, ids: null });
    }
  });
});

describe('outputs and the lab guide', () => {
  const outputs = lab.json.Outputs!;
  /** An output as a student sees it, with `<LogicalId>` where CloudFormation fills in a value. */
  const render = (value: any): string =>
    typeof value === 'string'
      ? value
      : value.Ref
        ? `<${value.Ref}>`
        : value['Fn::GetAtt']
          ? `<${value['Fn::GetAtt'].join('.')}>`
          : value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  const command = (id: string) => render(outputs[id].Value);
  const api = `https://<${apiId}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/<${stageId}>/`;

  test("the DynamoDB exercise commands name this stack's tables and region", () => {
    const faqKey = `'{"Topic":{"S":"students"},"Question":{"S":"Who wrote this question?"}}'`;
    expect(command('Step1ScanRides')).toBe('aws dynamodb scan --table-name <Rides> --region <AWS::Region>');
    expect(command('Step2GetRide')).toBe(`aws dynamodb get-item --table-name <Rides> --key '{"RideId":{"S":"RIDE_ID"}}' --region <AWS::Region>`);
    expect(command('Step3AddQuestion')).toBe(
      `aws dynamodb put-item --table-name <Faq> --item '{"Topic":{"S":"students"},"Question":{"S":"Who wrote this question?"},"Answer":{"S":"I did, with put-item."}}' --region <AWS::Region>`,
    );
    expect(command('Step4ModifyAnswer')).toBe(
      `aws dynamodb update-item --table-name <Faq> --key ${faqKey} --update-expression 'SET Answer = :a' ` +
        `--expression-attribute-values '{":a":{"S":"I did, and then I changed it with update-item."}}' --return-values ALL_NEW --region <AWS::Region>`,
    );
    expect(command('Step5QueryTopic')).toBe(
      `aws dynamodb query --table-name <Faq> --key-condition-expression 'Topic = :t' --expression-attribute-values '{":t":{"S":"students"}}' --region <AWS::Region>`,
    );
    expect(command('Step6AskFaq')).toBe(`curl -s '${api}faq?topic=students'`);
    expect(command('Step7DeleteQuestion')).toBe(`aws dynamodb delete-item --table-name <Faq> --key ${faqKey} --region <AWS::Region>`);
    for (const id of ['Step3AddQuestion', 'Step4ModifyAnswer', 'Step5QueryTopic', 'Step7DeleteQuestion']) {
      // The JSON in each command is valid as the shell passes it on.
      for (const [, json] of command(id).matchAll(/'(\{.*?\})'/g)) expect(() => JSON.parse(json)).not.toThrow();
    }
  });

  test('the URLs and ids the site and the exercises need', () => {
    expect(command('ApiUrl')).toBe(api);
    expect(command('FaqUrl')).toBe(`${api}faq`);
    expect(command('UserPoolId')).toBe(`<${poolId}>`);
    expect(command('UserPoolClientId')).toBe(`<${clientId}>`);
    expect(command('RidesTableName')).toBe('<Rides>');
    expect(command('FaqTableName')).toBe('<Faq>');
    expect(command('RideFunctionName')).toBe(`<${idOf('AWS::Lambda::Function', 'RideServiceRequestUnicornFunction')}>`);
    expect(command('RideFunctionLogGroup')).toBe(`<${idOf('AWS::Logs::LogGroup', 'RideServiceRequestUnicornLogGroup')}>`);
    expect(command('FaqFunctionName')).toBe(`<${idOf('AWS::Lambda::Function', 'FaqServiceAnswerFunction')}>`);
    expect(command('AuthorizerTestCommand')).toBe(
      `aws apigateway test-invoke-authorizer --rest-api-id <${apiId}> --authorizer-id <${authorizerId}> --headers "Authorization=$TOKEN" --region <AWS::Region>`,
    );
  });

  test("the guide tests the FAQ function with its own event and the authorizer with a token, and says what the account's logging role leaves behind", () => {
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'serverless', 'README.md'), 'utf8');
    const events = path.join(__dirname, '..', '..', 'lib', 'serverless', 'events');
    for (const event of fs.readdirSync(events)) {
      expect(guide).toContain(`--payload fileb://lib/serverless/events/${event}`);
    }
    expect(guide).toContain('$(out FaqFunctionName)');
    expect(guide).toContain('eval "$(out AuthorizerTestCommand)"');
    // The account-wide setting that access logs need survives the stack (AWS::ApiGateway::Account).
    expect(guide).toMatch(/cloudwatchRoleArn[\s\S]*stays[\s\S]*after `cdk destroy`/);
  });

  test('the guide names only outputs the stack has, and every Step output', () => {
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'serverless', 'README.md'), 'utf8');
    // Step outputs anywhere (the guide's commands end with `# StepN...`), the others where written as code.
    const named = [
      ...[...guide.matchAll(/\b(Step\d\w+)\b/g)].map((m) => m[1]),
      ...[...guide.matchAll(/`([A-Z]\w+(?:Url|TableName|FunctionName|LogGroup|Command|PoolId|ClientId)|ExpiresAt)`/g)].map((m) => m[1]),
    ];
    const anyConfiguration = { ...withAccessLogs.lab.json.Outputs, ...outputs };
    expect(named.filter((n) => !(n in anyConfiguration))).toEqual([]);
    expect(Object.keys(outputs).filter((o) => o.startsWith('Step') && !named.includes(o))).toEqual([]);
  });
});

describe('hourly cost (labs cost), on the synths above', () => {
  test.each([
    ['defaults', defaults.lab, 6],
    ['access logs', withAccessLogs.lab, 7],
  ])('%s: $0/h while idle, everything in it billed by use', (_name, l, logGroups) => {
    // Hand calculation: no instance, load balancer, NAT gateway, public IPv4 address, EBS volume, VPC endpoint,
    // KMS key, secret or alarm, and both tables are on demand (no provisioned capacity). What the lab has bills
    // only when used: 6 Lambda functions (ride, FAQ, FAQ seed, expiry, bucket auto-delete, site deployment) and
    // their 6 log groups, the API's access log group (when on), the REST API, the 2 tables, the user pool
    // (monthly active users), the site bucket, the distribution and the expiry schedule. So $0.0000/h.
    const e = estimateStack(l.stack.stackName, l.json as never);
    expect([e.usdPerHour, e.unpriced]).toEqual([0, 0]);
    expect(e.resources.filter((r) => r.lines.length)).toEqual([]);
    const count = (type: string) => e.usage.filter((u) => u.type === type).length;
    const types = [
      'AWS::Lambda::Function',
      'AWS::Logs::LogGroup',
      'AWS::ApiGateway::RestApi',
      'AWS::DynamoDB::Table',
      'AWS::Cognito::UserPool',
      'AWS::S3::Bucket',
      'AWS::CloudFront::Distribution',
      'AWS::Scheduler::Schedule',
    ];
    // Two schedules: the expiry and its retry an hour later (lib/shared/expiry.ts).
    expect(types.map(count)).toEqual([6, logGroups, 1, 2, 1, 1, 1, 2]);
    expect(stackSummary(e)).toBe(`${l.stack.stackName}  $0.0000/h  (nothing bills by the hour; ${14 + logGroups} usage-priced resources)`);
  });

  test("the README's lab table shows the figure labs cost prints at defaults", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `ServerlessLabStack` |'))!;
    const figure = formatUsdPerHour(estimateStack('ServerlessLabStack', lab.json as never).usdPerHour);
    expect(row.split(' | ')[3].slice(0, figure.length)).toBe(figure);
  });
});
