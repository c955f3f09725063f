import type { TradeFacts } from '../providers/provider';
import type { Store } from '../store';
import type { EventSource } from './api';
import type { Changes, Ledger } from './ledger';

export const CLOSED_BY_PROVIDER = '交易已关闭（未支付）/ Trade closed by Alipay (not paid)';

/** Refund information carried by a notification (protocols.md D). */
export interface RefundNotice {
  outRequestNo: string | null;
  /** Cumulative refunded amount of the trade (refund_fee), fen. */
  cumulativeFen: number;
}

/**
 * Inside a transaction: apply what the provider says about a trade (from a notification, a poll or the
 * sweep). Idempotent and order-insensitive: a refund notice arriving before the payment notice first
 * marks the order paid (a refund implies a payment), and the later payment notice changes nothing.
 * Returns whether anything changed.
 */
export function applyTradeFactsTx(
  store: Store,
  ledger: Ledger,
  ch: Changes,
  orderId: string,
  facts: TradeFacts,
  refund: RefundNotice | null,
  source: EventSource,
): boolean {
  let changed = false;
  const paid = facts.status === 'TRADE_SUCCESS' || facts.status === 'TRADE_FINISHED';
  if (paid || (facts.status === 'TRADE_CLOSED' && refund)) {
    // Only TRADE_SUCCESS/TRADE_FINISHED mean paid (protocols.md D); TRADE_CLOSED with refund fields is a
    // full refund of a paid trade.
    changed = ledger.paidTx(ch, orderId, facts, source) || changed;
  } else if (facts.status === 'TRADE_CLOSED') {
    changed = ledger.closedTx(ch, orderId, source, 'closed_by_provider', CLOSED_BY_PROVIDER) || changed;
  }
  if (refund) changed = applyRefundNoticeTx(store, ledger, ch, orderId, refund, source) || changed;
  return changed;
}

function applyRefundNoticeTx(
  store: Store,
  ledger: Ledger,
  ch: Changes,
  orderId: string,
  refund: RefundNotice,
  source: EventSource,
): boolean {
  const own = refund.outRequestNo ? store.refunds.get(refund.outRequestNo) : null;
  if (own && own.orderId === orderId) return ledger.refundSucceededTx(ch, own.id, source);

  const order = store.orders.get(orderId);
  if (!order) return false;
  const totals = store.refunds.totals(orderId);
  if (refund.cumulativeFen <= totals.succeededFen) return false; // nothing new
  if (totals.inflightFen > 0 || refund.cumulativeFen > order.amountFen) {
    // A notice we cannot attribute while our own refund is still unresolved: its resolution by query
    // will settle the amounts; never guess which refund this is.
    ledger.noteTx(orderId, source, 'refund_notice_unmatched', {
      outRequestNo: refund.outRequestNo,
      cumulativeFen: refund.cumulativeFen,
    });
    return false;
  }
  // A refund made outside PayDesk (e.g. the Alipay merchant portal): record it so the amounts agree
  // with the provider (principle 1).
  const diff = refund.cumulativeFen - totals.succeededFen;
  let id = refund.outRequestNo ?? `EXT-${orderId}-${refund.cumulativeFen}`;
  if (store.refunds.get(id)) id = `EXT-${orderId}-${refund.cumulativeFen}`;
  if (store.refunds.get(id)) return false;
  const now = ledger.clock.now();
  store.refunds.insert({
    id,
    orderId,
    amountFen: diff,
    reason: '外部退款 / Refund made outside PayDesk',
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
    settledAt: null,
    attempts: 0,
    message: null,
  });
  ledger.noteTx(orderId, source, 'refund_external', { refundId: id, amountFen: diff });
  return ledger.refundSucceededTx(ch, id, source);
}
