/**
 * Test helpers for the WeChat Pay emulator. The client is ALWAYS wechatpay-node-v3 (an independent v3
 * client from npm): its request signing (buildAuthorization), its response verification (verifySign, which
 * fetches /v3/certificates itself in platform-certificate mode) and its decipher_gcm — never the
 * emulator's own crypto. The library hardcodes https://api.mch.weixin.qq.com; its own extension point
 * `createHttp(service)` takes a transport, which here rewrites the origin to the emulator and keeps the
 * raw answer (status, headers, exact body text) for verification.
 */
import http from 'node:http';
import Pay from 'wechatpay-node-v3';
import type { IPayRequest } from 'wechatpay-node-v3/dist/lib/pay-request.interface';
import type { Output } from 'wechatpay-node-v3/dist/lib/interface-v2';
import { onTestFinished } from 'vitest';
import { generateRsaKeyPair, startEmulator, type EmulatorOptions, type PemKeyPair, type RunningEmulator, type WechatCredentials } from '../../../src/emulator';

/** A raw answer as the transport saw it. */
export interface RawAnswer extends Output {
  status: number;
  headers: Record<string, string>;
  text: string;
  data?: unknown;
}

/** The library's transport pointed at the emulator. */
export class EmulatorTransport implements IPayRequest {
  readonly calls: { method: string; path: string; status: number }[] = [];
  last: RawAnswer | undefined;

  /** `timeoutMs`: the client gives up (the fetch aborts) after this long. */
  constructor(
    private readonly base: string,
    private readonly timeoutMs = 5000,
  ) {}

  private async send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
    const u = new URL(url);
    const res = await fetch(`${this.base}${u.pathname}${u.search}`, {
      method,
      headers,
      signal: AbortSignal.timeout(this.timeoutMs),
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (an HTML 500) */
    }
    const answer: RawAnswer = { status: res.status, headers: Object.fromEntries(res.headers), text, data, ...(res.status >= 400 ? { error: text } : {}) };
    this.calls.push({ method, path: u.pathname, status: res.status });
    this.last = answer;
    return answer;
  }

  // Same body bytes as the library signs: JSON.stringify(params) (superagent sends the same).
  post(url: string, params: Record<string, unknown>, headers: Record<string, string>): Promise<RawAnswer> {
    return this.send('POST', url, headers, JSON.stringify(params));
  }

  get(url: string, headers: Record<string, string>): Promise<RawAnswer> {
    return this.send('GET', url, headers);
  }

  upload(): Promise<RawAnswer> {
    return Promise.reject(new Error('upload is not used'));
  }
}

/**
 * wechatpay-node-v3 with access to its own protected signing helpers, for the APIs it has no method for
 * (codepay, reverse): buildAuthorization + getHeaders + its http service, unchanged.
 */
export class TestPay extends Pay {
  /** The library's certificate map: verifySign looks keys up here by Wechatpay-Serial. */
  static certs(): Record<string, string> {
    return Pay.certificates;
  }

  /** A request the library signs, sent through its http service. */
  async signed(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<RawAnswer> {
    const url = `https://api.mch.weixin.qq.com${path}`;
    const headers = this.getHeaders(this.buildAuthorization(method, url, body), body ? { 'Content-Type': 'application/json' } : {});
    return (method === 'POST' ? this.httpService.post(url, body ?? {}, headers) : this.httpService.get(url, headers)) as Promise<RawAnswer>;
  }
}

/** A client for the emulator's merchant; `mode: 'publicKey'` registers the WeChat Pay public key by its id. */
export function clientFor(
  emu: RunningEmulator,
  mode: 'publicKey' | 'platform' = 'publicKey',
  creds: WechatCredentials = emu.credentials.wechat,
): { pay: TestPay; http: EmulatorTransport } {
  const pay = new TestPay({
    appid: creds.appid,
    mchid: creds.mchid,
    serial_no: creds.merchantSerialNo,
    // Only read to derive serial_no from a certificate, and serial_no is given.
    publicKey: Buffer.from('unused'),
    privateKey: Buffer.from(creds.merchantPrivateKey),
    key: creds.apiV3Key,
  });
  const transport = new EmulatorTransport(creds.baseUrl);
  pay.createHttp(transport);
  if (mode === 'publicKey') TestPay.certs()[creds.wechatpayPublicKeyId] = creds.wechatpayPublicKey;
  return { pay, http: transport };
}

/** The library's verifySign over a raw answer. */
export function verify(pay: TestPay, a: RawAnswer, apiSecret: string): Promise<boolean> {
  return pay.verifySign({
    timestamp: a.headers['wechatpay-timestamp'] as string,
    nonce: a.headers['wechatpay-nonce'] as string,
    serial: a.headers['wechatpay-serial'] as string,
    signature: a.headers['wechatpay-signature'] as string,
    body: a.text,
    apiSecret,
  });
}

/** Call, then require the library to verify the answer; returns the raw answer. */
export async function verified(pay: TestPay, emu: RunningEmulator, call: Promise<unknown>, transport: EmulatorTransport): Promise<RawAnswer> {
  await call;
  const a = transport.last as RawAnswer;
  if (!(await verify(pay, a, emu.credentials.wechat.apiV3Key))) throw new Error(`answer did not verify: ${a.status} ${a.text}`);
  return a;
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

interface SharedKeys {
  alipay: PemKeyPair;
  app: PemKeyPair;
  wechat: { merchant: PemKeyPair; platform: PemKeyPair; wechatpay: PemKeyPair };
}
let shared: Promise<SharedKeys> | undefined;

/** One set of key pairs per test file (each emulator is still its own instance). */
function keys(): Promise<SharedKeys> {
  shared ??= Promise.all(Array.from({ length: 5 }, () => generateRsaKeyPair())).then(([a, b, c, d, e]) => ({
    alipay: a as PemKeyPair,
    app: b as PemKeyPair,
    wechat: { merchant: c as PemKeyPair, platform: d as PemKeyPair, wechatpay: e as PemKeyPair },
  }));
  return shared;
}

/** Start an emulator (closed after the test) and a wechatpay-node-v3 client for it. */
export async function setup(
  options: EmulatorOptions = {},
  mode: 'publicKey' | 'platform' = 'publicKey',
): Promise<{ emu: RunningEmulator; pay: TestPay; http: EmulatorTransport; c: WechatCredentials }> {
  const emu = await startEmulator({ port: 0, keys: await keys(), ...options });
  onTestFinished(() => emu.close());
  if (mode === 'platform') await wxControl(emu, 'POST', '/signer', { signer: 'platform' });
  return { emu, ...clientFor(emu, mode), c: emu.credentials.wechat };
}

/** A Native order through the library; returns its code_url. */
export async function nativeOrder(
  t: { pay: TestPay; http: EmulatorTransport; emu: RunningEmulator },
  outTradeNo: string,
  total = 1000,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const a = await verified(
    t.pay,
    t.emu,
    t.pay.transactions_native({ description: '测试商品', out_trade_no: outTradeNo, notify_url: 'https://example.com/wx/notify', amount: { total }, ...extra }),
    t.http,
  );
  if (a.status !== 200) throw new Error(`native failed: ${a.text}`);
  return (a.data as { code_url: string }).code_url;
}

/** A 付款码 payment through the library's signing. */
export function codepayBody(c: WechatCredentials, outTradeNo: string, authCode: string, total = 1000): Record<string, unknown> {
  return {
    appid: c.appid,
    mchid: c.mchid,
    description: '收银台 付款码',
    out_trade_no: outTradeNo,
    payer: { auth_code: authCode },
    amount: { total, currency: 'CNY' },
    scene_info: { device_ip: '127.0.0.1' },
  };
}

/** A merchant notify endpoint recording each POST (headers + raw body) and answering `status(index)`. */
export interface WxMerchant {
  url: string;
  received: { headers: http.IncomingHttpHeaders; raw: string; realAt: number }[];
}

export async function wxMerchant(status: (index: number) => number = () => 200): Promise<WxMerchant> {
  const m: WxMerchant = { url: '', received: [] };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const index = m.received.length;
      m.received.push({ headers: req.headers, raw, realAt: Date.now() });
      const s = status(index);
      res.writeHead(s, { 'content-type': 'application/json' });
      res.end(s === 204 ? undefined : JSON.stringify(s === 200 ? { code: 'SUCCESS', message: '成功' } : { code: 'FAIL', message: '失败' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  m.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/wx/notify`;
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return m;
}
