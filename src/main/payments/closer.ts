import type { EventSource } from './api';
import { providerFor, type Context } from './context';
import { sleep } from '../kernel';
import { applyTradeFactsTx } from './reconcile';

/** How a close/cancel attempt ended. `open` = still AWAITING_PAYMENT (outcome unknown, retry later). */
export type CloseOutcome = 'closed' | 'paid' | 'open';

export interface CloseReason {
  source: EventSource;
  kind: string;
  message: string;
  /** More for the close event's payload (e.g. which order of a 双码 pair was paid). */
  extra?: Record<string, unknown>;
}

/** The adapter of an order this core owns (closer callers only reach owned orders). */
function providerOfOrder(ctx: Context, orderId: string) {
  const row = ctx.store.orders.get(orderId);
  if (!row) throw new Error(`order ${orderId} not found`);
  return providerFor(ctx, row);
}

/** Ask the provider what it knows and apply it. Returns the order's status afterwards. */
export async function queryAndApply(ctx: Context, orderId: string, source: EventSource): Promise<CloseOutcome> {
  const q = await providerOfOrder(ctx, orderId).query(orderId);
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
 * Close a waiting QR / pay-link order at the provider.
 * - success → CLOSED;
 * - NOT_FOUND: the buyer never scanned, the provider has no trade to close — but the QR / link may stay
 *   payable until the trade's own expiry. So PayDesk also cancels, which voids the number (see
 *   voidUnscanned below), and closes locally; the tracker keeps watching the order until the
 *   provider's own expiry has passed (late-watch.ts), because the void is not a documented promise;
 * - any other refusal (typically: it was paid meanwhile) → query, and the provider's answer wins (PAID);
 * - unknown → the order stays AWAITING_PAYMENT; the tracker retries.
 */
export async function closeTrade(ctx: Context, orderId: string, why: CloseReason): Promise<CloseOutcome> {
  const r = await providerOfOrder(ctx, orderId).close(orderId);
  if (r.kind === 'ok') {
    ctx.ledger.run((ch) => ctx.ledger.closedTx(ch, orderId, why.source, why.kind, why.message, { local: false, ...why.extra }));
    return outcomeOf(ctx, orderId);
  }
  if (r.kind === 'business' && r.failure === 'NOT_FOUND') return voidUnscanned(ctx, orderId, why);
  if (r.kind === 'business') {
    ctx.logger.info('close refused, querying', { orderId, failure: r.failure, subCode: r.subCode });
    return queryAndApply(ctx, orderId, why.source);
  }
  ctx.logger.warn('close outcome unknown', { orderId, reason: r.reason });
  return 'open';
}

/**
 * The provider has no trade yet (nobody scanned the QR / opened the link). A cancel by our order
 * number then succeeds without an `action` (e.g. Alipay's trade cancel answers so for a trade it does
 * not know) and, as integrators report and the emulator models, voids the number so a late scan
 * cannot pay. If the buyer scanned in between, cancel closes the trade (action close) or, if it was
 * paid, refunds it (action refund): either way no sale. Whatever cancel answers, the order is CLOSED
 * locally and stays under the tracker's late watch until the provider's expiry has passed.
 */
async function voidUnscanned(ctx: Context, orderId: string, why: CloseReason): Promise<CloseOutcome> {
  const c = await providerOfOrder(ctx, orderId).cancel(orderId);
  const voided = c.kind === 'ok' && !c.value.retry;
  if (!voided) ctx.logger.warn('cancel of an unscanned trade not confirmed; watching it', { orderId, result: c.kind });
  const action = c.kind === 'ok' ? c.value.action : null;
  ctx.ledger.run((ch) =>
    ctx.ledger.closedTx(ch, orderId, why.source, why.kind, why.message, {
      ...why.extra,
      local: action === null,
      voided,
      ...(action ? { action } : {}),
    }),
  );
  return outcomeOf(ctx, orderId);
}

/**
 * Cancel (撤销) a 付款码 trade: closes it if unpaid, refunds the buyer if it was paid meanwhile
 * (action refund) — either way the sale did not happen, so the order is CLOSED. A provider asking to
 * retry, or an unknown outcome → retry a few times, then leave it to the tracker.
 */
export async function cancelTrade(ctx: Context, orderId: string, why: CloseReason): Promise<CloseOutcome> {
  const provider = providerOfOrder(ctx, orderId);
  for (let attempt = 0; attempt < 3 && !ctx.isClosed(); attempt++) {
    if (attempt > 0) await sleep(ctx.clock, ctx.settings.barcodePollMs);
    if (outcomeOf(ctx, orderId) !== 'open') return outcomeOf(ctx, orderId);
    const r = await provider.cancel(orderId);
    if (r.kind === 'ok' && !r.value.retry) {
      ctx.ledger.run((ch) => ctx.ledger.closedTx(ch, orderId, why.source, why.kind, why.message, { action: r.value.action }));
      return outcomeOf(ctx, orderId);
    }
    if (r.kind === 'business') {
      if (r.failure === 'NOT_FOUND') {
        ctx.ledger.run((ch) => ctx.ledger.closedTx(ch, orderId, why.source, why.kind, why.message, { local: true }));
        return outcomeOf(ctx, orderId);
      }
      ctx.logger.info('cancel refused, querying', { orderId, failure: r.failure, subCode: r.subCode });
      const after = await queryAndApply(ctx, orderId, why.source);
      if (after !== 'open') return after;
    }
  }
  return outcomeOf(ctx, orderId);
}
