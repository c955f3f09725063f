/**
 * Test helpers for the emulator suite. The client side is ALWAYS the official alipay-sdk (requests,
 * response verification, checkNotifySignV2) — never the emulator's own signing code.
 */
import http from 'node:http';
import { AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk';
import { onTestFinished } from 'vitest';
import { generateRsaKeyPair, startEmulator, type EmulatorOptions, type PemKeyPair, type RunningEmulator } from '../../src/emulator';

/** An SDK client for the emulator's default app. */
export function sdkFor(emu: RunningEmulator, extra: Partial<AlipaySdkConfig> = {}): AlipaySdk {
  const c = emu.credentials;
  return new AlipaySdk({
    appId: c.appId,
    privateKey: c.appPrivateKey,
    // The credentials' key is PKCS8 (-----BEGIN PRIVATE KEY-----): the SDK must be told.
    keyType: 'PKCS8',
    alipayPublicKey: c.alipayPublicKey,
    gateway: c.gateway,
    timeout: 3000,
    ...extra,
  });
}

/** A JSON call to the control API. */
export async function control<T = unknown>(emu: RunningEmulator, method: string, sub: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.credentials.control}${sub}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Trade view as returned by the control API (the fields tests read). */
export interface TradeView {
  appId: string;
  outTradeNo: string;
  tradeNo: string;
  status: string;
  scanned: boolean;
  expired: boolean;
  totalAmount: string;
  refundFee: string;
  refunds: { outRequestNo: string; refundAmount: string; at: number }[];
  customerUrl: string;
}

/** A notification attempt as listed by the control API. */
export interface AttemptView {
  notifyId: string;
  outTradeNo: string;
  attempt: number;
  at: number;
  params: Record<string, string>;
  status: number | null;
  responseBody: string | null;
  accepted: boolean;
}

let sharedKeys: Promise<{ alipay: PemKeyPair; app: PemKeyPair }> | undefined;

/** One pair of key pairs per test file: every emulator is still its own instance, just not its own keygen. */
function keys(): Promise<{ alipay: PemKeyPair; app: PemKeyPair }> {
  sharedKeys ??= Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]).then(([alipay, app]) => ({ alipay, app }));
  return sharedKeys;
}

/** Start an emulator closed after the test, with an SDK client. */
export async function setup(options: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; sdk: AlipaySdk }> {
  const emu = await startEmulator({ port: 0, keys: await keys(), ...options });
  onTestFinished(() => emu.close());
  return { emu, sdk: sdkFor(emu) };
}

/** A merchant notify endpoint that records each POST and answers per `answer` (default `success`). */
export interface Merchant {
  url: string;
  received: { params: Record<string, string>; raw: string; realAt: number }[];
  answer: (index: number) => string;
}

/** Start a tiny merchant server (closed after the test). */
export async function merchant(answer: (index: number) => string = () => 'success'): Promise<Merchant> {
  const m: Merchant = { url: '', received: [], answer };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const index = m.received.length;
      m.received.push({ params: Object.fromEntries(new URLSearchParams(raw)), raw, realAt: Date.now() });
      res.end(m.answer(index));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  m.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/alipay/notify`;
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return m;
}

/** Result shape of sdk.exec (camelCased). */
export type ExecResult = Record<string, unknown> & { code?: string; subCode?: string; msg?: string };

/** sdk.exec with validateSign: true. */
export async function exec(sdk: AlipaySdk, method: string, bizContent: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<ExecResult> {
  return await sdk.exec(method, { bizContent, ...extra }, { validateSign: true });
}

/** Precreate a QR trade and return its qr_code. */
export async function precreate(
  sdk: AlipaySdk,
  outTradeNo: string,
  totalAmount = '10.00',
  extra: Record<string, unknown> = {},
  bizExtra: Record<string, unknown> = {},
): Promise<string> {
  const r = await exec(sdk, 'alipay.trade.precreate', { outTradeNo, totalAmount, subject: '测试商品', ...bizExtra }, extra);
  if (r.code !== '10000') throw new Error(`precreate failed: ${JSON.stringify(r)}`);
  return String(r.qrCode);
}

/** Raw POST to the gateway with a form built by the test (for malformed requests). */
export async function rawGateway(emu: RunningEmulator, params: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(emu.credentials.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
