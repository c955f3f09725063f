/**
 * The trade store and state machine of the emulated Alipay (trade_status as 统一收单交易查询 defines it):
 * (unscanned QR) → WAIT_BUYER_PAY → TRADE_SUCCESS → TRADE_CLOSED (fully refunded), or
 * WAIT_BUYER_PAY → TRADE_CLOSED (expired, declined, closed, cancelled), or
 * (unscanned QR) → voided by alipay.trade.cancel: TRADE_CLOSED, still invisible, never payable (docs/emulator.md).
 * Every transition that Alipay notifies about is handed to `onEvent` (the notifier).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { beijingDate, type ClockTimer, type ScaledClock } from './clock';
import { CONFIRM_DELAY_MS } from './test-codes';
import type { Buyer, RefundRecord, TradeRecord } from './types';

/** A change Alipay sends an async notification about (Alipay's 异步通知说明). */
export type TradeEvent =
  | { type: 'paid'; trade: TradeRecord }
  | { type: 'closed'; trade: TradeRecord }
  | { type: 'finished'; trade: TradeRecord }
  | { type: 'refund'; trade: TradeRecord; refund: RefundRecord; full: boolean };

/** Why a customer/merchant action could not be applied. */
export type TradeRefusal = 'expired' | 'closed' | 'paid' | 'not-scanned';

/** Result of a transition. */
export type TransitionResult = { ok: true; trade: TradeRecord } | { ok: false; reason: TradeRefusal };

/** Parse `timeout_express` (`1m`…`15d`, units m/h/d, plus `1c` = end of today) into emulated ms. */
export function parseTimeoutExpress(value: string, now: number): number | null {
  const m = /^([1-9][0-9]*)([mhdc])$/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2];
  let ms: number;
  if (unit === 'c') {
    if (n !== 1) return null;
    const tomorrow = Date.parse(`${beijingDate(now)}T00:00:00Z`) - 8 * 3600_000 + 86_400_000;
    ms = tomorrow - now;
  } else {
    ms = n * (unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000);
  }
  return ms >= 60_000 && ms <= 15 * 86_400_000 ? ms : null;
}

function key(appId: string, outTradeNo: string): string {
  return `${appId}\u0000${outTradeNo}`;
}

/** New trade fields supplied by the APIs. */
export type NewTrade = Omit<TradeRecord, 'tradeNo' | 'token' | 'status' | 'expired' | 'createdAt' | 'expiresAt' | 'refunds' | 'refundFen'> & {
  timeoutMs: number;
};

/** In-memory trade store with timers on the scaled clock. */
export class TradeEngine {
  private readonly trades = new Map<string, TradeRecord>();
  private readonly timers = new Map<string, ClockTimer[]>();

  constructor(
    private readonly clock: ScaledClock,
    private readonly onEvent: (event: TradeEvent) => void,
    private readonly onChange: () => void,
  ) {}

  /** Every trade, oldest first. */
  list(): TradeRecord[] {
    return [...this.trades.values()];
  }

  /** A trade by merchant number (whatever its visibility). */
  get(appId: string, outTradeNo: string): TradeRecord | undefined {
    return this.trades.get(key(appId, outTradeNo));
  }

  /** Look a trade up the way the gateway does: by out_trade_no or trade_no, for one app. */
  lookup(appId: string, outTradeNo?: string, tradeNo?: string): TradeRecord | undefined {
    if (outTradeNo) {
      const t = this.get(appId, outTradeNo);
      return t && (!tradeNo || t.tradeNo === tradeNo) ? t : undefined;
    }
    if (tradeNo) return this.list().find((t) => t.appId === appId && t.tradeNo === tradeNo);
    return undefined;
  }

  /** True when the merchant can see the trade (scanned and not silently expired). */
  exists(trade: TradeRecord | undefined): trade is TradeRecord {
    return trade !== undefined && trade.scanned && !trade.expired;
  }

  /** A trade by customer-page token. */
  byToken(token: string): TradeRecord | undefined {
    return this.list().find((t) => t.token === token);
  }

  /** Create (or replace an unscanned) trade. */
  create(input: NewTrade): TradeRecord {
    const now = this.clock.now();
    const { timeoutMs, ...rest } = input;
    const previous = this.get(input.appId, input.outTradeNo);
    if (previous) this.clearTimers(previous);
    const trade: TradeRecord = {
      ...rest,
      tradeNo: `${beijingDate(now).replace(/-/g, '')}22001${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e6)).padStart(6, '0')}`,
      token: randomBytes(12).toString('base64url'),
      status: 'WAIT_BUYER_PAY',
      expired: false,
      createdAt: now,
      expiresAt: now + timeoutMs,
      refunds: [],
      refundFen: 0,
    };
    if (trade.scanned) trade.scannedAt = now;
    this.trades.set(key(trade.appId, trade.outTradeNo), trade);
    this.schedule(trade);
    this.onChange();
    return trade;
  }

  /** Put back trades loaded from the state file and re-arm their timers. */
  restore(trades: TradeRecord[]): void {
    for (const t of trades) {
      this.trades.set(key(t.appId, t.outTradeNo), t);
      this.schedule(t);
    }
  }

  /** Forget every trade and timer. */
  reset(): void {
    for (const t of this.trades.values()) this.clearTimers(t);
    this.trades.clear();
    this.onChange();
  }

  /** Expire the trade now if its deadline passed (timers may lag behind clock.advance). */
  touch(trade: TradeRecord): TradeRecord {
    if (trade.status === 'WAIT_BUYER_PAY' && !trade.expired && this.clock.now() >= trade.expiresAt) {
      this.expire(trade);
    }
    return trade;
  }

  /** The buyer scans the QR / opens the cashier: the trade now exists (WAIT_BUYER_PAY). */
  scan(trade: TradeRecord, buyer?: Buyer): TransitionResult {
    this.touch(trade);
    if (trade.expired) return { ok: false, reason: 'expired' };
    if (trade.status === 'TRADE_CLOSED') return { ok: false, reason: 'closed' };
    if (!trade.scanned) {
      trade.scanned = true;
      trade.scannedAt = this.clock.now();
      if (buyer) trade.buyer = buyer;
      this.onChange();
    }
    return { ok: true, trade };
  }

  /** The buyer pays (implies scan) → TRADE_SUCCESS + notification. */
  pay(trade: TradeRecord, buyer: Buyer): TransitionResult {
    const scanned = this.scan(trade, buyer);
    if (!scanned.ok) return scanned;
    if (trade.status !== 'WAIT_BUYER_PAY') return { ok: false, reason: 'paid' };
    this.clearTimers(trade);
    trade.status = 'TRADE_SUCCESS';
    trade.buyer = trade.buyer ?? buyer;
    trade.paidAt = this.clock.now();
    this.onChange();
    this.onEvent({ type: 'paid', trade });
    return { ok: true, trade };
  }

  /** The buyer declines / payment fails, or the merchant closes: WAIT_BUYER_PAY → TRADE_CLOSED. */
  close(trade: TradeRecord, buyer?: Buyer): TransitionResult {
    const scanned = this.scan(trade, buyer);
    if (!scanned.ok) return scanned;
    if (trade.status !== 'WAIT_BUYER_PAY') return { ok: false, reason: 'paid' };
    this.clearTimers(trade);
    trade.status = 'TRADE_CLOSED';
    trade.closedAt = this.clock.now();
    this.onChange();
    this.onEvent({ type: 'closed', trade });
    return { ok: true, trade };
  }

  /**
   * alipay.trade.cancel of a QR nobody scanned yet: the number is voided. It stays invisible to the
   * merchant (query/close: ACQ.TRADE_NOT_EXIST), no notification is sent, and a later scan is refused.
   */
  voidUnscanned(trade: TradeRecord): void {
    if (trade.scanned || trade.status !== 'WAIT_BUYER_PAY') return;
    this.clearTimers(trade);
    trade.status = 'TRADE_CLOSED';
    trade.cancelled = 'close';
    trade.closedAt = this.clock.now();
    this.onChange();
  }

  /** The refund period is over: TRADE_SUCCESS → TRADE_FINISHED (no more refunds) + notification. */
  finish(trade: TradeRecord): TransitionResult {
    if (trade.status !== 'TRADE_SUCCESS') return { ok: false, reason: trade.status === 'TRADE_CLOSED' ? 'closed' : 'not-scanned' };
    trade.status = 'TRADE_FINISHED';
    this.onChange();
    this.onEvent({ type: 'finished', trade });
    return { ok: true, trade };
  }

  /**
   * Record a refund (the API validated it); fully refunded → TRADE_CLOSED (统一收单交易查询: closed also means
   * fully refunded).
   */
  refund(trade: TradeRecord, outRequestNo: string, refundFen: number, reason?: string): RefundRecord {
    const refund: RefundRecord = { outRequestNo, refundFen, at: this.clock.now() };
    if (reason) refund.reason = reason;
    trade.refunds.push(refund);
    trade.refundFen += refundFen;
    const full = trade.refundFen >= trade.totalFen;
    if (full) {
      trade.status = 'TRADE_CLOSED';
      trade.closedAt = refund.at;
    }
    this.onChange();
    this.onEvent({ type: 'refund', trade, refund, full });
    return refund;
  }

  /** Ends the confirm phase of a 付款码 trade (also used by cancel). */
  cancelTimers(trade: TradeRecord): void {
    this.clearTimers(trade);
  }

  /** Mark the trade changed (persist). */
  changed(): void {
    this.onChange();
  }

  private expire(trade: TradeRecord): void {
    this.clearTimers(trade);
    if (!trade.scanned) {
      // Never scanned: to the merchant it just never existed (query/close answer ACQ.TRADE_NOT_EXIST).
      trade.expired = true;
      this.onChange();
      return;
    }
    trade.status = 'TRADE_CLOSED';
    trade.closedAt = trade.expiresAt;
    this.onChange();
    this.onEvent({ type: 'closed', trade });
  }

  private schedule(trade: TradeRecord): void {
    if (trade.status !== 'WAIT_BUYER_PAY' || trade.expired) return;
    const list: ClockTimer[] = [];
    const now = this.clock.now();
    list.push(this.clock.setTimeout(() => this.touch(trade), trade.expiresAt - now));
    if (trade.confirm === 'delayed' && !trade.cancelled) {
      const confirmAt = trade.createdAt + CONFIRM_DELAY_MS;
      list.push(
        this.clock.setTimeout(() => {
          if (trade.status === 'WAIT_BUYER_PAY' && trade.buyer) this.pay(trade, trade.buyer);
        }, confirmAt - now),
      );
    }
    this.timers.set(key(trade.appId, trade.outTradeNo), list);
  }

  private clearTimers(trade: TradeRecord): void {
    const k = key(trade.appId, trade.outTradeNo);
    for (const t of this.timers.get(k) ?? []) this.clock.clearTimeout(t);
    this.timers.delete(k);
  }
}
