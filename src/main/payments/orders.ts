import { MAX_FEN, MIN_FEN } from '../../shared/money';
import { PaymentError, type Order, type OrderMethod } from './api';
import { cancelTrade, closeTrade } from './closer';
import { sleep } from '../kernel';
import { foreignOrderError, MESSAGES, owns, type Context } from './context';
import { maskAuthCode, newOrderId } from './ids';
import { applyTradeFactsTx } from './reconcile';
import type { Tracker } from './tracker';

/** 付款码: 16–24 digits starting 25–30 (protocols.md C). */
const AUTH_CODE = /^(2[5-9]|30)\d{14,22}$/;

export interface CreateOrderInput {
  amountFen: number;
  subject?: string;
  method: OrderMethod;
  authCode?: string;
  expiryMs?: number;
}

/** Validate a create request before anything is stored. Throws PaymentError with a bilingual message. */
export function validateCreate(input: CreateOrderInput): { subject: string } {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < MIN_FEN || input.amountFen > MAX_FEN) {
    throw new PaymentError('AMOUNT_INVALID', '金额须在 0.01 至 100000000.00 元之间 / Amount must be between 0.01 and 100000000.00');
  }
  if (input.method !== 'qr' && input.method !== 'code' && input.method !== 'link') {
    throw new PaymentError('METHOD_INVALID', '不支持的支付方式 / Unsupported payment method');
  }
  if (input.method === 'code' && (typeof input.authCode !== 'string' || !AUTH_CODE.test(input.authCode))) {
    throw new PaymentError('AUTH_CODE_INVALID', '付款码格式不正确，请重新扫描 / Payment code not recognised, please scan again');
  }
  if (input.expiryMs !== undefined && !(Number.isSafeInteger(input.expiryMs / 60_000) && input.expiryMs >= 60_000 && input.expiryMs <= 120 * 60_000)) {
    throw new PaymentError('EXPIRY_INVALID', '订单有效期须为 1 至 120 分钟 / Order expiry must be 1 to 120 whole minutes');
  }
  const subject = (input.subject ?? '').trim() || 'PayDesk 收银';
  if (subject.length > 256) throw new PaymentError('SUBJECT_TOO_LONG', '商品名称过长 / Subject too long (max 256)');
  return { subject };
}

/** Order creation and cashier cancellation (issue 3 "Orders"). */
export class OrderService {
  constructor(
    private readonly ctx: Context,
    private readonly tracker: Tracker,
    private readonly notifyUrl: () => string | null,
  ) {}

  /**
   * Commit the order row (with its out_trade_no) BEFORE the provider call (principle 4), then call.
   * QR/link resolve once the code/URL is issued; 付款码 resolves once the outcome is definite.
   */
  async create(input: CreateOrderInput): Promise<Order> {
    const { subject } = validateCreate(input);
    const { ctx } = this;
    const now = ctx.clock.now();
    const id = newOrderId(now);
    const expiryMs = input.method === 'code' ? ctx.settings.barcodeMaxWaitMs : (input.expiryMs ?? ctx.settings.orderExpiryMs);
    const notifyUrl = this.notifyUrl();
    ctx.ledger.run((ch) => {
      ctx.store.orders.insert({
        id,
        method: input.method,
        status: 'AWAITING_PAYMENT',
        amountFen: input.amountFen,
        refundedFen: 0,
        subject,
        qrCode: null,
        payUrl: null,
        tradeNo: null,
        buyerLogonId: null,
        notifyUrl,
        createdAt: now,
        updatedAt: now,
        paidAt: null,
        expiresAt: now + expiryMs,
        closedAt: null,
        userPaying: false,
        message: null,
        environment: ctx.scope.environment,
        appId: ctx.scope.appId,
        provider: 'alipay',
      });
      // The 付款码 is a bearer credential: only a masked form reaches the database.
      ctx.store.events.append(id, 'user', 'created', {
        method: input.method,
        amountFen: input.amountFen,
        notifyUrl,
        ...(input.authCode ? { authCode: maskAuthCode(input.authCode) } : {}),
      }, now);
      ch.orders.add(id);
    });
    const trade = { outTradeNo: id, amountFen: input.amountFen, subject, timeoutMinutes: expiryMs / 60_000, notifyUrl };
    if (input.method === 'code') return this.payWithCode(id, { ...trade, authCode: input.authCode as string });
    if (input.method === 'link') {
      let url: string;
      try {
        url = ctx.provider.pagePayUrl(trade);
      } catch (err) {
        ctx.logger.error('page pay url failed', { orderId: id, error: err instanceof Error ? err.name : 'unknown' });
        ctx.ledger.run((ch) => ctx.ledger.failedTx(ch, id, 'system', '无法生成支付链接 / Could not build the pay link'));
        return this.get(id);
      }
      this.issued(id, { payUrl: url });
      return this.get(id);
    }
    const r = await ctx.provider.precreate(trade);
    if (r.kind === 'ok') {
      this.issued(id, { qrCode: r.value.qrCode });
    } else {
      // A precreate without an answer gave us no QR code, so nobody can pay this trade: FAILED is safe.
      ctx.ledger.run((ch) =>
        ctx.ledger.failedTx(ch, id, 'user', r.message, r.kind === 'business' ? { code: r.code, subCode: r.subCode } : { reason: r.reason }),
      );
    }
    return this.get(id);
  }

  /** Cashier cancels a waiting order: close (QR/link) or cancel (付款码). */
  async cancel(id: string): Promise<Order> {
    const row = this.ctx.store.orders.get(id);
    if (!row) throw new PaymentError('ORDER_NOT_FOUND', `订单不存在 / Order not found: ${id}`);
    if (!owns(this.ctx.scope, row)) throw foreignOrderError(row);
    if (row.status !== 'AWAITING_PAYMENT') {
      throw new PaymentError('ORDER_NOT_WAITING', '订单不在等待支付状态，无法取消 / Only a waiting order can be cancelled');
    }
    const why = { source: 'user' as const, kind: 'cancelled', message: MESSAGES.cancelledByCashier };
    const outcome = row.method === 'code' ? await cancelTrade(this.ctx, id, why) : await closeTrade(this.ctx, id, why);
    if (outcome === 'open') {
      throw new PaymentError('PROVIDER_UNAVAILABLE', '暂时无法联系支付宝，订单仍在等待，请稍后重试 / Alipay unreachable; the order is still waiting, try again');
    }
    // A closed order whose QR / link / 付款码 could still be paid stays watched (late-watch.ts).
    this.tracker.track(id);
    return this.get(id);
  }

  private get(id: string): Order {
    const o = this.ctx.ledger.getOrder(id);
    if (!o) throw new PaymentError('ORDER_NOT_FOUND', `订单不存在 / Order not found: ${id}`);
    return o;
  }

  private issued(id: string, patch: { qrCode?: string; payUrl?: string }): void {
    const { ctx } = this;
    ctx.ledger.run((ch) => {
      const o = ctx.store.orders.get(id);
      if (!o) return;
      ctx.store.orders.update(id, { ...patch, updatedAt: ctx.clock.now() });
      ctx.store.events.append(id, 'user', patch.qrCode ? 'qr_issued' : 'link_issued', {}, ctx.clock.now());
      ch.orders.add(id);
    });
    this.tracker.track(id);
  }

  /**
   * 付款码 (protocols.md C): 10000 → PAID; a refusal → FAILED with the reason; 10003 (buyer confirming),
   * 20000, SYSTEM_ERROR or a timeout → poll query every barcodePollMs until barcodeMaxWaitMs, then cancel.
   */
  private async payWithCode(
    id: string,
    trade: Parameters<Context['provider']['payWithCode']>[0],
  ): Promise<Order> {
    const { ctx } = this;
    ctx.busy.add(id);
    try {
      const r = await ctx.provider.payWithCode(trade);
      if (r.kind === 'ok' && r.value.state === 'paid') {
        const facts = r.value.facts;
        ctx.ledger.run((ch) => applyTradeFactsTx(ctx.store, ctx.ledger, ch, id, facts, null, 'user'));
        return this.get(id);
      }
      if (r.kind === 'business') {
        ctx.ledger.run((ch) => ctx.ledger.failedTx(ch, id, 'user', r.message, { code: r.code, subCode: r.subCode }));
        return this.get(id);
      }
      ctx.ledger.run((ch) => {
        const o = ctx.store.orders.get(id);
        if (!o || o.status !== 'AWAITING_PAYMENT') return;
        ctx.store.orders.update(id, { userPaying: true, updatedAt: ctx.clock.now() });
        ctx.store.events.append(id, 'user', 'user_paying', r.kind === 'unknown' ? { reason: r.reason } : {}, ctx.clock.now());
        ch.orders.add(id);
      });
      const deadline = (ctx.store.orders.get(id)?.expiresAt ?? 0);
      while (!ctx.isClosed() && ctx.clock.now() < deadline) {
        await sleep(ctx.clock, Math.min(ctx.settings.barcodePollMs, Math.max(0, deadline - ctx.clock.now())));
        if (ctx.isClosed()) return this.get(id);
        if (ctx.store.orders.get(id)?.status !== 'AWAITING_PAYMENT') return this.get(id); // notify / cashier
        const q = await ctx.provider.query(id);
        if (q.kind === 'ok' && q.value.status !== 'WAIT_BUYER_PAY') {
          const facts = q.value;
          ctx.ledger.run((ch) => {
            if (facts.status === 'TRADE_CLOSED') {
              return ctx.ledger.closedTx(ch, id, 'poll', 'declined', MESSAGES.declined);
            }
            return applyTradeFactsTx(ctx.store, ctx.ledger, ch, id, facts, null, 'poll');
          });
          return this.get(id);
        }
      }
      if (ctx.isClosed()) return this.get(id);
      await cancelTrade(ctx, id, { source: 'system', kind: 'cancelled', message: MESSAGES.barcodeTimeout });
      this.tracker.track(id); // still open: keep trying; closed: watched until the provider's expiry
      return this.get(id);
    } finally {
      ctx.busy.delete(id);
    }
  }
}
