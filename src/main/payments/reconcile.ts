import type { Store } from '../store';
import type { EventSource, RefundNotice, TradeFacts } from './api';
import type { Changes, Ledger } from './ledger';

export const CLOSED_BY_PROVIDER = '交易已关闭（未支付）/ Trade closed by the payment provider (not paid)';

/** A refund the provider reports as failed (it will never move money). */
export const REFUND_FAILED_BY_PROVIDER = '支付机构报告退款失败 / The payment provider reports the refund failed';

/** Facts that say the trade was paid (a refund implies a payment). */
function isPaid(facts: TradeFacts): boolean {
  return facts.state === 'PAID' || facts.state === 'REFUNDED';
}

/**
 * Inside a transaction: apply what the provider says about a trade (from a notification, a poll or the
 * sweep). Idempotent and order-insensitive: a refund notice arriving before the payment notice first
 * marks the order paid (a refund implies a payment), and the later payment notice changes nothing.
 * `facts` null = a refund-only notice. Returns whether anything changed.
 */
export function applyTradeFactsTx(
  store: Store,
  ledger: Ledger,
  ch: Changes,
  orderId: string,
  facts: TradeFacts | null,
  refund: RefundNotice | null,
  source: EventSource,
): boolean {
  let changed = false;
  const refunded = refund !== null && refund.state === 'SUCCESS';
  if (facts && (isPaid(facts) || (facts.state === 'CLOSED' && refunded))) {
    // CLOSED with a successful refund is a paid trade refunded in full (some providers report it so).
    changed = ledger.paidTx(ch, orderId, facts, source) || changed;
  } else if (facts?.state === 'CLOSED' && !refund) {
    changed = ledger.closedTx(ch, orderId, source, 'closed_by_provider', CLOSED_BY_PROVIDER) || changed;
  } else if (!facts && refunded) {
    // A refund-only notice: the trade was paid, whatever we knew.
    const paid: TradeFacts = { state: 'PAID', tradeNo: null, totalFen: null, buyerLogonId: null, paidAt: null };
    changed = ledger.paidTx(ch, orderId, paid, source) || changed;
  }
  if (refund) changed = applyRefundNoticeTx(store, ledger, ch, orderId, refund, source) || changed;
  return changed;
}

/**
 * A refund notice. Providers say it differently: with the trade's cumulative refunded amount (e.g.
 * Alipay's refund_fee), with this refund's own amount and a per-refund SUCCESS / FAILED (e.g. WeChat
 * Pay), or both. Our own refund (matched by its number) follows the notice; a refund made outside
 * PayDesk is recorded so the amounts agree with the provider; anything we cannot attribute is noted.
 */
function applyRefundNoticeTx(store: Store, ledger: Ledger, ch: Changes, orderId: string, refund: RefundNotice, source: EventSource): boolean {
  const own = refund.outRequestNo ? store.refunds.get(refund.outRequestNo) : null;
  if (own && own.orderId === orderId) {
    return refund.state === 'SUCCESS'
      ? ledger.refundSucceededTx(ch, own.id, source)
      : ledger.refundStatusTx(ch, own.id, 'FAILED', source, REFUND_FAILED_BY_PROVIDER);
  }
  if (refund.state !== 'SUCCESS') return false; // a failed refund made elsewhere moved nothing

  const order = store.orders.get(orderId);
  if (!order) return false;
  const totals = store.refunds.totals(orderId);
  // The trade's refunded total after this notice, as the provider says it or as this refund adds up.
  let cumulative: number;
  if (refund.cumulativeFen !== null) cumulative = refund.cumulativeFen;
  else if (refund.amountFen !== null && refund.outRequestNo) cumulative = totals.succeededFen + refund.amountFen;
  else cumulative = -1; // neither: nothing to attribute
  if (cumulative >= 0 && cumulative <= totals.succeededFen) return false; // nothing new
  if (cumulative < 0 || totals.inflightFen > 0 || cumulative > order.amountFen) {
    // A notice we cannot attribute while our own refund is still unresolved: its resolution by query
    // will settle the amounts; never guess which refund this is.
    ledger.noteTx(orderId, source, 'refund_notice_unmatched', {
      outRequestNo: refund.outRequestNo,
      cumulativeFen: refund.cumulativeFen,
      ...(refund.amountFen !== null ? { amountFen: refund.amountFen } : {}),
    });
    return false;
  }
  // A refund made outside PayDesk (e.g. in the provider's merchant portal): record it so the amounts
  // agree with the provider.
  const diff = cumulative - totals.succeededFen;
  let id = refund.outRequestNo ?? `EXT-${orderId}-${cumulative}`;
  if (store.refunds.get(id)) id = `EXT-${orderId}-${cumulative}`;
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
