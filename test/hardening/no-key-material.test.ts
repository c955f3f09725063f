/**
 * Secrets stay in main (docs/architecture.md, Invariants; README, "Security"): the built renderer bundle embeds
 * no key, and nothing a real console answers or pushes — demo mode, the real payment core and the
 * real embedded emulator — carries key material; only fingerprints. test/console/console.test.ts
 * covers keys.import's rules on the fake core; here the real composition root is asked everything.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/main/console';
import type { ConsoleHost } from '../../src/main/console-host';
import { CHANNELS, commands, EVENT_NAMES, type OrderDetailDto, type Result } from '../../src/shared/contract';
import { RENDERER_DIR } from '../e2e/build';
import { findKeyMaterial, keyProbes, pemBody } from './helpers';
import { makeTempDir, memoryLogger, waitFor } from '../support';

/** Long base64 runs in `text` that decode to an RSA key (PKCS#8, PKCS#1 or SPKI DER): embedded keys. */
function derKeysIn(text: string): string[] {
  const found: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/]{200,}={0,2}/g) ?? []) {
    const der = Buffer.from(run, 'base64');
    const parsers = [
      () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }),
      () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
      () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
    ];
    for (const parse of parsers) {
      try {
        parse();
        found.push(run.slice(0, 40));
        break;
      } catch {
        // not this kind of key
      }
    }
  }
  return found;
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let host: ConsoleHost;
let emulator: Record<string, string>;
/** The WeChat Pay side of the same emulator: the merchant's API key, the APIv3 key, the platform's public key. */
let wechat: { merchantPrivateKey: string; apiV3Key: string; wechatpayPublicKey: string; control: string };
let probes: string[];
const pushed: unknown[] = [];
const answers: { channel: string; result: unknown }[] = [];

async function call<T>(channel: Parameters<ConsoleHost['dispatch']>[0], input: unknown): Promise<T> {
  const result = (await host.dispatch(channel, input)) as Result<T>;
  answers.push({ channel, result });
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

async function control(path: string): Promise<void> {
  const res = await fetch(`${emulator.control}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  tmp = makeTempDir('paydesk-no-keys-');
  host = await createConsole(
    {
      dataDir: join(tmp.dir, 'data'),
      emulatorTimeScale: 100,
      vault: { kind: 'file', env: {} },
      tuning: { pollInitialMs: 100, pollMaxMs: 200, barcodePollMs: 50, barcodeMaxWaitMs: 2_000, refundMinGapMs: 10 },
    },
    { logger: memoryLogger() },
  );
  emulator = host.info().emulator!;
  expect(emulator.appPrivateKey).toContain('-----BEGIN');
  wechat = (host.info().emulator as unknown as { wechat: typeof wechat }).wechat;
  expect(wechat.merchantPrivateKey).toContain('-----BEGIN');
  expect(Buffer.byteLength(wechat.apiV3Key)).toBe(32);
  probes = [
    ...keyProbes(emulator.appPrivateKey!),
    ...keyProbes(emulator.alipayPublicKey!),
    ...keyProbes(wechat.merchantPrivateKey),
    ...keyProbes(wechat.wechatpayPublicKey),
    wechat.apiV3Key,
  ];
  for (const event of EVENT_NAMES) host.on(event, (payload) => pushed.push(payload));
}, 60_000);

afterAll(async () => {
  await host?.close();
  await tmp?.cleanup();
});

describe('the built renderer bundle holds no key', () => {
  it('no PEM, no DER key in any base64 run, none of the emulator keys', async () => {
    const files = (await readdir(RENDERER_DIR, { recursive: true })).filter((f) => /\.(js|css|html|json|txt|map)$/.test(f));
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    for (const file of files) {
      const text = await readFile(join(RENDERER_DIR, file), 'utf8');
      // The key-import hints name the header line ("-----BEGIN PRIVATE KEY----- … or base64"); a
      // header followed by a key body, or any END line, would be a key.
      expect(findKeyMaterial(text, probes), file).toBeNull();
      expect(derKeysIn(text), file).toEqual([]);
    }
  });

  it('(the probes find what they look for)', () => {
    const bare = pemBody(emulator.appPrivateKey!);
    expect(derKeysIn(`const k="${bare}";`)).toHaveLength(1);
    expect(findKeyMaterial(`x=${JSON.stringify(emulator.alipayPublicKey)}`, [])).not.toBeNull();
    expect(findKeyMaterial(JSON.stringify(host.info()), probes)).not.toBeNull();
    expect(findKeyMaterial(`k: ${bare.slice(301, 381)}`, probes)).not.toBeNull();
  });
});

describe('no contract answer or event carries key material', () => {
  it('a full demo day through the real console: orders, payment, refund, every read channel', async () => {
    const qr = await call<{ id: string }>('orders.create', { amount: '10.00', method: 'qr' });
    await control(`/trades/${encodeURIComponent(qr.id)}/pay`);
    await waitFor(
      () => pushed.some((p) => (p as { id?: string; status?: string }).id === qr.id && (p as { status: string }).status === 'PAID'),
      'QR paid',
      10_000,
    );
    await call('orders.refund', { id: qr.id, amount: '3.00', reason: 'test' });
    await call('orders.create', { amount: '0.50', method: 'code', authCode: '281000000000000001' });
    await call('orders.create', { amount: '1.23', method: 'link' });
    // WeChat Pay: a QR paid and partly refunded, a 付款码, and a 双码 sale.
    const wx = await call<{ id: string }>('orders.create', { amount: '8.80', method: 'qr', provider: 'wechat' });
    const wxPay = await fetch(`${wechat.control}/trades/${encodeURIComponent(wx.id)}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wxPay.status).toBe(200);
    await waitFor(
      () => pushed.some((p) => (p as { id?: string; status?: string }).id === wx.id && (p as { status: string }).status === 'PAID'),
      'WeChat QR paid',
      10_000,
    );
    await call('orders.refund', { id: wx.id, amount: '1.00' });
    await call('orders.create', { amount: '0.60', method: 'code', authCode: '100000000000000001' });
    await call('orders.create', { amount: '2.20', method: 'qr', provider: 'dual' });
    // 交班: a shift started, read and ended.
    const shift = await call<{ id: string }>('shift.start', { cashier: '张三' });
    await call('shift.current', {});
    await call('shift.end', { id: shift.id });
    await call('shift.list', {});
    await call('display.get', {});
    await call('display.picture', {});
    const declined = await host.dispatch('orders.create', { amount: '2.00', method: 'code', authCode: '284000000000000004' });
    answers.push({ channel: 'orders.create', result: declined });

    const list = await call<{ items: { id: string }[] }>('orders.list', {});
    expect(list.items.length).toBeGreaterThanOrEqual(3);
    for (const o of list.items) await call<OrderDetailDto>('orders.get', { id: o.id });
    await call('orders.list', { status: 'PARTIALLY_REFUNDED' });
    await call('summary.today', {});
    await call('status.get', {});
    const settings = await call<{ alipay: { keys: Record<string, unknown> } }>('settings.get', {});
    expect(settings.alipay.keys).toBeTruthy();
    if (Object.hasOwn(commands, 'keys.test')) {
      const test = await call<{ ok: boolean }>('keys.test', {});
      expect(test.ok).toBe(true); // the emulator answered ACQ.TRADE_NOT_EXIST, correctly signed
      const wxTest = await call<{ ok: boolean }>('keys.test', { provider: 'wechat' });
      expect(wxTest.ok).toBe(true); // ORDER_NOT_EXIST, the answer's signature verified
    }
    // Errors are answers too.
    answers.push({ channel: 'orders.get', result: await host.dispatch('orders.get', { id: 'NOPE' }) });
    answers.push({ channel: 'orders.refund', result: await host.dispatch('orders.refund', { id: qr.id, amount: '999.00' }) });

    const answered = new Set(answers.map((a) => a.channel));
    for (const channel of CHANNELS.filter((c) => /\.(get|list|today|test)$/.test(c))) expect(answered, channel).toContain(channel);
    const everything = JSON.stringify({ answers, pushed });
    expect(everything).toContain('PARTIALLY_REFUNDED'); // sanity: the outputs are really here
    expect(findKeyMaterial(everything, probes)).toBeNull();
    expect(pushed.length).toBeGreaterThan(3);
  });

  it.skipIf(!Object.hasOwn(commands, 'keys.import'))('keys.import of a fresh RSA-2048 pair answers fingerprints only, refusals too', async () => {
    const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ali = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appPkcs1 = app.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const appPublic = app.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const aliBare = pemBody(ali.publicKey.export({ type: 'spki', format: 'pem' }).toString()); // Alipay key tool's bare base64
    const mine = [...keyProbes(appPkcs1), ...keyProbes(appPublic), ...keyProbes(aliBare), aliBare.slice(100, 140), ...probes];
    expect(findKeyMaterial(JSON.stringify({ appPkcs1 }), [])).not.toBeNull();
    expect(findKeyMaterial(`"${aliBare}"`, mine)).not.toBeNull();
    const fp = (k: KeyObject) =>
      `SHA256:${createHash('sha256')
        .update(k.export({ type: 'spki', format: 'der' }))
        .digest('hex')}`;

    const before = pushed.length;
    const s1 = await host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: appPkcs1 });
    const s2 = await host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: aliBare });
    // the classic mistake, and junk: refused in words, without the key echoed back
    const mistake = await host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: appPublic });
    const privateAsPublic = await host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: appPkcs1 });
    const truncated = await host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: appPkcs1.slice(0, 600) });
    const settings = await host.dispatch('settings.get', {});

    expect(s1.ok && s2.ok).toBe(true);
    if (!s2.ok) return;
    expect(s2.value.alipay.keys.appPrivateKey).toEqual({ configured: true, fingerprint: fp(app.publicKey) });
    expect(s2.value.alipay.keys.alipayPublicKey).toEqual({ configured: true, fingerprint: fp(ali.publicKey) });
    for (const refused of [mistake, privateAsPublic, truncated]) expect(refused.ok).toBe(false);
    const everything = JSON.stringify({ s1, s2, mistake, privateAsPublic, truncated, settings, pushed: pushed.slice(before) });
    expect(findKeyMaterial(everything, mine)).toBeNull();
    // No key-sized base64 at all: the only long runs are the fingerprints' hex.
    expect((everything.match(/[A-Za-z0-9+/]{60,}/g) ?? []).filter((run) => !/^[0-9a-f]{64}$/.test(run))).toEqual([]);
  });
});
