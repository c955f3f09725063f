import { createHash, createPublicKey } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GATEWAYS } from '../../src/main/console';
import { PaymentError } from '../../src/main/payments/api';
import type { OrderDto, StatusDto } from '../../src/shared/contract';
import { fakeConsole, testKeys, testKeys2, testKeys3, type FakeConsole } from './helpers';
import { makeTempDir } from '../support';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;

let dir: string;
let cleanup: () => Promise<void>;
let running: FakeConsole[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = makeTempDir());
});
afterEach(async () => {
  for (const c of running) await c.host.close();
  running = [];
  await cleanup();
});

async function start(extra: Partial<Parameters<typeof fakeConsole>[0]> = {}): Promise<FakeConsole> {
  const c = await fakeConsole({ dataDir: dir, ...extra });
  running.push(c);
  return c;
}

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

function spkiFingerprint(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('hex')}`;
}

describe('settings', () => {
  it('starts with the defaults and no settings file, in demo mode with the emulator under dataDir/emulator', async () => {
    const c = await start({ emulatorTimeScale: 60 });
    const s = await ok(c.host.dispatch('settings.get', {}));
    expect(s).toMatchObject({
      environment: 'demo',
      notifyMode: 'loopback',
      orderExpiryMinutes: 5,
      voice: true,
      language: 'zh-CN',
      alipay: { appId: '', sellerId: '' },
    });
    expect(c.emulatorStarts).toEqual([{ port: 0, stateDir: join(dir, 'emulator'), timeScale: 60 }]);
    expect(c.core().config.dbPath).toBe(join(dir, 'paydesk.db'));
    expect(c.core().alipay.gateway).toBe('http://127.0.0.1:49999/gateway.do');
    expect(c.core().config.orderExpiryMs).toBe(5 * 60_000);
    expect(c.core().started).toBe(true);
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status).toMatchObject({ environment: 'demo', emulatorUrl: 'http://127.0.0.1:49999', warnings: [] });
    expect(status.notify).toMatchObject({ mode: 'loopback', reachability: 'reachable', url: 'http://127.0.0.1:40001/notify/alipay' });
  });

  it('shows key fingerprints but never key material', async () => {
    const c = await start();
    const k = testKeys();
    const before = await ok(c.host.dispatch('settings.get', {}));
    // demo mode runs on the emulator's keys; `keys` describes the vault (sandbox/production keys)
    expect(before.alipay.keys).toMatchObject({
      appPrivateKey: { configured: false, fingerprint: null },
      alipayPublicKey: { configured: false, fingerprint: null },
    });
    expect(before.vault.backend).toBe('file');
    expect(before.vault.warnings.join('\n')).toMatch(BILINGUAL);
    const other = testKeys2();
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: k.privatePem }));
    const s = await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: other.publicPem }));
    expect(s.alipay.keys.appPrivateKey).toEqual({ configured: true, fingerprint: spkiFingerprint(k.publicPem) });
    expect(s.alipay.keys.alipayPublicKey).toEqual({ configured: true, fingerprint: spkiFingerprint(other.publicPem) });
    const text = JSON.stringify([s, await ok(c.host.dispatch('settings.get', {})), await ok(c.host.dispatch('status.get', {}))]);
    expect(text).not.toMatch(/BEGIN|PRIVATE|MII/);
    // the vault file holds ciphertext only
    const vaultText = await readFile(join(dir, 'vault.json'), 'utf8');
    expect(vaultText).not.toMatch(/BEGIN|MII/);
  });

  it('refuses the app public key as the Alipay public key, and bad key text, changing nothing', async () => {
    const c = await start();
    const k = testKeys();
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: k.privatePem }));
    const mistake = await c.host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: k.publicPem });
    expect(mistake).toMatchObject({ ok: false, error: { code: 'SAME_AS_APP_PUBLIC_KEY' } });
    if (!mistake.ok) expect(mistake.error.message).toMatch(BILINGUAL);
    const junk = await c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: 'not a key' });
    expect(junk.ok).toBe(false);
    if (!junk.ok) expect(junk.error.message).toMatch(BILINGUAL);
    const s = await ok(c.host.dispatch('settings.get', {}));
    expect(s.alipay.keys.appPrivateKey).toEqual({ configured: true, fingerprint: spkiFingerprint(k.publicPem) });
    expect(s.alipay.keys.alipayPublicKey).toEqual({ configured: false, fingerprint: null });
  });

  it('persists updates to dataDir/settings.json and reads them back on the next start', async () => {
    const c = await start();
    const statusEvents: StatusDto[] = [];
    c.host.on('status.changed', (s) => statusEvents.push(s));
    const updated = await ok(c.host.dispatch('settings.update', { voice: false, language: 'en', orderExpiryMinutes: 10 }));
    expect(updated).toMatchObject({ voice: false, language: 'en', orderExpiryMinutes: 10, environment: 'demo' });
    expect(statusEvents).toHaveLength(1);
    // 订单有效期 applies to new orders at once: no restart pending (test/console/data-dir.test.ts shows the new orders)
    expect(statusEvents[0]?.warnings).toEqual([]);
    const file = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ voice: false, language: 'en', orderExpiryMinutes: 10 });
    await c.host.close();
    running = [];

    const again = await start();
    expect(await ok(again.host.dispatch('settings.get', {}))).toMatchObject({ voice: false, language: 'en' });
    expect(again.core().config.orderExpiryMs).toBe(10 * 60_000);
    expect((await ok(again.host.dispatch('status.get', {}))).warnings).toEqual([]);
  });

  it('says a provider change takes effect after a restart', async () => {
    const c = await start();
    await ok(c.host.dispatch('settings.update', { environment: 'sandbox', alipay: { appId: '2021000000000009', sellerId: '2088000000000009' } }));
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.environment).toBe('demo');
    expect(status.warnings.some((w) => /重启/.test(w) && /restart/.test(w))).toBe(true);
  });

  it('refuses a custom notify mode without a valid http(s) URL', async () => {
    const c = await start();
    const r = await c.host.dispatch('settings.update', { notifyMode: 'custom', customNotifyUrl: 'ftp://x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const r2 = await c.host.dispatch('settings.update', { notifyMode: 'custom' });
    expect(r2).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const good = await c.host.dispatch('settings.update', { notifyMode: 'custom', customNotifyUrl: 'https://pay.example.com/n' });
    expect(good.ok).toBe(true);
  });

  it('survives a corrupt settings file: defaults, a clear warning, and the file kept aside on the next save', async () => {
    await writeFile(join(dir, 'settings.json'), '{"providerMode": "demo", "voice": ');
    const c = await start();
    expect(await ok(c.host.dispatch('settings.get', {}))).toMatchObject({ environment: 'demo', voice: true });
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.warnings[0]).toMatch(/settings\.json/);
    expect(status.warnings[0]).toMatch(BILINGUAL);
    await ok(c.host.dispatch('settings.update', { voice: false }));
    const files = await readdir(dir);
    expect(files.some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
    expect((await ok(c.host.dispatch('status.get', {}))).warnings).toEqual([]);
  });

  it('treats schema-invalid settings as corrupt too', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ providerMode: 'moon', orderExpiryMinutes: -1 }));
    const c = await start();
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.environment).toBe('demo');
    expect(status.warnings[0]).toMatch(/providerMode/);
  });
});

describe('sandbox / production keys', () => {
  it('starts without keys: KEYS_MISSING for payments, a status warning, no core', async () => {
    const c = await start({ environment: 'sandbox' });
    expect(c.cores).toHaveLength(0);
    expect(c.emulatorStarts).toHaveLength(0);
    const r = await c.host.dispatch('orders.create', { amount: '12.34', method: 'qr' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('KEYS_MISSING');
      expect(r.error.message).toMatch(BILINGUAL);
    }
    const refund = await c.host.dispatch('orders.refund', { id: 'X', amount: '1.00' });
    expect(refund).toMatchObject({ ok: false, error: { code: 'KEYS_MISSING' } });
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.environment).toBe('sandbox');
    expect(status.emulatorUrl).toBeNull();
    expect(status.notify.reachability).toBe('disabled');
    expect(status.warnings.join('\n')).toMatch(/密钥.*keys/);
    const s = await ok(c.host.dispatch('settings.get', {}));
    // the persisted mode is still demo; the override only applies to this run
    expect(s.environment).toBe('demo');
    expect(c.host.info()).toEqual({ environment: 'sandbox', notifyUrl: null, emulator: null });
  });

  it('moves old dataDir/keys/*.pem into the vault and uses them with the sandbox gateway', async () => {
    const k = testKeys();
    const alipayKey = testKeys2();
    await mkdir(join(dir, 'keys'), { recursive: true });
    await writeFile(join(dir, 'keys', 'app-private-key.pem'), k.privatePem);
    await writeFile(join(dir, 'keys', 'alipay-public-key.pem'), alipayKey.publicPem);
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ environment: 'sandbox', alipay: { appId: '9021000000000000', sellerId: '2088000000000002' }, notifyMode: 'loopback' }),
    );
    const c = await start();

    expect(c.core().alipay).toMatchObject({
      appId: '9021000000000000',
      sellerId: '2088000000000002',
      gateway: GATEWAYS.sandbox,
      privateKey: k.privatePem.trim() + '\n',
      alipayPublicKey: alipayKey.publicPem.trim() + '\n',
    });
    // encrypted at rest: the plaintext files are gone
    expect(await readdir(join(dir, 'keys'))).toEqual([]);
    const s = await ok(c.host.dispatch('settings.get', {}));
    expect(s.alipay.keys.appPrivateKey).toEqual({ configured: true, fingerprint: spkiFingerprint(k.publicPem) });
    expect(JSON.stringify(s)).not.toMatch(/BEGIN|MII/);
    const status = await ok(c.host.dispatch('status.get', {}));
    // a real Alipay cannot call 127.0.0.1: polling carries the payments, and status says so
    expect(status.notify.reachability).toBe('unreachable');
    expect(status.warnings.some((w) => /polling/.test(w))).toBe(true);
  });

  it('reports old key files that are not keys, leaves them in place, and stays disabled', async () => {
    await mkdir(join(dir, 'keys'), { recursive: true });
    await writeFile(join(dir, 'keys', 'app-private-key.pem'), 'not a key');
    await writeFile(join(dir, 'keys', 'alipay-public-key.pem'), 'nope');
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'production', alipay: { appId: '1' } }));
    const c = await start();
    expect(c.cores).toHaveLength(0);
    const s = await ok(c.host.dispatch('settings.get', {}));
    expect(s.alipay.keys.appPrivateKey).toEqual({ configured: false, fingerprint: null });
    expect((await readdir(join(dir, 'keys'))).sort()).toEqual(['alipay-public-key.pem', 'app-private-key.pem']);
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.warnings.filter((w) => /key file/.test(w))).toHaveLength(2);
    const r = await c.host.dispatch('orders.create', { amount: '1', method: 'qr' });
    expect(r).toMatchObject({ ok: false, error: { code: 'KEYS_MISSING' } });
  });

  it('starts payments as soon as keys and app id are imported, without a restart', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'sandbox', alipay: { sellerId: '2088000000000001' } }));
    const c = await start();
    expect(c.cores).toHaveLength(0);
    expect((await ok(c.host.dispatch('settings.get', {}))).notifyMode).toBe('localtunnel');
    const k = testKeys();
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: k.privatePem }));
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: testKeys2().publicPem }));
    expect(c.cores).toHaveLength(0); // app id still missing
    await ok(c.host.dispatch('settings.update', { alipay: { appId: '9021000000000000' }, notifyMode: 'none' }));
    expect(c.cores).toHaveLength(1);
    expect(c.core().started).toBe(true);
    expect(c.core().alipay.gateway).toBe(GATEWAYS.sandbox);
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.warnings).toEqual([]);
    expect(status.notify).toMatchObject({ mode: 'none', reachability: 'disabled' });
    expect((await c.host.dispatch('orders.create', { amount: '1.00', method: 'qr' })).ok).toBe(true);
    // a new key while running is used after a restart, and status says so
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: testKeys3().publicPem }));
    expect((await ok(c.host.dispatch('status.get', {}))).warnings.join('\n')).toMatch(/重启.*restart/);
  });

  it('keys.test explains a missing app id and missing keys without calling anything', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'production' }));
    const c = await start();
    const none = await ok(c.host.dispatch('keys.test', {}));
    expect(none).toMatchObject({ ok: false, code: 'KEYS_MISSING', environment: 'production' });
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: testKeys().privatePem }));
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: testKeys2().publicPem }));
    const noApp = await ok(c.host.dispatch('keys.test', {}));
    expect(noApp).toMatchObject({ ok: false, code: 'INVALID_APP_ID' });
    expect(noApp.message).toMatch(BILINGUAL);
  });

  it('an unusable vault is reported and refuses imports, but the console starts', async () => {
    await writeFile(join(dir, 'vault.json'), '{ not json');
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'sandbox', alipay: { appId: '1' } }));
    const c = await start();
    const s = await ok(c.host.dispatch('settings.get', {}));
    expect(s.vault.backend).toBeNull();
    expect(s.vault.warnings[0]).toMatch(BILINGUAL);
    const r = await c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: testKeys().privatePem });
    expect(r).toMatchObject({ ok: false, error: { code: 'VAULT_UNAVAILABLE' } });
    expect((await ok(c.host.dispatch('status.get', {}))).warnings.length).toBeGreaterThan(0);
  });
});

describe('dispatch', () => {
  it('validates input with the contract schema: INVALID_INPUT, bilingual', async () => {
    const c = await start();
    for (const bad of [undefined, null, 'x', { amount: 12.34, method: 'qr' }, { amount: '1', method: 'qr', extra: 1 }]) {
      const r = await c.host.dispatch('orders.create', bad);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_INPUT');
        expect(r.error.message).toMatch(BILINGUAL);
      }
    }
    expect(c.core().listOrders({}).items).toHaveLength(0);
  });

  it('parses amounts strictly: AmountError codes and messages', async () => {
    const c = await start();
    expect(await c.host.dispatch('orders.create', { amount: '1.234', method: 'qr' })).toMatchObject({
      ok: false,
      error: { code: 'AMOUNT_FORMAT' },
    });
    expect(await c.host.dispatch('orders.create', { amount: '0.00', method: 'qr' })).toMatchObject({
      ok: false,
      error: { code: 'AMOUNT_TOO_SMALL' },
    });
    expect(await c.host.dispatch('orders.create', { amount: '1e3', method: 'qr' })).toMatchObject({
      ok: false,
      error: { code: 'AMOUNT_FORMAT' },
    });
  });

  it('maps orders to DTOs in yuan, with refundable, and orders.get carries the events', async () => {
    const c = await start();
    const updates: OrderDto[] = [];
    c.host.on('order.updated', (o) => updates.push(o));
    const created = await ok(c.host.dispatch('orders.create', { amount: '12.34', method: 'qr', subject: '咖啡' }));
    expect(created).toMatchObject({ amount: '12.34', refunded: '0.00', refundable: '0.00', status: 'AWAITING_PAYMENT', subject: '咖啡' });
    expect(created).not.toHaveProperty('amountFen');
    expect(created).not.toHaveProperty('notifyUrl');
    c.core().pay(created.id);
    expect(updates.at(-1)).toMatchObject({ id: created.id, status: 'PAID', refundable: '12.34' });
    const refunded = await ok(c.host.dispatch('orders.refund', { id: created.id, amount: '2.00' }));
    expect(refunded).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded: '2.00', refundable: '10.34' });
    expect(refunded.refunds).toEqual([expect.objectContaining({ amount: '2.00', status: 'SUCCESS' })]);
    const detail = await ok(c.host.dispatch('orders.get', { id: created.id }));
    expect(detail.events.map((e) => e.kind)).toEqual(['created', 'paid', 'refund.succeeded']);
    expect(detail.events[0]).not.toHaveProperty('orderId');
    const page = await ok(c.host.dispatch('orders.list', { status: 'PARTIALLY_REFUNDED' }));
    expect(page.items.map((o) => o.id)).toEqual([created.id]);
    const summary = await ok(c.host.dispatch('summary.today', { date: '2026-11-22' }));
    expect(summary).toMatchObject({ date: '2026-11-22', count: 1, gross: '12.34', refunded: '2.00', net: '10.34', average: '10.34' });
    expect(await c.host.dispatch('orders.get', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('counts refunds in flight out of refundable', async () => {
    const c = await start();
    const created = await ok(c.host.dispatch('orders.create', { amount: '10.00', method: 'qr' }));
    c.core().pay(created.id);
    const { toOrderDto } = await import('../../src/main/console/dto');
    const order = c.core().getOrder(created.id);
    if (!order) throw new Error('missing');
    order.refunds.push({ id: 'r', orderId: order.id, amountFen: 300, reason: null, status: 'UNKNOWN', createdAt: 1, settledAt: null, message: null });
    expect(toOrderDto(order).refundable).toBe('7.00');
  });

  it('passes PaymentError codes through and hides unexpected errors behind INTERNAL', async () => {
    const c = await start();
    const created = await ok(c.host.dispatch('orders.create', { amount: '5.00', method: 'qr' }));
    c.core().pay(created.id);
    expect(await c.host.dispatch('orders.refund', { id: created.id, amount: '6.00' })).toMatchObject({
      ok: false,
      error: { code: 'REFUND_EXCEEDS' },
    });
    c.core().failNext('refund', new PaymentError('PROVIDER_ERROR', '支付宝暂时不可用 / Alipay is unavailable'));
    expect(await c.host.dispatch('orders.refund', { id: created.id, amount: '1.00' })).toEqual({
      ok: false,
      error: { code: 'PROVIDER_ERROR', message: '支付宝暂时不可用 / Alipay is unavailable' },
    });
    c.core().failNext('createOrder', new TypeError('secret detail at /home/x/db.ts:12'));
    const r = await c.host.dispatch('orders.create', { amount: '1.00', method: 'qr' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INTERNAL');
      expect(r.error.message).toMatch(BILINGUAL);
      expect(r.error.message).not.toMatch(/secret|TypeError|\.ts/);
    }
    expect(c.logs.some((l) => l.level === 'error' && JSON.stringify(l.fields).includes('secret detail'))).toBe(true);
  });

  it('requires an authCode for 付款码 orders', async () => {
    const c = await start();
    expect(await c.host.dispatch('orders.create', { amount: '1.00', method: 'code' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('refuses unknown channels and commands after close', async () => {
    const c = await start();
    const r = await c.host.dispatch('orders.explode' as 'orders.get', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const proto = await c.host.dispatch('__proto__' as 'orders.get', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    await c.host.close();
    expect(c.core().closed).toBe(true);
    expect(await c.host.dispatch('status.get', {})).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
  });

  it('emits status.changed for every notification received, and passes tuning to the core', async () => {
    const c = await start({ tuning: { pollInitialMs: 50, pollMaxMs: 100, barcodePollMs: 20, barcodeMaxWaitMs: 500, refundMinGapMs: 0 } });
    expect(c.core().config).toMatchObject({
      poll: { initialMs: 50, maxMs: 100 },
      barcode: { pollIntervalMs: 20, maxWaitMs: 500 },
      refundMinGapMs: 0,
    });
    const seen: StatusDto[] = [];
    const off = c.host.on('status.changed', (s) => seen.push(s));
    const created = await ok(c.host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    c.core().pay(created.id);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.lastNotificationAt).toEqual(expect.any(Number));
    off();
    c.core().pay(created.id);
    expect(seen).toHaveLength(1);
  });

  it('notify mode none gives the core no notify URL', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ notifyMode: 'none' }));
    const c = await start();
    expect(c.core().notifyUrl()).toBeNull();
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.notify).toMatchObject({ mode: 'none', url: null, reachability: 'disabled' });
  });

  it('applies notify settings live: none → custom → loopback, each new order gets the current URL', async () => {
    const c = await start();
    const events: StatusDto[] = [];
    c.host.on('status.changed', (s) => events.push(s));
    await ok(c.host.dispatch('settings.update', { notifyMode: 'none' }));
    expect(c.core().notifyUrl()).toBeNull();
    expect(events.at(-1)?.notify).toMatchObject({ mode: 'none', url: null });
    expect(events.at(-1)?.warnings).toEqual([]);
    await ok(c.host.dispatch('settings.update', { notifyMode: 'custom', customNotifyUrl: 'https://pay.example.com/paydesk' }));
    expect(c.core().notifyUrl()).toBe('https://pay.example.com/paydesk/notify/alipay');
    const st = await ok(c.host.dispatch('status.get', {}));
    expect(st.notify).toMatchObject({ mode: 'custom', url: 'https://pay.example.com/paydesk/notify/alipay' });
    await ok(c.host.dispatch('settings.update', { notifyMode: 'loopback' }));
    expect(c.core().notifyUrl()).toBe('http://127.0.0.1:40001/notify/alipay');
    expect(c.cores).toHaveLength(1); // no restart
  });

  it('concurrent key imports and settings changes start exactly one core', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'sandbox', notifyMode: 'none', alipay: { sellerId: '2088000000000001' } }));
    const c = await start();
    const results = await Promise.all([
      c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: testKeys().privatePem }),
      c.host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: testKeys2().publicPem }),
      c.host.dispatch('settings.update', { alipay: { appId: '9021000000000000' } }),
      c.host.dispatch('settings.update', { notifyMode: 'loopback' }),
      c.host.dispatch('settings.update', { notifyMode: 'none' }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(c.cores).toHaveLength(1);
    expect(c.core().notifyUrl()).toBeNull();
  });

  it('refuses bad tunnel settings with a bilingual message and keeps the old ones', async () => {
    const c = await start();
    for (const patch of [{ tunnelHost: 'ftp://x' }, { tunnelHost: 'https://lt.example.com/path' }, { tunnelHost: 'not a url' }]) {
      const r = await c.host.dispatch('settings.update', patch);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      if (!r.ok) expect(r.error.message).toMatch(BILINGUAL);
    }
    const bad = await c.host.dispatch('settings.update', { tunnelSubdomain: 'Bad_Name' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const s = await ok(c.host.dispatch('settings.get', {}));
    expect(s).toMatchObject({ tunnelHost: 'https://localtunnel.me', tunnelSubdomain: '' });
    const good = await ok(c.host.dispatch('settings.update', { tunnelHost: 'https://lt.example.com', tunnelSubdomain: 'my-shop' }));
    expect(good).toMatchObject({ tunnelHost: 'https://lt.example.com', tunnelSubdomain: 'my-shop' });
  });
});
