/**
 * Async notifications (异步通知) exactly per Alipay's 异步通知说明: POST form-urlencoded to notify_url, signed
 * without `sign`/`sign_type`, no empty values, `fund_bill_list` as a camelCase JSON string, `gmt_refund`
 * with milliseconds; retried at 4m, 10m, 10m, 1h, 2h, 6h, 15h (emulated) until the body is exactly
 * `success`. Notification faults (drop / duplicate / reorder) and retries are applied by the shared
 * delivery (delivery.ts).
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { formatAlipayTime, formatAlipayTimeMillis, type ScaledClock } from './clock';
import { NoticeDelivery, type AttemptOutcome } from './delivery';
import type { Fault, FaultRegistry } from './faults';
import { signNotifyParams } from './signing';
import type { TradeEvent } from './trades';
import type { AppRecord, TradeRecord } from './types';
import { formatFen } from '../shared/money';

/** Delays (emulated ms) before attempts 2…8 (Alipay's 异步通知说明). */
export const NOTIFY_RETRY_DELAYS_MS: readonly number[] = [4, 10, 10, 60, 120, 360, 900].map((m) => m * 60_000);

/** One delivery attempt as listed by `GET {control}/notifications` (accepted: the body was exactly `success`). */
export interface NotificationAttempt extends AttemptOutcome {
  id: number;
  notifyId: string;
  appId: string;
  outTradeNo: string;
  url: string;
  /** 1-based attempt number of this notice (duplicates share it). */
  attempt: number;
  /** emulated epoch ms when the attempt started. */
  at: number;
  params: Record<string, string>;
}

interface Notice {
  notifyId: string;
  appId: string;
  outTradeNo: string;
  url: string;
  params: Record<string, string>;
}

/** Notifier settings. */
export interface NotifierOptions {
  clock: ScaledClock;
  faults: FaultRegistry;
  alipayPrivateKey: KeyObject;
  app: (appId: string) => AppRecord | undefined;
  /** real ms before a delivery request is abandoned (counts as a failure). */
  timeoutMs: number;
  /**
   * send a TRADE_CLOSED notice on a full refund (Alipay's 异步通知说明 lists one; some integrators report
   * none).
   */
  notifyOnFullRefund: boolean;
  log: (msg: string) => void;
}

/** Builds and signs notifications; the shared delivery delivers, retries and records them. */
export class Notifier {
  private readonly delivery: NoticeDelivery<Notice, NotificationAttempt, Fault>;

  constructor(private readonly opts: NotifierOptions) {
    this.delivery = new NoticeDelivery({
      clock: opts.clock,
      faults: opts.faults,
      retryDelaysMs: NOTIFY_RETRY_DELAYS_MS,
      timeoutMs: opts.timeoutMs,
      log: opts.log,
      logPrefix: 'notify',
      noticeId: (n) => n.notifyId,
      url: (n) => n.url,
      record: (n, attempt, id, at) => ({
        id,
        notifyId: n.notifyId,
        appId: n.appId,
        outTradeNo: n.outTradeNo,
        url: n.url,
        attempt,
        at,
        params: n.params,
        status: null,
        responseBody: null,
        accepted: false,
      }),
      request: (n) => {
        const body = new URLSearchParams(n.params).toString();
        return {
          body,
          headers: {
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Mozilla/4.0',
          },
        };
      },
      // Only the exact body `success` stops the retries (Alipay's 异步通知说明).
      accepted: (status, body) => status === 200 && body === 'success',
      responseLimit: { bytes: 65_536 },
    });
  }

  /** Every delivery attempt so far. */
  list(): NotificationAttempt[] {
    return this.delivery.records().map((a) => ({ ...a, params: { ...a.params } }));
  }

  /** Handle a trade event: build the notice and deliver it (subject to notify faults). */
  handle(event: TradeEvent): void {
    if (this.delivery.closed) return;
    const trade = event.trade;
    if (!trade.notifyUrl) return;
    if (event.type === 'refund' && event.full && !this.opts.notifyOnFullRefund) return;
    const app = this.opts.app(trade.appId);
    if (!app) return;
    const notifyId = randomBytes(16).toString('hex');
    this.delivery.submit({
      notifyId,
      appId: trade.appId,
      outTradeNo: trade.outTradeNo,
      url: trade.notifyUrl,
      params: this.buildParams(event, app, notifyId),
    });
  }

  /** Forget recorded attempts, held notices and pending retries. */
  reset(): void {
    this.delivery.reset();
  }

  /** Stop retries and abort in-flight deliveries. */
  close(): void {
    this.delivery.close();
  }

  private buildParams(event: TradeEvent, app: AppRecord, notifyId: string): Record<string, string> {
    const t: TradeRecord = event.trade;
    const paid = t.paidAt !== undefined;
    const total = formatFen(t.totalFen);
    const p: Record<string, string | undefined> = {
      notify_time: formatAlipayTime(this.opts.clock.now()),
      notify_type: 'trade_status_sync',
      notify_id: notifyId,
      app_id: t.appId,
      auth_app_id: t.appId,
      charset: 'utf-8',
      version: '1.0',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      buyer_id: t.buyer?.id,
      buyer_logon_id: t.buyer?.logonId,
      seller_id: app.sellerId,
      trade_status: t.status,
      total_amount: total,
      receipt_amount: paid ? total : undefined,
      invoice_amount: paid ? total : undefined,
      buyer_pay_amount: paid ? total : undefined,
      point_amount: paid ? '0.00' : undefined,
      subject: t.subject,
      body: t.body,
      gmt_create: formatAlipayTime(t.createdAt),
      gmt_payment: paid ? formatAlipayTime(t.paidAt as number) : undefined,
      gmt_close: t.status === 'TRADE_CLOSED' && t.closedAt !== undefined ? formatAlipayTime(t.closedAt) : undefined,
      // camelCase keys inside the JSON string, as Alipay sends it.
      fund_bill_list: paid ? JSON.stringify([{ amount: total, fundChannel: 'ALIPAYACCOUNT' }]) : undefined,
      passback_params: t.passbackParams,
    };
    if (event.type === 'refund') {
      p.refund_fee = formatFen(t.refundFen);
      p.gmt_refund = formatAlipayTimeMillis(event.refund.at);
      p.out_biz_no = event.refund.outRequestNo;
    }
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') flat[k] = v;
    return signNotifyParams(flat, this.opts.alipayPrivateKey, t.signType);
  }
}
