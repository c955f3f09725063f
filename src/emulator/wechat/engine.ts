/**
 * The emulated WeChat Pay ledger: transactions and refunds and their state machines.
 * Models: a Native order exists (NOTPAY) as soon as it is created; after time_expire it can no longer be
 * paid but stays NOTPAY until the merchant closes it (Native下单: 支付结束时间); a buyer who declines in the
 * app leaves it NOTPAY; 付款码 USERPAYING until the buyer enters the password (or never); reverse (撤销)
 * closes an unpaid 付款码 order and refunds a paid one (REVOKED). A USERPAYING order is reversed at once: the
 * v3 撤销 docs list no refusal while the buyer is paying (the 500 SYSTEM_ERROR fault is the documented
 * "call again" answer). Refunds are asynchronous: PROCESSING, then SUCCESS after 1 emulated minute unless
 * settled CLOSED / ABNORMAL first (control API).
 * Not modelled: discounts (promotion_detail), partial payment by several funds, refunds of orders older
 * than a year, the 50-refunds-per-order limit's exact error text.
 */
import { beijingDate, type ClockTimer, type ScaledClock } from '../clock';
import { randomAlnum, randomDigits } from './keys';
import { CONFIRM_DELAY_MS } from './test-codes';
import type { WxBuyer, WxRefund, WxRefundStatus, WxTrade } from './types';

/** Emulated delay before a PROCESSING refund succeeds by itself (查询单笔退款: query about 1 minute later). */
export const REFUND_SETTLE_MS = 60_000;
/** Native default payment window (code_url is valid for 2 hours). */
export const NATIVE_DEFAULT_EXPIRY_MS = 2 * 3600_000;
/** 每个支付订单的部分退款次数不能超过50次 (申请退款). */
export const MAX_REFUNDS_PER_TRADE = 50;

/** What the engine reports to the notifier. */
export type WxEvent = { type: 'paid'; trade: WxTrade } | { type: 'refund'; trade: WxTrade; refund: WxRefund };

/** Why an action was refused. */
export type WxRefusal = 'expired' | 'paid' | 'closed' | 'state';

/** Result of an action. */
export type WxResult = { ok: true } | { ok: false; reason: WxRefusal };

function ymd(ms: number): string {
  return beijingDate(ms).replace(/-/g, '');
}

/** Transactions and refunds of every merchant. */
export class WxEngine {
  private trades: WxTrade[] = [];
  private readonly timers = new Map<string, ClockTimer>();

  constructor(
    private readonly clock: ScaledClock,
    private readonly emit: (e: WxEvent) => void,
    private readonly persist: () => void,
  ) {}

  list(): WxTrade[] {
    return this.trades;
  }

  find(mchid: string, outTradeNo: string): WxTrade | undefined {
    return this.trades.find((t) => t.mchid === mchid && t.outTradeNo === outTradeNo);
  }

  /** By transaction_id: only transactions that reached the buyer's payment have one to show. */
  byTransactionId(mchid: string, id: string): WxTrade | undefined {
    return this.trades.find((t) => t.mchid === mchid && t.transactionId === id && WxEngine.hasTransactionId(t));
  }

  byToken(token: string): WxTrade | undefined {
    return this.trades.find((t) => t.token === token);
  }

  findRefund(mchid: string, outRefundNo: string): { trade: WxTrade; refund: WxRefund } | undefined {
    for (const trade of this.trades) {
      if (trade.mchid !== mchid) continue;
      const refund = trade.refunds.find((r) => r.outRefundNo === outRefundNo);
      if (refund) return { trade, refund };
    }
    return undefined;
  }

  /** Whether query answers show transaction_id (a payment was attempted). */
  static hasTransactionId(t: WxTrade): boolean {
    return t.paidAt !== undefined || t.kind === 'codepay';
  }

  expired(t: WxTrade): boolean {
    return t.kind === 'native' && t.state === 'NOTPAY' && this.clock.now() >= t.expiresAt;
  }

  /** Create a transaction (both kinds); codepay outcomes are applied by the caller. */
  create(input: Omit<WxTrade, 'transactionId' | 'token' | 'createdAt' | 'refunds' | 'state' | 'expiresAt'> & { expiresAt?: number }): WxTrade {
    const now = this.clock.now();
    const trade: WxTrade = {
      ...input,
      transactionId: `4200${randomDigits(6)}${ymd(now)}${randomDigits(10)}`,
      token: randomAlnum(11),
      createdAt: now,
      expiresAt: input.expiresAt ?? now + NATIVE_DEFAULT_EXPIRY_MS,
      state: 'NOTPAY',
      refunds: [],
    };
    this.trades.push(trade);
    this.persist();
    return trade;
  }

  /** The buyer pays (Native scan + password, or a 付款码 confirmation). */
  pay(trade: WxTrade, buyer: WxBuyer): WxResult {
    if (trade.state !== 'NOTPAY' && trade.state !== 'USERPAYING') return { ok: false, reason: this.refusal(trade) };
    if (this.expired(trade)) return { ok: false, reason: 'expired' };
    this.clearTimer(`confirm:${trade.transactionId}`);
    trade.state = 'SUCCESS';
    trade.paidAt = this.clock.now();
    trade.payer = buyer;
    delete trade.confirmAt;
    delete trade.stateDesc;
    this.persist();
    // 付款码 has no payment notification: the merchant learns the outcome by answer or query.
    if (trade.kind === 'native') this.emit({ type: 'paid', trade });
    return { ok: true };
  }

  /** The buyer opened the Native QR (nothing changes for the merchant). */
  scan(trade: WxTrade): WxResult {
    if (trade.state !== 'NOTPAY') return { ok: false, reason: this.refusal(trade) };
    if (this.expired(trade)) return { ok: false, reason: 'expired' };
    trade.scannedAt = this.clock.now();
    this.persist();
    return { ok: true };
  }

  /** The buyer declines: Native stays NOTPAY; a 付款码 waiting for the password fails (PAYERROR). */
  decline(trade: WxTrade, desc = '用户取消支付'): WxResult {
    if (trade.kind === 'codepay') {
      if (trade.state !== 'USERPAYING') return { ok: false, reason: this.refusal(trade) };
      this.clearTimer(`confirm:${trade.transactionId}`);
      delete trade.confirmAt;
      trade.state = 'PAYERROR';
      trade.stateDesc = desc;
      this.persist();
      return { ok: true };
    }
    if (trade.state !== 'NOTPAY') return { ok: false, reason: this.refusal(trade) };
    trade.declinedAt = this.clock.now();
    this.persist();
    return { ok: true };
  }

  /** 付款码: wait for the buyer's password; `delayed` confirms after CONFIRM_DELAY_MS. */
  startUserPaying(trade: WxTrade, buyer: WxBuyer, confirm: 'delayed' | 'never'): void {
    trade.state = 'USERPAYING';
    trade.payer = buyer;
    if (confirm === 'delayed') {
      trade.confirmAt = this.clock.now() + CONFIRM_DELAY_MS;
      this.armConfirm(trade);
    }
    this.persist();
  }

  /** A failed 付款码 payment (PAYERROR with a description). */
  failPayment(trade: WxTrade, desc: string): void {
    trade.state = 'PAYERROR';
    trade.stateDesc = desc;
    this.persist();
  }

  /** 关闭订单: NOTPAY → CLOSED; closing a closed order again is accepted. */
  close(trade: WxTrade): WxResult {
    if (trade.state === 'CLOSED') return { ok: true };
    if (trade.state !== 'NOTPAY' && trade.state !== 'USERPAYING' && trade.state !== 'PAYERROR') return { ok: false, reason: this.refusal(trade) };
    this.clearTimer(`confirm:${trade.transactionId}`);
    delete trade.confirmAt;
    trade.state = 'CLOSED';
    trade.closedAt = this.clock.now();
    this.persist();
    return { ok: true };
  }

  /** 撤销: unpaid → REVOKED (can no longer be paid); paid (no refunds yet) → money back, REVOKED. */
  reverse(trade: WxTrade): WxResult {
    if (trade.state === 'REVOKED') return { ok: true };
    if (trade.state === 'REFUND' || trade.state === 'CLOSED') return { ok: false, reason: this.refusal(trade) };
    this.clearTimer(`confirm:${trade.transactionId}`);
    delete trade.confirmAt;
    trade.state = 'REVOKED';
    trade.stateDesc = trade.paidAt !== undefined ? '已撤销，资金已退回' : '已撤销';
    trade.closedAt = this.clock.now();
    this.persist();
    return { ok: true };
  }

  /** Fen still refundable: total minus refunds not CLOSED. */
  refundable(trade: WxTrade): number {
    return trade.totalFen - trade.refunds.filter((r) => r.status !== 'CLOSED').reduce((s, r) => s + r.refundFen, 0);
  }

  /** Accept a refund (PROCESSING); it settles SUCCESS after REFUND_SETTLE_MS unless settled first. */
  refund(trade: WxTrade, input: Pick<WxRefund, 'outRefundNo' | 'refundFen' | 'reason' | 'notifyUrl' | 'fundsAccount'>): WxRefund {
    const now = this.clock.now();
    const refund: WxRefund = { ...input, refundId: `50${randomDigits(8)}${ymd(now)}${randomDigits(11)}`, status: 'PROCESSING', createdAt: now };
    for (const k of ['reason', 'notifyUrl', 'fundsAccount'] as const) if (refund[k] === undefined) delete refund[k];
    trade.refunds.push(refund);
    trade.state = 'REFUND';
    this.armSettle(trade, refund, now + REFUND_SETTLE_MS);
    this.persist();
    return refund;
  }

  /** Settle a PROCESSING refund. */
  settleRefund(trade: WxTrade, refund: WxRefund, status: Exclude<WxRefundStatus, 'PROCESSING'>): boolean {
    if (refund.status !== 'PROCESSING') return false;
    this.clearTimer(`refund:${refund.refundId}`);
    refund.status = status;
    refund.settledAt = this.clock.now();
    this.persist();
    this.emit({ type: 'refund', trade, refund });
    return true;
  }

  /** Load persisted trades and re-arm pending confirmations and refund settlements. */
  restore(trades: WxTrade[]): void {
    this.trades = trades;
    for (const t of trades) {
      if (t.state === 'USERPAYING' && t.confirmAt !== undefined) this.armConfirm(t);
      for (const r of t.refunds) if (r.status === 'PROCESSING') this.armSettle(t, r, r.createdAt + REFUND_SETTLE_MS);
    }
  }

  /** Forget every trade. */
  reset(): void {
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer);
    this.timers.clear();
    this.trades = [];
    this.persist();
  }

  private refusal(t: WxTrade): WxRefusal {
    if (t.state === 'SUCCESS' || t.state === 'REFUND') return 'paid';
    if (t.state === 'CLOSED' || t.state === 'REVOKED') return 'closed';
    return 'state';
  }

  private armConfirm(trade: WxTrade): void {
    const key = `confirm:${trade.transactionId}`;
    this.clearTimer(key);
    const timer = this.clock.setTimeout(
      () => {
        this.timers.delete(key);
        if (trade.state === 'USERPAYING') this.pay(trade, trade.payer as WxBuyer);
      },
      Math.max(0, (trade.confirmAt ?? 0) - this.clock.now()),
    );
    this.timers.set(key, timer);
  }

  private armSettle(trade: WxTrade, refund: WxRefund, dueAt: number): void {
    const key = `refund:${refund.refundId}`;
    const timer = this.clock.setTimeout(
      () => {
        this.timers.delete(key);
        this.settleRefund(trade, refund, 'SUCCESS');
      },
      Math.max(0, dueAt - this.clock.now()),
    );
    this.timers.set(key, timer);
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t) this.clock.clearTimeout(t);
    this.timers.delete(key);
  }
}
