/**
 * WeChat Pay notifications (official docs: 支付成功回调通知, 退款结果通知): POST JSON
 * `{id, create_time, resource_type: "encrypt-resource", event_type, summary, resource: {algorithm:
 * "AEAD_AES_256_GCM", ciphertext, associated_data, original_type, nonce}}` encrypted with the APIv3 key and
 * signed with Wechatpay-* headers (the current response signer). Acknowledged by HTTP 200 or 204 within
 * the timeout (default 5 s); anything else is retried at 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/
 * 6h/6h (emulated time) and then given up. Notification faults (drop / duplicate / reorder) apply here.
 * Not modelled: the second network path WeChat sometimes uses (it shows up as duplicates: use the fault).
 */
import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import type { ClockTimer, ScaledClock } from '../clock';
import { encryptResource, rfc3339, signedHeaders, type Signer } from './crypto';
import type { WxEvent } from './engine';
import type { WxFaultRegistry } from './faults';
import { refundNoticeJson, sortedJson, transactionJson } from './views';

/** Delays (emulated ms) before attempts 2…16. */
export const WECHAT_NOTIFY_RETRY_DELAYS_MS: readonly number[] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map((s) => s * 1000);

/** One delivery attempt as `GET {control}/wechat/notifications` lists it. */
export interface WxNotificationAttempt {
  id: number;
  /** the notification id (same for retries and duplicates) */
  notifyId: string;
  eventType: string;
  outTradeNo: string;
  outRefundNo: string | null;
  url: string;
  attempt: number;
  /** emulated epoch ms */
  at: number;
  /** the exact JSON body sent */
  body: string;
  status: number | null;
  responseBody: string | null;
  accepted: boolean;
  error?: string;
}

interface Notice {
  id: string;
  eventType: string;
  outTradeNo: string;
  outRefundNo: string | null;
  url: string;
  body: string;
  attempts: number;
  copies: number;
}

/** Settings. */
export interface WxNotifierOptions {
  clock: ScaledClock;
  faults: WxFaultRegistry;
  apiV3Key: () => string;
  signer: () => Signer;
  timeoutMs: number;
  log: (msg: string) => void;
}

const SUMMARY: Record<string, string> = {
  'TRANSACTION.SUCCESS': '支付成功',
  'REFUND.SUCCESS': '退款成功',
  'REFUND.ABNORMAL': '退款异常',
  'REFUND.CLOSED': '退款关闭',
};

/** Builds, encrypts, signs, delivers and retries notifications; records every attempt. */
export class WxNotifier {
  private readonly attempts: WxNotificationAttempt[] = [];
  private readonly timers = new Set<ClockTimer>();
  private readonly inflight = new Set<http.ClientRequest>();
  private held: Notice[] = [];
  private seq = 1;
  private closed = false;
  private generation = 0;

  constructor(private readonly opts: WxNotifierOptions) {}

  list(): WxNotificationAttempt[] {
    return this.attempts.map((a) => ({ ...a }));
  }

  handle(event: WxEvent): void {
    if (this.closed) return;
    const url = event.type === 'paid' ? event.trade.notifyUrl : event.refund.notifyUrl;
    if (!url) return;
    const eventType = event.type === 'paid' ? 'TRANSACTION.SUCCESS' : `REFUND.${event.refund.status}`;
    const plain = event.type === 'paid' ? transactionJson(event.trade) : refundNoticeJson(event.trade, event.refund);
    const originalType = event.type === 'paid' ? 'transaction' : 'refund';
    const now = this.opts.clock.now();
    const resource = { ...encryptResource(sortedJson(plain), this.opts.apiV3Key(), originalType), original_type: originalType };
    const id = randomUUID();
    const body = JSON.stringify({ id, create_time: rfc3339(now), resource_type: 'encrypt-resource', event_type: eventType, summary: SUMMARY[eventType] ?? eventType, resource });
    const notice: Notice = { id, eventType, outTradeNo: event.trade.outTradeNo, outRefundNo: event.type === 'refund' ? event.refund.outRefundNo : null, url, body, attempts: 0, copies: 1 };
    const fault = this.opts.faults.peekNotifyFault();
    if (fault?.kind === 'notify-drop') {
      this.opts.faults.consume(fault);
      this.opts.log(`wechat notify ${id} dropped (fault)`);
      return;
    }
    if (fault?.kind === 'notify-duplicate') {
      this.opts.faults.consume(fault);
      notice.copies = 3;
    }
    if (fault?.kind === 'notify-reorder') {
      this.held.push(notice);
      if (this.held.length >= fault.count) {
        this.opts.faults.remove(fault);
        const batch = this.held.reverse();
        this.held = [];
        void batch.reduce<Promise<void>>((prev, n) => prev.then(() => this.deliver(n)), Promise.resolve());
      }
      return;
    }
    void this.deliver(notice);
  }

  reset(): void {
    for (const t of this.timers) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    this.attempts.length = 0;
    this.held = [];
    this.generation += 1;
  }

  close(): void {
    this.closed = true;
    this.reset();
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
  }

  private async deliver(notice: Notice): Promise<void> {
    if (this.closed) return;
    notice.attempts += 1;
    const attemptNo = notice.attempts;
    const generation = this.generation;
    const results = await Promise.all(Array.from({ length: attemptNo === 1 ? notice.copies : 1 }, () => this.post(notice, attemptNo)));
    if (this.closed || generation !== this.generation || results.some(Boolean)) return;
    const delay = WECHAT_NOTIFY_RETRY_DELAYS_MS[attemptNo - 1];
    if (delay === undefined) {
      this.opts.log(`wechat notify ${notice.id} given up after ${attemptNo} attempts`);
      return;
    }
    const timer = this.opts.clock.setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(notice);
    }, delay);
    this.timers.add(timer);
  }

  private post(notice: Notice, attemptNo: number): Promise<boolean> {
    const record: WxNotificationAttempt = {
      id: this.seq++,
      notifyId: notice.id,
      eventType: notice.eventType,
      outTradeNo: notice.outTradeNo,
      outRefundNo: notice.outRefundNo,
      url: notice.url,
      attempt: attemptNo,
      at: this.opts.clock.now(),
      body: notice.body,
      status: null,
      responseBody: null,
      accepted: false,
    };
    this.attempts.push(record);
    // Each attempt is signed afresh (its own timestamp and nonce).
    const headers = signedHeaders(notice.body, this.opts.signer(), Math.floor(Date.now() / 1000));
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const finish = (error?: string): void => {
        if (settled) return;
        settled = true;
        if (error) record.error = error;
        resolve(record.accepted);
      };
      let url: URL;
      try {
        url = new URL(notice.url);
      } catch {
        finish('invalid notify_url');
        return;
      }
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        agent: false,
        timeout: this.opts.timeoutMs,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(notice.body), 'user-agent': 'Mozilla/4.0', accept: '*/*' },
      });
      this.inflight.add(req);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          this.inflight.delete(req);
          record.status = res.statusCode ?? null;
          record.responseBody = Buffer.concat(chunks).toString('utf8').slice(0, 65_536);
          record.accepted = res.statusCode === 200 || res.statusCode === 204;
          finish();
        });
        res.on('error', (e) => finish(e.message));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.opts.timeoutMs} ms`)));
      req.on('error', (e) => {
        this.inflight.delete(req);
        finish(e.message);
      });
      req.end(notice.body);
    });
  }
}
