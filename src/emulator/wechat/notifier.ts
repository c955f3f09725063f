/**
 * WeChat Pay notifications (official docs: 支付成功回调通知, 退款结果通知): POST JSON
 * `{id, create_time, resource_type: "encrypt-resource", event_type, summary, resource: {algorithm:
 * "AEAD_AES_256_GCM", ciphertext, associated_data, original_type, nonce}}` encrypted with the APIv3 key and
 * signed with Wechatpay-* headers (the current response signer). Acknowledged by HTTP 200 or 204 within
 * the timeout (default 5 s); anything else is retried at 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/
 * 6h/6h (emulated time) and then given up. Notification faults (drop / duplicate / reorder) and retries are
 * applied by the shared delivery (delivery.ts).
 * Not modelled: the second network path WeChat sometimes uses (it shows up as duplicates: use the fault).
 */
import { randomUUID } from 'node:crypto';
import type { ScaledClock } from '../clock';
import { NoticeDelivery, type AttemptOutcome } from '../delivery';
import { encryptResource, rfc3339, signedHeaders, type Signer } from './crypto';
import type { WxEvent } from './engine';
import type { WxFault, WxFaultRegistry } from './faults';
import { refundNoticeJson, sortedJson, transactionJson } from './views';

/** Delays (emulated ms) before attempts 2…16. */
export const WECHAT_NOTIFY_RETRY_DELAYS_MS: readonly number[] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map(
  (s) => s * 1000,
);

/** One delivery attempt as `GET {control}/wechat/notifications` lists it. */
export interface WxNotificationAttempt extends AttemptOutcome {
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
}

interface Notice {
  id: string;
  eventType: string;
  outTradeNo: string;
  outRefundNo: string | null;
  url: string;
  body: string;
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

/** Builds, encrypts and signs notifications; the shared delivery delivers, retries and records them. */
export class WxNotifier {
  private readonly delivery: NoticeDelivery<Notice, WxNotificationAttempt, WxFault>;

  constructor(private readonly opts: WxNotifierOptions) {
    this.delivery = new NoticeDelivery({
      clock: opts.clock,
      faults: opts.faults,
      retryDelaysMs: WECHAT_NOTIFY_RETRY_DELAYS_MS,
      timeoutMs: opts.timeoutMs,
      log: opts.log,
      logPrefix: 'wechat notify',
      noticeId: (n) => n.id,
      url: (n) => n.url,
      record: (n, attempt, id, at) => ({
        id,
        notifyId: n.id,
        eventType: n.eventType,
        outTradeNo: n.outTradeNo,
        outRefundNo: n.outRefundNo,
        url: n.url,
        attempt,
        at,
        body: n.body,
        status: null,
        responseBody: null,
        accepted: false,
      }),
      request: (n) => {
        // Each attempt is signed afresh (its own timestamp and nonce).
        const headers = signedHeaders(n.body, this.opts.signer(), Math.floor(Date.now() / 1000));
        return {
          body: n.body,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(n.body), 'user-agent': 'Mozilla/4.0', accept: '*/*' },
        };
      },
      accepted: (status) => status === 200 || status === 204,
      responseLimit: { chars: 65_536 },
    });
  }

  list(): WxNotificationAttempt[] {
    return this.delivery.records().map((a) => ({ ...a }));
  }

  handle(event: WxEvent): void {
    if (this.delivery.closed) return;
    const url = event.type === 'paid' ? event.trade.notifyUrl : event.refund.notifyUrl;
    if (!url) return;
    const eventType = event.type === 'paid' ? 'TRANSACTION.SUCCESS' : `REFUND.${event.refund.status}`;
    const plain = event.type === 'paid' ? transactionJson(event.trade) : refundNoticeJson(event.trade, event.refund);
    const originalType = event.type === 'paid' ? 'transaction' : 'refund';
    const now = this.opts.clock.now();
    const resource = { ...encryptResource(sortedJson(plain), this.opts.apiV3Key(), originalType), original_type: originalType };
    const id = randomUUID();
    const body = JSON.stringify({
      id,
      create_time: rfc3339(now),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: SUMMARY[eventType] ?? eventType,
      resource,
    });
    this.delivery.submit({
      id,
      eventType,
      outTradeNo: event.trade.outTradeNo,
      outRefundNo: event.type === 'refund' ? event.refund.outRefundNo : null,
      url,
      body,
    });
  }

  reset(): void {
    this.delivery.reset();
  }

  close(): void {
    this.delivery.close();
  }
}
