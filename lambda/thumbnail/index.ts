/**
 * The S3 trigger lab's function: for each image uploaded to the upload bucket, a thumbnail `width` pixels
 * wide (aspect ratio kept, same format) written to the thumbnail bucket as `resized-<key>`.
 *
 * S3 invokes it asynchronously (https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html), and Lambda
 * retries an invocation that fails
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). So an object this
 * function can never make a thumbnail of (not a JPEG or PNG, empty, over the size or pixel limit,
 * undecodable, deleted meanwhile) is logged with one SKIPPED line and the invocation succeeds: failing
 * would only repeat the same refusal. Only what a retry may cure (S3 throttling, a network error) throws.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { CONTENT_TYPES, ImageTooLargeError, makeThumbnail, sniffFormat, UnreadableImageError } from './image';
import { MAX_KEY_BYTES, MAX_SOURCE_BYTES, MAX_SOURCE_PIXELS, THUMBNAIL_PREFIX, WIDTH_RANGE } from './limits';

export { MAX_KEY_BYTES, MAX_SOURCE_BYTES, MAX_SOURCE_PIXELS, THUMBNAIL_PREFIX, WIDTH_RANGE } from './limits';

export interface ThumbnailDeps {
  readonly s3: { send: S3Client['send'] };
  /** Where thumbnails go; never the bucket that triggered the function. */
  readonly outputBucket: string;
  /** Thumbnail width in pixels. */
  readonly width: number;
  /** @default MAX_SOURCE_BYTES */
  readonly maxBytes?: number;
  /** @default MAX_SOURCE_PIXELS */
  readonly maxPixels?: number;
  /** @default console.log */
  readonly log?: (line: string) => void;
}

/** What one record came to; the invocation returns one per record (shown by `aws lambda invoke`). */
export type RecordOutcome =
  | { readonly status: 'THUMBNAIL'; readonly source: string; readonly thumbnail: string; readonly width: number; readonly height: number }
  | { readonly status: 'SKIPPED'; readonly source: string; readonly reason: string };

/**
 * An S3 event's object key as S3 stored it. Keys arrive URL-encoded the way a form is, a space as `+`
 * ("red flower.jpg" becomes "red+flower.jpg", https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html),
 * and other characters, a literal `+` and any non-ASCII UTF-8 byte included, as %XX.
 * @returns undefined when the key is not validly encoded
 */
export function decodeEventKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The key of the thumbnail of `key`. */
export function thumbnailKey(key: string): string {
  return `${THUMBNAIL_PREFIX}${key}`;
}

function errorName(err: unknown): string | undefined {
  return (err as { name?: string })?.name;
}

export function makeHandler(deps: ThumbnailDeps): (event: S3Event) => Promise<RecordOutcome[]> {
  const { s3, outputBucket, width } = deps;
  const maxBytes = deps.maxBytes ?? MAX_SOURCE_BYTES;
  const maxPixels = deps.maxPixels ?? MAX_SOURCE_PIXELS;
  const log = deps.log ?? ((line: string) => console.log(line));
  const tooLarge = (size: number) => `the object is ${size} bytes, over the limit of ${maxBytes} bytes (${+(maxBytes / 2 ** 20).toFixed(2)} MiB)`;

  async function processRecord(record: S3EventRecord): Promise<RecordOutcome> {
    const bucket = record.s3?.bucket?.name ?? '(no bucket)';
    const encodedKey = record.s3?.object?.key ?? '';
    const key = decodeEventKey(encodedKey);
    const source = `s3://${bucket}/${key ?? encodedKey}`;
    const skip = (reason: string): RecordOutcome => {
      log(`SKIPPED ${source}: ${reason}. No thumbnail written.`);
      return { status: 'SKIPPED', source, reason };
    };

    if (record.eventSource !== 'aws:s3' || !String(record.eventName).startsWith('ObjectCreated:')) {
      return skip(`event ${record.eventSource} ${record.eventName} is not an S3 ObjectCreated event`);
    }
    if (key === undefined || key === '') return skip(`the key ${JSON.stringify(encodedKey)} is not URL-encoded as S3 event keys are`);
    // The one rule that keeps the function from triggering itself: it never writes to the bucket it reads.
    if (bucket === outputBucket) return skip(`it is in the thumbnail bucket itself; writing there again would trigger a loop`);
    const eventSize = Number(record.s3.object.size);
    if (eventSize === 0) return skip('the object is empty (zero bytes)');
    if (eventSize > maxBytes) return skip(tooLarge(eventSize));
    const outKey = thumbnailKey(key);
    if (Buffer.byteLength(outKey) > MAX_KEY_BYTES) {
      return skip(`its thumbnail's key, ${THUMBNAIL_PREFIX}<key>, would be ${Buffer.byteLength(outKey)} bytes long, over S3's limit of ${MAX_KEY_BYTES}`);
    }

    let bytes: Uint8Array;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const size = object.ContentLength ?? 0;
      // The event's size may be stale or made up (a test event): the object's own length decides.
      if (size === 0) {
        await object.Body?.transformToByteArray();
        return skip('the object is empty (zero bytes)');
      }
      if (size > maxBytes) {
        (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return skip(tooLarge(size));
      }
      bytes = await object.Body!.transformToByteArray();
    } catch (err) {
      if (errorName(err) === 'NoSuchKey') return skip('the object no longer exists (deleted after the upload, or a test event naming a key never uploaded)');
      throw err;
    }

    const format = sniffFormat(bytes);
    if (!format) {
      const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      return skip(`it is not a JPEG or PNG image (its first bytes are ${head})`);
    }
    const started = Date.now();
    let thumbnail;
    try {
      thumbnail = makeThumbnail(bytes, format, width, maxPixels);
    } catch (err) {
      if (err instanceof ImageTooLargeError) return skip(`the image is too large to process here: ${err.message}`);
      if (err instanceof UnreadableImageError) return skip(`it is ${err.message}`);
      throw err;
    }
    await s3.send(
      new PutObjectCommand({ Bucket: outputBucket, Key: outKey, Body: thumbnail.bytes, ContentType: CONTENT_TYPES[format] }),
    );
    const target = `s3://${outputBucket}/${outKey}`;
    log(
      `THUMBNAIL ${source} (${format.toUpperCase()} ${thumbnail.source.width}x${thumbnail.source.height}, ${bytes.length} bytes) -> ` +
        `${target} (${thumbnail.width}x${thumbnail.height}, ${thumbnail.bytes.length} bytes) in ${Date.now() - started} ms`,
    );
    return { status: 'THUMBNAIL', source, thumbnail: target, width: thumbnail.width, height: thumbnail.height };
  }

  return async (event) => {
    if (!Array.isArray(event?.Records)) {
      log(`SKIPPED: the event has no Records, so it is not an S3 event notification: ${JSON.stringify(event).slice(0, 200)}`);
      return [];
    }
    const outcomes: RecordOutcome[] = [];
    for (const record of event.Records) outcomes.push(await processRecord(record));
    return outcomes;
  };
}

/** The width from the function's environment, checked: a bad value is a deployment error, said once. */
export function widthFrom(value: string | undefined): number {
  const width = Number(value);
  if (!value || !/^\d+$/.test(value) || width < WIDTH_RANGE.min || width > WIDTH_RANGE.max) {
    throw new Error(`THUMBNAIL_WIDTH must be a whole number from ${WIDTH_RANGE.min} to ${WIDTH_RANGE.max}, got ${JSON.stringify(value)}`);
  }
  return width;
}

let configured: ((event: S3Event) => Promise<RecordOutcome[]>) | undefined;

export const handler = async (event: S3Event): Promise<RecordOutcome[]> => {
  if (!configured) {
    const outputBucket = process.env.THUMBNAIL_BUCKET;
    if (!outputBucket) throw new Error('THUMBNAIL_BUCKET is not set');
    configured = makeHandler({ s3: new S3Client({}), outputBucket, width: widthFrom(process.env.THUMBNAIL_WIDTH) });
  }
  return configured(event);
};
