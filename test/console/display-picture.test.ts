/**
 * 客显 idle picture through the console's dispatch: a real PNG (encoded by the `qrcode` library, not by us)
 * is stored, named in the idle state by its content hash, served whole by display.picture and kept across
 * a restart; it needs the manager PIN once one is set; every bad file (empty, not an image, SVG, GIF, cut
 * short, too small, too many pixels, over the size limit) is refused in words and changes nothing; a file
 * spoiled on disk is ignored at start. The browser encoders' formats (JPEG, WebP): display-picture-formats.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISPLAY_PICTURE_FILE } from '../../src/main/console/display-picture';
import { DISPLAY_PICTURE_MAX_BYTES, type DisplayStateDto } from '../../src/shared/contract';
import { makeTempDir } from '../support';
import { fakeConsole, ok, type FakeConsole } from './helpers';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;

let dir: string;
let cleanup: () => Promise<void>;
let running: FakeConsole[] = [];
beforeEach(() => {
  ({ dir, cleanup } = makeTempDir());
});
afterEach(async () => {
  for (const c of running) await c.host.close();
  running = [];
  await cleanup();
});

async function start(): Promise<{ c: FakeConsole; seen: DisplayStateDto[] }> {
  const c = await fakeConsole({ dataDir: dir });
  running.push(c);
  const seen: DisplayStateDto[] = [];
  c.host.on('display.updated', (s) => seen.push(s));
  return { c, seen };
}

/** A PNG from the qrcode library: `scale` px per module, so the size is (21 + 2·margin)·scale for version 1. */
const png = (scale: number, text = 'PayDesk'): Promise<Buffer> => QRCode.toBuffer(text, { type: 'png', scale, margin: 4, errorCorrectionLevel: 'L' });

/** The width and height a PNG's IHDR says. */
const pngSize = (b: Buffer): [number, number] => [b.readUInt32BE(16), b.readUInt32BE(20)];

function refusal(r: { ok: boolean; error?: { code: string; message: string } }): string {
  if (r.ok) return 'OK';
  expect(r.error?.message).toMatch(BILINGUAL);
  return r.error?.code ?? '?';
}

describe('customer display idle picture', () => {
  it('none at first; a PNG is stored, named in the idle state, served whole, and kept across a restart', async () => {
    const { c, seen } = await start();
    expect(await ok(c.host.dispatch('display.picture', {}))).toBeNull();
    expect(await ok(c.host.dispatch('display.get', {}))).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: null });

    const file = await png(8);
    const [width, height] = pngSize(file);
    expect(width).toBe(29 * 8);
    const set = await ok(c.host.dispatch('display.setPicture', { image: file.toString('base64') }));
    expect(set).toMatchObject({ type: 'image/png', width, height, bytes: file.length });
    expect(set.id).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(set.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64').equals(file)).toBe(true);
    expect(await ok(c.host.dispatch('display.get', {}))).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: set.id });
    expect(seen.at(-1)).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: set.id });
    expect(await ok(c.host.dispatch('display.picture', {}))).toEqual(set);
    expect(readFileSync(join(dir, DISPLAY_PICTURE_FILE)).equals(file)).toBe(true);

    // the same picture again: the same id, no new state for the display
    const events = seen.length;
    expect((await ok(c.host.dispatch('display.setPicture', { image: file.toString('base64') }))).id).toBe(set.id);
    expect(seen.length).toBe(events);

    await c.host.close();
    running = [];
    const again = await start();
    expect(await ok(again.c.host.dispatch('display.get', {}))).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: set.id });
    expect(await ok(again.c.host.dispatch('display.picture', {}))).toEqual(set);

    // 移除: back to the shop name alone, the file gone; removing again is harmless
    expect(await ok(again.c.host.dispatch('display.clearPicture', {}))).toEqual({ cleared: true });
    expect(await ok(again.c.host.dispatch('display.get', {}))).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: null });
    expect(again.seen.at(-1)).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: null });
    expect(existsSync(join(dir, DISPLAY_PICTURE_FILE))).toBe(false);
    expect(await ok(again.c.host.dispatch('display.clearPicture', {}))).toEqual({ cleared: false });
  });

  it('every bad file is refused in words and changes nothing: the old picture stays, the display is not told', async () => {
    const { c, seen } = await start();
    const good = await ok(c.host.dispatch('display.setPicture', { image: (await png(4)).toString('base64') }));
    const events = seen.length;
    const whole = await png(4, 'another');
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    // An IHDR claiming 10000 × 10000 px in a file that ends properly: small on disk, 400 MB decoded.
    const huge = Buffer.from(whole);
    huge.writeUInt32BE(10_000, 16);
    huge.writeUInt32BE(10_000, 20);
    const wide = Buffer.from(whole);
    wide.writeUInt32BE(9_000, 16);
    wide.writeUInt32BE(40, 20);
    const over = Buffer.concat([whole.subarray(0, whole.length - 12), Buffer.alloc(DISPLAY_PICTURE_MAX_BYTES), whole.subarray(whole.length - 12)]);
    const cases: [string, string, string][] = [
      ['empty', '', 'INVALID_PICTURE'],
      ['text', Buffer.from('hello, this is not a picture').toString('base64'), 'INVALID_PICTURE'],
      [
        'SVG',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script></svg>').toString('base64'),
        'INVALID_PICTURE',
      ],
      ['GIF', Buffer.from('GIF89a\x40\x00\x40\x00\x00\x00\x00;', 'latin1').toString('base64'), 'INVALID_PICTURE'],
      ['PNG cut in half', cut.toString('base64'), 'INVALID_PICTURE'],
      ['PNG 21 px (too small)', (await png(1)).toString('base64'), 'INVALID_PICTURE'],
      ['PNG 10000 × 10000', huge.toString('base64'), 'INVALID_PICTURE'],
      ['PNG 9000 px wide', wide.toString('base64'), 'INVALID_PICTURE'],
      ['PNG over 2 MB', over.toString('base64'), 'INVALID_INPUT'],
      ['not base64', 'iVBORw0KGgo*', 'INVALID_INPUT'],
      ['base64 of a wrong length', 'iVBORw0KGgo', 'INVALID_PICTURE'],
    ];
    for (const [name, image, code] of cases) {
      expect(refusal(await c.host.dispatch('display.setPicture', { image })), name).toBe(code);
    }
    // just over the limit once decoded (the contract lets 3 bytes through): refused by main's check
    const justOver = Buffer.concat([
      whole.subarray(0, whole.length - 12),
      Buffer.alloc(DISPLAY_PICTURE_MAX_BYTES - whole.length + 1),
      whole.subarray(whole.length - 12),
    ]);
    expect(justOver.length).toBe(DISPLAY_PICTURE_MAX_BYTES + 1);
    const r = await c.host.dispatch('display.setPicture', { image: justOver.toString('base64') });
    expect(refusal(r)).toBe('INVALID_PICTURE');
    expect(r.ok ? '' : r.error.message).toMatch(/图片过大（上限 2 MB）/);
    expect(refusal(await c.host.dispatch('display.setPicture', { image: 'AAAA', extra: 1 }))).toBe('INVALID_INPUT');

    expect(await ok(c.host.dispatch('display.picture', {}))).toEqual(good);
    expect(await ok(c.host.dispatch('display.get', {}))).toMatchObject({ pictureId: good.id });
    expect(seen.length).toBe(events);
  });

  it('needs the manager PIN once one is set; a wrong PIN changes nothing; a bad picture costs no PIN try', async () => {
    const { c } = await start();
    await ok(c.host.dispatch('pin.set', { next: '271828' }));
    const image = (await png(4)).toString('base64');
    expect(refusal(await c.host.dispatch('display.setPicture', { image }))).toBe('PIN_REQUIRED');
    expect(refusal(await c.host.dispatch('display.setPicture', { image, pin: '000000' }))).toBe('PIN_WRONG');
    const tries = (await ok(c.host.dispatch('pin.status', {}))).triesLeft;
    expect(refusal(await c.host.dispatch('display.setPicture', { image: 'AAAA', pin: '000000' }))).toBe('INVALID_PICTURE');
    expect((await ok(c.host.dispatch('pin.status', {}))).triesLeft).toBe(tries);
    expect(await ok(c.host.dispatch('display.picture', {}))).toBeNull();
    const set = await ok(c.host.dispatch('display.setPicture', { image, pin: '271828' }));
    expect(refusal(await c.host.dispatch('display.clearPicture', {}))).toBe('PIN_REQUIRED');
    expect(await ok(c.host.dispatch('display.picture', {}))).toEqual(set);
    expect(await ok(c.host.dispatch('display.clearPicture', { pin: '271828' }))).toEqual({ cleared: true });
  });

  it('a picture spoiled on disk (cut short by hand) is ignored at start, with a warning; the display shows the shop name', async () => {
    const file = await png(4);
    writeFileSync(join(dir, DISPLAY_PICTURE_FILE), file.subarray(0, 100));
    const { c } = await start();
    expect(await ok(c.host.dispatch('display.picture', {}))).toBeNull();
    expect(await ok(c.host.dispatch('display.get', {}))).toMatchObject({ kind: 'idle', pictureId: null });
    expect(c.logs.some((l) => l.level === 'warn' && l.message.includes('customer display picture ignored'))).toBe(true);
  });
});
