/**
 * The thumbnail function's image code on the lab's real sample files (a JPEG and a PNG with transparency),
 * decoding every output again to check its size and pixels. The handler itself, over S3, is tested against
 * moto_server in the moto suite (test/integration/s3-trigger.moto.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeEventKey, thumbnailKey, widthFrom } from '../../lambda/thumbnail';
import {
  decodeImage,
  encodeImage,
  ImageTooLargeError,
  makeThumbnail,
  resizeToWidth,
  scaledHeight,
  sniffFormat,
  UnreadableImageError,
} from '../../lambda/thumbnail/image';
import { REPOSITORY_ROOT, S3_TRIGGER_SAMPLES } from '../../lib/s3-trigger/s3-trigger-lab-stack';

const sampleJpeg = fs.readFileSync(path.join(REPOSITORY_ROOT, S3_TRIGGER_SAMPLES.jpeg));
const samplePng = fs.readFileSync(path.join(REPOSITORY_ROOT, S3_TRIGGER_SAMPLES.png));
const MAX = 25_000_000;

test('the samples are small, real files of their formats', () => {
  expect(sniffFormat(sampleJpeg)).toBe('jpeg');
  expect(sniffFormat(samplePng)).toBe('png');
  expect(jpeg.decode(sampleJpeg)).toMatchObject({ width: 320, height: 240 });
  expect(PNG.sync.read(samplePng)).toMatchObject({ width: 240, height: 180 });
  expect(sampleJpeg.length + samplePng.length).toBeLessThan(20_000);
});

test.each([
  ['a PDF', Buffer.from('%PDF-1.7\n')],
  ['text', Buffer.from('hello, world')],
  ['a GIF', Buffer.from('GIF89a......')],
  ['two bytes of a JPEG', Buffer.from([0xff, 0xd8])],
  ['nothing', Buffer.alloc(0)],
])('%s is not sniffed as an image', (_name, bytes) => {
  expect(sniffFormat(bytes)).toBeUndefined();
});

test.each([
  ['JPEG', sampleJpeg, 'jpeg' as const, 200, 150],
  ['PNG', samplePng, 'png' as const, 200, 150],
  ['JPEG', sampleJpeg, 'jpeg' as const, 16, 12],
  ['PNG', samplePng, 'png' as const, 300, 225],
  ['JPEG', sampleJpeg, 'jpeg' as const, 101, 76],
])('a %s thumbnail is exactly the width asked, the aspect kept, in the same format (%#)', (_n, bytes, format, width, height) => {
  const thumbnail = makeThumbnail(bytes, format, width, MAX);
  expect(thumbnail).toMatchObject({ format, width, height });
  const decoded = format === 'jpeg' ? jpeg.decode(thumbnail.bytes) : PNG.sync.read(thumbnail.bytes);
  expect(sniffFormat(thumbnail.bytes)).toBe(format);
  expect({ width: decoded.width, height: decoded.height }).toEqual({ width, height });
});

test("the JPEG thumbnail still shows the face: yellow in the middle, the background's blue in the corner", () => {
  const t = makeThumbnail(sampleJpeg, 'jpeg', 100, MAX);
  const d = jpeg.decode(t.bytes);
  const px = (x: number, y: number) => Array.from(d.data.subarray((y * d.width + x) * 4, (y * d.width + x) * 4 + 3));
  const [r, g, b] = px(50, 55); // the cheek, below the eyes
  expect(r).toBeGreaterThan(200);
  expect(g).toBeGreaterThan(160);
  expect(b).toBeLessThan(110);
  const [, , cornerBlue] = px(2, 2);
  expect(cornerBlue).toBeGreaterThan(200);
});

test("the PNG thumbnail keeps its transparency, and transparent pixels do not darken the face's edge", () => {
  const t = makeThumbnail(samplePng, 'png', 120, MAX);
  const d = PNG.sync.read(t.bytes);
  const alpha = (x: number, y: number) => d.data[(y * d.width + x) * 4 + 3];
  expect(alpha(0, 0)).toBe(0);
  expect(alpha(60, 45)).toBe(255);
  // Along the face's left edge, partly transparent pixels keep the outline's colour, not a blend with black.
  const row = 45;
  for (let x = 0; x < 60; x++) {
    const i = (row * d.width + x) * 4;
    if (d.data[i + 3] > 0 && d.data[i + 3] < 255) expect(d.data[i]).toBeGreaterThan(150);
  }
});

test('resizing averages areas: a 4x2 checkerboard halves to mid-grey, and enlarging repeats pixels exactly', () => {
  const data = new Uint8Array(4 * 2 * 4);
  for (let i = 0; i < 8; i++) data.set((i + Math.floor(i / 4)) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255], i * 4);
  const half = resizeToWidth({ width: 4, height: 2, data }, 2);
  expect(half).toEqual({ width: 2, height: 1, data: new Uint8Array([128, 128, 128, 255, 128, 128, 128, 255]) });
  const single = { width: 1, height: 1, data: new Uint8Array([10, 20, 30, 255]) };
  const big = resizeToWidth(single, 16);
  expect(big.height).toBe(16);
  expect(new Set(Array.from(big.data))).toEqual(new Set([10, 20, 30, 255]));
});

test('scaledHeight keeps the ratio and never gives 0', () => {
  expect(scaledHeight(320, 240, 200)).toBe(150);
  expect(scaledHeight(4000, 10, 16)).toBe(1);
  expect(scaledHeight(10, 4000, 2048)).toBe(819200);
});

test('a PNG whose header claims more pixels than allowed is refused before it is inflated', () => {
  const header = Buffer.from(samplePng);
  header.writeUInt32BE(100_000, 16);
  header.writeUInt32BE(100_000, 20);
  expect(() => decodeImage(header, 'png', MAX)).toThrow(ImageTooLargeError);
  expect(() => decodeImage(header, 'png', MAX)).toThrow('100000x100000 pixels is over the limit of 25000000');
});

test('a JPEG with more pixels than allowed is refused as too large', () => {
  expect(() => decodeImage(sampleJpeg, 'jpeg', 320 * 240 - 1)).toThrow(ImageTooLargeError);
});

test.each([
  ['a truncated JPEG', sampleJpeg.subarray(0, 600), 'jpeg' as const, /not a readable JPEG/],
  ['a truncated PNG', samplePng.subarray(0, 100), 'png' as const, /not a readable PNG/],
  ['a PNG header alone', samplePng.subarray(0, 12), 'png' as const, /PNG ends before its header/],
])('%s is an UnreadableImageError that says why', (_name, bytes, format, message) => {
  expect(() => decodeImage(bytes, format, MAX)).toThrow(UnreadableImageError);
  expect(() => decodeImage(bytes, format, MAX)).toThrow(message);
});

test('a narrow, tall image whose thumbnail would be over the pixel limit is refused as too large, not attempted', () => {
  const strip = new PNG({ width: 1, height: 12_500 });
  strip.data.fill(200);
  const bytes = PNG.sync.write(strip); // a few KB and 12,500 pixels, but 200 wide it would be 200x2500000
  expect(() => makeThumbnail(bytes, 'png', 200, MAX)).toThrow(ImageTooLargeError);
  expect(() => makeThumbnail(bytes, 'png', 200, MAX)).toThrow('would be 200x2500000 pixels, over the limit of 25000000');
});

test('encodeImage round-trips PNG pixels exactly', () => {
  const image = decodeImage(samplePng, 'png', MAX);
  const again = decodeImage(encodeImage(image, 'png'), 'png', MAX);
  expect([again.width, again.height]).toEqual([image.width, image.height]);
  expect(Buffer.from(again.data).equals(Buffer.from(image.data))).toBe(true);
});

test('the widest thumbnail allowed, 2048 pixels, from the sample JPEG', () => {
  // Resizing only: pngjs and jpeg-js encode a 3-megapixel image many times slower inside jest's sandbox
  // than in Node.js itself, and the encoders are covered by the thumbnails above.
  const resized = resizeToWidth(decodeImage(sampleJpeg, 'jpeg', MAX), 2048);
  expect([resized.width, resized.height, resized.data.length]).toEqual([2048, 1536, 2048 * 1536 * 4]);
});

describe('event keys', () => {
  test.each([
    ['HappyFace.jpg', 'HappyFace.jpg'],
    ['red+flower.jpg', 'red flower.jpg'],
    ['photos/my+cat+%C3%BC%F0%9F%90%88.png', 'photos/my cat ü🐈.png'],
    ['a%2Bb.jpg', 'a+b.jpg'],
    ['test%2Fkey', 'test/key'],
    ['%E6%97%A5%E6%9C%AC%E8%AA%9E.jpeg', '日本語.jpeg'],
  ])('%p decodes to %p', (encoded, key) => {
    expect(decodeEventKey(encoded)).toBe(key);
  });

  test('a key that is not validly encoded is undefined, not an exception', () => {
    expect(decodeEventKey('bad%E0%A4%A.jpg')).toBeUndefined();
    expect(decodeEventKey('100%.jpg')).toBeUndefined();
  });

  test('thumbnails are resized-<key>, folders included', () => {
    expect(thumbnailKey('photos/cat.jpg')).toBe('resized-photos/cat.jpg');
  });
});

test.each(['', undefined, '15', '2049', '20.5', 'abc', ' 200'])('THUMBNAIL_WIDTH %p is a configuration error naming the range', (value) => {
  expect(() => widthFrom(value)).toThrow(/THUMBNAIL_WIDTH must be a whole number from 16 to 2048/);
});

test('THUMBNAIL_WIDTH within range is read', () => {
  expect(widthFrom('16')).toBe(16);
  expect(widthFrom('2048')).toBe(2048);
});
