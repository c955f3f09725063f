import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { Logger } from '../../src/main/payments/api';
import { AlipayProvider } from '../../src/main/providers/alipay';
import { KeyError, createKeyService, parsePrivateKey, type KeyService } from '../../src/main/keys';
import { createFileVault } from '../../src/main/vault';
import { isBilingual, rsaPair } from './helpers';
import { memoryLogger, tempDir } from '../support';

function service(logger?: Logger): KeyService {
  return createKeyService({ vault: createFileVault({ dir: tempDir(), env: {} }), ...(logger ? { logger } : {}) });
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('key service: import and status', () => {
  const app = rsaPair();
  const alipay = rsaPair();

  it('imports both keys (any format), shows fingerprints and the derived app public key only', () => {
    const log = memoryLogger();
    const ks = service(log);
    expect(ks.status().appPrivateKey).toEqual({ configured: false, fingerprint: null });
    ks.importAppPrivateKey(app.pkcs1Base64);
    const s = ks.importAlipayPublicKey(alipay.spkiBase64);
    expect(s.appPrivateKey.configured).toBe(true);
    expect(s.appPrivateKey.fingerprint).toBe(parsePrivateKey(app.pkcs8Pem).fingerprint);
    expect(s.alipayPublicKey.fingerprint).toMatch(/^SHA256:[0-9a-f]{64}$/);
    expect(s.appPublicKeyPem).toBe(app.spkiPem);
    expect(JSON.stringify(s)).not.toContain('PRIVATE');
    expect(s.warnings.length).toBe(1); // the file vault's warning
    const logged = log.lines.join('\n');
    expect(logged).toContain(s.appPrivateKey.fingerprint!);
    expect(logged).not.toContain(app.pkcs1Base64.slice(100, 140));
  });

  it('stores normalised PKCS#8 / SPKI PEM and builds the AlipayConfig', () => {
    const ks = service();
    ks.importAppPrivateKey(app.pkcs1Pem);
    ks.importAlipayPublicKey(alipay.pkcs1PublicPem);
    const cfg = ks.alipayConfig({ appId: '2021000000000001', sellerId: '2088000000000001', gateway: 'http://127.0.0.1:1/gateway.do' });
    expect(cfg.privateKey).toBe(app.pkcs8Pem);
    expect(cfg.alipayPublicKey).toBe(alipay.spkiPem);
    expect(cfg.appId).toBe('2021000000000001');
  });

  it('KEYS_MISSING, bilingual, naming what is missing', () => {
    const ks = service();
    ks.importAppPrivateKey(app.pkcs8Pem);
    try {
      ks.alipayConfig({ appId: 'a', sellerId: 's', gateway: 'g' });
      throw new Error('expected KEYS_MISSING');
    } catch (err) {
      expect(err).toBeInstanceOf(KeyError);
      expect((err as KeyError).code).toBe('KEYS_MISSING');
      expect(isBilingual((err as Error).message)).toBe(true);
      expect((err as Error).message).toContain('支付宝公钥');
      expect((err as Error).message).not.toContain('应用私钥');
    }
  });

  it('refuses the classic mistake in either order', () => {
    const ks = service();
    ks.importAppPrivateKey(app.pkcs8Pem);
    expect(() => ks.importAlipayPublicKey(app.spkiBase64)).toThrow(expect.objectContaining({ code: 'SAME_AS_APP_PUBLIC_KEY' }));
    expect(ks.status().alipayPublicKey.configured).toBe(false);

    const ks2 = service();
    ks2.importAlipayPublicKey(app.spkiPem); // nothing to compare with yet
    const err = (() => {
      try {
        ks2.importAppPrivateKey(app.pkcs8Base64);
      } catch (e) {
        return e as KeyError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err.code).toBe('SAME_AS_APP_PUBLIC_KEY');
    expect(isBilingual(err.message)).toBe(true);
    expect(ks2.status().appPrivateKey.configured).toBe(false);
  });

  it('refusals leave the stored key untouched', () => {
    const ks = service();
    ks.importAppPrivateKey(app.pkcs8Pem);
    const before = ks.status().appPrivateKey.fingerprint;
    expect(() => ks.importAppPrivateKey(alipay.spkiPem)).toThrow(expect.objectContaining({ code: 'PUBLIC_KEY_AS_PRIVATE' }));
    expect(ks.status().appPrivateKey.fingerprint).toBe(before);
    ks.remove('appPrivateKey');
    expect(ks.status().appPrivateKey.configured).toBe(false);
  });
});

describe('测试连接 against the emulator', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await emu?.close();
  });
  beforeEach(async () => {
    await fetch(`${emu.credentials.control}/reset`, { method: 'POST' });
  });

  function configured(): KeyService {
    const ks = service();
    ks.importAppPrivateKey(emu.credentials.appPrivateKey);
    ks.importAlipayPublicKey(emu.credentials.alipayPublicKey);
    return ks;
  }

  it('ok: a correctly signed ACQ.TRADE_NOT_EXIST', async () => {
    const r = await configured().testConnection({ appId: emu.credentials.appId, gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(isBilingual(r.detail)).toBe(true);
  });

  it('the AlipayConfig from the vault works with the payment provider (PKCS#8 keyType)', () => {
    const cfg = configured().alipayConfig({ appId: emu.credentials.appId, sellerId: emu.credentials.sellerId, gateway: emu.credentials.gateway });
    expect(() => new AlipayProvider(cfg, memoryLogger())).not.toThrow();
  });

  it('APP_KEY_MISMATCH: the registered app public key is not this private key', async () => {
    // Register a new app with one key pair, then sign with another private key.
    const registered = rsaPair();
    const res = await fetch(`${emu.credentials.control}/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ publicKey: registered.spkiPem }),
    });
    const { appId } = (await res.json()) as { appId: string };
    const ks = service();
    ks.importAppPrivateKey(rsaPair().pkcs8Pem);
    ks.importAlipayPublicKey(emu.credentials.alipayPublicKey);
    const r = await ks.testConnection({ appId, gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, code: 'APP_KEY_MISMATCH' });
    if (!r.ok) {
      expect(isBilingual(r.message)).toBe(true);
      expect(r.message).toContain('isv.invalid-signature');
      expect(r.message).toContain('应用公钥');
    }
    // …and with the matching private key the same app passes.
    const good = service();
    good.importAppPrivateKey(registered.pkcs1Base64);
    good.importAlipayPublicKey(emu.credentials.alipayPublicKey);
    expect(await good.testConnection({ appId, gateway: emu.credentials.gateway, timeoutMs: 5000 })).toMatchObject({ ok: true });
  });

  it('ALIPAY_KEY_WRONG: the answer does not verify with the stored Alipay public key', async () => {
    const ks = service();
    ks.importAppPrivateKey(emu.credentials.appPrivateKey);
    ks.importAlipayPublicKey(rsaPair().spkiBase64);
    const r = await ks.testConnection({ appId: emu.credentials.appId, gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, code: 'ALIPAY_KEY_WRONG' });
    if (!r.ok) {
      expect(isBilingual(r.message)).toBe(true);
      expect(r.message).toContain('支付宝公钥');
    }
  });

  it('ALIPAY_KEY_WRONG on a tampered answer too', async () => {
    await fetch(`${emu.credentials.control}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'tamper', method: 'alipay.trade.query' }),
    });
    const r = await configured().testConnection({ appId: emu.credentials.appId, gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, code: 'ALIPAY_KEY_WRONG' });
  });

  it('INVALID_APP_ID: unknown app id (unsigned error_response)', async () => {
    const r = await configured().testConnection({ appId: '2021000000009999', gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, code: 'INVALID_APP_ID' });
    if (!r.ok) {
      expect(isBilingual(r.message)).toBe(true);
      expect(r.message).toContain('2021000000009999');
    }
    const empty = await configured().testConnection({ appId: ' ', gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(empty).toMatchObject({ ok: false, code: 'INVALID_APP_ID' });
  });

  it('TIMEOUT: the gateway hangs', async () => {
    await fetch(`${emu.credentials.control}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'hang', ms: 3000 }),
    });
    const t0 = Date.now();
    const r = await configured().testConnection({ appId: emu.credentials.appId, gateway: emu.credentials.gateway, timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(2500);
    if (!r.ok) expect(isBilingual(r.message)).toBe(true);
  });

  it('NETWORK: connection refused (closed port) and an unresolvable host', async () => {
    const port = await closedPort();
    const r = await configured().testConnection({ appId: emu.credentials.appId, gateway: `http://127.0.0.1:${port}/gateway.do`, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, code: 'NETWORK' });
    if (!r.ok) {
      expect(isBilingual(r.message)).toBe(true);
      expect(r.message).toContain('ECONNREFUSED');
    }
    const bad = await configured().testConnection({ appId: emu.credentials.appId, gateway: 'not a url', timeoutMs: 2000 });
    expect(bad).toMatchObject({ ok: false, code: 'NETWORK' });
  });

  it('UNEXPECTED with words for an HTTP 500', async () => {
    await fetch(`${emu.credentials.control}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'http500' }),
    });
    const r = await configured().testConnection({ appId: emu.credentials.appId, gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, code: 'UNEXPECTED' });
    if (!r.ok) expect(r.message).toContain('500');
  });

  it('KEYS_MISSING without keys; logs stay free of keys and signatures', async () => {
    const log = memoryLogger();
    const empty = createKeyService({ vault: createFileVault({ dir: tempDir(), env: {} }), logger: log });
    expect(await empty.testConnection({ appId: emu.credentials.appId, gateway: emu.credentials.gateway })).toMatchObject({
      ok: false,
      code: 'KEYS_MISSING',
    });
    empty.importAppPrivateKey(emu.credentials.appPrivateKey);
    empty.importAlipayPublicKey(rsaPair().spkiPem);
    // the SDK's verification error quotes the server's sign: it must not reach the log
    const r = await empty.testConnection({ appId: emu.credentials.appId, gateway: emu.credentials.gateway, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, code: 'ALIPAY_KEY_WRONG' });
    const logged = log.lines.join('\n');
    expect(logged).toContain('验签失败');
    expect(logged).not.toMatch(/[A-Za-z0-9+/]{80,}/);
    expect(logged).not.toContain('PRIVATE KEY');
  });
});
