import type { EventSource } from './api';
import { cancelTrade, closeTrade, type CloseOutcome } from './closer';
import { MESSAGES, owns, providerFor, type Context } from './context';
import { closedInWindow, inLateWatch, lateCheck, lateWatchUntil } from './late-watch';
import { applyTradeFactsTx } from './reconcile';

interface Track {
  handle: unknown;
  delay: number;
}

/**
 * Makes every waiting order converge without a notification (a notification may never come): queries
 * its provider while an order waits (pollInitialMs, backing off ×1.5 to pollMaxMs), closes it at
 * its expiry, and at start-up sweeps every AWAITING_PAYMENT order once. A CLOSED order whose QR, link or
 * 付款码 trade could still be paid is tracked on until the provider's expiry + margin (late-watch.ts).
 */
export class Tracker {
  private readonly tracks = new Map<string, Track>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly ctx: Context) {}

  /** Start (or restart) polling an order (a waiting one, or a closed one inside its late watch). */
  track(orderId: string, delay = this.ctx.settings.pollInitialMs): void {
    if (this.ctx.isClosed()) return;
    this.stop(orderId);
    this.schedule(orderId, delay);
  }

  stop(orderId: string): void {
    const t = this.tracks.get(orderId);
    if (t) this.ctx.clock.clearTimeout(t.handle);
    this.tracks.delete(orderId);
  }

  /** Stop every timer and wait for in-flight checks to finish (close()). */
  async stopAll(): Promise<void> {
    for (const id of [...this.tracks.keys()]) this.stop(id);
    await Promise.allSettled([...this.running]);
  }

  /** Orders currently tracked (diagnostics and tests). */
  tracked(): string[] {
    return [...this.tracks.keys()];
  }

  /**
   * Start-up sweep: ask the provider about every AWAITING_PAYMENT order (a few at a time), apply what it
   * says, then keep tracking the ones still waiting.
   */
  async sweep(): Promise<void> {
    // Only orders of a hosted provider, in its environment and account: another would answer "no such trade".
    const waiting = [...this.ctx.providers.values()].flatMap((p) =>
      this.ctx.store.orders.listByStatus('AWAITING_PAYMENT', { environment: p.environment, appId: p.accountId, provider: p.id }),
    );
    const queue = [...waiting.map((o) => o.id), ...closedInWindow(this.ctx).map((o) => o.id)];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined && !this.ctx.isClosed(); id = queue.shift()) {
        try {
          const still = await this.check(id, 'sweep');
          if (still) this.track(id);
        } catch (err) {
          this.ctx.logger.error('sweep check failed', { orderId: id, error: errName(err) });
          this.track(id);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  private schedule(orderId: string, delay: number): void {
    const row = this.ctx.store.orders.get(orderId);
    const now = this.ctx.clock.now();
    let until: number;
    if (row && !owns(this.ctx, row)) {
      this.tracks.delete(orderId);
      return;
    }
    if (row?.status === 'AWAITING_PAYMENT') {
      // Wake up at the expiry at the latest, so expiry is handled on time. A timer may fire a
      // millisecond early against the wall clock: wake just after it, so the check sees it due.
      until = row.expiresAt === null ? delay : Math.max(0, row.expiresAt - now) + EXPIRY_SLACK_MS;
    } else if (row && inLateWatch(row, this.ctx.settings, now)) {
      until = Math.max(0, lateWatchUntil(row, this.ctx.settings) - now);
    } else {
      if (row?.status === 'CLOSED' && this.tracks.has(orderId)) {
        this.ctx.logger.info('late watch over: past the provider expiry', { orderId });
      }
      this.tracks.delete(orderId);
      return;
    }
    const wait = Math.max(10, Math.min(delay, until));
    const t: Track = { delay, handle: null };
    t.handle = this.ctx.clock.setTimeout(() => {
      if (this.tracks.get(orderId) !== t) return;
      const p = this.tick(orderId, t.delay).finally(() => this.running.delete(p));
      this.running.add(p);
    }, wait);
    this.tracks.set(orderId, t);
  }

  private async tick(orderId: string, delay: number): Promise<void> {
    if (this.ctx.isClosed()) return;
    let still = true;
    if (this.ctx.busy.has(orderId)) {
      still = true; // a 付款码 flow or a cancel owns it right now
    } else {
      try {
        still = await this.check(orderId, 'poll');
      } catch (err) {
        this.ctx.logger.error('poll check failed', { orderId, error: errName(err) });
      }
    }
    if (!still) {
      this.tracks.delete(orderId);
      return;
    }
    if (this.tracks.has(orderId) && !this.ctx.isClosed()) {
      this.schedule(orderId, Math.min(Math.round(delay * 1.5), this.ctx.settings.pollMaxMs));
    }
  }

  /**
   * One check. Due → close (QR/link) or cancel (付款码) straight away: a refusal there means it was paid
   * meanwhile and leads to a query (closer.ts). Not due → query and apply. Returns true while waiting.
   */
  private async check(orderId: string, source: EventSource): Promise<boolean> {
    const { ctx } = this;
    const row = ctx.store.orders.get(orderId);
    if (!row || !owns(ctx, row)) return false;
    if (row.status === 'CLOSED') return lateCheck(ctx, orderId, source);
    if (row.status !== 'AWAITING_PAYMENT') return false;
    if (row.expiresAt !== null && ctx.clock.now() >= row.expiresAt) {
      if (ctx.busy.has(orderId)) return true;
      const why = { source: 'system' as const, kind: 'expired', message: MESSAGES.expired };
      ctx.busy.add(orderId);
      let outcome: CloseOutcome;
      try {
        outcome = row.method === 'code' ? await cancelTrade(ctx, orderId, { ...why, message: MESSAGES.barcodeTimeout }) : await closeTrade(ctx, orderId, why);
      } finally {
        ctx.busy.delete(orderId);
      }
      if (outcome !== 'open') return inLateWatch(ctx.store.orders.get(orderId), ctx.settings, ctx.clock.now());
      // The close / cancel went unanswered: the buyer may have paid meanwhile, so ask as a poll would
      // (otherwise a provider failing only its close would hide the payment until the close is answered).
    }
    const q = await providerFor(ctx, row).query(orderId);
    if (q.kind === 'ok') {
      const facts = q.value;
      ctx.ledger.run((ch) => applyTradeFactsTx(ctx.store, ctx.ledger, ch, orderId, facts, null, source));
    }
    const after = ctx.store.orders.get(orderId);
    return after?.status === 'AWAITING_PAYMENT' || inLateWatch(after, ctx.settings, ctx.clock.now());
  }
}

/** How long after an order's expiry its timer fires (timers can fire slightly early; see schedule). */
const EXPIRY_SLACK_MS = 5;

function errName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
