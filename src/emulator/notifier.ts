/**
 * Async notifications (异步通知) exactly per protocols.md D: POST form-urlencoded to notify_url, signed
 * without `sign`/`sign_type`, no empty values, `fund_bill_list` as a camelCase JSON string, `gmt_refund`
 * with milliseconds; retried at 4m, 10m, 10m, 1h, 2h, 6h, 15h (emulated) until the body is exactly
 * `success`. Notification faults (drop / duplicate / reorder) are applied here.
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { formatAlipayTime, formatAlipayTimeMillis, type ClockTimer, type ScaledClock } from './clock';
import type { FaultRegistry } from './faults';
import { signNotifyParams } from './signing';
import type { TradeEvent } from './trades';
import type { AppRecord, TradeRecord } from './types';
import { formatFen } from '../shared/money';

/** Delays (emulated ms) before attempts 2…8 (protocols.md D). */
export const NOTIFY_RETRY_DELAYS_MS: readonly number[] = [4, 10, 10, 60, 120, 360, 900].map((m) => m * 60_000);

/** One delivery attempt as listed by `GET {control}/notifications`. */
export interface NotificationAttempt {
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
  /** HTTP status of the merchant's answer; null when the request failed. */
  status: number | null;
  responseBody: string | null;
  /** true when the merchant answered exactly `success`. */
  accepted: boolean;
  /** transport error (timeout, refused) when status is null. */
  error?: string;
}

interface Notice {
  notifyId: string;
  appId: string;
  outTradeNo: string;
  url: string;
  params: Record<string, string>;
  attempts: number;
  copies: number;
}

/** Notifier settings. */
export interface NotifierOptions {
  clock: ScaledClock;
  faults: FaultRegistry;
  alipayPrivateKey: KeyObject;
  app: (appId: string) => AppRecord | undefined;
  /** real ms before a delivery request is abandoned (counts as a failure). */
  timeoutMs: number;
  /** send a TRADE_CLOSED notice on a full refund (protocols.md D: some report none). */
  notifyOnFullRefund: boolean;
  log: (msg: string) => void;
}

/** Builds, signs, delivers and retries notifications; records every attempt. */
export class Notifier {
  private readonly attempts: NotificationAttempt[] = [];
  private readonly timers = new Set<ClockTimer>();
  private readonly inflight = new Set<http.ClientRequest>();
  private held: Notice[] = [];
  private seq = 1;
  private closed = false;
  /** Bumped by reset(): deliveries of an older generation stop retrying. */
  private generation = 0;

  constructor(private readonly opts: NotifierOptions) {}

  /** Every delivery attempt so far. */
  list(): NotificationAttempt[] {
    return this.attempts.map((a) => ({ ...a, params: { ...a.params } }));
  }

  /** Handle a trade event: build the notice and deliver it (subject to notify faults). */
  handle(event: TradeEvent): void {
    if (this.closed) return;
    const trade = event.trade;
    if (!trade.notifyUrl) return;
    if (event.type === 'refund' && event.full && !this.opts.notifyOnFullRefund) return;
    const app = this.opts.app(trade.appId);
    if (!app) return;
    const notifyId = randomBytes(16).toString('hex');
    const notice: Notice = {
      notifyId,
      appId: trade.appId,
      outTradeNo: trade.outTradeNo,
      url: trade.notifyUrl,
      params: this.buildParams(event, app, notifyId),
      attempts: 0,
      copies: 1,
    };
    const fault = this.opts.faults.peekNotifyFault();
    if (fault?.kind === 'notify-drop') {
      this.opts.faults.consume(fault);
      this.opts.log(`notify ${notice.notifyId} dropped (fault)`);
      return;
    }
    if (fault?.kind === 'notify-duplicate') {
      this.opts.faults.consume(fault);
      notice.copies = 3;
    }
    if (fault?.kind === 'notify-reorder') {
      this.held.push(notice);
      if (this.held.length >= fault.count) {
        // A reorder fault is one batch of `count` notices: done once released.
        this.opts.faults.remove(fault);
        const batch = this.held.reverse();
        this.held = [];
        // One after the other, so the merchant really sees them in reverse order.
        void batch.reduce<Promise<void>>((prev, n) => prev.then(() => this.deliver(n)), Promise.resolve());
      }
      return;
    }
    void this.deliver(notice);
  }

  /** Forget recorded attempts, held notices and pending retries. */
  reset(): void {
    for (const t of this.timers) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    this.attempts.length = 0;
    this.held = [];
    this.generation += 1;
  }

  /** Stop retries and abort in-flight deliveries. */
  close(): void {
    this.closed = true;
    this.reset();
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
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
      // camelCase keys inside the JSON string (protocols.md D).
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

  private async deliver(notice: Notice): Promise<void> {
    if (this.closed) return;
    notice.attempts += 1;
    const attemptNo = notice.attempts;
    const generation = this.generation;
    const results = await Promise.all(
      Array.from({ length: attemptNo === 1 ? notice.copies : 1 }, () => this.post(notice, attemptNo)),
    );
    if (this.closed || generation !== this.generation || results.some(Boolean)) return;
    const delay = NOTIFY_RETRY_DELAYS_MS[attemptNo - 1];
    if (delay === undefined) {
      this.opts.log(`notify ${notice.notifyId} given up after ${attemptNo} attempts`);
      return;
    }
    const timer = this.opts.clock.setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(notice);
    }, delay);
    this.timers.add(timer);
  }

  private post(notice: Notice, attemptNo: number): Promise<boolean> {
    const record: NotificationAttempt = {
      id: this.seq++,
      notifyId: notice.notifyId,
      appId: notice.appId,
      outTradeNo: notice.outTradeNo,
      url: notice.url,
      attempt: attemptNo,
      at: this.opts.clock.now(),
      params: notice.params,
      status: null,
      responseBody: null,
      accepted: false,
    };
    this.attempts.push(record);
    const body = new URLSearchParams(notice.params).toString();
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
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, {
        method: 'POST',
        agent: false,
        timeout: this.opts.timeoutMs,
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Mozilla/4.0',
        },
      });
      this.inflight.add(req);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 65_536) chunks.push(c);
        });
        res.on('end', () => {
          this.inflight.delete(req);
          record.status = res.statusCode ?? null;
          record.responseBody = Buffer.concat(chunks).toString('utf8');
          // Only the exact body `success` stops the retries (protocols.md D).
          record.accepted = res.statusCode === 200 && record.responseBody === 'success';
          finish();
        });
        res.on('error', (e) => finish(e.message));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.opts.timeoutMs} ms`)));
      req.on('error', (e) => {
        this.inflight.delete(req);
        finish(e.message);
      });
      req.end(body);
    });
  }
}
