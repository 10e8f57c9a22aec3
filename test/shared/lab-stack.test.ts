/**
 * The shared rules, exercised on small stacks built for the test, including the ways a lab could get
 * them wrong.
 */
import * as path from 'path';
import { App, CfnDeletionPolicy, CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LabExpiry } from '../../lib/shared/expiry';
import { LabFunction } from '../../lib/shared/lab-function';
import { LabStack } from '../../lib/shared/lab-stack';
import { allowRetain, RETAIN_REASON_METADATA } from '../../lib/shared/removal';
import { CDK_JSON_CONTEXT } from '../helpers/synth';
import { findCycle } from '../helpers/template-graph';

const LAB = { id: 'test-lab', title: 'Test lab' };

function newStack(props: { ttlHours?: number } = {}) {
  const app = new App({ context: CDK_JSON_CONTEXT });
  return { app, stack: new LabStack(app, 'TestLabStack', { lab: LAB, ...props }) };
}

describe('no resource outlives its stack', () => {
  test('synthesis fails, naming the resource, when a resource would be retained', () => {
    const { app, stack } = newStack({ ttlHours: 0 });
    new s3.Bucket(stack, 'Forgotten'); // a bucket's default removal policy is RETAIN
    expect(() => app.synth()).toThrow(
      'TestLabStack/Forgotten/Resource (AWS::S3::Bucket) would outlive its stack (DeletionPolicy Retain, UpdateReplacePolicy Retain).',
    );
  });

  test('a snapshot counts as retained too', () => {
    const { app, stack } = newStack({ ttlHours: 0 });
    const volume = new CfnResource(stack, 'Volume', {
      type: 'AWS::EC2::Volume',
      properties: { AvailabilityZone: 'eu-west-1a', Size: 1 },
    });
    volume.cfnOptions.deletionPolicy = CfnDeletionPolicy.SNAPSHOT;
    expect(() => app.synth()).toThrow('TestLabStack/Volume (AWS::EC2::Volume) would outlive its stack (DeletionPolicy Snapshot).');
  });

  test('a lab may opt in for one resource, and the reason lands in the template', () => {
    const { app, stack } = newStack({ ttlHours: 0 });
    const bucket = new s3.Bucket(stack, 'Kept');
    allowRetain(bucket, 'The issue asks to keep the results after the lab is gone.');
    const template = Template.fromJSON(app.synth().getStackByName('TestLabStack').template);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Metadata: { [RETAIN_REASON_METADATA]: 'The issue asks to keep the results after the lab is gone.' },
    });
  });

  test('opting in needs a reason', () => {
    const { stack } = newStack({ ttlHours: 0 });
    expect(() => allowRetain(new s3.Bucket(stack, 'Kept'), ' ')).toThrow(/needs a reason/);
  });
});

describe('every function owns its log group', () => {
  test('a plain lambda.Function gets a log group with a retention, deleted with the stack', () => {
    const { app, stack } = newStack({ ttlHours: 0 });
    new lambda.Function(stack, 'Plain', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    });
    const template = Template.fromJSON(app.synth().getStackByName('TestLabStack').template);
    const [fnId, fn] = Object.entries(template.findResources('AWS::Lambda::Function'))[0];
    const logGroupId = (fn as any).Properties.LoggingConfig.LogGroup.Ref;
    expect(template.toJSON().Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Delete',
      Properties: { RetentionInDays: 7 },
    });
    expect(fnId).toMatch(/^Plain/);
  });

  test('CDK providers that are raw CfnResources (bucket auto-delete) get one too', () => {
    const { app, stack } = newStack({ ttlHours: 0 });
    new s3.Bucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const template = Template.fromJSON(app.synth().getStackByName('TestLabStack').template);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: 'CustomS3AutoDeleteObjectsCustomResourceProviderHandlerLogGroup397C0130' } },
    });
  });

  test("a LabFunction keeps its own log group, and its role may write only to that group", () => {
    const { app, stack } = newStack({ ttlHours: 0 });
    const fn = new LabFunction(stack, 'Handler', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'expiry', 'index.ts'),
      logRetention: 30,
    });
    const template = Template.fromJSON(app.synth().getStackByName('TestLabStack').template);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      LoggingConfig: { LogGroup: { Ref: stack.getLogicalId(fn.logGroup.node.defaultChild as any) } },
    });
    const role = template.findResources('AWS::IAM::Role');
    expect(Object.values(role)[0]).not.toHaveProperty('Properties.ManagedPolicyArns');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(fn.logGroup.node.defaultChild as any), 'Arn'] },
          },
        ],
      },
    });
  });
  test("only the function's own execution role waits for its log group, not the roles of what it depends on", () => {
    const { app, stack } = newStack({ ttlHours: 0 });
    const plain = (id: string) =>
      new lambda.Function(stack, id, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 1;'),
      });
    const first = plain('First');
    const second = plain('Second');
    first.node.addDependency(second); // a lab's function that needs another construct, with a role of its own, first
    const resources = app.synth().getStackByName('TestLabStack').template.Resources;
    const idOf = (c: IConstruct) => stack.resolve((c as CfnResource).logicalId);
    const logGroupOf = (fn: lambda.Function) => resources[idOf(fn.node.defaultChild!)].Properties.LoggingConfig.LogGroup.Ref;
    expect(resources[idOf(first.role!.node.defaultChild!)].DependsOn).toContain(logGroupOf(first));
    // Everything under First, its aspect-made log group included, waits for Second; had Second's role waited for
    // First's log group too, that would be a cycle.
    expect(resources[idOf(second.role!.node.defaultChild!)].DependsOn).toEqual([logGroupOf(second)]);
    expect(findCycle(resources)).toBeUndefined();
  });
});

describe('LabExpiry', () => {
  test.each([0, 169, 1.5])('refuses ttlHours %p at construction', (ttlHours) => {
    const { stack } = newStack({ ttlHours: 0 });
    expect(() => new LabExpiry(stack, 'SecondExpiry', { ttlHours })).toThrow(/ttlHours must be a whole number from 1 to 168/);
  });

  // When the schedule fires, how its clock starts and what it refuses: test/shared/expiry.test.ts.

  test('the stack description says the lab expires', () => {
    expect(newStack({ ttlHours: 6 }).stack.templateOptions.description).toBe(
      'Course lab "Test lab" (course-labs). Deletes itself 6 h after deployment.',
    );
  });
});

test.each([-1, 2.5, 169])('LabStack refuses ttlHours %p', (ttlHours) => {
  expect(() => newStack({ ttlHours })).toThrow('TestLabStack: ttlHours must be a whole number of hours from 0 (never expire) to 168');
});

describe('the commands a stack prints carry its own settings', () => {
  const outputsOf = (props: Partial<ConstructorParameters<typeof LabStack>[2]>) => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const stack = new LabStack(app, 'TestLabStack', { lab: LAB, ttlHours: 0, ...props });
    new s3.Bucket(stack, 'Something', { removalPolicy: RemovalPolicy.DESTROY }); // a template needs a resource
    return Template.fromStack(stack).toJSON().Outputs;
  };

  test('suffix, ttlHours and the lab settings, in that order, with shell quoting where a value needs it', () => {
    const outputs = outputsOf({ stackSuffix: 'bob', labSettings: { workerCount: '3', sshCidr: '203.0.113.7/32', note: "it's here" } });
    expect(outputs.DestroyCommand.Value).toBe(
      "npx cdk destroy TestLabStack-bob -c stackSuffix=bob -c ttlHours=0 -c workerCount=3 -c sshCidr=203.0.113.7/32 -c note='it'\\''s here'",
    );
  });

  test('the redeploy that extends a lab keeps every other setting and sets only ttlHours', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const stack = new LabStack(app, 'TestLabStack', { lab: LAB, ttlHours: 6, labSettings: { phase: 'split' } });
    const expiry = JSON.stringify(Template.fromStack(stack).toJSON().Outputs.Expiry.Value);
    expect(expiry).toContain('Sooner: npx cdk destroy TestLabStack -c ttlHours=6 -c phase=split.');
    expect(expiry).toContain('Later: npx cdk deploy TestLabStack -c phase=split -c ttlHours=<hours>;');
  });

  test('stackName is not a prop: the name is the id plus the suffix, as the stack tag says', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    // @ts-expect-error stackName is omitted from LabStackProps
    const props: ConstructorParameters<typeof LabStack>[2] = { lab: LAB, stackName: 'Other' };
    expect(props).toBeDefined();
    expect(new LabStack(app, 'TestLabStack', { lab: LAB, stackSuffix: 'x' }).stackName).toBe('TestLabStack-x');
  });
});
