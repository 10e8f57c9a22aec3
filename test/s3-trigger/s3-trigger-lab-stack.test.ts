/**
 * S3TriggerLabStack: one synth per configuration that changes the template (defaults, another width),
 * snapshots of both, and assertions on what the exercise rests on: the buckets, the notification, the
 * function's permissions, the absence of a loop, and teardown.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SETTINGS_GROUPS } from '../../lib/app';
import { REPOSITORY_ROOT, S3_TRIGGER_SAMPLES, SAMPLE_EVENT_BUCKET } from '../../lib/s3-trigger/s3-trigger-lab-stack';
import { ConfigError, loadSettings } from '../../lib/shared/settings';
import { CfnResourceJson, normalizedTemplate, SynthesizedLab, synthLab } from '../helpers/synth';

const defaults = synthLab('S3TriggerLabStack');
const wide = synthLab('S3TriggerLabStack', { thumbnailWidth: '640' });
const resources = defaults.json.Resources;
const outputs = defaults.json.Outputs!;

const idsOf = (l: SynthesizedLab, type: string) => Object.keys(l.json.Resources).filter((id) => l.json.Resources[id].Type === type);
const only = (ids: string[]) => {
  expect(ids).toHaveLength(1);
  return ids[0];
};
const uploadId = only(idsOf(defaults, 'AWS::S3::Bucket').filter((id) => id.includes('Upload')));
const thumbnailId = only(idsOf(defaults, 'AWS::S3::Bucket').filter((id) => id.includes('ThumbnailBucket')));
const functionId = only(idsOf(defaults, 'AWS::Lambda::Function').filter((id) => id.startsWith('ThumbnailsThumbnailer')));
const fn = resources[functionId];
const roleId: string = fn.Properties!.Role['Fn::GetAtt'][0];
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const objectsOf = (id: string, pattern = '*') => ({ 'Fn::Join': ['', [arnOf(id), `/${pattern}`]] });

/** Every statement of every policy attached to the function's role. */
const roleStatements = Object.values(resources)
  .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: any) => x.Ref === roleId))
  .flatMap((r) => r.Properties!.PolicyDocument.Statement);
const notifications = Object.values(resources).filter((r) => r.Type === 'Custom::S3BucketNotifications');

describe.each([
  ['defaults', defaults],
  ['thumbnailWidth=640', wide],
])('S3TriggerLabStack (%s)', (_name, l) => {
  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(l.json)).toMatchSnapshot();
  });
});

describe('the buckets', () => {
  test.each([
    ['upload', uploadId],
    ['thumbnail', thumbnailId],
  ])('%s: no fixed name, encrypted, public access blocked, ACLs off, deleted and emptied with the stack', (_name, id) => {
    expect(resources[id]).toMatchObject({
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
    expect(resources[id].Properties!.BucketName).toBeUndefined();
    const emptier = Object.values(resources).filter((r) => r.Type === 'Custom::S3AutoDeleteObjects' && r.Properties!.BucketName.Ref === id);
    expect(emptier).toEqual([expect.objectContaining({ DeletionPolicy: 'Delete' })]);
  });

  test.each([
    ['upload', uploadId],
    ['thumbnail', thumbnailId],
  ])('%s: every request without TLS is denied', (_name, id) => {
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties!.Bucket.Ref === id)!;
    expect(policy.Properties!.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Resource: [arnOf(id), objectsOf(id)],
      }),
    );
  });
});

describe('the trigger', () => {
  test('new .jpg, .jpeg and .png objects of the upload bucket, in either case, invoke the function; nothing else does', () => {
    expect(notifications).toHaveLength(1);
    const { BucketName, NotificationConfiguration } = notifications[0].Properties!;
    expect(BucketName).toEqual({ Ref: uploadId });
    expect(Object.keys(NotificationConfiguration)).toEqual(['LambdaFunctionConfigurations']);
    expect(NotificationConfiguration.LambdaFunctionConfigurations).toEqual(
      ['.jpg', '.jpeg', '.png', '.JPG', '.JPEG', '.PNG'].map((suffix) => ({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: suffix }] } },
        LambdaFunctionArn: arnOf(functionId),
      })),
    );
  });

  test('only S3, for the upload bucket of this account, may invoke the function', () => {
    const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    expect(permissions.map((p) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(functionId),
        Principal: 's3.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: arnOf(uploadId),
      },
    ]);
  });

  test('failed invocations are retried once and events dropped after an hour, not retried for 6 hours', () => {
    const [config] = idsOf(defaults, 'AWS::Lambda::EventInvokeConfig').map((id) => resources[id].Properties);
    expect(config).toEqual({ FunctionName: { Ref: functionId }, Qualifier: '$LATEST', MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 });
  });
});

describe('the function', () => {
  test('is a LabFunction: its own log group (deleted with the stack), Node.js 24 on arm64, 1.5 GB, 60 s', () => {
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1536,
      Timeout: 60,
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^ThumbnailsThumbnailerLogGroup/) } },
    });
    expect(resources[fn.Properties!.LoggingConfig.LogGroup.Ref]).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Delete' });
  });

  test('its role may read uploads, write resized-* thumbnails and its own logs, and nothing else', () => {
    expect(roleStatements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: arnOf(fn.Properties!.LoggingConfig.LogGroup.Ref) },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objectsOf(uploadId) },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: arnOf(uploadId) },
      { Action: 's3:PutObject', Effect: 'Allow', Resource: objectsOf(thumbnailId, 'resized-*') },
    ]);
    expect(resources[roleId].Properties!.ManagedPolicyArns).toBeUndefined();
  });

  test('the width and the thumbnail bucket come from the environment; the setting changes the width', () => {
    expect(fn.Properties!.Environment.Variables).toEqual({ THUMBNAIL_BUCKET: { Ref: thumbnailId }, THUMBNAIL_WIDTH: '200' });
    const wideFn = wide.json.Resources[functionId];
    expect(wideFn.Properties!.Environment.Variables.THUMBNAIL_WIDTH).toBe('640');
    expect(wide.json.Outputs!.ThumbnailWidth.Value).toBe('640');
  });
});

describe('no loop', () => {
  const writes = (s: any) => [s.Action].flat().some((a: string) => !/^s3:(Get|List)/.test(a) && a.startsWith('s3:'));
  test('the function cannot write to the bucket that invokes it', () => {
    const s3Writes = roleStatements.filter(writes);
    expect(s3Writes).toHaveLength(1);
    expect(JSON.stringify(s3Writes)).not.toContain(uploadId);
  });

  test('the bucket it writes to invokes nothing, and the one it reads is not where it writes', () => {
    expect(notifications.map((n) => n.Properties!.BucketName)).toEqual([{ Ref: uploadId }]);
    expect(fn.Properties!.Environment.Variables.THUMBNAIL_BUCKET).not.toEqual({ Ref: uploadId });
  });
});

describe('removal', () => {
  test('nothing is retained, and every log group belongs to the stack', () => {
    for (const [id, r] of Object.entries(resources) as [string, CfnResourceJson][]) {
      expect({ id, policy: r.DeletionPolicy ?? 'Delete' }).toEqual({ id, policy: 'Delete' });
    }
    const functions = idsOf(defaults, 'AWS::Lambda::Function');
    for (const id of functions) expect(resources[id].Properties!.LoggingConfig?.LogGroup).toBeDefined();
  });
});

describe('outputs', () => {
  const joined = (key: string) => JSON.stringify(outputs[key].Value);
  test('name both buckets, the function, its log group and width', () => {
    expect(outputs.UploadBucketName.Value).toEqual({ Ref: uploadId });
    expect(outputs.ThumbnailBucketName.Value).toEqual({ Ref: thumbnailId });
    expect(outputs.FunctionName.Value).toEqual({ Ref: functionId });
    expect(outputs.FunctionLogGroup.Value).toEqual({ Ref: fn.Properties!.LoggingConfig.LogGroup.Ref });
    expect(outputs.ThumbnailWidth.Value).toBe('200');
  });

  test('the commands name the right resources and the sample files that exist', () => {
    expect(joined('Step1UploadImage')).toContain(`aws s3 cp ${S3_TRIGGER_SAMPLES.jpeg} s3://`);
    expect(joined('Step1UploadImage')).toContain(uploadId);
    expect(joined('Step2ListThumbnails')).toContain(thumbnailId);
    expect(joined('Step3DownloadThumbnail')).toContain('/resized-HappyFace.jpg');
    expect(joined('Step4TestWithSampleEvent')).toContain(`sed 's/${SAMPLE_EVENT_BUCKET}/`);
    expect(joined('Step4TestWithSampleEvent')).toContain('aws lambda invoke --function-name');
    expect(joined('Step4TestWithSampleEvent')).toContain('--payload fileb://s3-put.json');
    expect(joined('Step5TailLogs')).toContain('aws logs tail');
    for (const metric of ['Invocations', 'Errors', 'Duration']) expect(joined('Step6Metrics')).toContain(`\\"MetricName\\":\\"${metric}\\"`);
    for (const file of Object.values(S3_TRIGGER_SAMPLES)) expect(fs.existsSync(path.join(REPOSITORY_ROOT, file))).toBe(true);
  });

  test("the metric queries are valid JSON once the function's name is in", () => {
    const parts: unknown[] = (outputs.Step6Metrics.Value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const text = parts.map((p) => (typeof p === 'string' ? p : 'S3TriggerLabStack-Fn')).join('');
    const queries = JSON.parse(/--metric-data-queries '([^']+)'/.exec(text)![1]);
    expect(queries.map((q: any) => [q.MetricStat.Metric.MetricName, q.MetricStat.Stat])).toEqual([
      ['Invocations', 'Sum'],
      ['Errors', 'Sum'],
      ['Duration', 'Average'],
    ]);
  });
});

describe('the thumbnailWidth setting', () => {
  const width = (context: Record<string, unknown>) =>
    loadSettings(context, SETTINGS_GROUPS).find((g) => 'thumbnailWidth' in g.values)!.values.thumbnailWidth;

  test('defaults to 200 and reads 16 and 2048', () => {
    expect(width({})).toBe(200);
    expect(width({ thumbnailWidth: '16' })).toBe(16);
    expect(width({ thumbnailWidth: 2048 })).toBe(2048);
  });

  test.each(['15', '2049', '0', '120.5', 'wide', '-20', ''])('%p is refused with one line naming the key, the value and the range', (value) => {
    expect(() => loadSettings({ thumbnailWidth: value }, SETTINGS_GROUPS)).toThrow(ConfigError);
    expect(() => loadSettings({ thumbnailWidth: value }, SETTINGS_GROUPS)).toThrow(
      `Invalid value ${JSON.stringify(value)} for context key "thumbnailWidth". Allowed: a whole number from 16 to 2048.`,
    );
  });
});
