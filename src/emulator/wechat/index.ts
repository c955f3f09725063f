/**
 * The WeChat Pay API v3 side of the emulator (docs/emulator.md "WeChat Pay"), served by the same process
 * and port as the Alipay gateway: /v3/* (the API), /__emulator/wechat/* (control), /wxpay/* (the buyer).
 * Wires keys, ledger, notifier, faults and signer together; index.ts starts it.
 * Not modelled: partner (服务商) mode, JSAPI / APP / H5, bills; see docs/emulator.md "Not modelled".
 */
import type http from 'node:http';
import { createPrivateKey } from 'node:crypto';
import type { ScaledClock } from '../clock';
import { handleWxApi } from './api';
import { handleWxControl, type WxSignerMode } from './control';
import type { Signer } from './crypto';
import { handleWxCustomer } from './customer';
import { WxEngine } from './engine';
import { WxFaultRegistry } from './faults';
import { ensureCertificate } from './keys';
import { WxNotifier } from './notifier';
import type { WechatState } from './state';

export { WECHAT_TEST_AUTH_CODES, WECHAT_BUYERS } from './test-codes';
export { WECHAT_NOTIFY_RETRY_DELAYS_MS, type WxNotificationAttempt } from './notifier';
export { REFUND_SETTLE_MS } from './engine';
export { generateWechatKeys, type WechatKeys, type WechatKeyPairs } from './keys';
export type { WechatState } from './state';
export type { WxTrade, WxTradeState, WxRefund, WxRefundStatus } from './types';

/** The `wechat` credentials of the CLI's JSON line. */
export interface WechatCredentials {
  /** http://127.0.0.1:PORT — replaces https://api.mch.weixin.qq.com */
  baseUrl: string;
  mchid: string;
  appid: string;
  /** PKCS8 PEM of the merchant's API key (apiclient_key.pem). */
  merchantPrivateKey: string;
  /** 商户API证书序列号 (serial_no of the Authorization header). */
  merchantSerialNo: string;
  apiV3Key: string;
  /** SPKI PEM of the WeChat Pay public key (微信支付公钥). */
  wechatpayPublicKey: string;
  /** `PUB_KEY_ID_…` (Wechatpay-Serial of answers in public-key mode). */
  wechatpayPublicKeyId: string;
  /** `{control}/wechat` */
  control: string;
}

/** Settings. */
export interface WechatSideOptions {
  clock: ScaledClock;
  state: WechatState;
  baseUrl: () => string;
  persist: () => void;
  notifyTimeoutMs: number;
  log: (msg: string) => void;
  onHang: (res: http.ServerResponse, ms: number) => void;
}

/** The running WeChat side. */
export class WechatSide {
  readonly engine: WxEngine;
  private readonly faults = new WxFaultRegistry();
  private readonly notifier: WxNotifier;
  private readonly signers: Record<WxSignerMode, Signer>;

  constructor(private readonly opts: WechatSideOptions) {
    const k = opts.state.keys;
    this.signers = {
      publicKey: { key: createPrivateKey(k.wechatpay.privateKeyPem), serial: k.wechatpay.publicKeyId },
      platform: { key: createPrivateKey(k.platform.privateKeyPem), serial: k.platform.serialNo },
    };
    this.notifier = new WxNotifier({
      clock: opts.clock,
      faults: this.faults,
      apiV3Key: () => k.apiV3Key,
      signer: () => this.signer(),
      timeoutMs: opts.notifyTimeoutMs,
      log: opts.log,
    });
    this.engine = new WxEngine(opts.clock, (e) => this.notifier.handle(e), opts.persist);
    this.engine.restore(opts.state.trades);
  }

  /** The persisted part (the ledger is read live). */
  state(): WechatState {
    return { ...this.opts.state, trades: this.engine.list() };
  }

  credentials(): WechatCredentials {
    const k = this.opts.state.keys;
    return {
      baseUrl: this.opts.baseUrl(),
      mchid: k.mchid,
      appid: k.appid,
      merchantPrivateKey: k.merchant.privateKeyPem,
      merchantSerialNo: k.merchant.serialNo,
      apiV3Key: k.apiV3Key,
      wechatpayPublicKey: k.wechatpay.publicKeyPem,
      wechatpayPublicKeyId: k.wechatpay.publicKeyId,
      control: `${this.opts.baseUrl()}/__emulator/wechat`,
    };
  }

  private signer(): Signer {
    return this.signers[this.opts.state.signer];
  }

  /** Route a request; false when the path is not the WeChat side's. */
  async route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): Promise<boolean> {
    const path = url.pathname;
    if (path.startsWith('/v3/')) {
      await handleWxApi(req, res, url, raw, {
        engine: this.engine,
        keys: () => this.opts.state.keys,
        now: () => this.opts.clock.now(),
        certificatePem: async () => {
          const had = this.opts.state.keys.platform.certificatePem;
          const pem = await ensureCertificate(this.opts.state.keys);
          if (!had) this.opts.persist();
          return pem;
        },
        faults: this.faults,
        signer: () => this.signer(),
        log: this.opts.log,
        onHang: this.opts.onHang,
      });
      return true;
    }
    if (path === '/__emulator/wechat' || path.startsWith('/__emulator/wechat/')) {
      let body: unknown = undefined;
      if (raw.trim()) {
        try {
          body = JSON.parse(raw);
        } catch {
          sendJson(res, 400, { error: 'body must be JSON' });
          return true;
        }
      }
      const a = handleWxControl(req.method ?? 'GET', path.slice('/__emulator/wechat'.length) || '/', body, {
        engine: this.engine,
        faults: this.faults,
        notifier: this.notifier,
        baseUrl: this.opts.baseUrl,
        signerMode: () => this.opts.state.signer,
        setSignerMode: (m) => {
          this.opts.state.signer = m;
          this.opts.persist();
        },
      });
      sendJson(res, a?.status ?? 404, a?.body ?? { error: 'not found' });
      return true;
    }
    if (path.startsWith('/wxpay/')) return handleWxCustomer(req, res, url, new URLSearchParams(raw), this.engine);
    return false;
  }

  close(): void {
    this.notifier.close();
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
