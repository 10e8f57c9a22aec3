/**
 * The synth-time teardown rules beyond retention: what would make `cdk destroy` (or the lab's expiry) fail,
 * and what a service would create outside the stack at run time. Each refusal on a stack built for the test,
 * and every passing counterpart together in one stack, synthesized once.
 */
import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticbeanstalk from 'aws-cdk-lib/aws-elasticbeanstalk';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { LabStack } from '../../lib/shared/lab-stack';
import { CDK_JSON_CONTEXT } from '../helpers/synth';

const LAB = { id: 'test-lab', title: 'Test lab' };

// The logRetention case uses a deprecated prop on purpose: no deprecation warning in the test output.
process.env.JSII_DEPRECATED = 'quiet';

function labStack() {
  const app = new App({ context: CDK_JSON_CONTEXT });
  return { app, stack: new LabStack(app, 'TestLabStack', { lab: LAB, ttlHours: 0 }) };
}

const DESTROY = { removalPolicy: RemovalPolicy.DESTROY };

/** Each case builds one resource in `scope`, wrong (`bad`) or right; the refusal names its path and the fix. */
interface Case {
  readonly build: (scope: Construct, bad: boolean) => void;
  /** The refusal's text for the wrong version: the resource's path and type, what is wrong, the fix. */
  readonly refusal: RegExp;
}

const PROTECTED = 'is protected from deletion \\((.+)\\), so cdk destroy and the lab\'s expiry would fail on it and leave the lab running\\.';

const CASES: Record<string, Case> = {
  'DynamoDB table with deletion protection': {
    build: (scope, bad) =>
      new dynamodb.Table(scope, 'Scores', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        deletionProtection: bad,
        ...DESTROY,
      }),
    refusal: new RegExp(`/Scores/Resource \\(AWS::DynamoDB::Table\\) ${PROTECTED.replace('(.+)', 'DeletionProtectionEnabled')} Set deletionProtection: false on the table`),
  },
  'DynamoDB global table with a protected replica': {
    build: (scope, bad) =>
      new dynamodb.TableV2(scope, 'Sessions', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, deletionProtection: bad, ...DESTROY }),
    refusal: new RegExp(`/Sessions/Resource \\(AWS::DynamoDB::GlobalTable\\) ${PROTECTED.replace('(.+)', 'Replicas\\[\\]\\.DeletionProtectionEnabled')} Set deletionProtection: false on every replica`),
  },
  'Cognito user pool with deletion protection': {
    build: (scope, bad) => new cognito.UserPool(scope, 'Users', { deletionProtection: bad, ...DESTROY }),
    refusal: new RegExp(`/Users/Resource \\(AWS::Cognito::UserPool\\) ${PROTECTED.replace('(.+)', 'DeletionProtection')} Set deletionProtection: false on the user pool`),
  },
  'load balancer with deletion protection': {
    build: (scope, bad) => {
      const vpc = new ec2.Vpc(scope, 'AlbVpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
      new elbv2.ApplicationLoadBalancer(scope, 'Alb', { vpc, internetFacing: true, deletionProtection: bad });
    },
    refusal: new RegExp(
      `/Alb/Resource \\(AWS::ElasticLoadBalancingV2::LoadBalancer\\) ${PROTECTED.replace('(.+)', 'LoadBalancerAttributes deletion_protection\\.enabled')} Set deletionProtection: false on the load balancer`,
    ),
  },
  'EC2 instance with termination protection': {
    build: (scope, bad) => new ec2.CfnInstance(scope, 'Vm', { imageId: 'ami-0123456789abcdef0', instanceType: 't3.micro', disableApiTermination: bad }),
    refusal: new RegExp(`/Vm \\(AWS::EC2::Instance\\) ${PROTECTED.replace('(.+)', 'DisableApiTermination')} Set disableApiTermination: false on the instance`),
  },
  'launch template with termination protection': {
    build: (scope, bad) =>
      new ec2.LaunchTemplate(scope, 'Workers', { instanceType: new ec2.InstanceType('t3.micro'), disableApiTermination: bad, requireImdsv2: true }),
    refusal: new RegExp(
      `/Workers/Resource \\(AWS::EC2::LaunchTemplate\\) ${PROTECTED.replace('(.+)', 'LaunchTemplateData\\.DisableApiTermination')} Set disableApiTermination: false on the launch template`,
    ),
  },
  'EMR cluster with termination protection': {
    build: (scope, bad) =>
      new emr.CfnCluster(scope, 'Hadoop', {
        name: 'hadoop',
        releaseLabel: 'emr-7.5.0',
        jobFlowRole: 'EMR_EC2_DefaultRole',
        serviceRole: 'EMR_DefaultRole',
        instances: {
          terminationProtected: bad,
          masterInstanceGroup: { instanceCount: 1, instanceType: 'm5.xlarge' },
        },
      }),
    refusal: new RegExp(`/Hadoop \\(AWS::EMR::Cluster\\) ${PROTECTED.replace('(.+)', 'Instances\\.TerminationProtected')} Set terminationProtected: false in the cluster's instances`),
  },
  'RDS instance with deletion protection': {
    build: (scope, bad) => {
      const db = new rds.CfnDBInstance(scope, 'Db', {
        engine: 'postgres',
        dbInstanceClass: 'db.t4g.micro',
        allocatedStorage: '20',
        masterUsername: 'lab',
        manageMasterUserPassword: true,
        deletionProtection: bad,
      });
      db.applyRemovalPolicy(RemovalPolicy.DESTROY);
    },
    refusal: new RegExp(`/Db \\(AWS::RDS::DBInstance\\) ${PROTECTED.replace('(.+)', 'DeletionProtection')} Set deletionProtection: false`),
  },
  'container repository not emptied on delete': {
    build: (scope, bad) => new ecr.Repository(scope, 'Images', { emptyOnDelete: !bad, ...DESTROY }),
    refusal:
      /\/Images\/Resource \(AWS::ECR::Repository\) is not emptied on delete: once an image is pushed, CloudFormation cannot delete it and cdk destroy fails\. Give it emptyOnDelete: true/,
  },
  'API Gateway stage with execution logging and no log group of its own': {
    build: (scope, bad) => {
      const api = new apigateway.RestApi(scope, 'Api', {
        deployOptions: { stageName: 'lab', loggingLevel: apigateway.MethodLoggingLevel.INFO },
        cloudWatchRole: false,
      });
      api.root.addMethod('GET', new apigateway.MockIntegration({ integrationResponses: [{ statusCode: '200' }], requestTemplates: { 'application/json': '{"statusCode": 200}' } }), {
        methodResponses: [{ statusCode: '200' }],
      });
      if (!bad) {
        new logs.LogGroup(scope, 'ApiExecutionLogs', {
          logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/lab`,
          retention: logs.RetentionDays.ONE_WEEK,
          ...DESTROY,
        });
      }
    },
    refusal:
      /\/Api\/DeploymentStage\.lab\/Resource \(AWS::ApiGateway::Stage\) turns on execution logging .* so API Gateway creates the log group API-Gateway-Execution-Logs_<rest-api-id>\/lab at run time, outside the stack, and it outlives the lab\. Turn execution logging off .* or own that log group in the stack/,
  },
  'ECS container that creates its log group at run time': {
    build: (scope, bad) => {
      const task = new ecs.FargateTaskDefinition(scope, 'Task');
      const logGroup = new logs.LogGroup(scope, 'TaskLogs', { retention: logs.RetentionDays.ONE_WEEK, ...DESTROY });
      task.addContainer('web', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
        logging: bad
          ? new ecs.GenericLogDriver({
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/web', 'awslogs-region': Stack.of(scope).region, 'awslogs-stream-prefix': 'web', 'awslogs-create-group': 'true' },
            })
          : ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'web' }),
      });
    },
    refusal:
      /\/Task\/Resource \(AWS::ECS::TaskDefinition\) lets container "web" create its log group at run time \(awslogs-create-group\), outside the stack, and it outlives the lab\. Log to a log group the stack owns/,
  },
  'Elastic Beanstalk log streaming kept after the environment': {
    build: (scope, bad) =>
      new elasticbeanstalk.CfnEnvironment(scope, 'Env', {
        applicationName: 'app',
        solutionStackName: '64bit Amazon Linux 2023 v6.6.0 running Node.js 22',
        optionSettings: [
          { namespace: 'aws:elasticbeanstalk:cloudwatch:logs', optionName: 'StreamLogs', value: 'true' },
          { namespace: 'aws:elasticbeanstalk:cloudwatch:logs', optionName: 'DeleteOnTerminate', value: bad ? 'false' : 'true' },
          { namespace: 'aws:elasticbeanstalk:cloudwatch:logs:health', optionName: 'HealthStreamingEnabled', value: bad ? 'true' : 'false' },
        ],
      }),
    refusal:
      /\/Env \(AWS::ElasticBeanstalk::Environment\) streams instance logs to CloudWatch Logs \(aws:elasticbeanstalk:cloudwatch:logs StreamLogs\), so Elastic Beanstalk creates \/aws\/elasticbeanstalk\/<environment>\/\.\.\. log groups outside the stack, and they outlive the lab\. Turn StreamLogs off, or set DeleteOnTerminate to true/,
  },
  "a Lambda function's logRetention": {
    build: (scope, bad) =>
      new lambda.Function(scope, 'Fn', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 1;'),
        ...(bad ? { logRetention: logs.RetentionDays.ONE_WEEK } : {}),
      }),
    refusal:
      /\/Fn\/LogRetention\/Resource \(Custom::LogRetention\) is a Lambda function's logRetention: it sets a retention on the \/aws\/lambda\/\.\.\. log group that Lambda creates outside the stack, and that group outlives the lab\. Give the function logGroup/,
  },
};

describe('synthesis refuses, with the path and the fix,', () => {
  test.each(Object.entries(CASES))('%s', (_name, { build, refusal }) => {
    const { app, stack } = labStack();
    build(stack, true);
    expect(() => app.synth()).toThrow(new RegExp(`TestLabStack${refusal.source}`));
  });

  test('a protection set by a raw override, which no construct prop shows', () => {
    const { app, stack } = labStack();
    const table = new dynamodb.Table(stack, 'Scores', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, ...DESTROY });
    (table.node.defaultChild as CfnResource).addPropertyOverride('DeletionProtectionEnabled', 'true');
    expect(() => app.synth()).toThrow(/TestLabStack\/Scores\/Resource \(AWS::DynamoDB::Table\) is protected from deletion \(DeletionProtectionEnabled\)/);
  });

  test('a protection of a type with no specific rule, by its property name', () => {
    const { app, stack } = labStack();
    new CfnResource(stack, 'GraphDb', { type: 'AWS::Neptune::DBCluster', properties: { DeletionProtection: true } }).applyRemovalPolicy(RemovalPolicy.DESTROY);
    expect(() => app.synth()).toThrow(
      "TestLabStack/GraphDb (AWS::Neptune::DBCluster) is protected from deletion (DeletionProtection), so cdk destroy and the lab's expiry would fail on it and leave the lab running. Turn DeletionProtection off (or leave it out).",
    );
  });

  test("an RDS database left to CloudFormation's default deletion policy, which is a snapshot", () => {
    const { app, stack } = labStack();
    new rds.CfnDBInstance(stack, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' });
    expect(() => app.synth()).toThrow(
      'TestLabStack/Db (AWS::RDS::DBInstance) would outlive its stack (no DeletionPolicy, and CloudFormation snapshots this type by default).',
    );
  });
});

test('every case done right synthesizes, in one stack', () => {
  const { app, stack } = labStack();
  for (const { build } of Object.values(CASES)) build(stack, false);
  const resources: Record<string, { Type: string }> = app.synth().getStackByName('TestLabStack').template.Resources;
  const types = new Set(Object.values(resources).map((r) => r.Type));
  for (const type of [
    'AWS::DynamoDB::Table',
    'AWS::DynamoDB::GlobalTable',
    'AWS::Cognito::UserPool',
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    'AWS::EC2::Instance',
    'AWS::EC2::LaunchTemplate',
    'AWS::EMR::Cluster',
    'AWS::RDS::DBInstance',
    'AWS::ECR::Repository',
    'AWS::ApiGateway::Stage',
    'AWS::ECS::TaskDefinition',
    'AWS::Lambda::Function',
    'AWS::ElasticBeanstalk::Environment',
  ]) {
    expect({ type, present: types.has(type) }).toEqual({ type, present: true });
  }
  expect(types.has('Custom::LogRetention')).toBe(false);
});
