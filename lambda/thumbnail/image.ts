/**
 * Thumbnails in pure JavaScript: JPEG through `jpeg-js`, PNG through `pngjs` (both decode and encode with
 * no native code, so esbuild bundles them into the function and Lambda runs them as they are), and an
 * area-averaging resize written here, which is all a fixed-width thumbnail needs.
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** The image formats the function makes thumbnails of. */
export type ImageFormat = 'jpeg' | 'png';

export const CONTENT_TYPES: Readonly<Record<ImageFormat, string>> = { jpeg: 'image/jpeg', png: 'image/png' };

/** Decoded pixels: `width * height` RGBA quadruples, row by row. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** The object is an image, but one this function will not decode (too many pixels for its memory). */
export class ImageTooLargeError extends Error {}
/** The object claims to be a JPEG or PNG but cannot be decoded. */
export class UnreadableImageError extends Error {}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The format of `bytes` from its first bytes (a file's name says nothing reliable): JPEG files start with
 * an SOI marker followed by another marker (FF D8 FF), PNG files with their 8-byte signature.
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  return undefined;
}

/**
 * Decodes a JPEG or PNG into RGBA pixels, refusing before decoding anything larger than `maxPixels`
 * (a 10 MB PNG can inflate to gigabytes).
 */
export function decodeImage(bytes: Uint8Array, format: ImageFormat, maxPixels: number): RgbaImage {
  if (format === 'png') {
    // IHDR is always the first chunk: width and height are big-endian at bytes 16 and 20.
    if (bytes.length < 24) throw new UnreadableImageError('PNG ends before its header');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    if (width * height > maxPixels) throw new ImageTooLargeError(`${width}x${height} pixels is over the limit of ${maxPixels}`);
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: png.data };
    } catch (err) {
      throw new UnreadableImageError(`not a readable PNG (${(err as Error).message})`);
    }
  }
  try {
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: 1024, // above what MAX_SOURCE_PIXELS lets through; the pixel limit refuses first
    });
    return { width: decoded.width, height: decoded.height, data: decoded.data };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message)) throw new ImageTooLargeError(message);
    throw new UnreadableImageError(`not a readable JPEG (${message})`);
  }
}

/** The height that keeps the aspect ratio of a `width` x `height` image made `newWidth` wide (at least 1). */
export function scaledHeight(width: number, height: number, newWidth: number): number {
  return Math.max(1, Math.round((height * newWidth) / width));
}

/**
 * Resizes to exactly `width` pixels wide, keeping the aspect ratio. Each new pixel is the average of the
 * source area it covers, weighted by how much of each source pixel falls in it (a box filter: smooth when
 * shrinking, blocky but exact when enlarging). Colour is averaged with alpha as weight, so transparent
 * pixels do not darken the edges of a PNG.
 */
export function resizeToWidth(source: RgbaImage, width: number): RgbaImage {
  const height = scaledHeight(source.width, source.height, width);
  const out = new Uint8Array(width * height * 4);
  const stepX = source.width / width;
  const stepY = source.height / height;
  const src = source.data;
  // Looked up once rather than per pixel: in jest's vm sandbox a global lookup is slow enough to make a
  // 2048-pixel resize take 4 s instead of 50 ms (test/lambda/thumbnail-image.test.ts).
  const { floor, min, max, round } = Math;
  for (let y = 0; y < height; y++) {
    const y0 = y * stepY;
    const y1 = min(source.height, y0 + stepY);
    for (let x = 0; x < width; x++) {
      const x0 = x * stepX;
      const x1 = min(source.width, x0 + stepX);
      let r = 0, g = 0, b = 0, a = 0, area = 0;
      for (let sy = floor(y0); sy < y1; sy++) {
        const wy = min(sy + 1, y1) - max(sy, y0);
        for (let sx = floor(x0); sx < x1; sx++) {
          const w = wy * (min(sx + 1, x1) - max(sx, x0));
          const i = (sy * source.width + sx) * 4;
          const alpha = src[i + 3] * w;
          r += src[i] * alpha;
          g += src[i + 1] * alpha;
          b += src[i + 2] * alpha;
          a += alpha;
          area += w;
        }
      }
      const o = (y * width + x) * 4;
      if (a > 0) {
        out[o] = round(r / a);
        out[o + 1] = round(g / a);
        out[o + 2] = round(b / a);
      }
      out[o + 3] = round(a / area);
    }
  }
  return { width, height, data: out };
}

/** JPEG quality of the thumbnails (jpeg-js's scale, 1-100). */
export const JPEG_QUALITY = 80;

/** Encodes RGBA pixels in `format` (a JPEG drops the alpha channel). */
export function encodeImage(image: RgbaImage, format: ImageFormat): Buffer {
  if (format === 'jpeg') {
    return jpeg.encode({ width: image.width, height: image.height, data: image.data }, JPEG_QUALITY).data;
  }
  const png = new PNG({ width: image.width, height: image.height });
  Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).copy(png.data);
  return PNG.sync.write(png);
}

/** A thumbnail and what it was made from. */
export interface Thumbnail {
  readonly format: ImageFormat;
  readonly source: { readonly width: number; readonly height: number };
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
}

/**
 * The thumbnail of a JPEG or PNG, `width` pixels wide, in the source's own format.
 * @throws ImageTooLargeError, UnreadableImageError
 */
export function makeThumbnail(bytes: Uint8Array, format: ImageFormat, width: number, maxPixels: number): Thumbnail {
  const image = decodeImage(bytes, format, maxPixels);
  // A narrow, tall image is small but its thumbnail is not: a 4x20000 strip made 2048 wide would be
  // 2048x10240000 pixels, more memory than the function has. Refused like a source over the limit.
  const height = scaledHeight(image.width, image.height, width);
  if (width * height > maxPixels) {
    throw new ImageTooLargeError(
      `its ${width}-pixel-wide thumbnail (${image.width}x${image.height} scaled) would be ${width}x${height} pixels, over the limit of ${maxPixels}`,
    );
  }
  const resized = resizeToWidth(image, width);
  return {
    format,
    source: { width: image.width, height: image.height },
    width: resized.width,
    height: resized.height,
    bytes: encodeImage(resized, format),
  };
}
