/**
 * `labs check` for the S3 trigger lab with an injected, in-memory S3 (the same checks run against
 * moto_server in test/integration/s3-trigger.moto.test.ts). The fake plays S3 and Lambda together: a PUT to
 * the upload bucket runs the real thumbnail handler, as the bucket's notification would.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PNG } from 'pngjs';
import { makeHandler } from '../../lambda/thumbnail';
import { AwsSession } from '../../lib/cli/aws/session';
import { checkImage, checkKey, CHECK_IMAGE, s3TriggerChecks, THUMBNAIL_POLL } from '../../lib/cli/check/s3-trigger';
import { checksFor } from '../../lib/cli/check';
import { CheckContext } from '../../lib/cli/check/types';
import { LabStack } from '../../lib/cli/inventory/stacks';
import { EXIT } from '../../lib/cli/exit-codes';

const OUTPUTS = { UploadBucketName: 'uploads', ThumbnailBucketName: 'thumbs', ThumbnailWidth: '200', FunctionLogGroup: '/lab/thumbs' };
const stack = (outputs: Record<string, string>): LabStack => ({
  name: 'S3TriggerLabStack',
  id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S3TriggerLabStack/1',
  lab: 's3-trigger',
  status: 'CREATE_COMPLETE',
  createdAt: new Date(0),
  outputs,
  tags: {},
});

/** An S3 of buckets -> key -> bytes; `onPut` runs after every PUT. */
function fakeS3(onPut?: (bucket: string, key: string) => Promise<void>) {
  const buckets = new Map<string, Map<string, Uint8Array>>([['uploads', new Map()], ['thumbs', new Map()]]);
  const deleted: string[] = [];
  const send = async (command: unknown): Promise<any> => {
    const input = (command as { input: { Bucket: string; Key: string; Body?: Uint8Array } }).input;
    const bucket = buckets.get(input.Bucket);
    if (!bucket) throw Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' });
    if (command instanceof PutObjectCommand) {
      bucket.set(input.Key, new Uint8Array(input.Body!));
      await onPut?.(input.Bucket, input.Key);
      return {};
    }
    if (command instanceof GetObjectCommand) {
      const bytes = bucket.get(input.Key);
      if (!bytes) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      return { ContentLength: bytes.length, Body: { transformToByteArray: async () => bytes } };
    }
    if (command instanceof DeleteObjectCommand) {
      deleted.push(`${input.Bucket}/${input.Key}`);
      bucket.delete(input.Key);
      return {};
    }
    throw new Error(`unexpected ${(command as object).constructor.name}`);
  };
  return { buckets, deleted, s3: { send } };
}

function contextWith(s3: { send: (c: unknown) => Promise<any> }, outputs = OUTPUTS) {
  const sleeps: number[] = [];
  const context: CheckContext = {
    stack: stack(outputs),
    session: { s3 } as unknown as AwsSession,
    fetch: globalThis.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    now: () => new Date('2026-12-05T00:00:00Z'),
    progress: () => undefined,
  };
  return { context, sleeps };
}

/** The pipeline as deployed: a PUT to the upload bucket runs the handler, which writes to the thumbnail bucket. */
function workingPipeline(width: number) {
  const fake = fakeS3(async (bucket, key) => {
    if (bucket !== 'uploads') return;
    const handler = makeHandler({ s3: fake.s3 as never, outputBucket: 'thumbs', width, log: () => undefined });
    await handler({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1 } } }] } as never);
  });
  return fake;
}

test('the lab registers its checks under its tag', () => {
  expect(checksFor('s3-trigger')).toBe(s3TriggerChecks);
});

test('the test image is a real PNG of the stated size, and every run uses a new key', () => {
  expect(PNG.sync.read(checkImage())).toMatchObject(CHECK_IMAGE);
  const now = new Date('2026-12-05T00:00:00.123Z');
  expect(checkKey(now, () => 0.5)).toMatch(/^labs-check\/20261205T000000Z-\w+\.png$/);
  expect(checkKey(now)).not.toBe(checkKey(now));
});

test('PASS: the thumbnail appears at the width the stack says, and both objects are deleted', async () => {
  const fake = workingPipeline(200);
  const { context, sleeps } = contextWith(fake.s3);
  const results = await s3TriggerChecks.run(context);
  expect(results.map((r) => [r.name, r.status])).toEqual([
    ['thumbnail appears', 'PASS'],
    ['thumbnail width', 'PASS'],
    ['test objects removed', 'PASS'],
  ]);
  expect(results[1].detail).toMatch(/^200x150,/);
  expect(sleeps).toEqual([THUMBNAIL_POLL.intervalMs]); // found at the first look
  expect(fake.deleted).toEqual([expect.stringMatching(/^uploads\/labs-check\//), expect.stringMatching(/^thumbs\/resized-labs-check\//)]);
  expect([...fake.buckets.values()].every((b) => b.size === 0)).toBe(true);
});

test('FAIL: no thumbnail within the bounded wait (the trigger does nothing); the upload is still deleted', async () => {
  const fake = fakeS3();
  const { context, sleeps } = contextWith(fake.s3);
  const results = await s3TriggerChecks.run(context);
  expect(results.map((r) => [r.name, r.status])).toEqual([
    ['thumbnail appears', 'FAIL'],
    ['thumbnail width', 'SKIP'],
    ['test objects removed', 'PASS'],
  ]);
  expect(results[0].detail).toMatch(/no s3:\/\/thumbs\/resized-labs-check\/\S+ 60 s after the upload: .* aws logs tail \/lab\/thumbs --since 10m$/);
  expect(sleeps).toHaveLength(THUMBNAIL_POLL.attempts);
  expect(fake.buckets.get('uploads')!.size).toBe(0);
});

test('FAIL: a thumbnail of another width says what it is and what it should be', async () => {
  const { context } = contextWith(workingPipeline(120).s3);
  const results = await s3TriggerChecks.run(context);
  expect(results[1]).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('is 120x90; with ThumbnailWidth 200 it should be 200x150') });
});

test('an error that stops every check (access denied on the upload) is thrown, and nothing is left behind', async () => {
  const denied = { send: async () => { throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }); } };
  const { context } = contextWith(denied);
  await expect(s3TriggerChecks.run(context)).rejects.toMatchObject({ exitCode: EXIT.accessDenied, message: expect.stringMatching(/^Access denied: /) });
});

test('any other error from S3 is that check\'s FAIL, not a stopped command, and the upload is still removed', async () => {
  const busy = { send: async () => { throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError' }); } };
  const upload = await s3TriggerChecks.run(contextWith(busy).context);
  expect(upload[0]).toMatchObject({ name: 'thumbnail appears', status: 'FAIL', detail: expect.stringMatching(/^could not upload s3:\/\/uploads\/labs-check\/.*We encountered an internal error/) });

  const fake = fakeS3();
  const send = fake.s3.send;
  const s3 = { send: async (c: unknown) => (c instanceof GetObjectCommand ? Promise.reject(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' })) : send(c)) };
  const read = await s3TriggerChecks.run(contextWith(s3).context);
  expect(read.map((r) => r.status)).toEqual(['FAIL', 'SKIP', 'PASS']);
  expect(read[0].detail).toMatch(/^could not read s3:\/\/thumbs\/resized-labs-check\/.*Service Unavailable/);
  expect(fake.buckets.get('uploads')!.size).toBe(0);
});

test('a failed delete is reported as a FAIL naming the object, not thrown', async () => {
  const fake = workingPipeline(200);
  const send = fake.s3.send;
  const s3 = { send: async (c: unknown) => (c instanceof DeleteObjectCommand ? Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDenied' })) : send(c)) };
  const { context } = contextWith(s3);
  const results = await s3TriggerChecks.run(context);
  expect(results[2]).toMatchObject({ name: 'test objects removed', status: 'FAIL', detail: expect.stringContaining('could not delete s3://uploads/labs-check/') });
});

test.each([
  ['the upload bucket', { ...OUTPUTS, UploadBucketName: 'deleted-by-hand' }, 'SKIP'],
  ['the thumbnail bucket', { ...OUTPUTS, ThumbnailBucketName: 'deleted-by-hand' }, 'PASS'],
])('%s deleted by hand: a FAIL that says so, not an error, and the upload (if any) removed', async (_name, outputs, cleanup) => {
  const fake = workingPipeline(200);
  const { context, sleeps } = contextWith(fake.s3, outputs);
  const results = await s3TriggerChecks.run(context);
  expect(results.map((r) => [r.name, r.status])).toEqual([
    ['thumbnail appears', 'FAIL'],
    ['thumbnail width', 'SKIP'],
    ['test objects removed', cleanup],
  ]);
  expect(results[0].detail).toBe('the bucket deleted-by-hand (a stack output) does not exist: the stack is broken; redeploy or destroy it');
  expect(sleeps.length).toBeLessThanOrEqual(1);
  expect(fake.buckets.get('uploads')!.size).toBe(0);
});

test('the plan, and a stack deployed without the outputs', async () => {
  expect(s3TriggerChecks.plan(stack(OUTPUTS))).toEqual([
    'Uploads a 64x48 PNG as labs-check/<time>-<random>.png to uploads,',
    'waits up to 60 s for resized-<that key> in thumbs and checks it is 200 pixels wide,',
    'then deletes both objects, whatever the outcome.',
  ]);
  const fake = fakeS3();
  const { context, sleeps } = contextWith(fake.s3, { ...OUTPUTS, ThumbnailWidth: 'wide' });
  const results = await s3TriggerChecks.run(context);
  expect(results[0]).toEqual({ name: 'thumbnail appears', status: 'FAIL', detail: `S3TriggerLabStack's ThumbnailWidth output is "wide", not a width in pixels` });
  expect(sleeps).toEqual([]);
  expect(s3TriggerChecks.plan(stack({}))).toEqual([
    "Reads S3TriggerLabStack's outputs (S3TriggerLabStack has no UploadBucketName, ThumbnailBucketName, ThumbnailWidth output: redeploy it from this checkout).",
  ]);
});
