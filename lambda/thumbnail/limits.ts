/**
 * The thumbnail function's limits, in a module of their own that imports nothing: the lab's stack and
 * settings read them at synth without loading the image libraries or the AWS SDK the handler needs.
 */
/** Objects larger than this are skipped without being decoded: 10 MiB (what decodes is bounded by MAX_SOURCE_PIXELS too). */
export const MAX_SOURCE_BYTES = 10 * 1024 * 1024;
/**
 * Images with more pixels than this are skipped before decoding, and so are images whose thumbnail would
 * have more (a narrow, tall strip): 25 MP. Decoding a 25 MP JPEG in
 * jpeg-js peaked at 0.9 GB of memory and took 7 s on one core (measured on the development machine);
 * at 40 MP it needed 1.4 GB before jpeg-js gave up on its own memory limit.
 */
export const MAX_SOURCE_PIXELS = 25_000_000;
/** What every thumbnail's key starts with. */
export const THUMBNAIL_PREFIX = 'resized-';
/**
 * The longest key S3 stores: "a sequence of Unicode characters whose UTF-8 encoding is at most 1,024 bytes
 * long" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html).
 */
export const MAX_KEY_BYTES = 1024;
/** The thumbnail widths the function accepts (the lab's `thumbnailWidth` setting checks the same range). */
export const WIDTH_RANGE = { min: 16, max: 2048 } as const;
