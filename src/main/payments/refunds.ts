import { formatFen, MAX_FEN } from '../../shared/money';
import { PaymentError, type EventSource, type Refund, type RefundAuthorization } from './api';
import { sleep } from '../kernel';
import { foreignOrderError, owns, providerFor, type Context } from './context';
import { newRefundId } from './ids';
import { toRefund, type Changes } from './ledger';

/** A refund query answered "no such trade" (bilingual; shown on the refund while it waits). */
export const REFUND_TRADE_NOT_FOUND =
  '支付机构称该交易不存在：可能连接了错误的网关或 AppID。退款结果未确认，金额保持冻结，请核对设置（环境、AppID、密钥） / ' +
  'The payment provider says the trade does not exist: probably the wrong gateway or app id. The refund is unresolved and its amount stays reserved; check the environment, app id and keys';

/** A refund the provider accepted without confirming that money moved (resolved by query or notification). */
export const REFUND_NOT_CONFIRMED = '支付机构尚未确认资金变动，正在查询 / The payment provider has not confirmed the refund yet, checking';

const REFUND_FAILED = '支付机构报告退款失败 / The payment provider reports the refund failed';

/**
 * Refunds.
 *
 * Spacing rule (some providers refuse refunds of one trade closer than 3 s apart): we ENFORCE BY WAITING. The
 * refund is reserved in the database at once (so the refundable amount is correct for concurrent
 * callers), then the request waits until `refundMinGapMs` has passed since the last refund request or
 * answer for that order. A second refund while one is still unresolved (PENDING/UNKNOWN) is REFUSED
 * with REFUND_IN_PROGRESS, because the refundable amount is not known until it settles.
 */
export class RefundService {
  private readonly lastActivity = new Map<string, number>();
  private readonly retryTimers = new Map<string, unknown>();
  private readonly resolving = new Map<string, Promise<void>>();

  constructor(private readonly ctx: Context) {}

  /** Validate, reserve (one synchronous transaction), then send. */
  async refund(input: { orderId: string; amountFen: number; reason?: string; authorization?: RefundAuthorization }): Promise<Refund> {
    const { ctx } = this;
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1 || input.amountFen > MAX_FEN) {
      throw new PaymentError('AMOUNT_INVALID', '退款金额须大于 0 / Refund amount must be at least 0.01');
    }
    const reason = input.reason?.trim().slice(0, 256) || null;
    const now = ctx.clock.now();
    const id = newRefundId(now);
    // Check-and-insert in ONE synchronous transaction: better-sqlite3 runs it to completion before any
    // other JavaScript, so two concurrent refund() calls cannot both pass the check.
    const previous = ctx.ledger.run((ch) =>
      this.reserveTx(ch, { id, orderId: input.orderId, amountFen: input.amountFen, reason, now, authorization: input.authorization ?? 'none' }),
    );
    if (previous !== null) this.noteActivity(input.orderId, previous);
    await this.send(id, 'user');
    if (this.status(id) === 'UNKNOWN') await this.resolve(id, 'user', 2);
    return this.get(id);
  }

  /**
   * A refund PayDesk makes on its own (a 双码 duplicate payment), under a refund number fixed by the
   * caller: the whole rest of the order. Reserved at most once: when a refund with this number exists
   * already, nothing is reserved or sent again (a restart, a duplicate notice, a second trigger); an
   * unresolved one is settled by the usual resolution (query, same-number resend, the sweep).
   * `alsoTx` runs in the reservation's transaction (the timeline events). Returns null when nothing was
   * reserved now: it existed already, or nothing is left to refund. Throws the usual refusals
   * (ORDER_FOREIGN, ORDER_NOT_REFUNDABLE, REFUND_IN_PROGRESS).
   */
  async refundOnce(input: { orderId: string; refundId: string; reason: string; alsoTx: (ch: Changes, amountFen: number) => void }): Promise<Refund | null> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const reserved = ctx.ledger.run((ch) => {
      if (ctx.store.refunds.get(input.refundId)) return null;
      const o = ctx.store.orders.get(input.orderId);
      if (!o) throw new PaymentError('ORDER_NOT_FOUND', `订单不存在 / Order not found: ${input.orderId}`);
      const rest = o.amountFen - ctx.store.refunds.totals(o.id).succeededFen;
      if (o.status === 'REFUNDED' || rest <= 0) return null;
      const previous = this.reserveTx(ch, {
        id: input.refundId,
        orderId: o.id,
        amountFen: rest,
        reason: input.reason,
        now,
        authorization: 'automatic',
        source: 'system',
      });
      input.alsoTx(ch, rest);
      return { previous };
    });
    if (!reserved) return null;
    if (reserved.previous !== null) this.noteActivity(input.orderId, reserved.previous);
    await this.send(input.refundId, 'system');
    if (this.status(input.refundId) === 'UNKNOWN') await this.resolve(input.refundId, 'system', 2);
    return this.get(input.refundId);
  }

  /** Inside a transaction: the checks of a new refund, then its PENDING row and refund_requested event. Returns the last refund activity. */
  private reserveTx(
    ch: Changes,
    r: { id: string; orderId: string; amountFen: number; reason: string | null; now: number; authorization: string; source?: EventSource },
  ): number | null {
    const { ctx } = this;
    const o = ctx.store.orders.get(r.orderId);
    if (!o) throw new PaymentError('ORDER_NOT_FOUND', `订单不存在 / Order not found: ${r.orderId}`);
    if (!owns(ctx, o)) throw foreignOrderError(o);
    if (o.status !== 'PAID' && o.status !== 'PARTIALLY_REFUNDED') {
      throw new PaymentError('ORDER_NOT_REFUNDABLE', '只有已支付的订单可以退款 / Only a paid order can be refunded');
    }
    const t = ctx.store.refunds.totals(o.id);
    if (t.inflightFen > 0) {
      throw new PaymentError('REFUND_IN_PROGRESS', '上一笔退款尚未完成，请稍后再试 / The previous refund is still being processed, try again shortly');
    }
    const refundable = o.amountFen - t.succeededFen - t.inflightFen;
    if (r.amountFen > refundable) {
      throw new PaymentError(
        'REFUND_EXCEEDS',
        `退款金额超过可退金额 ${formatFen(refundable)} 元 / Refund exceeds the refundable amount ${formatFen(refundable)}`,
      );
    }
    ctx.store.refunds.insert({
      id: r.id,
      orderId: o.id,
      amountFen: r.amountFen,
      reason: r.reason,
      status: 'PENDING',
      createdAt: r.now,
      updatedAt: r.now,
      settledAt: null,
      attempts: 0,
      message: null,
    });
    // Who authorised it (never the PIN itself): 'manager_pin' when the console checked the manager PIN,
    // 'automatic' for a refund PayDesk made on its own.
    ctx.store.events.append(
      o.id,
      r.source ?? 'user',
      'refund_requested',
      { refundId: r.id, amountFen: r.amountFen, reason: r.reason, authorization: r.authorization },
      r.now,
    );
    ch.refunds.add(r.id);
    ch.orders.add(o.id);
    return t.lastActivityAt;
  }

  /** Resolve every PENDING/UNKNOWN refund (start-up sweep; PENDING = crashed between commit and answer). */
  async sweep(): Promise<void> {
    // Only refunds of a hosted provider's orders in its environment and account: another knows nothing of them.
    const unsettled = [...this.ctx.providers.values()].flatMap((p) =>
      this.ctx.store.refunds.unsettled({ environment: p.environment, appId: p.accountId, provider: p.id }),
    );
    for (const r of unsettled) {
      if (this.ctx.isClosed()) return;
      this.noteActivity(r.orderId, r.updatedAt);
      await this.resolve(r.id, 'sweep', 2);
    }
  }

  stopAll(): Promise<unknown> {
    for (const h of this.retryTimers.values()) this.ctx.clock.clearTimeout(h);
    this.retryTimers.clear();
    return Promise.allSettled([...this.resolving.values()]);
  }

  private get(id: string): Refund {
    const r = this.ctx.store.refunds.get(id);
    if (!r) throw new PaymentError('REFUND_NOT_FOUND', `退款不存在 / Refund not found: ${id}`);
    return toRefund(r);
  }

  private status(id: string) {
    return this.ctx.store.refunds.get(id)?.status;
  }

  private noteActivity(orderId: string, at: number): void {
    this.lastActivity.set(orderId, Math.max(at, this.lastActivity.get(orderId) ?? 0));
  }

  /** Wait out the per-trade refund spacing. */
  private async waitGap(orderId: string): Promise<void> {
    const last = this.lastActivity.get(orderId);
    if (last === undefined) return;
    const wait = last + this.ctx.settings.refundMinGapMs - this.ctx.clock.now();
    if (wait > 0) await sleep(this.ctx.clock, wait);
  }

  /** The adapter of a refund's order (refunds are only made and resolved for orders this core owns). */
  private providerOf(orderId: string) {
    const o = this.ctx.store.orders.get(orderId);
    if (!o) throw new PaymentError('ORDER_NOT_FOUND', `订单不存在 / Order not found: ${orderId}`);
    return providerFor(this.ctx, o);
  }

  /** Send the refund with its own refund number (first try or same-number retry). */
  private async send(id: string, source: EventSource): Promise<void> {
    const { ctx } = this;
    const r0 = ctx.store.refunds.get(id);
    if (!r0 || r0.status === 'SUCCESS' || r0.status === 'FAILED') return;
    const order = ctx.store.orders.get(r0.orderId);
    if (!order) return;
    const provider = providerFor(ctx, order);
    await this.waitGap(r0.orderId);
    ctx.store.refunds.countAttempt(id, ctx.clock.now());
    this.noteActivity(r0.orderId, ctx.clock.now());
    const r = await provider.refund({
      outTradeNo: r0.orderId,
      outRequestNo: id,
      amountFen: r0.amountFen,
      totalFen: order.amountFen,
      reason: r0.reason,
      notifyUrl: ctx.notifyUrl(provider.id),
    });
    this.noteActivity(r0.orderId, ctx.clock.now());
    if (r.kind === 'ok' && r.value.state === 'SUCCESS') {
      ctx.ledger.run((ch) => ctx.ledger.refundSucceededTx(ch, id, source));
    } else if (r.kind === 'ok') {
      // Accepted, money not confirmed (an asynchronous refund, or e.g. Alipay's "no money moved by THIS
      // request" on a first try, which proves nothing either way): resolve by query or notification.
      ctx.ledger.run((ch) => ctx.ledger.refundStatusTx(ch, id, 'UNKNOWN', source, REFUND_NOT_CONFIRMED));
    } else if (r.kind === 'unknown') {
      ctx.ledger.run((ch) => ctx.ledger.refundStatusTx(ch, id, 'UNKNOWN', source, r.message));
    } else {
      // A refusal. If this was a retry, an earlier attempt may have succeeded: confirm by query first.
      const q = r0.attempts > 0 ? await provider.refundQuery(r0.orderId, id) : null;
      if (q?.kind === 'ok' && q.value.state === 'SUCCESS') {
        ctx.ledger.run((ch) => ctx.ledger.refundSucceededTx(ch, id, source));
      } else if ((q && q.kind !== 'ok') || (q?.kind === 'ok' && q.value.state === 'PENDING')) {
        ctx.ledger.run((ch) => ctx.ledger.refundStatusTx(ch, id, 'UNKNOWN', source, r.message));
      } else {
        ctx.ledger.run((ch) => ctx.ledger.refundStatusTx(ch, id, 'FAILED', source, r.message));
      }
    }
  }

  /**
   * Resolve an UNKNOWN/PENDING refund by refundQuery: SUCCESS → SUCCESS; FAILED → FAILED; PENDING →
   * ask again later; NOT_FOUND (the provider has no such refund: it was never received) → resend with
   * the SAME refund number, never a second number, so it can never be paid twice. `rounds` inline
   * rounds, then continue in the background with back-off.
   */
  private resolve(id: string, source: EventSource, rounds: number): Promise<void> {
    const running = this.resolving.get(id);
    if (running) return running;
    const p = this.resolveLoop(id, source, rounds).finally(() => this.resolving.delete(id));
    this.resolving.set(id, p);
    return p;
  }

  private async resolveLoop(id: string, source: EventSource, rounds: number): Promise<void> {
    const { ctx } = this;
    for (let i = 0; i < rounds && !ctx.isClosed(); i++) {
      const r = ctx.store.refunds.get(id);
      if (!r || r.status === 'SUCCESS' || r.status === 'FAILED') return;
      if (i > 0) await sleep(ctx.clock, ctx.settings.pollInitialMs);
      const q = await this.providerOf(r.orderId).refundQuery(r.orderId, id);
      if (q.kind === 'ok' && q.value.state === 'SUCCESS') {
        ctx.ledger.run((ch) => ctx.ledger.refundSucceededTx(ch, id, source));
        return;
      }
      if (q.kind === 'ok' && q.value.state === 'FAILED') {
        ctx.ledger.run((ch) => ctx.ledger.refundStatusTx(ch, id, 'FAILED', source, REFUND_FAILED));
        return;
      }
      if (q.kind === 'ok' && q.value.state === 'NOT_FOUND') {
        // The provider has no refund under this number: send it again, same number.
        await this.send(id, source);
      } else if (q.kind === 'business' && q.failure === 'NOT_FOUND') {
        // The order was paid, so its trade exists at the gateway it was created with: "trade does not
        // exist" about a refund that was sent means a wrong gateway or app answered. Never final —
        // the refund stays unresolved (its amount stays reserved) and asks for attention.
        if (r.status !== 'UNKNOWN' || r.message !== REFUND_TRADE_NOT_FOUND) {
          ctx.logger.warn('refund query: trade does not exist (wrong gateway or app?)', { refundId: id, orderId: r.orderId });
          ctx.ledger.run((ch) => ctx.ledger.refundStatusTx(ch, id, 'UNKNOWN', source, REFUND_TRADE_NOT_FOUND));
        }
        break;
      }
    }
    const after = ctx.store.refunds.get(id);
    if (after && (after.status === 'PENDING' || after.status === 'UNKNOWN') && !ctx.isClosed()) {
      if (after.status === 'PENDING') {
        ctx.ledger.run((ch) => ctx.ledger.refundStatusTx(ch, id, 'UNKNOWN', source, REFUND_NOT_CONFIRMED));
      }
      this.scheduleRetry(id, after.attempts);
    }
  }

  private scheduleRetry(id: string, attempts: number): void {
    const { settings, clock } = this.ctx;
    const delay = Math.min(settings.pollInitialMs * 1.5 ** Math.min(attempts, 10), settings.pollMaxMs);
    const old = this.retryTimers.get(id);
    if (old !== undefined) clock.clearTimeout(old);
    this.retryTimers.set(
      id,
      clock.setTimeout(() => {
        this.retryTimers.delete(id);
        void this.resolve(id, 'poll', 1);
      }, delay),
    );
  }
}
