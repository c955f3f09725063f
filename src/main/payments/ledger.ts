import type { OrderRow, RefundRow, Store } from '../store';
import type { Clock, EventSource, Logger, Order, Refund, TradeFacts } from './api';
import type { EventStream } from './events';

/** Messages of an order paid after PayDesk had cancelled / closed it (the provider wins): loud, refund offered. */
export const PAID_AFTER_CANCEL =
  '⚠ 已取消的订单收到了付款（以支付机构为准）：请与顾客核对，不需要的请退款 / Paid AFTER it was cancelled (the payment provider is the source of truth): check with the customer and refund it if the sale is off';
export const PAID_AFTER_CLOSE =
  '⚠ 已关闭的订单收到了付款（以支付机构为准）：请与顾客核对，不需要的请退款 / Paid AFTER it was closed (the payment provider is the source of truth): check with the customer and refund it if the sale is off';

/**
 * Which late payment an order's message marks (null: an ordinary order). Matched on the Chinese opening,
 * which older databases share: their messages named the one provider PayDesk had then.
 */
export function latePaymentOf(message: string | null): 'after_cancel' | 'after_close' | null {
  if (message === null) return null;
  if (message === PAID_AFTER_CANCEL || message.startsWith(LATE_CANCEL_OPENING)) return 'after_cancel';
  if (message === PAID_AFTER_CLOSE || message.startsWith(LATE_CLOSE_OPENING)) return 'after_close';
  return null;
}

const LATE_CANCEL_OPENING = '⚠ 已取消的订单收到了付款（以';
const LATE_CLOSE_OPENING = '⚠ 已关闭的订单收到了付款（以';

/**
 * The single place where order and refund states change; the provider is the source of truth
 * (docs/architecture.md).
 * Every method runs one synchronous SQLite transaction that re-reads the row, applies only monotonic
 * transitions, appends the audit event, and returns whether anything changed; events are emitted
 * after the commit. Applying the same fact twice (8 notify retries, poll + notify) changes nothing.
 */
export class Ledger {
  constructor(
    private readonly store: Store,
    readonly clock: Clock,
    private readonly stream: EventStream,
    private readonly logger: Logger,
    /** Whether the core may touch an order (its provider is hosted, same environment and account); others are foreign. */
    private readonly owns: ((row: OrderRow) => boolean) | null = null,
  ) {}

  toOrder(row: OrderRow): Order {
    return {
      id: row.id,
      method: row.method,
      status: row.status,
      amountFen: row.amountFen,
      refundedFen: row.refundedFen,
      subject: row.subject,
      qrCode: row.qrCode,
      payUrl: row.payUrl,
      tradeNo: row.tradeNo,
      buyerLogonId: row.buyerLogonId,
      notifyUrl: row.notifyUrl,
      createdAt: row.createdAt,
      paidAt: row.paidAt,
      expiresAt: row.expiresAt,
      closedAt: row.closedAt,
      userPaying: row.userPaying,
      message: row.message,
      latePayment: latePaymentOf(row.message),
      refunds: this.store.refunds.byOrder(row.id).map(toRefund),
      environment: row.environment,
      appId: row.appId,
      provider: row.provider,
      foreign: this.owns === null || !this.owns(row),
      pairedWith: row.pairedWith,
    };
  }

  getOrder(id: string): Order | null {
    const row = this.store.orders.get(id);
    return row ? this.toOrder(row) : null;
  }

  /** Run a transaction; emit order.updated / refund.updated for what it reports as changed. */
  run<T>(fn: (changed: Changes) => T): T {
    const changes = new Changes();
    const result = this.store.tx(() => fn(changes));
    this.publish(changes);
    return result;
  }

  publish(changes: Changes): void {
    for (const id of changes.refunds) {
      const r = this.store.refunds.get(id);
      if (r) this.stream.emit('refund.updated', toRefund(r));
    }
    for (const id of changes.orders) {
      const o = this.getOrder(id);
      if (o) this.stream.emit('order.updated', o);
    }
  }

  /** Inside a transaction: the provider says the trade is paid. */
  paidTx(ch: Changes, orderId: string, facts: TradeFacts, source: EventSource): boolean {
    const o = this.store.orders.get(orderId);
    if (!o) return false;
    const now = this.clock.now();
    if (o.status === 'PAID' || o.status === 'PARTIALLY_REFUNDED' || o.status === 'REFUNDED') {
      // Already known. Fill in a trade number we did not have yet (e.g. a 付款码 answer without it), nothing else.
      if (!o.tradeNo && facts.tradeNo) this.store.orders.update(orderId, { tradeNo: facts.tradeNo, updatedAt: now });
      return false;
    }
    // AWAITING_PAYMENT → PAID is the normal case. CLOSED/FAILED → PAID happens only when PayDesk gave up
    // locally (e.g. close answered "no such trade" before a scan) and the buyer paid anyway: the money
    // moved, so the provider wins and the order becomes refundable.
    const late = o.status !== 'AWAITING_PAYMENT';
    // Cancelled by the cashier (or a 付款码 cancel) → paid_after_cancel; expired / closed → paid_after_close.
    const afterCancel = late && this.store.events.byOrder(orderId).some((e) => e.kind === 'cancelled');
    if (late) this.logger.warn('order paid after local close', { orderId, was: o.status, source, afterCancel });
    this.store.orders.update(orderId, {
      status: 'PAID',
      paidAt: facts.paidAt ?? now,
      tradeNo: facts.tradeNo ?? o.tradeNo,
      buyerLogonId: facts.buyerLogonId ?? o.buyerLogonId,
      userPaying: false,
      closedAt: null,
      message: late ? (afterCancel ? PAID_AFTER_CANCEL : PAID_AFTER_CLOSE) : null,
      updatedAt: now,
    });
    this.store.events.append(
      orderId,
      source,
      late ? (afterCancel ? 'paid_after_cancel' : 'paid_after_close') : 'paid',
      {
        from: o.status,
        tradeNo: facts.tradeNo,
        buyerLogonId: facts.buyerLogonId,
        totalFen: facts.totalFen,
      },
      now,
    );
    ch.orders.add(orderId);
    return true;
  }

  /** Inside a transaction: AWAITING_PAYMENT → CLOSED (expired, cancelled, declined). */
  closedTx(ch: Changes, orderId: string, source: EventSource, kind: string, message: string, extra: Record<string, unknown> = {}): boolean {
    const o = this.store.orders.get(orderId);
    if (!o || o.status !== 'AWAITING_PAYMENT') return false;
    const now = this.clock.now();
    this.store.orders.update(orderId, { status: 'CLOSED', closedAt: now, userPaying: false, message, updatedAt: now });
    this.store.events.append(orderId, source, kind, { message, ...extra }, now);
    ch.orders.add(orderId);
    return true;
  }

  /** Inside a transaction: AWAITING_PAYMENT → FAILED (the create call was refused). */
  failedTx(ch: Changes, orderId: string, source: EventSource, message: string, extra: Record<string, unknown> = {}): boolean {
    const o = this.store.orders.get(orderId);
    if (!o || o.status !== 'AWAITING_PAYMENT') return false;
    const now = this.clock.now();
    this.store.orders.update(orderId, { status: 'FAILED', closedAt: now, userPaying: false, message, updatedAt: now });
    this.store.events.append(orderId, source, 'failed', { message, ...extra }, now);
    ch.orders.add(orderId);
    return true;
  }

  /**
   * Inside a transaction: the provider confirmed refund `refundId` moved money. Recomputes the order's
   * refunded amount from SUCCESS rows (never incrementally, so applying twice is harmless).
   */
  refundSucceededTx(ch: Changes, refundId: string, source: EventSource): boolean {
    const r = this.store.refunds.get(refundId);
    if (!r || r.status === 'SUCCESS') return false;
    const now = this.clock.now();
    // FAILED → SUCCESS only if the provider says so later: the provider wins.
    this.store.refunds.setStatus(refundId, 'SUCCESS', now, null);
    ch.refunds.add(refundId);
    this.store.events.append(r.orderId, source, 'refund_succeeded', { refundId, amountFen: r.amountFen, was: r.status }, now);
    this.recomputeRefundedTx(ch, r.orderId, source);
    return true;
  }

  /** Inside a transaction: set the refund's status (PENDING/UNKNOWN/FAILED) with a reason. */
  refundStatusTx(ch: Changes, refundId: string, status: 'UNKNOWN' | 'FAILED', source: EventSource, message: string): boolean {
    const r = this.store.refunds.get(refundId);
    if (!r || r.status === 'SUCCESS' || r.status === 'FAILED') return false;
    if (r.status === status && r.message === message) return false;
    const now = this.clock.now();
    this.store.refunds.setStatus(refundId, status, now, message);
    this.store.events.append(r.orderId, source, status === 'FAILED' ? 'refund_failed' : 'refund_unknown', { refundId, message }, now);
    ch.refunds.add(refundId);
    ch.orders.add(r.orderId);
    return true;
  }

  /** PAID → PARTIALLY_REFUNDED → REFUNDED from the sum of successful refunds. */
  recomputeRefundedTx(ch: Changes, orderId: string, source: EventSource): void {
    const o = this.store.orders.get(orderId);
    if (!o) return;
    const { succeededFen } = this.store.refunds.totals(orderId);
    if (succeededFen === o.refundedFen) return;
    if (succeededFen > o.amountFen) {
      // Cannot happen through refund(); would mean local rows disagree with the provider. Never store it.
      this.logger.error('refunds exceed the order amount', { orderId, succeededFen, amountFen: o.amountFen });
      return;
    }
    const status = succeededFen === o.amountFen ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    const now = this.clock.now();
    this.store.orders.update(orderId, { refundedFen: succeededFen, status, updatedAt: now });
    if (status !== o.status) {
      this.store.events.append(
        orderId,
        source,
        status === 'REFUNDED' ? 'refunded' : 'partially_refunded',
        {
          from: o.status,
          refundedFen: succeededFen,
        },
        now,
      );
    }
    ch.orders.add(orderId);
  }

  /** Record an event that is not a state change (e.g. an unmatched refund notice). */
  noteTx(orderId: string, source: EventSource, kind: string, payload: Record<string, unknown>): void {
    this.store.events.append(orderId, source, kind, payload, this.clock.now());
  }
}

/** What a transaction changed, for emitting after the commit. */
export class Changes {
  readonly orders = new Set<string>();
  readonly refunds = new Set<string>();
  get any(): boolean {
    return this.orders.size > 0 || this.refunds.size > 0;
  }
}

/** Refund row → public Refund. */
export function toRefund(r: RefundRow): Refund {
  return {
    id: r.id,
    orderId: r.orderId,
    amountFen: r.amountFen,
    reason: r.reason,
    status: r.status,
    createdAt: r.createdAt,
    settledAt: r.settledAt,
    message: r.message,
  };
}
