/**
 * The S3 trigger lab's function and its `labs check` over real S3 API calls: moto_server on 127.0.0.1 (see
 * test/helpers/moto.ts), with the lab's sample images and S3 events in the documented notification format
 * built from the lab's own sample event (lib/s3-trigger/events/s3-put.json).
 *
 * In the moto suite rather than `npm test`: it needs moto_server, which `npm test` does not (scripts/test-moto.sh
 * installs it). Run with `npm run test:moto -- s3-trigger`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { makeHandler, MAX_SOURCE_BYTES, RecordOutcome } from '../../lambda/thumbnail';
import { AwsSession } from '../../lib/cli/aws/session';
import { CHECK_IMAGE, s3TriggerChecks, THUMBNAIL_POLL } from '../../lib/cli/check/s3-trigger';
import { CheckContext } from '../../lib/cli/check/types';
import { LabStack } from '../../lib/cli/inventory/stacks';
import { REPOSITORY_ROOT, S3_TRIGGER_SAMPLES, SAMPLE_EVENT_BUCKET } from '../../lib/s3-trigger/s3-trigger-lab-stack';
import { Moto, pointAwsSdkAt, startMoto } from '../helpers/moto';

jest.setTimeout(60_000);

const UPLOAD = 's3triggerlabstack-upload-1a2b3c';
const THUMBS = 's3triggerlabstack-thumbnails-4d5e6f';
const sample = (file: string) => fs.readFileSync(path.join(REPOSITORY_ROOT, file));
const SAMPLE_JPEG = sample(S3_TRIGGER_SAMPLES.jpeg);
const SAMPLE_PNG = sample(S3_TRIGGER_SAMPLES.png);
const SAMPLE_EVENT_TEXT = sample(S3_TRIGGER_SAMPLES.event).toString('utf8');

let moto: Moto;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  pointAwsSdkAt(moto);
  s3 = new S3Client({});
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  for (const Bucket of [UPLOAD, THUMBS]) await s3.send(new CreateBucketCommand({ Bucket }));
});

/** A key as S3 puts it in an event: form-URL-encoded, a space as `+` (slashes left as they are). */
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

/** The lab's sample event, as the printed command makes it (bucket replaced), for another key and size. */
function eventFor(key: string, size: number, bucket = UPLOAD): S3Event {
  const event = JSON.parse(SAMPLE_EVENT_TEXT.replace(new RegExp(SAMPLE_EVENT_BUCKET, 'g'), bucket)) as S3Event;
  event.Records[0].s3.object.key = encodeKey(key);
  event.Records[0].s3.object.size = size;
  return event;
}

async function put(key: string, body: Uint8Array | string, bucket = UPLOAD): Promise<number> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  return bytes.length;
}

function thumbnailer(width = 200) {
  const lines: string[] = [];
  const handler = makeHandler({ s3, outputBucket: THUMBS, width, log: (line) => lines.push(line) });
  return { lines, handler };
}

const keysIn = async (bucket: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);

async function getThumbnail(key: string) {
  const object = await s3.send(new GetObjectCommand({ Bucket: THUMBS, Key: key }));
  return { contentType: object.ContentType, bytes: Buffer.from(await object.Body!.transformToByteArray()) };
}

describe('the thumbnail function', () => {
  test('a JPEG upload gets a 200-pixel-wide JPEG thumbnail, aspect kept, as resized-<key>', async () => {
    const size = await put('HappyFace.jpg', SAMPLE_JPEG);
    const { lines, handler } = thumbnailer();
    const outcome = await handler(eventFor('HappyFace.jpg', size));
    expect(outcome).toEqual([
      { status: 'THUMBNAIL', source: `s3://${UPLOAD}/HappyFace.jpg`, thumbnail: `s3://${THUMBS}/resized-HappyFace.jpg`, width: 200, height: 150 },
    ]);
    const { contentType, bytes } = await getThumbnail('resized-HappyFace.jpg');
    expect(contentType).toBe('image/jpeg');
    expect(jpeg.decode(bytes)).toMatchObject({ width: 200, height: 150 });
    expect(lines).toEqual([expect.stringMatching(/^THUMBNAIL s3:\/\/\S+\/HappyFace\.jpg \(JPEG 320x240, 9\d{3} bytes\) -> s3:\/\/\S+\/resized-HappyFace\.jpg \(200x150, \d+ bytes\) in \d+ ms$/)]);
  });

  test('a PNG upload gets a PNG thumbnail of the set width, with its transparency', async () => {
    const size = await put('faces/HappyFace.png', SAMPLE_PNG);
    const { handler } = thumbnailer(96);
    await handler(eventFor('faces/HappyFace.png', size));
    const { contentType, bytes } = await getThumbnail('resized-faces/HappyFace.png');
    expect(contentType).toBe('image/png');
    const png = PNG.sync.read(bytes);
    expect([png.width, png.height]).toEqual([96, 72]);
    expect(png.data[3]).toBe(0); // the corner stays transparent
  });

  test('the sample event, with the bucket replaced as the printed command does, makes the sample thumbnail', async () => {
    await put('HappyFace.jpg', SAMPLE_JPEG);
    const event = JSON.parse(SAMPLE_EVENT_TEXT.replace(new RegExp(SAMPLE_EVENT_BUCKET, 'g'), UPLOAD));
    expect(event.Records[0].s3.object.size).toBe(SAMPLE_JPEG.length);
    const outcome = await thumbnailer().handler(event);
    expect(outcome[0]).toMatchObject({ status: 'THUMBNAIL', width: 200, height: 150 });
  });

  test.each([
    ['spaces', 'my holiday photo.jpg'],
    ['unicode and spaces in a folder', 'fotos/Ünïcødé ☃ 日本 🐈/smile face.jpg'],
    ['a literal plus', 'a+b=c.jpg'],
  ])('a key with %s (URL-encoded in the event) is read and written under its real name', async (_name, key) => {
    const size = await put(key, SAMPLE_JPEG);
    const event = eventFor(key, size);
    expect(event.Records[0].s3.object.key).not.toBe(key);
    const { lines, handler } = thumbnailer();
    await handler(event);
    expect(await keysIn(THUMBS)).toEqual([`resized-${key}`]);
    expect(lines[0]).toContain(`s3://${UPLOAD}/${key} `);
  });

  test('an upper-case extension, as cameras and phones write it (the stack has .JPG filters too), gets a JPEG thumbnail', async () => {
    const key = 'DCIM/IMG_0042.JPG';
    const size = await put(key, SAMPLE_JPEG);
    const outcome = await thumbnailer().handler(eventFor(key, size));
    expect(outcome).toEqual([expect.objectContaining({ status: 'THUMBNAIL', thumbnail: `s3://${THUMBS}/resized-${key}`, width: 200, height: 150 })]);
    expect((await getThumbnail(`resized-${key}`)).contentType).toBe('image/jpeg');
  });

  /** Runs the handler and checks that it skipped with one line containing `reason`, and wrote nothing. */
  async function expectSkipped(event: S3Event, reason: RegExp): Promise<void> {
    const { lines, handler } = thumbnailer();
    const outcome: RecordOutcome[] = await handler(event);
    expect(outcome).toEqual([expect.objectContaining({ status: 'SKIPPED', reason: expect.stringMatching(reason) })]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^SKIPPED s3:\/\/.+: .+\. No thumbnail written\.$/);
    expect(lines[0]).toMatch(reason);
    expect(await keysIn(THUMBS)).toEqual([]);
  }

  test('a file that is not an image, even named .jpg, is skipped with a line that says so', async () => {
    const size = await put('notes.jpg', '%PDF-1.7 this is a PDF, not a picture');
    await expectSkipped(eventFor('notes.jpg', size), /not a JPEG or PNG image \(its first bytes are 25 50 44 46\)/);
  });

  test('a zero-byte object is skipped without reading it', async () => {
    await put('empty.png', '');
    await expectSkipped(eventFor('empty.png', 0), /the object is empty \(zero bytes\)/);
  });

  test('an object that is empty although the event says otherwise is skipped', async () => {
    await put('empty.png', '');
    await expectSkipped(eventFor('empty.png', 4096), /the object is empty \(zero bytes\)/);
  });

  test('an object over 10 MiB is skipped, by the event size and by its real size', async () => {
    const big = Buffer.concat([SAMPLE_JPEG, Buffer.alloc(MAX_SOURCE_BYTES + 1 - SAMPLE_JPEG.length)]);
    const size = await put('huge.jpg', big);
    await expectSkipped(eventFor('huge.jpg', size), new RegExp(`${MAX_SOURCE_BYTES + 1} bytes, over the limit of ${MAX_SOURCE_BYTES} bytes \\(10 MiB\\)`));
    await expectSkipped(eventFor('huge.jpg', 1000), new RegExp(`${MAX_SOURCE_BYTES + 1} bytes, over the limit`));
  });

  test('a narrow, tall image whose thumbnail would be over the pixel limit is skipped, not retried', async () => {
    const strip = new PNG({ width: 1, height: 12_500 });
    strip.data.fill(200);
    const size = await put('strip.png', PNG.sync.write(strip));
    await expectSkipped(eventFor('strip.png', size), /too large to process here: its 200-pixel-wide thumbnail \(1x12500 scaled\) would be 200x2500000 pixels/);
  });

  test('a truncated JPEG is skipped as unreadable, not retried', async () => {
    const size = await put('broken.jpg', SAMPLE_JPEG.subarray(0, 700));
    await expectSkipped(eventFor('broken.jpg', size), /not a readable JPEG/);
  });

  test("an object whose thumbnail's key would be over S3's 1,024 bytes is skipped, not retried", async () => {
    const key = `${'k'.repeat(1016)}.jpg`; // 1,020 bytes: S3 takes it; resized-<key> would be 1,028
    const size = await put(key, SAMPLE_JPEG);
    await expectSkipped(eventFor(key, size), /would be 1028 bytes long, over S3's limit of 1024/);
  });

  test('an object deleted before the function ran (or a test event for a key never uploaded) is skipped', async () => {
    await expectSkipped(eventFor('never-uploaded.jpg', 1234), /no longer exists/);
  });

  test('an event from the thumbnail bucket itself writes nothing: no loop', async () => {
    const size = await put('resized-HappyFace.jpg', SAMPLE_JPEG, THUMBS);
    const { lines, handler } = thumbnailer();
    const outcome = await handler(eventFor('resized-HappyFace.jpg', size, THUMBS));
    expect(outcome[0]).toMatchObject({ status: 'SKIPPED', reason: expect.stringContaining('would trigger a loop') });
    expect(await keysIn(THUMBS)).toEqual(['resized-HappyFace.jpg']);
    expect(lines).toHaveLength(1);
  });

  test('an error a retry may cure (the thumbnail bucket unreachable) fails the invocation, so Lambda retries it', async () => {
    const size = await put('HappyFace.jpg', SAMPLE_JPEG);
    const handler = makeHandler({ s3, outputBucket: 'no-such-thumbnail-bucket', width: 200, log: () => undefined });
    await expect(handler(eventFor('HappyFace.jpg', size))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  test('an event that is not an S3 notification is logged and ignored', async () => {
    const { lines, handler } = thumbnailer();
    expect(await handler({ hello: 'world' } as unknown as S3Event)).toEqual([]);
    expect(lines).toEqual([expect.stringContaining('not an S3 event notification')]);
  });
});

describe('labs check for S3TriggerLabStack', () => {
  const stack = (outputs: Record<string, string>): LabStack => ({
    name: 'S3TriggerLabStack',
    id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S3TriggerLabStack/1',
    lab: 's3-trigger',
    status: 'CREATE_COMPLETE',
    createdAt: new Date('2026-12-04T20:00:00Z'),
    outputs,
    tags: {},
  });
  const OUTPUTS = { UploadBucketName: UPLOAD, ThumbnailBucketName: THUMBS, ThumbnailWidth: '200', FunctionLogGroup: '/aws/lambda/thumbs' };

  /**
   * A check context over moto. `trigger`, if given, plays S3 and Lambda: on the first wait it runs the
   * handler on what was uploaded, as S3's notification would.
   */
  function contextFor(outputs: Record<string, string>, trigger?: (width: number) => ReturnType<typeof makeHandler>) {
    const sleeps: number[] = [];
    const progress: string[] = [];
    const context: CheckContext = {
      stack: stack(outputs),
      session: new AwsSession({ region: 'us-east-1' }),
      fetch: globalThis.fetch,
      now: () => new Date('2026-12-04T23:59:00Z'),
      progress: (line) => progress.push(line),
      sleep: async (ms) => {
        sleeps.push(ms);
        if (trigger && sleeps.length === 1) {
          const [key] = await keysIn(UPLOAD);
          await trigger(200)(eventFor(key!, 1));
        }
      },
    };
    return { context, sleeps, progress };
  }
  const realFunction = (width: number) => () => makeHandler({ s3, outputBucket: THUMBS, width, log: () => undefined });

  test('the plan says what is uploaded, where, for how long it waits, and that both objects are deleted', () => {
    expect(s3TriggerChecks.plan(stack(OUTPUTS)).join(' ')).toMatch(
      new RegExp(`Uploads a 64x48 PNG .* to ${UPLOAD},.*waits up to 60 s for resized-<that key> in ${THUMBS} and checks it is 200 pixels wide,.*deletes both objects`),
    );
  });

  test('a working pipeline passes: the thumbnail appears at the right width, and both objects are deleted', async () => {
    const { context } = contextFor(OUTPUTS, realFunction(200));
    const results = await s3TriggerChecks.run(context);
    expect(results).toEqual([
      { name: 'thumbnail appears', status: 'PASS', detail: expect.stringMatching(new RegExp(`^s3://${THUMBS}/resized-labs-check/20261204T235900Z-\\w+\\.png`)) },
      { name: 'thumbnail width', status: 'PASS', detail: `200x150, as ThumbnailWidth 200 and the ${CHECK_IMAGE.width}x${CHECK_IMAGE.height} upload make it` },
      { name: 'test objects removed', status: 'PASS', detail: expect.stringContaining('deleted s3://') },
    ]);
    expect(await keysIn(UPLOAD)).toEqual([]);
    expect(await keysIn(THUMBS)).toEqual([]);
  });

  test('no thumbnail (the trigger is broken) fails after a bounded wait, points at the logs, and still cleans up', async () => {
    const { context, sleeps } = contextFor(OUTPUTS);
    const results = await s3TriggerChecks.run(context);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['thumbnail appears', 'FAIL'],
      ['thumbnail width', 'SKIP'],
      ['test objects removed', 'PASS'],
    ]);
    expect(results[0].detail).toContain('60 s after the upload');
    expect(results[0].detail).toContain('aws logs tail /aws/lambda/thumbs');
    expect(sleeps).toEqual(Array(THUMBNAIL_POLL.attempts).fill(THUMBNAIL_POLL.intervalMs));
    expect(await keysIn(UPLOAD)).toEqual([]);
  });

  test('a thumbnail of the wrong width fails, saying what it is and what it should be', async () => {
    const { context } = contextFor(OUTPUTS, realFunction(100));
    const results = await s3TriggerChecks.run(context);
    expect(results[1]).toEqual({
      name: 'thumbnail width',
      status: 'FAIL',
      detail: expect.stringContaining('the thumbnail is 100x75; with ThumbnailWidth 200 it should be 200x150.'),
    });
    expect(await keysIn(THUMBS)).toEqual([]);
  });

  test('a stack without the outputs fails at once and uploads nothing', async () => {
    const { context, sleeps } = contextFor({ UploadBucketName: UPLOAD });
    const results = await s3TriggerChecks.run(context);
    expect(results[0]).toEqual({ name: 'thumbnail appears', status: 'FAIL', detail: expect.stringContaining('no ThumbnailBucketName, ThumbnailWidth output') });
    expect(sleeps).toEqual([]);
    expect(await keysIn(UPLOAD)).toEqual([]);
  });
});
