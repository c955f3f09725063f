/**
 * The manager PIN through the console's dispatch (what both hosts call): refunds and setting changes are
 * refused in main without it, whatever the renderer does; the refund reaches the core marked as
 * PIN-authorised; the renderer can only learn set / not set. Real scrypt cost (slow on purpose).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeConsole, ok, testKeys, type FakeConsole } from './helpers';
import { makeTempDir } from '../support';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;

let dir: string;
let cleanup: () => Promise<void>;
let running: FakeConsole[] = [];
let t = 1_800_000_000_000;

beforeEach(async () => {
  ({ dir, cleanup } = makeTempDir());
  t = 1_800_000_000_000;
});
afterEach(async () => {
  for (const c of running) await c.host.close();
  running = [];
  await cleanup();
});

async function start(): Promise<FakeConsole> {
  const c = await fakeConsole({ dataDir: dir, now: () => t });
  running.push(c);
  return c;
}

async function paid(c: FakeConsole): Promise<string> {
  const o = await ok(c.host.dispatch('orders.create', { amount: '20.00', method: 'qr' }));
  c.core().pay(o.id);
  return o.id;
}

function code(r: { ok: boolean; error?: { code: string; message: string } }): string {
  if (r.ok) return 'OK';
  expect(r.error?.message).toMatch(BILINGUAL);
  return r.error?.code ?? '?';
}

describe('manager PIN (console)', () => {
  it('without a PIN set, refunds and settings work; the first PIN needs no other proof', async () => {
    const c = await start();
    expect(await ok(c.host.dispatch('pin.status', {}))).toEqual({ available: true, set: false, refundAbove: '0.00', lockedUntil: null, triesLeft: 5 });
    const id = await paid(c);
    expect(code(await c.host.dispatch('orders.refund', { id, amount: '1.00' }))).toBe('OK');
    expect(c.core().events(id).at(-1)?.payload).toMatchObject({ authorization: 'none' });
    expect(code(await c.host.dispatch('pin.set', { next: '12345' }))).toBe('PIN_FORMAT');
    expect(code(await c.host.dispatch('pin.set', { next: 'abcdef' }))).toBe('PIN_FORMAT');
    expect(code(await c.host.dispatch('pin.set', { next: '' }))).toBe('PIN_FORMAT');
    const s = await ok(c.host.dispatch('pin.set', { next: '271828' }));
    expect(s).toMatchObject({ set: true, refundAbove: '0.00' });
    // nothing about the PIN reaches the renderer but set / not set, the threshold and a lockout
    for (const out of [s, await ok(c.host.dispatch('pin.status', {})), await ok(c.host.dispatch('settings.get', {}))]) {
      expect(JSON.stringify(out)).not.toMatch(/271828|scrypt|salt|hash/i);
    }
    expect(Object.keys(s).sort()).toEqual(['available', 'lockedUntil', 'refundAbove', 'set', 'triesLeft']);
  });

  it('once set: every refund needs it (default), checked in main; the core hears it was given', async () => {
    const c = await start();
    await ok(c.host.dispatch('pin.set', { next: '271828' }));
    const id = await paid(c);
    expect(code(await c.host.dispatch('orders.refund', { id, amount: '1.00' }))).toBe('PIN_REQUIRED');
    expect(code(await c.host.dispatch('orders.refund', { id, amount: '1.00', pin: '000000' }))).toBe('PIN_WRONG');
    expect(c.core().getOrder(id)?.refundedFen).toBe(0);
    expect(code(await c.host.dispatch('orders.refund', { id, amount: '1.00', pin: '271828' }))).toBe('OK');
    expect(c.core().getOrder(id)?.refundedFen).toBe(100);
    expect(c.core().events(id).at(-1)?.payload).toMatchObject({ authorization: 'manager_pin' });
    expect(JSON.stringify(c.core().events(id))).not.toContain('271828');
    // a threshold: refunds up to ¥5 need no PIN from now on
    expect(code(await c.host.dispatch('pin.refundThreshold', { refundAbove: '5.00' }))).toBe('PIN_REQUIRED');
    await ok(c.host.dispatch('pin.refundThreshold', { refundAbove: '5.00', pin: '271828' }));
    expect(code(await c.host.dispatch('orders.refund', { id, amount: '5.00' }))).toBe('OK');
    expect(code(await c.host.dispatch('orders.refund', { id, amount: '5.01' }))).toBe('PIN_REQUIRED');
  });

  it('settings and key imports need it; language and voice alone do not; nothing changes on refusal', async () => {
    const c = await start();
    await ok(c.host.dispatch('pin.set', { next: '271828' }));
    expect(code(await c.host.dispatch('settings.update', { orderExpiryMinutes: 9 }))).toBe('PIN_REQUIRED');
    expect(code(await c.host.dispatch('settings.update', { orderExpiryMinutes: 9, pin: '111111' }))).toBe('PIN_WRONG');
    expect((await ok(c.host.dispatch('settings.get', {}))).orderExpiryMinutes).toBe(5);
    expect(code(await c.host.dispatch('settings.update', { language: 'en', voice: false }))).toBe('OK');
    expect(code(await c.host.dispatch('settings.update', { orderExpiryMinutes: 9, pin: '271828' }))).toBe('OK');
    const saved = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));
    expect(saved).toMatchObject({ orderExpiryMinutes: 9, language: 'en' });
    expect(saved).not.toHaveProperty('pin');
    expect(code(await c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: testKeys().privatePem }))).toBe('PIN_REQUIRED');
    expect((await ok(c.host.dispatch('settings.get', {}))).alipay.keys.appPrivateKey.configured).toBe(false);
    expect(code(await c.host.dispatch('pin.set', { current: '000000', next: '314159' }))).toBe('PIN_WRONG');
    // the PIN is in the vault, not in settings.json: a replaced settings.json does not reset it
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).not.toMatch(/scrypt|manager/);
  });

  it('5 wrong PINs lock refunds and settings for 5 minutes, also after a restart (injected clock)', async () => {
    const c = await start();
    await ok(c.host.dispatch('pin.set', { next: '271828' }));
    const id = await paid(c);
    for (let i = 0; i < 4; i++) expect(code(await c.host.dispatch('orders.refund', { id, amount: '1.00', pin: '000000' }))).toBe('PIN_WRONG');
    const fifth = await c.host.dispatch('orders.refund', { id, amount: '1.00', pin: '000000' });
    expect(code(fifth)).toBe('PIN_LOCKED');
    expect(!fifth.ok && fifth.error.message).toMatch(/5 分钟.*5 min/);
    expect(code(await c.host.dispatch('settings.update', { orderExpiryMinutes: 9, pin: '271828' }))).toBe('PIN_LOCKED');
    await c.host.close();
    running = [];
    const again = await start();
    expect((await ok(again.host.dispatch('pin.status', {}))).lockedUntil).toBe(t + 5 * 60_000);
    t += 5 * 60_000;
    expect(code(await again.host.dispatch('settings.update', { orderExpiryMinutes: 9, pin: '271828' }))).toBe('OK');
  });
});
