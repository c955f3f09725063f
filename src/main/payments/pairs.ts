/**
 * 双码 (one sale, two QRs): two linked orders, one per provider, each its own trade with its own
 * out_trade_no, naming each other in `pairedWith` (docs/architecture.md, "双码 (one sale, two QRs)").
 * The rules, all derived from the database so they are crash-safe and idempotent:
 * - created together: both rows linked in one transaction before any provider call; if either QR cannot
 *   be created, the one that was created is closed and the error is returned (nothing stays payable);
 * - the first paid wins: when one becomes paid (notification, poll or sweep) the other is closed at once
 *   with its provider (closer.ts; a closed order stays under the late watch), event `pair.closed`;
 * - both paid (a race, or a late payment after the close): the one paid after PayDesk closed it, else
 *   the one paid later (paid time, then order id), is refunded in full through the refund path, under a
 *   refund number derived from its order id so it is reserved at most once whatever happens (restart,
 *   duplicate notice); event `pair.duplicate_refunded` on both orders, in the reservation's transaction;
 * - the start-up sweep re-runs these rules for every paid paired order still inside the late-watch window.
 */
import type { OrderRow } from '../store';
import { PaymentError, type CreateTradeInput, type EventSource, type Order, type PaymentProvider, type ProviderId } from './api';
import { closeTrade, type CloseOutcome } from './closer';
import { owns, type Context } from './context';
import { newOrderId } from './ids';
import { MAX_PROVIDER_EXPIRY_MS } from './late-watch';
import { insertOrderTx, validateCreate } from './orders';
import type { RefundService } from './refunds';
import type { Tracker } from './tracker';

export const PAIR_CLOSED = '双码：顾客已用另一个码付款，本码已关闭 / 双码: the customer paid with the other QR; this one is closed';
export const PAIR_PARTNER_FAILED = '双码：另一个码未能生成，本码已关闭 / 双码: the other QR could not be created; this one is closed';
export const PAIR_REFUND_REASON = '双码重复支付自动退款 / 双码 duplicate payment refunded automatically';

const PAID_STATES: ReadonlySet<string> = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);

/** Events of an order paid after PayDesk had closed it (ledger.ts). */
const LATE_PAID_KINDS: ReadonlySet<string> = new Set(['paid_after_close', 'paid_after_cancel']);

type Row = Pick<OrderRow, 'id' | 'status' | 'paidAt'>;

/** The refund number of a pair's automatic refund: one per order, so it can only ever be reserved once. */
export function pairRefundId(orderId: string): string {
  return `RD${orderId}`.slice(0, 64);
}

/**
 * Of two paid orders, the one to refund. An order paid after PayDesk had closed it (a late payment of
 * the QR the other one's payment voided) is the duplicate whatever the times say: the provider's paid
 * times have whole-second precision and come from two different clocks, so a late payment can carry
 * the same or even an earlier time than the payment that won. Otherwise (both paid while open, or both
 * late): paid later; the same paid time → the greater order id.
 */
export function duplicateOf<T extends Row>(a: T, b: T, paidLate: (row: T) => boolean = () => false): { keep: T; refund: T } {
  const lateA = paidLate(a);
  if (lateA !== paidLate(b)) return lateA ? { keep: b, refund: a } : { keep: a, refund: b };
  const pa = a.paidAt ?? Number.MAX_SAFE_INTEGER;
  const pb = b.paidAt ?? Number.MAX_SAFE_INTEGER;
  const aLater = pa > pb || (pa === pb && a.id > b.id);
  return aLater ? { keep: b, refund: a } : { keep: a, refund: b };
}

export interface CreatePairInput {
  amountFen: number;
  subject?: string;
  expiryMs?: number;
  providers: readonly [ProviderId, ProviderId];
}

export class PairService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, { handle: unknown; delay: number }>();

  constructor(
    private readonly ctx: Context,
    private readonly refunds: RefundService,
    private readonly tracker: Tracker,
  ) {}

  /** Both orders of one sale: validated and linked before any provider call; both QRs, or an error. */
  async create(input: CreatePairInput): Promise<[Order, Order]> {
    const { ctx } = this;
    const { subject } = validateCreate({ amountFen: input.amountFen, method: 'qr', subject: input.subject, expiryMs: input.expiryMs });
    const [idA, idB] = input.providers;
    if (idA === idB) {
      throw new PaymentError('PAIR_INVALID', '双码须为两家不同的支付机构 / 双码 needs two different payment providers');
    }
    const providers = input.providers.map((pid) => {
      const p = ctx.providers.get(pid);
      if (!p) throw new PaymentError('PROVIDER_UNKNOWN', `未启用的支付机构：${pid} / Payment provider not enabled: ${pid}`);
      if (!p.methods.includes('qr')) {
        throw new PaymentError('METHOD_INVALID', '该支付机构不支持此支付方式 / This payment provider does not support this payment method');
      }
      return p;
    }) as [PaymentProvider, PaymentProvider];
    const now = ctx.clock.now();
    const expiryMs = input.expiryMs ?? ctx.settings.orderExpiryMs;
    let ids: [string, string] = [newOrderId(now), newOrderId(now)];
    while (ids[0] === ids[1]) ids = [ids[0], newOrderId(now)];
    const legs = providers.map((provider, i) => ({ provider, id: ids[i] as string, other: ids[1 - i] as string, notifyUrl: ctx.notifyUrl(provider.id) }));
    ctx.ledger.run((ch) => {
      for (const l of legs) {
        insertOrderTx(ctx, ch, {
          id: l.id,
          method: 'qr',
          amountFen: input.amountFen,
          subject,
          notifyUrl: l.notifyUrl,
          now,
          expiryMs,
          provider: l.provider,
          pairedWith: l.other,
        });
      }
    });
    const results = await Promise.all(
      legs.map(async (l) => {
        const trade: CreateTradeInput = {
          outTradeNo: l.id,
          amountFen: input.amountFen,
          subject,
          timeoutMinutes: expiryMs / 60_000,
          expiresAt: now + expiryMs,
          notifyUrl: l.notifyUrl,
        };
        try {
          return await l.provider.createQr(trade);
        } catch (err) {
          ctx.logger.error('双码 QR failed', { orderId: l.id, error: err instanceof Error ? err.name : 'unknown' });
          return { kind: 'unknown' as const, reason: 'create', message: '无法生成收款码 / Could not create the QR code' };
        }
      }),
    );
    const failed = results.findIndex((r) => r.kind !== 'ok');
    if (failed < 0) {
      ctx.ledger.run((ch) => {
        legs.forEach((l, i) => {
          const r = results[i];
          if (r?.kind !== 'ok') return;
          ctx.store.orders.update(l.id, { qrCode: r.value.qrCode, updatedAt: ctx.clock.now() });
          ctx.store.events.append(l.id, 'user', 'qr_issued', {}, ctx.clock.now());
          ch.orders.add(l.id);
        });
      });
      for (const l of legs) this.tracker.track(l.id);
      return [this.get(legs[0]?.id ?? ''), this.get(legs[1]?.id ?? '')];
    }
    // One QR could not be created: no QR was handed out, so neither may stay payable. The failed one is
    // FAILED (nobody can pay a trade without a code); the created one is closed at its provider.
    for (const [i, l] of legs.entries()) {
      const r = results[i];
      if (r && r.kind !== 'ok') {
        const extra = r.kind === 'business' ? { code: r.code, subCode: r.subCode } : { reason: r.reason };
        ctx.ledger.run((ch) => ctx.ledger.failedTx(ch, l.id, 'user', r.message, extra));
      }
    }
    const failedLeg = legs[failed];
    const failure = results[failed];
    await Promise.all(
      legs
        .filter((_, i) => results[i]?.kind === 'ok')
        .map(async (l) => {
          await closeTrade(ctx, l.id, { source: 'system', kind: 'pair.closed', message: PAIR_PARTNER_FAILED, extra: { failed: failedLeg?.id } });
          this.tracker.track(l.id); // still open: retried; closed: watched until the provider's expiry
        }),
    );
    const who = failedLeg?.provider.id ?? '';
    const why = failure && failure.kind !== 'ok' ? `（${who}：${failure.message}）` : '';
    throw new PaymentError(
      'PAIR_CREATE_FAILED',
      `双码未能生成，两个码均不可支付，请重试或改用单个收款码 / The 双码 QRs could not both be created; neither can be paid, try again or use one QR ${why}`,
    );
  }

  /** After any committed order change: a paid order of a pair settles its pair (in the background). */
  onOrderUpdated(order: Order): void {
    if (order.pairedWith === null || !PAID_STATES.has(order.status) || order.foreign || this.ctx.isClosed()) return;
    // After the current synchronous work (the committing transaction's caller) is done.
    const id = order.id;
    void Promise.resolve().then(() => this.settle(id, 'system'));
  }

  /** Start-up: finish the work of every pair with a paid order that could still see a second payment. */
  async sweep(): Promise<void> {
    const from = this.ctx.clock.now() - MAX_PROVIDER_EXPIRY_MS - this.ctx.settings.lateWatchMarginMs;
    const rows = this.ctx.store.orders.pairedPaidSince(from).filter((row) => owns(this.ctx, row));
    for (const row of rows) {
      if (this.ctx.isClosed()) return;
      await this.settle(row.id, 'sweep');
    }
    this.ctx.logger.info('双码 pair sweep done', { paidOrders: rows.length });
  }

  stopAll(): Promise<unknown> {
    for (const t of this.timers.values()) this.ctx.clock.clearTimeout(t.handle);
    this.timers.clear();
    return Promise.allSettled([...this.running.values()]);
  }

  /** Apply the pair rules to the pair of `orderId`; one run per pair at a time (a trigger meanwhile re-runs it). */
  settle(orderId: string, source: EventSource): Promise<void> {
    const row = this.ctx.store.orders.get(orderId);
    if (!row?.pairedWith) return Promise.resolve();
    const key = [row.id, row.pairedWith].sort().join('|');
    const running = this.running.get(key);
    if (running) {
      this.again.add(key);
      return running;
    }
    const p = (async () => {
      do {
        this.again.delete(key);
        if (this.ctx.isClosed()) return;
        const retry = await this.settleOnce(row.id, source);
        if (retry) this.retryLater(key, row.id);
      } while (this.again.has(key));
    })()
      .catch((err: unknown) => this.ctx.logger.error('双码 pair settle failed', { orderId, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => this.running.delete(key));
    this.running.set(key, p);
    return p;
  }

  /** One pass of the rules. Returns true when it must be tried again later (provider unreachable, a refund in flight). */
  private async settleOnce(orderId: string, source: EventSource): Promise<boolean> {
    const { ctx } = this;
    const a = ctx.store.orders.get(orderId);
    const b = a?.pairedWith ? ctx.store.orders.get(a.pairedWith) : null;
    // Both links must agree, and both orders be ours: another environment's pair is read-only.
    if (!a || !b || b.pairedWith !== a.id || !owns(ctx, a) || !owns(ctx, b)) return false;
    const aPaid = PAID_STATES.has(a.status);
    const bPaid = PAID_STATES.has(b.status);
    if (aPaid && bPaid) return this.refundDuplicate(a, b);
    if (!aPaid && !bPaid) return false;
    const [winner, other] = aPaid ? [a, b] : [b, a];
    if (other.status !== 'AWAITING_PAYMENT' || ctx.busy.has(other.id)) return other.status === 'AWAITING_PAYMENT';
    ctx.busy.add(other.id);
    let outcome: CloseOutcome;
    try {
      outcome = await closeTrade(ctx, other.id, {
        source,
        kind: 'pair.closed',
        message: PAIR_CLOSED,
        extra: { winner: winner.id, winnerProvider: winner.provider },
      });
    } finally {
      ctx.busy.delete(other.id);
    }
    if (outcome === 'paid') return this.settleOnce(orderId, source); // the close found it paid: both paid
    this.tracker.track(other.id); // closed: late watch; still open: the tracker keeps asking
    return outcome === 'open';
  }

  /** Both paid: refund the later one in full, once. Returns true when it must be tried again later. */
  private async refundDuplicate(a: OrderRow, b: OrderRow): Promise<boolean> {
    const { ctx } = this;
    const late = (row: OrderRow): boolean => ctx.store.events.byOrder(row.id).some((e) => LATE_PAID_KINDS.has(e.kind));
    const { keep, refund } = duplicateOf(a, b, late);
    const refundId = pairRefundId(refund.id);
    try {
      const r = await this.refunds.refundOnce({
        orderId: refund.id,
        refundId,
        reason: PAIR_REFUND_REASON,
        alsoTx: (ch, amountFen) => {
          const payload = { kept: keep.id, refunded: refund.id, refundId, amountFen, reason: PAIR_REFUND_REASON };
          for (const id of [refund.id, keep.id]) {
            ctx.ledger.noteTx(id, 'system', 'pair.duplicate_refunded', payload);
            ch.orders.add(id);
          }
        },
      });
      if (r) ctx.logger.warn('双码 duplicate payment refunded', { kept: keep.id, refunded: refund.id, refundId, status: r.status });
      return false;
    } catch (err) {
      if (err instanceof PaymentError && err.code === 'REFUND_IN_PROGRESS') return true; // another refund settles first
      ctx.logger.error('双码 duplicate refund refused', { orderId: refund.id, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  private retryLater(key: string, orderId: string): void {
    const { clock, settings } = this.ctx;
    if (this.ctx.isClosed()) return;
    const old = this.timers.get(key);
    if (old) clock.clearTimeout(old.handle);
    const delay = old ? Math.min(Math.round(old.delay * 1.5), settings.pollMaxMs) : settings.pollInitialMs;
    const handle = clock.setTimeout(() => {
      if (this.timers.get(key)?.handle !== handle) return;
      void this.settle(orderId, 'poll');
    }, delay);
    this.timers.set(key, { handle, delay });
  }

  private get(id: string): Order {
    const o = this.ctx.ledger.getOrder(id);
    if (!o) throw new PaymentError('ORDER_NOT_FOUND', `订单不存在 / Order not found: ${id}`);
    return o;
  }
}
