/**
 * WeChat Pay's settings and keys through the console, outside demo: a real console whose WeChat Pay API
 * origin is a local emulator (real HTTP, port 0; the emulator's merchant stands in for the merchant's own
 * account), the file vault in a temp dir. Account fields are checked in main, keys run the import checks,
 * only fingerprints come back, the PIN guards the import, a WeChat-only merchant takes payments, WeChat
 * Pay is never ready in sandbox, and 测试连接 tells a wrong merchant key apart.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index';
import { createConsole } from '../../src/main/console';
import type { ConsoleHost } from '../../src/main/console-host';
import { cleanupStack, ok } from './helpers';
import { makeTempDir, memoryLogger, waitFor, type MemoryLogger } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

/** Chinese first, then " / " (or "）/ " after a closing bracket) and the English. */
const BILINGUAL = /^[^/]*[\u4e00-\u9fff][^/]*\/ .*[A-Za-z]{3}/;
const PIN = '246810';

interface World {
  emu: RunningEmulator;
  host: ConsoleHost;
  dir: string;
  logger: MemoryLogger;
}

async function world(environment: 'production' | 'sandbox'): Promise<World> {
  const emu = await startEmulator({ port: 0 });
  cleanups.push(() => emu.close());
  const { dir, cleanup } = makeTempDir('paydesk-wxkeys-');
  cleanups.push(cleanup);
  // A file written before WeChat Pay was wired: no `wechat` group.
  await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment, alipay: { appId: '', sellerId: '' }, notifyMode: 'none' }));
  const logger = memoryLogger();
  const host = await createConsole(
    { dataDir: dir, vault: { kind: 'file', env: {} }, wechatBase: emu.credentials.wechat.baseUrl, tuning: { pollInitialMs: 100, pollMaxMs: 200 } },
    { logger },
  );
  cleanups.push(() => host.close());
  return { emu, host, dir, logger };
}

/** A merchant certificate (apiclient_cert.pem) for a key with a given serial, made with openssl in a temp dir. */
function certificateFor(privateKeyPem: string, serialHex: string): string {
  const { dir, cleanup } = makeTempDir('paydesk-cert-');
  cleanups.push(cleanup);
  const key = join(dir, 'apiclient_key.pem');
  const cert = join(dir, 'apiclient_cert.pem');
  execFileSync('sh', ['-c', 'umask 077; cat > "$1"', 'sh', key], { input: privateKeyPem });
  execFileSync('openssl', ['req', '-new', '-x509', '-key', key, '-out', cert, '-days', '1', '-subj', '/CN=1900000001', '-set_serial', `0x${serialHex}`], {
    stdio: 'ignore',
  });
  return execFileSync('cat', [cert]).toString();
}

const otherKey = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicOf = (privatePem: string): string => createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'pem' }).toString();

async function refused(host: ConsoleHost, channel: 'settings.update' | 'keys.import', input: unknown, code: string | RegExp): Promise<string> {
  const r = await host.dispatch(channel, input);
  expect(r.ok).toBe(false);
  if (r.ok) return '';
  if (typeof code === 'string') expect(r.error.code).toBe(code);
  else expect(r.error.code).toMatch(code);
  expect(r.error.message).toMatch(BILINGUAL);
  return r.error.message;
}

describe('WeChat Pay settings and keys (production, the API origin pointed at an emulator)', () => {
  it('an old settings file loads with an empty WeChat group; account fields are checked in main and a bad one changes nothing', async () => {
    const { host, dir, emu } = await world('production');
    const before = await ok(host.dispatch('settings.get', {}));
    expect(before.wechat).toEqual({
      mchId: '',
      appId: '',
      merchantSerialNo: '',
      publicKeyId: '',
      keys: {
        merchantPrivateKey: { configured: false, fingerprint: null },
        apiV3Key: { configured: false, fingerprint: null },
        wechatpayPublicKey: { configured: false, fingerprint: null },
        merchantCertificate: { configured: false, fingerprint: null },
      },
    });
    const status = await ok(host.dispatch('status.get', {}));
    const wechat = status.providers.find((p) => p.id === 'wechat');
    expect(wechat?.ready).toBe(false);
    expect(wechat?.reason).toMatch(BILINGUAL);
    expect(wechat?.reason).toContain('商户号');

    const file = await readFile(join(dir, 'settings.json'), 'utf8');
    expect(await refused(host, 'settings.update', { wechat: { mchId: '16abc' } }, 'INVALID_INPUT')).toContain('mchid');
    expect(await refused(host, 'settings.update', { wechat: { merchantSerialNo: 'ABC123' } }, 'INVALID_INPUT')).toContain('40');
    expect(await refused(host, 'settings.update', { wechat: { publicKeyId: 'KEY_0123456789' } }, 'INVALID_INPUT')).toContain('PUB_KEY_ID_');
    expect(await refused(host, 'settings.update', { wechat: { appId: 'wx 12' }, voice: false }, 'INVALID_INPUT')).toContain('AppID');
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(file);

    const w = emu.credentials.wechat;
    const saved = await ok(
      host.dispatch('settings.update', {
        wechat: { mchId: ` ${w.mchid} `, appId: w.appid, merchantSerialNo: w.merchantSerialNo.toLowerCase(), publicKeyId: w.wechatpayPublicKeyId },
      }),
    );
    expect(saved.wechat).toMatchObject({
      mchId: w.mchid,
      appId: w.appid,
      merchantSerialNo: w.merchantSerialNo.toUpperCase(),
      publicKeyId: w.wechatpayPublicKeyId,
    });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ wechat: { mchId: w.mchid }, alipay: { appId: '' } });
  });

  it('keys: PIN, import checks, fingerprints only; a WeChat-only merchant then takes payments and 测试连接 passes', async () => {
    const { host, emu, logger } = await world('production');
    const w = emu.credentials.wechat;
    await ok(host.dispatch('settings.update', { wechat: { mchId: w.mchid, appId: w.appid, publicKeyId: w.wechatpayPublicKeyId } }));
    await ok(host.dispatch('pin.set', { next: PIN }));
    const key = (which: string, text: string, pin: string | null = PIN): unknown => ({ provider: 'wechat', which, text, ...(pin ? { pin } : {}) });

    await refused(host, 'keys.import', key('merchantPrivateKey', w.merchantPrivateKey, null), /PIN/);
    let settings = await ok(host.dispatch('keys.import', key('merchantPrivateKey', w.merchantPrivateKey)));
    expect(settings.wechat.keys.merchantPrivateKey).toEqual({ configured: true, fingerprint: expect.stringMatching(/^SHA256:[0-9a-f]{64}$/) });
    const fingerprint = settings.wechat.keys.merchantPrivateKey.fingerprint;

    // Refused texts, each changing nothing.
    await refused(host, 'keys.import', key('apiV3Key', w.apiV3Key.slice(1)), 'WECHAT_KEY_BAD_APIV3_KEY');
    await refused(host, 'keys.import', key('wechatpayPublicKey', publicOf(w.merchantPrivateKey)), 'WECHAT_KEY_SAME_AS_MERCHANT_KEY');
    await refused(host, 'keys.import', key('merchantCertificate', certificateFor(otherKey(), w.merchantSerialNo)), 'WECHAT_KEY_KEY_CERT_MISMATCH');
    await refused(host, 'keys.import', key('merchantPrivateKey', publicOf(w.merchantPrivateKey)), 'WECHAT_KEY_PUBLIC_KEY_AS_PRIVATE');
    settings = await ok(host.dispatch('settings.get', {}));
    expect(settings.wechat.keys).toMatchObject({
      merchantPrivateKey: { configured: true, fingerprint },
      apiV3Key: { configured: false },
      wechatpayPublicKey: { configured: false },
      merchantCertificate: { configured: false },
    });
    expect(settings.wechat.merchantSerialNo).toBe('');

    // The certificate matching the key: its serial fills 商户API证书序列号.
    settings = await ok(host.dispatch('keys.import', key('merchantCertificate', certificateFor(w.merchantPrivateKey, w.merchantSerialNo))));
    expect(settings.wechat.merchantSerialNo).toBe(w.merchantSerialNo.toUpperCase());
    expect(settings.wechat.keys.merchantCertificate).toEqual({ configured: true, fingerprint });
    expect((await ok(host.dispatch('status.get', {}))).providers.find((p) => p.id === 'wechat')?.ready).toBe(false);

    await ok(host.dispatch('keys.import', key('apiV3Key', w.apiV3Key)));
    settings = await ok(host.dispatch('keys.import', key('wechatpayPublicKey', w.wechatpayPublicKey)));
    const shown = JSON.stringify(settings);
    for (const secret of [w.apiV3Key, 'PRIVATE KEY', 'PUBLIC KEY', 'CERTIFICATE']) expect(shown).not.toContain(secret);

    // Complete: the core starts with WeChat Pay alone (no Alipay keys at all).
    const status = await ok(host.dispatch('status.get', {}));
    expect(status.providers).toEqual([
      { id: 'alipay', ready: false, reason: expect.stringMatching(BILINGUAL) },
      { id: 'wechat', ready: true, reason: null },
    ]);
    const order = await ok(host.dispatch('orders.create', { amount: '8.80', method: 'qr' }));
    expect(order).toMatchObject({ provider: 'wechat', environment: 'production', appId: w.mchid, customerUrl: null });
    expect(order.qrCode).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect((await host.dispatch('orders.create', { amount: '1.00', method: 'qr', provider: 'alipay' })).ok).toBe(false);
    await fetch(`${w.control}/trades/${order.id}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await waitFor(async () => (await ok(host.dispatch('orders.get', { id: order.id }))).status === 'PAID', 'PAID by polling (no notify URL)');

    const test = await ok(host.dispatch('keys.test', { provider: 'wechat' }));
    expect(test).toMatchObject({ ok: true, code: null, provider: 'wechat', environment: 'production' });
    expect(test.message).toMatch(BILINGUAL);

    const logged = JSON.stringify(logger.entries);
    for (const secret of [w.apiV3Key, 'PRIVATE KEY-----', 'PUBLIC KEY-----', 'CERTIFICATE-----']) expect(logged).not.toContain(secret);
  });

  it('sandbox: WeChat Pay is not ready (no sandbox); 测试连接 is a production query that names a wrong merchant key, then passes with the right one', async () => {
    const { host, emu } = await world('sandbox');
    const w = emu.credentials.wechat;
    await ok(
      host.dispatch('settings.update', {
        wechat: { mchId: w.mchid, appId: w.appid, merchantSerialNo: w.merchantSerialNo, publicKeyId: w.wechatpayPublicKeyId },
      }),
    );
    for (const [which, text] of [
      ['merchantPrivateKey', otherKey()],
      ['apiV3Key', w.apiV3Key],
      ['wechatpayPublicKey', w.wechatpayPublicKey],
    ] as const) {
      await ok(host.dispatch('keys.import', { provider: 'wechat', which, text }));
    }
    const status = await ok(host.dispatch('status.get', {}));
    const wechat = status.providers.find((p) => p.id === 'wechat');
    expect(wechat).toMatchObject({ ready: false });
    expect(wechat?.reason).toContain('没有沙箱');
    expect(wechat?.reason).toContain('has no sandbox');

    const wrong = await ok(host.dispatch('keys.test', { provider: 'wechat' }));
    expect(wrong).toMatchObject({ ok: false, code: 'SIGN_ERROR_KEY', provider: 'wechat', environment: 'sandbox' });
    expect(wrong.message).toMatch(BILINGUAL);
    expect(wrong.message).toContain('商户API私钥');

    await ok(host.dispatch('keys.import', { provider: 'wechat', which: 'merchantPrivateKey', text: w.merchantPrivateKey }));
    expect(await ok(host.dispatch('keys.test', { provider: 'wechat' }))).toMatchObject({ ok: true, code: null });
    // Alipay's 测试连接 is unchanged (its keys are missing here).
    expect(await ok(host.dispatch('keys.test', {}))).toMatchObject({ ok: false, provider: 'alipay' });
  });
});
