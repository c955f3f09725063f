/**
 * Helpers for the WeChat Pay adapter tests: the embedded emulator over real HTTP (port 0), an adapter
 * configured from its credentials, the control API, and a merchant notify endpoint that feeds every POST
 * (headers + raw body, as received) to the adapter's verifyNotification and answers its ack. Key pairs
 * are generated at test time (one set per test file).
 */
import { createCipheriv, createDecipheriv, createSign, randomBytes } from 'node:crypto';
import http from 'node:http';
import { onTestFinished } from 'vitest';
import { generateRsaKeyPair, startEmulator, type EmulatorOptions, type PemKeyPair, type RunningEmulator, type WechatCredentials } from '../../../src/emulator';
import type { NotificationCheck, NotificationVerdict } from '../../../src/main/domain';
import type { Clock } from '../../../src/main/kernel';
import { WechatProvider, type WechatConfig } from '../../../src/main/providers/wechat';

interface Keys {
  alipay: PemKeyPair;
  app: PemKeyPair;
  wechat: { merchant: PemKeyPair; platform: PemKeyPair; wechatpay: PemKeyPair };
}
let shared: Promise<Keys> | undefined;

/** One set of key pairs per test file; the WeChat Pay private key lets tests forge genuine-looking notices. */
export function testKeys(): Promise<Keys> {
  shared ??= Promise.all(Array.from({ length: 5 }, () => generateRsaKeyPair())).then(([a, b, c, d, e]) => ({
    alipay: a as PemKeyPair,
    app: b as PemKeyPair,
    wechat: { merchant: c as PemKeyPair, platform: d as PemKeyPair, wechatpay: e as PemKeyPair },
  }));
  return shared;
}

/** The adapter's configuration for an emulator's merchant. */
export function configFor(c: WechatCredentials, extra: Partial<WechatConfig> = {}): WechatConfig {
  return {
    environment: 'demo',
    baseUrl: c.baseUrl,
    mchid: c.mchid,
    appid: c.appid,
    merchantSerialNo: c.merchantSerialNo,
    merchantPrivateKey: c.merchantPrivateKey,
    apiV3Key: c.apiV3Key,
    wechatpayPublicKeyId: c.wechatpayPublicKeyId,
    wechatpayPublicKey: c.wechatpayPublicKey,
    timeoutMs: 3000,
    ...extra,
  };
}

export interface Setup {
  emu: RunningEmulator;
  c: WechatCredentials;
  provider: WechatProvider;
  keys: Keys;
}

/** Start an emulator (closed after the test) and an adapter for it. */
export async function setup(options: EmulatorOptions = {}, extra: Partial<WechatConfig> = {}, clock?: Clock): Promise<Setup> {
  const keys = await testKeys();
  const emu = await startEmulator({ port: 0, keys, ...options });
  onTestFinished(() => emu.close());
  const c = emu.credentials.wechat;
  return { emu, c, keys, provider: new WechatProvider(configFor(c, extra), clock ? { clock } : {}) };
}

/** A JSON call to the WeChat control API. */
export async function wxControl<T = unknown>(emu: RunningEmulator, method: string, sub: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.credentials.wechat.control}${sub}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Move both providers' emulated clock. */
export async function advance(emu: RunningEmulator, ms: number): Promise<void> {
  await fetch(`${emu.credentials.control}/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
  await new Promise((r) => setTimeout(r, 20)); // due timers run promptly after an advance
}

/** A notify endpoint driven by the adapter: verify → verdict → the adapter's ack. */
export interface Endpoint {
  url: string;
  checks: NotificationCheck[];
  answers: { status: number; body: string }[];
}

export async function notifyEndpoint(
  provider: WechatProvider,
  verdictOf: (check: NotificationCheck, index: number) => NotificationVerdict = (c) => (c.ok ? 'accepted' : 'rejected'),
): Promise<Endpoint> {
  const e: Endpoint = { url: '', checks: [], answers: [] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void provider.verifyNotification({ headers: req.headers, rawBody: Buffer.concat(chunks) }).then((check) => {
        const index = e.checks.length;
        e.checks.push(check);
        const ack = provider.ack(verdictOf(check, index));
        e.answers.push({ status: ack.status, body: ack.body });
        res.writeHead(ack.status, ack.headers);
        res.end(ack.body);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  e.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/notify/wechat`;
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return e;
}

/** A notification as WeChat builds one, made here with node:crypto (independent of the adapter). */
export function forgeNotice(opts: {
  signingKey: string;
  serial: string;
  apiV3Key: string;
  resource: Record<string, unknown>;
  eventType?: string;
  timestampSec?: number;
}): { headers: Record<string, string>; rawBody: Buffer } {
  const nonce = randomBytes(6).toString('base64url').slice(0, 12);
  const aad = opts.eventType?.startsWith('REFUND') ? 'refund' : 'transaction';
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(opts.apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(opts.resource), 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  const body = JSON.stringify({
    id: `forged-${randomBytes(4).toString('hex')}`,
    create_time: '2026-12-01T10:00:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: opts.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: aad, original_type: aad, nonce },
  });
  const ts = String(opts.timestampSec ?? Math.floor(Date.now() / 1000));
  const headerNonce = randomBytes(16).toString('hex');
  const signature = createSign('RSA-SHA256').update(`${ts}\n${headerNonce}\n${body}\n`).sign(opts.signingKey, 'base64');
  return {
    headers: {
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': headerNonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': opts.serial,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
    rawBody: Buffer.from(body, 'utf8'),
  };
}

/** A paid transaction resource for forged notices. */
export function paidResource(c: WechatCredentials, outTradeNo: string, total: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appid: c.appid,
    mchid: c.mchid,
    out_trade_no: outTradeNo,
    transaction_id: '4200000000202612010000000001',
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    success_time: '2026-12-01T10:00:00+08:00',
    payer: { openid: 'oTestOpenid' },
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
    ...over,
  };
}

/** Decrypt the platform certificate that GET /v3/certificates carries (test-side, node:crypto). */
export function decryptCertificate(enc: { ciphertext: string; nonce: string; associated_data: string }, apiV3Key: string): string {
  const buf = Buffer.from(enc.ciphertext, 'base64');
  const d = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(enc.nonce, 'utf8'));
  d.setAAD(Buffer.from(enc.associated_data, 'utf8'));
  d.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([d.update(buf.subarray(0, buf.length - 16)), d.final()]).toString('utf8');
}
