import type { OrderRow } from '../store';
import type { EventSource } from './api';
import { owns, providerFor, type Context, type Settings } from './context';
import { applyTradeFactsTx } from './reconcile';

/**
 * Late watch: a CLOSED order (cancelled by the cashier, expired, 付款码 cancelled) whose QR, pay link or
 * 付款码 trade could still be paid at the provider. A close of a QR nobody scanned yet answers "no such
 * trade", yet the QR may stay payable until its own expiry (counted from its creation); the cancel
 * PayDesk sends then (closer.ts) voids the number in practice, but no provider document promises it.
 * So PayDesk keeps querying such an order — by polling and in the start-up sweep — until the
 * provider's own expiry plus a margin has passed, or until the provider confirms the trade is closed.
 * A late payment turns the order PAID (`paid_after_cancel` / `paid_after_close`, ledger.ts).
 */

/** Longest trade expiry PayDesk sends (15 days): no closed order is watched longer than this + margin. */
export const MAX_PROVIDER_EXPIRY_MS = 15 * 86_400_000;

/**
 * When the provider stops accepting payment for this order: its creation plus the expiry PayDesk sent
 * (whole minutes, rounded up, at least 1 minute: CreateTradeInput.timeoutMinutes), never before the
 * local expiry.
 */
export function providerExpiry(row: Pick<OrderRow, 'createdAt' | 'expiresAt'>, settings: Settings): number {
  const localMs = (row.expiresAt ?? row.createdAt + settings.orderExpiryMs) - row.createdAt;
  const minutes = Math.max(1, Math.ceil(localMs / 60_000));
  const sent = Math.min(minutes * 60_000, MAX_PROVIDER_EXPIRY_MS);
  return Math.max(row.createdAt + sent, row.expiresAt ?? 0);
}

/** The end of the late watch of a closed order: the provider's expiry plus the margin. */
export function lateWatchUntil(row: Pick<OrderRow, 'createdAt' | 'expiresAt'>, settings: Settings): number {
  return providerExpiry(row, settings) + settings.lateWatchMarginMs;
}

/** True while a closed order could still be paid (and so must be watched). */
export function inLateWatch(row: OrderRow | null | undefined, settings: Settings, now: number): boolean {
  return !!row && row.status === 'CLOSED' && now < lateWatchUntil(row, settings);
}

/** This environment's and app's CLOSED orders still inside their late-watch window (start-up sweep). */
export function closedInWindow(ctx: Context): OrderRow[] {
  const now = ctx.clock.now();
  const from = now - MAX_PROVIDER_EXPIRY_MS - ctx.settings.lateWatchMarginMs;
  return ctx.store.orders.list({ status: 'CLOSED', from, limit: 5_000 }).filter((row) => owns(ctx, row) && inLateWatch(row, ctx.settings, now));
}

/**
 * One late check of a CLOSED order. Returns true while it must still be watched.
 * - NOT_FOUND: nobody has scanned it (yet) → keep watching until the window ends;
 * - WAITING / USER_PAYING: someone scanned a closed order's QR → close it at the provider now, keep watching;
 * - PAID / REFUNDED: paid late → PAID with a paid_after_* event (the provider wins);
 * - CLOSED: the provider closed it (or cancel refunded it) → nothing can be paid any more, stop;
 * - no answer → try again later.
 */
export async function lateCheck(ctx: Context, orderId: string, source: EventSource): Promise<boolean> {
  const row = ctx.store.orders.get(orderId);
  if (!inLateWatch(row, ctx.settings, ctx.clock.now())) {
    if (row?.status === 'CLOSED') ctx.logger.info('late watch over: past the provider expiry', { orderId });
    return false;
  }
  if (!row || !owns(ctx, row)) return false;
  const provider = providerFor(ctx, row);
  const q = await provider.query(orderId);
  if (q.kind !== 'ok') return true;
  const facts = q.value;
  if (facts.state === 'PAID' || facts.state === 'REFUNDED') {
    ctx.ledger.run((ch) => applyTradeFactsTx(ctx.store, ctx.ledger, ch, orderId, facts, null, source));
    return false;
  }
  if (facts.state === 'CLOSED') return false;
  if (facts.state === 'NOT_FOUND') return true;
  // WAITING: the buyer scanned the QR of an order PayDesk has closed. Close it at the provider too.
  const c = await provider.close(orderId);
  ctx.ledger.run(() => ctx.ledger.noteTx(orderId, source, 'closed_after_late_scan', { result: c.kind === 'ok' ? 'closed' : c.kind }));
  return true;
}
