/**
 * The customer display's capability in the browser host, over real HTTP: its token reads the display's
 * state (display.get, the idle picture, the display.updated events) and nothing else — a sale, a setting or 打开客显 sent
 * with it is refused with 403 (bilingual) and creates nothing; the console's token still does everything.
 */
import { request, type IncomingMessage } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebBridge, type WebBridge } from '../../src/main/web/server';
import { makeTempDir, rawRequest, waitFor } from '../support';
import { fakeConsole, type FakeConsole } from './helpers';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;
let cleanup: () => Promise<void>;
let c: FakeConsole;
let bridge: WebBridge;

beforeAll(async () => {
  const tmp = makeTempDir('paydesk-display-');
  cleanup = tmp.cleanup;
  const site = join(tmp.dir, 'site');
  await mkdir(site, { recursive: true });
  await writeFile(
    join(site, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'" /></head><body><div id="root"></div></body></html>`,
  );
  c = await fakeConsole({ dataDir: join(tmp.dir, 'data') });
  bridge = await startWebBridge({ host: c.host, staticDir: site });
});
afterAll(async () => {
  await bridge?.close();
  await c?.host.close();
  await cleanup?.();
});

function post(channel: string, body: unknown, token: string) {
  return rawRequest(bridge.port, {
    method: 'POST',
    path: `/api/${channel}`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** A PNG of random pixels (pngjs): does not compress, so `w`×`h` px is about 4·w·h bytes. */
function noisePng(w: number, h: number): Buffer {
  const p = new PNG({ width: w, height: h });
  randomBytes(w * h * 4).copy(p.data);
  return PNG.sync.write(p);
}

describe('the display token', () => {
  it('is its own 256-bit token, in the display URL (the console token is not)', () => {
    expect(bridge.displayToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bridge.displayToken).not.toBe(bridge.token);
    expect(bridge.displayUrl).toBe(`http://127.0.0.1:${bridge.port}/?view=display#token=${bridge.displayToken}`);
  });

  it('reads display.get', async () => {
    const res = await post('display.get', {}, bridge.displayToken);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: { kind: 'idle', shopName: 'PayDesk', pictureId: null } });
  });

  it('is refused (403 DISPLAY_ONLY, bilingual) for every command; an orders.create creates nothing', async () => {
    const create = await post('orders.create', { amount: '12.34', method: 'qr' }, bridge.displayToken);
    expect(create.status).toBe(403);
    expect(JSON.parse(create.body)).toMatchObject({ ok: false, error: { code: 'DISPLAY_ONLY', message: expect.stringMatching(BILINGUAL) } });
    expect(c.core().createInputs).toEqual([]);
    const list = JSON.parse((await post('orders.list', {}, bridge.token)).body) as { value: { items: unknown[] } };
    expect(list.value.items).toEqual([]);
    for (const [channel, body] of [
      ['orders.list', {}],
      ['settings.get', {}],
      ['settings.update', { shopName: 'x' }],
      ['status.get', {}],
      ['display.open', {}],
      ['pin.set', { next: '123456' }],
      ['display.setPicture', { image: '' }],
      ['display.clearPicture', {}],
    ] as const) {
      const res = await post(channel, body, bridge.displayToken);
      expect(res.status, channel).toBe(403);
    }
    expect(JSON.parse((await post('settings.get', {}, bridge.token)).body)).toMatchObject({ value: { shopName: 'PayDesk' } });
  });

  it('reads the idle picture (display.picture) but cannot set it; the console token sets one over HTTP (a body above the usual 64 KiB)', async () => {
    const image = noisePng(200, 200).toString('base64');
    expect(image.length).toBeGreaterThan(64 * 1024);
    expect((await post('display.setPicture', { image }, bridge.displayToken)).status).toBe(403);
    expect(JSON.parse((await post('display.picture', {}, bridge.displayToken)).body)).toEqual({ ok: true, value: null });
    const set = JSON.parse((await post('display.setPicture', { image }, bridge.token)).body) as { ok: boolean; value: { id: string; dataUrl: string } };
    expect(set.ok).toBe(true);
    const read = JSON.parse((await post('display.picture', {}, bridge.displayToken)).body) as { value: { id: string; dataUrl: string } };
    expect(read.value).toEqual(set.value);
    expect(read.value.dataUrl).toBe(`data:image/png;base64,${image}`);
    // any other command keeps the 64 KiB limit
    expect((await post('settings.update', { shopName: 'x'.repeat(70 * 1024) }, bridge.token)).status).toBe(413);
    // and the picture command's own limit holds: over it → 413, nothing changed
    const tooBig = await post('display.setPicture', { image: 'A'.repeat(3 * 1024 * 1024) }, bridge.token);
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body)).toMatchObject({ ok: false, error: { code: 'BODY_TOO_LARGE', message: expect.stringMatching(BILINGUAL) } });
    expect((JSON.parse((await post('display.picture', {}, bridge.token)).body) as { value: { id: string } }).value.id).toBe(set.value.id);
    expect(JSON.parse((await post('display.clearPicture', {}, bridge.token)).body)).toEqual({ ok: true, value: { cleared: true } });
  });

  it('display.open with the console token answers the display URL', async () => {
    const res = JSON.parse((await post('display.open', {}, bridge.token)).body) as unknown;
    expect(res).toEqual({ ok: true, value: { url: bridge.displayUrl } });
  });

  it('its event stream carries display.updated and never the orders themselves', async () => {
    const chunks: string[] = [];
    const req = request({
      host: '127.0.0.1',
      port: bridge.port,
      path: '/api/events',
      headers: { Host: `127.0.0.1:${bridge.port}`, Authorization: `Bearer ${bridge.displayToken}` },
    });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => chunks.push(chunk));
    await waitFor(() => chunks.join('').includes(': connected'), 'SSE hello', 5_000);
    const created = JSON.parse((await post('orders.create', { amount: '6.60', method: 'qr' }, bridge.token)).body) as { value: { id: string } };
    c.core().pay(created.value.id);
    await waitFor(() => chunks.join('').includes('"kind":"paid"'), 'display.updated paid', 5_000);
    const text = chunks.join('');
    expect(text).toContain('event: display.updated\n');
    expect(text).toContain('"amount":"6.60"');
    expect(text).not.toContain('event: order.updated');
    expect(text).not.toContain('event: status.changed');
    expect(text).not.toContain('"tradeNo"');
    req.destroy();
  });
});
