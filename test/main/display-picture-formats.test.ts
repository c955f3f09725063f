/**
 * The idle picture's format check against encoders we did not write: Chromium's canvas encoders make a
 * PNG, a baseline JPEG and WebP (lossy, lossless, with alpha), at sizes chosen here. Chromium writes
 * every WebP in the extended form (VP8X); its inner VP8 and VP8L streams are rewrapped as the simple
 * form other encoders write (and checked decodable by Chromium). Main must read back the same type, width and height from each, and refuse each one
 * cut short. (The console-level behaviour, PNG from the qrcode library: test/console/display-picture.test.ts.)
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPicture } from '../../src/main/console/display-picture';
import { launchChromium } from '../e2e/screens-helpers';

let browser: Browser;
const encoded = new Map<string, Buffer>();

/** [name, mime, quality, width, height, transparent] */
const CASES: [string, string, number, number, number, boolean][] = [
  ['png', 'image/png', 1, 640, 360, false],
  ['jpeg', 'image/jpeg', 0.85, 1280, 720, false],
  ['webp lossy', 'image/webp', 0.8, 801, 453, false],
  ['webp lossless', 'image/webp', 1, 333, 777, false],
  ['webp lossy + alpha', 'image/webp', 0.8, 500, 64, true],
];

beforeAll(async () => {
  browser = await launchChromium();
  const page = await browser.newPage();
  for (const [name, mime, quality, w, h, transparent] of CASES) {
    // (a string: this file is type-checked without the DOM library)
    const dataUrl = await page.evaluate<string>(`(() => {
      const [mime, quality, w, h, transparent] = ${JSON.stringify([mime, quality, w, h, transparent])};
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d');
      if (!transparent) {
        const grad = g.createLinearGradient(0, 0, w, h);
        grad.addColorStop(0, '#1677ff');
        grad.addColorStop(1, '#07c160');
        g.fillStyle = grad;
        g.fillRect(0, 0, w, h);
      }
      g.fillStyle = 'rgba(255, 200, 0, 0.6)';
      g.beginPath();
      g.arc(w / 2, h / 2, Math.min(w, h) / 3, 0, Math.PI * 2);
      g.fill();
      g.font = '48px sans-serif';
      g.fillText('老王便利店', 10, h - 10);
      return c.toDataURL(mime, quality);
    })()`);
    expect(dataUrl.startsWith(`data:${mime};base64,`), `${name}: Chromium encodes ${mime}`).toBe(true);
    encoded.set(name, Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  }
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** The `fourcc` chunk of an extended WebP, alone in a simple-format file (RIFF, WEBP, that chunk). */
function simpleWebp(file: Buffer, fourcc: string): Buffer {
  let i = 12;
  while (i + 8 <= file.length) {
    const size = file.readUInt32LE(i + 4);
    const chunk = file.subarray(i, i + 8 + size + (size % 2));
    if (file.toString('latin1', i, i + 4) === fourcc) {
      const head = Buffer.alloc(12);
      head.write('RIFF', 0, 'latin1');
      head.writeUInt32LE(4 + chunk.length, 4);
      head.write('WEBP', 8, 'latin1');
      return Buffer.concat([head, chunk]);
    }
    i += chunk.length;
  }
  throw new Error(`no ${fourcc} chunk`);
}

describe('idle picture formats from Chromium’s encoders', () => {
  it.each(CASES)('%s (%s): type and size read back from the header', (name, mime, _q, w, h) => {
    const file = encoded.get(name) as Buffer;
    const p = checkPicture(file);
    expect(p).toMatchObject({ type: mime, width: w, height: h });
    expect(p.data.equals(file)).toBe(true);
  });

  it('Chromium writes every WebP in the extended form (VP8X); its inner VP8 / VP8L stream, rewrapped as a simple WebP that Chromium decodes, reads back the same', async () => {
    const page = await browser.newPage();
    for (const [name, inner] of [
      ['webp lossy', 'VP8 '],
      ['webp lossless', 'VP8L'],
    ] as const) {
      const file = encoded.get(name) as Buffer;
      expect(file.toString('latin1', 12, 16)).toBe('VP8X');
      const simple = simpleWebp(file, inner);
      expect(simple.toString('latin1', 12, 16)).toBe(inner);
      const [, , , w, h] = CASES.find((c) => c[0] === name) as (typeof CASES)[number];
      expect(checkPicture(simple)).toMatchObject({ type: 'image/webp', width: w, height: h });
      // the rewrapped file is a real WebP: Chromium decodes it to the same size
      const decoded = await page.evaluate<number[]>(`(async () => {
        const img = new Image();
        img.src = 'data:image/webp;base64,${simple.toString('base64')}';
        await img.decode();
        return [img.naturalWidth, img.naturalHeight];
      })()`);
      expect(decoded).toEqual([w, h]);
      expect(() => checkPicture(simple.subarray(0, simple.length - 1))).toThrow(/cut short/);
    }
    await page.close();
  });

  it.each(CASES)('%s cut short (90 %, or its last byte) is refused as damaged', (name) => {
    const file = encoded.get(name) as Buffer;
    for (const cut of [file.subarray(0, Math.floor(file.length * 0.9)), file.subarray(0, file.length - 1)]) {
      expect(() => checkPicture(cut), name).toThrow(/图片文件不完整或已损坏.* \/ The image file is cut short or damaged/);
    }
  });
});
