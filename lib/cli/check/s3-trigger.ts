/**
 * `labs check` for S3TriggerLabStack: the whole pipeline, end to end. Uploads a small PNG made here (with
 * a unique key) to the upload bucket, waits a bounded time for S3 to invoke the function and the
 * function to write `resized-<key>` to the thumbnail bucket, checks that thumbnail's width against the
 * stack's `ThumbnailWidth` output, and deletes both objects, pass or fail.
 *
 * Works only from the stack's outputs (`UploadBucketName`, `ThumbnailBucketName`, `ThumbnailWidth`,
 * `FunctionLogGroup`), never from the lab's constructs.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PNG } from 'pngjs';
import { errorMessage, isError, toCliError } from '../aws/errors';
import { LabStack } from '../inventory/stacks';
import { CheckContext, CheckResult, LabChecks } from './types';

/** The test image: small, and wide and tall enough to tell its thumbnail's aspect from another. */
export const CHECK_IMAGE = { width: 64, height: 48 } as const;
/** How often, and how many times, the thumbnail bucket is looked at: 30 times 2 s, a minute in all. */
export const THUMBNAIL_POLL = { intervalMs: 2000, attempts: 30 } as const;

const NAMES = {
  appears: 'thumbnail appears',
  width: 'thumbnail width',
  cleanup: 'test objects removed',
} as const;

/** A PNG of `CHECK_IMAGE`'s size: a colour gradient, so its thumbnail is a real resize. */
export function checkImage(): Buffer {
  const { width, height } = CHECK_IMAGE;
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      png.data.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 160, 255], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

/** The key the check uploads: unique per run, named so that a leftover says where it came from. */
export function checkKey(now: Date, random: () => number = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `labs-check/${stamp}-${random().toString(36).slice(2, 8)}.png`;
}

/** The stack's outputs the checks need, or a line saying which are missing. */
function readOutputs(stack: LabStack): { upload: string; thumbnails: string; width: number; logGroup?: string } | string {
  const { UploadBucketName: upload, ThumbnailBucketName: thumbnails, ThumbnailWidth: widthText, FunctionLogGroup: logGroup } = stack.outputs;
  const missing = [['UploadBucketName', upload], ['ThumbnailBucketName', thumbnails], ['ThumbnailWidth', widthText]]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) return `${stack.name} has no ${missing.join(', ')} output: redeploy it from this checkout`;
  const width = Number(widthText);
  if (!Number.isInteger(width) || width <= 0) return `${stack.name}'s ThumbnailWidth output is ${JSON.stringify(widthText)}, not a width in pixels`;
  return { upload: upload!, thumbnails: thumbnails!, width, logGroup };
}

export const s3TriggerChecks: LabChecks = {
  lab: 's3-trigger',

  plan(stack) {
    const o = readOutputs(stack);
    if (typeof o === 'string') return [`Reads ${stack.name}'s outputs (${o}).`];
    return [
      `Uploads a ${CHECK_IMAGE.width}x${CHECK_IMAGE.height} PNG as labs-check/<time>-<random>.png to ${o.upload},`,
      `waits up to ${(THUMBNAIL_POLL.intervalMs * THUMBNAIL_POLL.attempts) / 1000} s for resized-<that key> in ${o.thumbnails} and checks it is ${o.width} pixels wide,`,
      'then deletes both objects, whatever the outcome.',
    ];
  },

  async run(context: CheckContext): Promise<readonly CheckResult[]> {
    const { stack, session, sleep, progress } = context;
    const o = readOutputs(stack);
    if (typeof o === 'string') {
      return [
        { name: NAMES.appears, status: 'FAIL', detail: o },
        { name: NAMES.width, status: 'SKIP', detail: 'no thumbnail to measure' },
        { name: NAMES.cleanup, status: 'SKIP', detail: 'nothing was uploaded' },
      ];
    }
    const s3 = session.s3;
    const key = checkKey(context.now());
    const thumbnailKey = `resized-${key}`;
    const logs = o.logGroup ? ` See what the function logged: aws logs tail ${o.logGroup} --since 10m` : '';
    const results: CheckResult[] = [];

    // A bucket the outputs name but that is gone is a broken lab (a FAIL), not a reason to stop every check.
    const gone = (bucket: string) => `the bucket ${bucket} (a stack output) does not exist: the stack is broken; redeploy or destroy it`;

    progress(`Uploading s3://${o.upload}/${key}`);
    try {
      await s3.send(new PutObjectCommand({ Bucket: o.upload, Key: key, Body: checkImage(), ContentType: 'image/png' }));
    } catch (err) {
      // What stops every check (no credentials, access denied) goes to the command; any other error is a FAIL.
      const setup = toCliError(err);
      if (setup) throw setup;
      return [
        { name: NAMES.appears, status: 'FAIL', detail: isError(err, ['NoSuchBucket']) ? gone(o.upload) : `could not upload s3://${o.upload}/${key}: ${errorMessage(err)}` },
        { name: NAMES.width, status: 'SKIP', detail: 'no thumbnail to measure' },
        { name: NAMES.cleanup, status: 'SKIP', detail: 'nothing was uploaded' },
      ];
    }
    try {
      let thumbnail: Uint8Array | undefined;
      let thumbnailBucketGone = false;
      let readError: string | undefined;
      for (let attempt = 1; attempt <= THUMBNAIL_POLL.attempts && !thumbnail && !thumbnailBucketGone && !readError; attempt++) {
        await sleep(THUMBNAIL_POLL.intervalMs);
        try {
          const object = await s3.send(new GetObjectCommand({ Bucket: o.thumbnails, Key: thumbnailKey }));
          thumbnail = await object.Body!.transformToByteArray();
        } catch (err) {
          // A thumbnail not written yet is NoSuchKey only to a caller with s3:ListBucket on the bucket; without
          // it S3 answers 403 AccessDenied, which stops the command (the README lists s3:ListBucket for this)
          // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Permissions).
          thumbnailBucketGone = isError(err, ['NoSuchBucket']);
          if (!thumbnailBucketGone && !isError(err, ['NoSuchKey'])) {
            const setup = toCliError(err);
            if (setup) throw setup;
            readError = errorMessage(err);
          }
          if (attempt % 5 === 0) progress(`No s3://${o.thumbnails}/${thumbnailKey} yet (${(attempt * THUMBNAIL_POLL.intervalMs) / 1000} s)`);
        }
      }
      const waited = `${(THUMBNAIL_POLL.intervalMs * THUMBNAIL_POLL.attempts) / 1000} s`;
      if (readError) {
        results.push(
          { name: NAMES.appears, status: 'FAIL', detail: `could not read s3://${o.thumbnails}/${thumbnailKey}: ${readError}` },
          { name: NAMES.width, status: 'SKIP', detail: 'no thumbnail to measure' },
        );
      } else if (thumbnailBucketGone) {
        results.push(
          { name: NAMES.appears, status: 'FAIL', detail: gone(o.thumbnails) },
          { name: NAMES.width, status: 'SKIP', detail: 'no thumbnail to measure' },
        );
      } else if (!thumbnail) {
        results.push(
          { name: NAMES.appears, status: 'FAIL', detail: `no s3://${o.thumbnails}/${thumbnailKey} ${waited} after the upload: S3 did not invoke the function, or it failed.${logs}` },
          { name: NAMES.width, status: 'SKIP', detail: 'no thumbnail to measure' },
        );
      } else {
        results.push({ name: NAMES.appears, status: 'PASS', detail: `s3://${o.thumbnails}/${thumbnailKey} (${thumbnail.length} bytes)` });
        results.push(measure(thumbnail, o.width, logs));
      }
    } finally {
      results.push(await removeObjects(context, [[o.upload, key], [o.thumbnails, thumbnailKey]]));
    }
    return results;
  },
};

/** The width check on the thumbnail's bytes: a PNG of the expected width, the aspect ratio kept. */
function measure(bytes: Uint8Array, width: number, logs: string): CheckResult {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes));
  } catch (err) {
    return { name: NAMES.width, status: 'FAIL', detail: `the thumbnail is not a readable PNG (${(err as Error).message}).${logs}` };
  }
  const height = Math.max(1, Math.round((CHECK_IMAGE.height * width) / CHECK_IMAGE.width));
  const seen = `${png.width}x${png.height}`;
  if (png.width !== width || png.height !== height) {
    return { name: NAMES.width, status: 'FAIL', detail: `the thumbnail is ${seen}; with ThumbnailWidth ${width} it should be ${width}x${height}.${logs}` };
  }
  return { name: NAMES.width, status: 'PASS', detail: `${seen}, as ThumbnailWidth ${width} and the ${CHECK_IMAGE.width}x${CHECK_IMAGE.height} upload make it` };
}

/** Deletes every object given (a missing object or bucket is fine: there is nothing left to remove). */
async function removeObjects(context: CheckContext, objects: Array<[string, string]>): Promise<CheckResult> {
  const failed: string[] = [];
  for (const [bucket, key] of objects) {
    try {
      await context.session.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isError(err, ['NoSuchBucket', 'NoSuchKey'])) continue;
      failed.push(`s3://${bucket}/${key} (${(err as Error).name ?? 'error'}: ${(err as Error).message})`);
    }
  }
  const all = objects.map(([b, k]) => `s3://${b}/${k}`).join(' and ');
  return failed.length === 0
    ? { name: NAMES.cleanup, status: 'PASS', detail: `deleted ${all}` }
    : { name: NAMES.cleanup, status: 'FAIL', detail: `could not delete ${failed.join(', ')}: delete it with aws s3 rm` };
}
