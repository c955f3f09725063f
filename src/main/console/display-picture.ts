/**
 * 客显 idle picture (docs/architecture.md, "Customer display"): an optional PNG, JPEG or WebP the merchant
 * chooses, shown above the shop name while the counter is idle. Main decides what is a picture — the
 * renderer's file chooser proves nothing:
 *   - the format is sniffed from the bytes (the file name and the browser's type are not asked);
 *   - the width and height come from the header (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X), each side
 *     DISPLAY_PICTURE_MIN_SIDE…MAX_SIDE px and at most DISPLAY_PICTURE_MAX_PIXELS in all, so a small
 *     file cannot decode to gigabytes in the display's renderer;
 *   - the file must be whole: PNG ends with IEND, JPEG with EOI, a WebP's RIFF size is its length;
 *   - SVG (and anything else) is refused: an SVG is a document that can carry script.
 * Headers are read, pixels are not decoded (no image codec in main); a whole file with bad pixel data
 * shows as no picture on the display (its <img> error), never as a broken page.
 * The picture is one file in the data directory, written atomically; a file that no longer passes these
 * checks (edited by hand, cut short) is ignored at start with a warning.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  DISPLAY_PICTURE_MAX_BYTES,
  DISPLAY_PICTURE_MAX_PIXELS,
  DISPLAY_PICTURE_MAX_SIDE,
  DISPLAY_PICTURE_MIN_SIDE,
  type DisplayPictureDto,
  type DisplayPictureType,
} from '../../shared/contract';
import { writeFileAtomic } from '../vault/atomic-file';
import { ConsoleError } from './errors';

export const DISPLAY_PICTURE_FILE = 'display-picture';

export interface DisplayPicture {
  id: string;
  type: DisplayPictureType;
  width: number;
  height: number;
  data: Buffer;
}

const FORMAT_MESSAGE =
  '待机图片须为 PNG、JPEG 或 WebP 图片（不支持 SVG、GIF 等） / The idle picture must be a PNG, JPEG or WebP image (not SVG, GIF or others)';
const CUT_MESSAGE = '图片文件不完整或已损坏，请重新导出后再选 / The image file is cut short or damaged: export it again and choose it again';

function refuse(message: string): never {
  throw new ConsoleError('INVALID_PICTURE', message);
}

/** The format and size of `data`, or a bilingual INVALID_PICTURE. */
export function checkPicture(data: Buffer): DisplayPicture {
  if (data.length === 0) refuse('未选择图片（文件为空） / No picture: the file is empty');
  if (data.length > DISPLAY_PICTURE_MAX_BYTES) {
    const mb = (DISPLAY_PICTURE_MAX_BYTES / 1024 / 1024).toFixed(0);
    refuse(`图片过大（上限 ${mb} MB），请缩小后再选 / The picture is over ${mb} MB: make it smaller and choose it again`);
  }
  const found = sniff(data);
  if (!found) refuse(FORMAT_MESSAGE);
  const { type, width, height } = found;
  if (width < DISPLAY_PICTURE_MIN_SIDE || height < DISPLAY_PICTURE_MIN_SIDE) {
    refuse(
      `图片太小（${width}×${height}），每边至少 ${DISPLAY_PICTURE_MIN_SIDE} 像素 / The picture is too small (${width}×${height}): at least ${DISPLAY_PICTURE_MIN_SIDE} px a side`,
    );
  }
  if (width > DISPLAY_PICTURE_MAX_SIDE || height > DISPLAY_PICTURE_MAX_SIDE || width * height > DISPLAY_PICTURE_MAX_PIXELS) {
    refuse(
      `图片像素过多（${width}×${height}），每边至多 ${DISPLAY_PICTURE_MAX_SIDE} 像素、总计至多 1600 万像素 / ` +
        `The picture has too many pixels (${width}×${height}): at most ${DISPLAY_PICTURE_MAX_SIDE} px a side and 16 megapixels`,
    );
  }
  const id = createHash('sha256').update(data).digest('hex').slice(0, 16);
  return { id, type, width, height, data };
}

export function toPictureDto(p: DisplayPicture): DisplayPictureDto {
  return {
    id: p.id,
    type: p.type,
    width: p.width,
    height: p.height,
    bytes: p.data.length,
    dataUrl: `data:${p.type};base64,${p.data.toString('base64')}`,
  };
}

/** base64 → bytes; the contract has checked the alphabet, a length that cannot be base64 is refused here. */
export function decodePicture(base64: string): Buffer {
  if (base64.length % 4 !== 0) refuse(`图片数据不是有效的 base64 / The picture data is not valid base64`);
  return Buffer.from(base64, 'base64');
}

/** The stored picture, or null (none, or one that no longer passes: `problem` says why). */
export function loadDisplayPicture(dataDir: string): { picture: DisplayPicture | null; problem: string | null } {
  let data: Buffer;
  try {
    data = readFileSync(join(dataDir, DISPLAY_PICTURE_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { picture: null, problem: null };
    return { picture: null, problem: (err as Error).message };
  }
  try {
    return { picture: checkPicture(data), problem: null };
  } catch (err) {
    return { picture: null, problem: (err as Error).message };
  }
}

export function saveDisplayPicture(dataDir: string, picture: DisplayPicture): void {
  writeFileAtomic(join(dataDir, DISPLAY_PICTURE_FILE), picture.data);
}

export function removeDisplayPicture(dataDir: string): void {
  rmSync(join(dataDir, DISPLAY_PICTURE_FILE), { force: true });
}

/* ── sniffing ── */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

function sniff(b: Buffer): { type: DisplayPictureType; width: number; height: number } | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return png(b);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return webp(b);
  return null;
}

function png(b: Buffer): { type: 'image/png'; width: number; height: number } {
  // The first chunk is IHDR (13 bytes): width, height (big-endian).
  if (b.length < 33 || b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') refuse(CUT_MESSAGE);
  if (!b.subarray(b.length - PNG_IEND.length).equals(PNG_IEND)) refuse(CUT_MESSAGE);
  return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): not C4 (DHT), C8 (JPG), CC (DAC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(b: Buffer): { type: 'image/jpeg'; width: number; height: number } {
  // The end of image marker, allowing a little padding some cameras write after it.
  const eoi = b.lastIndexOf(Buffer.from([0xff, 0xd9]));
  if (eoi < 0 || eoi < b.length - 2 - 64) refuse(CUT_MESSAGE);
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) refuse(CUT_MESSAGE);
    const marker = b[i + 1] as number;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    const length = b.readUInt16BE(i + 2);
    if (length < 2 || i + 2 + length > b.length) refuse(CUT_MESSAGE);
    if (SOF.has(marker)) {
      if (length < 7) refuse(CUT_MESSAGE);
      return { type: 'image/jpeg', height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or the end before any frame header
    i += 2 + length;
  }
  return refuse(CUT_MESSAGE);
}

function webp(b: Buffer): { type: 'image/webp'; width: number; height: number } {
  if (b.readUInt32LE(4) + 8 !== b.length || b.length < 30) refuse(CUT_MESSAGE);
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    // Lossy: a key frame's start code 9D 01 2A, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) refuse(CUT_MESSAGE);
    return { type: 'image/webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2F, then width-1 and height-1 in 14 bits each.
    if (b[20] !== 0x2f) refuse(CUT_MESSAGE);
    const bits = b.readUInt32LE(21);
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    // Extended: canvas width-1 and height-1 in 24 bits each. Animated WebP is not a still picture.
    if (((b[20] as number) & 0x02) !== 0) refuse(FORMAT_MESSAGE);
    return { type: 'image/webp', width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  }
  return refuse(FORMAT_MESSAGE);
}
