import type { EventSource } from './api';
import type { Context } from './context';
import { sleep } from './clock';
import { applyTradeFactsTx } from './reconcile';

/** How a close/cancel attempt ended. `open` = still AWAITING_PAYMENT (outcome unknown, retry later). */
export type CloseOutcome = 'closed' | 'paid' | 'open';

interface CloseReason {
  source: EventSource;
  kind: string;
  message: string;
}

/** Ask the provider what it knows and apply it. Returns the order's status afterwards. */
export async function queryAndApply(ctx: Context, orderId: string, source: EventSource): Promise<CloseOutcome> {
  const q = await ctx.provider.query(orderId);
  if (q.kind === 'ok') {
    ctx.ledger.run((ch) => applyTradeFactsTx(ctx.store, ctx.ledger, ch, orderId, q.value, null, source));
  }
  return outcomeOf(ctx, orderId);
}

function outcomeOf(ctx: Context, orderId: string): CloseOutcome {
  const s = ctx.store.orders.get(orderId)?.status;
  if (s === 'AWAITING_PAYMENT') return 'open';
  if (s === 'CLOSED' || s === 'FAILED') return 'closed';
  return 'paid';
}

/**
 * Close a waiting QR / pay-link order with alipay.trade.close (protocols.md C).
 * - success → CLOSED;
 * - ACQ.TRADE_NOT_EXIST: the buyer never scanned, Alipay has no trade → CLOSED locally;
 * - any other refusal (typically ACQ.TRADE_STATUS_ERROR: it was paid meanwhile) → query, and the
 *   provider's answer wins (PAID);
 * - unknown → the order stays AWAITING_PAYMENT; the tracker retries.
 */
export async function closeTrade(ctx: Context, orderId: string, why: CloseReason): Promise<CloseOutcome> {
  const r = await ctx.provider.close(orderId);
  if (r.kind === 'ok' || (r.kind === 'business' && r.subCode === 'ACQ.TRADE_NOT_EXIST')) {
    const local = r.kind !== 'ok';
    ctx.ledger.run((ch) => ctx.ledger.closedTx(ch, orderId, why.source, why.kind, why.message, { local }));
    return outcomeOf(ctx, orderId);
  }
  if (r.kind === 'business') {
    ctx.logger.info('close refused, querying', { orderId, subCode: r.subCode });
    return queryAndApply(ctx, orderId, why.source);
  }
  ctx.logger.warn('close outcome unknown', { orderId, reason: r.reason });
  return 'open';
}

/**
 * Cancel (撤销) a 付款码 trade with alipay.trade.cancel: closes it if unpaid, refunds the buyer if it was
 * paid meanwhile (action=refund) — either way the sale did not happen, so the order is CLOSED.
 * `retry_flag=Y` or an unknown outcome → retry a few times, then leave it to the tracker.
 */
export async function cancelTrade(ctx: Context, orderId: string, why: CloseReason): Promise<CloseOutcome> {
  for (let attempt = 0; attempt < 3 && !ctx.isClosed(); attempt++) {
    if (attempt > 0) await sleep(ctx.clock, ctx.settings.barcodePollMs);
    if (outcomeOf(ctx, orderId) !== 'open') return outcomeOf(ctx, orderId);
    const r = await ctx.provider.cancel(orderId);
    if (r.kind === 'ok' && !r.value.retry) {
      ctx.ledger.run((ch) =>
        ctx.ledger.closedTx(ch, orderId, why.source, why.kind, why.message, { action: r.value.action }),
      );
      return outcomeOf(ctx, orderId);
    }
    if (r.kind === 'business') {
      if (r.subCode === 'ACQ.TRADE_NOT_EXIST') {
        ctx.ledger.run((ch) => ctx.ledger.closedTx(ch, orderId, why.source, why.kind, why.message, { local: true }));
        return outcomeOf(ctx, orderId);
      }
      ctx.logger.info('cancel refused, querying', { orderId, subCode: r.subCode });
      const after = await queryAndApply(ctx, orderId, why.source);
      if (after !== 'open') return after;
    }
  }
  return outcomeOf(ctx, orderId);
}
