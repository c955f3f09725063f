/**
 * The WeChat Pay API v3 transport: wechatpay-axios-plugin signs every request (商户API私钥,
 * `WECHATPAY2-SHA256-RSA2048`) and verifies every answer (Wechatpay-Signature with the WeChat Pay public
 * key or the platform certificate of Wechatpay-Serial, Wechatpay-Timestamp within 5 minutes). Its
 * verification is on for *every* HTTP status here (the plugin skips non-2xx answers unless
 * `validateStatus` accepts them), so an error code is only believed when it is signed too.
 * docs/architecture.md ("WeChat Pay client") says why this library.
 */
import { Decorator } from 'wechatpay-axios-plugin';
import { PaymentError } from '../../kernel';
import type { WechatConfig } from './config';

/** Why no trustworthy answer came back. */
export type WxTransportFailure =
  | 'timeout'
  | 'network'
  /** An answer without Wechatpay-* headers that is not JSON (a proxy's HTML 5xx page). */
  | 'http'
  /** An unsigned JSON answer (not 401). */
  | 'unsigned'
  /** 401 (unsigned, as WeChat answers it): our request signature, mchid or serial number was refused. */
  | 'signError'
  /** Signed, but the signature does not verify with the key of its Wechatpay-Serial. */
  | 'badSignature'
  /** Signed by a serial / key id we do not know. */
  | 'unknownSerial'
  /** Wechatpay-Timestamp more than 5 minutes from our clock. */
  | 'skew';

/** One call's outcome: a verified answer (any status), or no trustworthy answer. */
export type WxReply =
  | { kind: 'answer'; status: number; body: unknown }
  | { kind: 'failed'; failure: WxTransportFailure; status: number | null; code: string | null; message: string | null; serial: string | null };

/** The plugin's error codes for answers that fail verification (lib/decorator.js). */
const VERIFY_CODES: Record<string, WxTransportFailure> = {
  EV3_RES_HEADERS_INCOMPLATE: 'unsigned',
  EV3_RES_HEADER_TIMESTAMP_OFFSET: 'skew',
  EV3_RES_HEADER_PLATFORM_SERIAL: 'unknownSerial',
  EV3_RES_HEADER_SIGNATURE_DIGEST: 'badSignature',
};

function jsonOrNull(text: unknown): Record<string, unknown> | null {
  if (typeof text !== 'string') return text !== null && typeof text === 'object' ? (text as Record<string, unknown>) : null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** The verifying keys by Wechatpay-Serial: the public key id and/or platform certificate serials. */
export function verifierKeys(config: WechatConfig): Record<string, string> {
  const certs: Record<string, string> = { ...(config.platformCertificates ?? {}) };
  if (config.wechatpayPublicKeyId && config.wechatpayPublicKey) certs[config.wechatpayPublicKeyId] = config.wechatpayPublicKey;
  return certs;
}

/** A signed, verifying v3 client. No network until the first call. */
export class WxClient {
  private readonly http: ReturnType<typeof Decorator.jsonBased>;

  constructor(config: WechatConfig) {
    try {
      this.http = Decorator.jsonBased({
        mchid: config.mchid,
        serial: config.merchantSerialNo,
        privateKey: config.merchantPrivateKey,
        certs: verifierKeys(config),
      });
    } catch {
      // The plugin asserts in English and may quote its input: say what is wrong, never the key.
      throw new PaymentError(
        'KEYS_INVALID',
        '微信支付配置不完整或密钥无法解析：请检查商户号、证书序列号、商户API私钥和微信支付公钥 / WeChat Pay settings are incomplete or a key cannot be parsed: check the merchant id, serial number, merchant private key and WeChat Pay public key',
      );
    }
    this.http.defaults.baseURL = config.baseUrl.replace(/\/?$/, '/');
    this.http.defaults.timeout = config.timeoutMs ?? 10_000;
    // Every status is "valid" so that the plugin verifies error answers too; we read the status ourselves.
    this.http.defaults.validateStatus = () => true;
    this.http.defaults.maxRedirects = 0;
    this.http.defaults.maxContentLength = 1024 * 1024;
  }

  get(path: string, params?: Record<string, string>): Promise<WxReply> {
    return this.send('GET', path, undefined, params);
  }

  post(path: string, body: Record<string, unknown>): Promise<WxReply> {
    return this.send('POST', path, body, undefined);
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    data: Record<string, unknown> | undefined,
    params: Record<string, string> | undefined,
  ): Promise<WxReply> {
    try {
      const res = await this.http.request({ method, url: path.replace(/^\//, ''), ...(data ? { data } : {}), ...(params ? { params } : {}) });
      // A 204 has an empty body; the verifier has checked it (it signs the empty string too).
      const payload: unknown = res.data;
      const body = payload === '' || payload === undefined ? null : payload;
      return { kind: 'answer', status: res.status, body: typeof body === 'string' ? (jsonOrNull(body) ?? body) : body };
    } catch (err) {
      return classify(err);
    }
  }
}

/** Map anything the plugin or axios threw onto a transport failure. Never carries key material. */
function classify(err: unknown): WxReply {
  // An AxiosError (the plugin rethrows verification failures as one, with its own code).
  const e = err as { code?: string; message?: string; response?: { status?: number; headers?: unknown; data?: unknown } };
  const status = e.response?.status ?? null;
  const headers = (e.response?.headers ?? {}) as Record<string, unknown>;
  const serial = str(headers['wechatpay-serial']);
  const verify = e.code ? VERIFY_CODES[e.code] : undefined;
  if (verify) {
    const json = jsonOrNull(e.response?.data);
    const code = json ? str(json.code) : null;
    const message = json ? str(json.message) : null;
    if (verify === 'unsigned') {
      if (status === 401) return { kind: 'failed', failure: 'signError', status, code, message, serial };
      return { kind: 'failed', failure: json ? 'unsigned' : 'http', status, code, message, serial };
    }
    return { kind: 'failed', failure: verify, status, code, message, serial };
  }
  const timeout = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '');
  return { kind: 'failed', failure: timeout ? 'timeout' : 'network', status, code: null, message: null, serial: null };
}
