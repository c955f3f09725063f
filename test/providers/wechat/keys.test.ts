import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkApiV3Key,
  checkMerchantKey,
  checkPublicKeyId,
  checkSerialNo,
  checkWechatpayPublicKey,
  parseMerchantPrivateKey,
  testWechatConnection,
  WechatKeyError,
} from '../../../src/main/providers/wechat';
import { configFor, setup, testKeys, wxControl } from './helpers';
import { tempDir } from '../../support';

/** A merchant certificate (apiclient_cert.pem) for a key, made with openssl in a temp dir. */
function certificateFor(privateKeyPem: string, serialHex: string): string {
  const dir = tempDir();
  const key = join(dir, 'apiclient_key.pem');
  const cert = join(dir, 'apiclient_cert.pem');
  writeFileSync(key, privateKeyPem, { mode: 0o600 });
  execFileSync('openssl', ['req', '-new', '-x509', '-key', key, '-out', cert, '-days', '1', '-subj', '/CN=1900000001', '-set_serial', `0x${serialHex}`], {
    stdio: 'ignore',
  });
  return execFileSync('cat', [cert]).toString();
}

function refused(fn: () => unknown, code: string, zh: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WechatKeyError);
    const e = err as WechatKeyError;
    expect(e.keyCode).toBe(code);
    expect(e.message).toMatch(zh);
    expect(e.message).toMatch(/[\u4e00-\u9fff].*\/ [A-Z]/); // Chinese first, then English
    expect(e.message).not.toMatch(/MII[A-Za-z0-9+/]{16}/); // never key material
    return;
  }
  throw new Error(`not refused: expected ${code}`);
}

const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';

describe('WeChat key import checks (bilingual, no key material in messages)', () => {
  it('merchant private key vs certificate: a pair passes and yields the certificate serial; another key, serial or a pasted certificate is refused', async () => {
    const k = await testKeys();
    const merchant = k.wechat.merchant.privateKeyPem;
    const cert = certificateFor(merchant, SERIAL);
    expect(checkMerchantKey({ privateKey: merchant, certificate: cert })).toEqual({ serialNo: SERIAL });
    expect(checkMerchantKey({ privateKey: merchant, certificate: cert, serialNo: SERIAL.toLowerCase() })).toEqual({ serialNo: SERIAL });
    expect(checkMerchantKey({ privateKey: merchant })).toEqual({ serialNo: null });
    refused(() => checkMerchantKey({ privateKey: k.wechat.platform.privateKeyPem, certificate: cert }), 'KEY_CERT_MISMATCH', /不是一对/);
    refused(() => checkMerchantKey({ privateKey: merchant, certificate: cert, serialNo: 'A'.repeat(40) }), 'SERIAL_MISMATCH', /不一致/);
    refused(() => parseMerchantPrivateKey(cert), 'CERTIFICATE_NOT_KEY', /apiclient_cert\.pem/);
    refused(() => parseMerchantPrivateKey(k.wechat.merchant.publicKeyPem), 'PUBLIC_KEY_AS_PRIVATE', /公钥/);
    refused(() => parseMerchantPrivateKey('  '), 'EMPTY', /为空/);
    refused(() => parseMerchantPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'), 'NOT_A_KEY', /无法识别/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    refused(() => parseMerchantPrivateKey(small), 'KEY_TOO_SMALL', /1024 位/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    refused(() => parseMerchantPrivateKey(ec), 'NOT_RSA', /RSA/);
  });

  it('APIv3 key: exactly 32 bytes', () => {
    expect(checkApiV3Key(` ${'a'.repeat(32)}\n`)).toBe('a'.repeat(32));
    refused(() => checkApiV3Key('a'.repeat(31)), 'BAD_APIV3_KEY', /31 个字节/);
    refused(() => checkApiV3Key('a'.repeat(33)), 'BAD_APIV3_KEY', /33 个字节/);
    // 32 characters but not 32 bytes.
    refused(() => checkApiV3Key(`${'a'.repeat(31)}密`), 'BAD_APIV3_KEY', /34 个字节/);
  });

  it('WeChat Pay public key: not the merchant’s own, not a private key', async () => {
    const k = await testKeys();
    expect(checkWechatpayPublicKey(k.wechat.wechatpay.publicKeyPem, k.wechat.merchant.privateKeyPem).asymmetricKeyType).toBe('rsa');
    refused(() => checkWechatpayPublicKey(k.wechat.merchant.publicKeyPem, k.wechat.merchant.privateKeyPem), 'SAME_AS_MERCHANT_KEY', /您自己的商户公钥/);
    refused(() => checkWechatpayPublicKey(k.wechat.wechatpay.privateKeyPem), 'PRIVATE_KEY_AS_PUBLIC', /私钥/);
    refused(() => checkWechatpayPublicKey('hello'), 'NOT_A_KEY', /pub_key\.pem/);
  });

  it('serial number: 40 hex digits (upper-cased); public key id: PUB_KEY_ID_…', () => {
    expect(checkSerialNo(SERIAL.toLowerCase())).toBe(SERIAL);
    refused(() => checkSerialNo(SERIAL.slice(1)), 'BAD_SERIAL', /40 位十六进制/);
    refused(() => checkSerialNo(`${SERIAL.slice(1)}G`), 'BAD_SERIAL', /40 位十六进制/);
    expect(checkPublicKeyId(' PUB_KEY_ID_0119000000012026120100000000000000 ')).toBe('PUB_KEY_ID_0119000000012026120100000000000000');
    refused(() => checkPublicKeyId(SERIAL), 'BAD_PUBLIC_KEY_ID', /PUB_KEY_ID_/);
    refused(() => checkPublicKeyId('PUB_KEY_ID_'), 'BAD_PUBLIC_KEY_ID', /PUB_KEY_ID_/);
  });
});

describe('测试连接 (a signed query of a random order)', () => {
  it('right settings → ORDER_NOT_EXIST → ok; each wrong setting is named', async () => {
    const t = await setup();
    expect(await testWechatConnection(configFor(t.c))).toMatchObject({ ok: true, code: 'OK' });
    const wrong = async (extra: Parameters<typeof configFor>[1]) => testWechatConnection(configFor(t.c, extra));
    expect(await wrong({ merchantPrivateKey: t.keys.wechat.platform.privateKeyPem })).toMatchObject({
      ok: false,
      code: 'SIGN_ERROR_KEY',
      message: expect.stringContaining('商户API私钥'),
    });
    expect(await wrong({ merchantSerialNo: 'A'.repeat(40) })).toMatchObject({ ok: false, code: 'SIGN_ERROR_SERIAL' });
    expect(await wrong({ mchid: '1900000001' })).toMatchObject({ ok: false, code: 'SIGN_ERROR_MCHID' });
    expect(await wrong({ wechatpayPublicKey: t.keys.wechat.merchant.publicKeyPem })).toMatchObject({
      ok: false,
      code: 'PUBLIC_KEY',
      message: expect.stringContaining('微信支付公钥'),
    });
    expect(await wrong({ wechatpayPublicKeyId: 'PUB_KEY_ID_0100000000' })).toMatchObject({
      ok: false,
      code: 'PUBLIC_KEY_ID',
      message: expect.stringContaining(t.c.wechatpayPublicKeyId),
    });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'http500', method: 'query' });
    expect(await testWechatConnection(configFor(t.c))).toMatchObject({ ok: false, code: 'NOT_WECHAT' });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'system-error', method: 'query' });
    expect(await testWechatConnection(configFor(t.c))).toMatchObject({ ok: false, code: 'SERVER' });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'skew', method: 'query' });
    expect(await testWechatConnection(configFor(t.c))).toMatchObject({ ok: false, code: 'CLOCK' });
  });

  it('nothing listening, or no answer within the timeout → UNREACHABLE', async () => {
    const t = await setup();
    const server = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      expect(await testWechatConnection(configFor(t.c, { baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 }))).toMatchObject({
        ok: false,
        code: 'UNREACHABLE',
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
    expect(await testWechatConnection(configFor(t.c, { baseUrl: `http://127.0.0.1:${port}` }))).toMatchObject({ ok: false, code: 'UNREACHABLE' });
  });
});

describe('wechatpay-axios-plugin does no network at import or construction', () => {
  it('in a fresh Node process with sockets and DNS trapped: import + client construction touch nothing; the first request does', () => {
    const script = `
      const net = require('node:net'); const dns = require('node:dns');
      const touched = [];
      const origConnect = net.Socket.prototype.connect;
      net.Socket.prototype.connect = function (...a) { touched.push('connect'); return origConnect.apply(this, a); };
      const origLookup = dns.lookup; dns.lookup = function (...a) { touched.push('dns'); return origLookup.apply(this, a); };
      const { Decorator } = require('wechatpay-axios-plugin');
      const { generateKeyPairSync } = require('node:crypto');
      const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const v3 = Decorator.jsonBased({ mchid: '1900000001', serial: 'A'.repeat(40), privateKey: k.privateKey.export({ format: 'pem', type: 'pkcs8' }), certs: { PUB_KEY_ID_01: k.publicKey.export({ format: 'pem', type: 'spki' }) } });
      setTimeout(() => {
        const before = touched.length;
        v3.get('http://127.0.0.1:1/v3/x', { timeout: 500 }).catch(() => {}).finally(() => { console.log(JSON.stringify({ before, after: touched.length })); });
      }, 200);
    `;
    const out = execFileSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 });
    const r = JSON.parse(out.trim()) as { before: number; after: number };
    expect(r.before).toBe(0);
    expect(r.after).toBeGreaterThan(0); // the trap works: a real request is seen
  });
});
