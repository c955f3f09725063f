import { MAX_FEN, MIN_FEN } from '../../shared/money';
import { classifyAuthCode } from '../../shared/auth-code';
import { PaymentError, type CreateTradeInput, type Order, type OrderMethod, type PaymentProvider, type ProviderId } from './api';
import { cancelTrade, closeTrade } from './closer';
import { sleep } from '../kernel';
import { foreignOrderError, MESSAGES, owns, type Context } from './context';
import { maskAuthCode, newOrderId } from './ids';
import type { Changes } from './ledger';
import { applyTradeFactsTx } from './reconcile';
import type { Tracker } from './tracker';

const LINK_FAILED = '无法生成支付链接 / Could not build the pay link';

/** Trade states in which a 付款码 payment is still undecided. */
const STILL_OPEN: ReadonlySet<string> = new Set(['NOT_FOUND', 'WAITING', 'USER_PAYING']);

export interface CreateOrderInput {
  amountFen: number;
  subject?: string;
  method: OrderMethod;
  authCode?: string;
  expiryMs?: number;
  provider?: ProviderId;
}

/** Validate a create request before anything is stored. Throws PaymentError with a bilingual message. */
export function validateCreate(input: CreateOrderInput): { subject: string } {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < MIN_FEN || input.amountFen > MAX_FEN) {
    throw new PaymentError('AMOUNT_INVALID', '金额须在 0.01 至 100000000.00 元之间 / Amount must be between 0.01 and 100000000.00');
  }
  if (input.method !== 'qr' && input.method !== 'code' && input.method !== 'link') {
    throw new PaymentError('METHOD_INVALID', '不支持的支付方式 / Unsupported payment method');
  }
  // A 付款码 must have the shape of a known provider's code; which provider it goes to is the console's routing.
  if (input.method === 'code' && (typeof input.authCode !== 'string' || !classifyAuthCode(input.authCode).ok)) {
    throw new PaymentError('AUTH_CODE_INVALID', '付款码格式不正确，请重新扫描 / Payment code not recognised, please scan again');
  }
  if (input.expiryMs !== undefined && !(Number.isSafeInteger(input.expiryMs / 60_000) && input.expiryMs >= 60_000 && input.expiryMs <= 120 * 60_000)) {
    throw new PaymentError('EXPIRY_INVALID', '订单有效期须为 1 至 120 分钟 / Order expiry must be 1 to 120 whole minutes');
  }
  const subject = (input.subject ?? '').trim() || 'PayDesk 收银';
  if (subject.length > 256) throw new PaymentError('SUBJECT_TOO_LONG', '商品名称过长 / Subject too long (max 256)');
  return { subject };
}

/**
 * Inside a transaction: a new AWAITING_PAYMENT order row and its `created` event, committed BEFORE the
 * provider is called. `pairedWith` links a 双码 order to the other order of its sale.
 */
export function insertOrderTx(
  ctx: Context,
  ch: Changes,
  o: {
    id: string;
    method: OrderMethod;
    amountFen: number;
    subject: string;
    notifyUrl: string | null;
    now: number;
    expiryMs: number;
    provider: PaymentProvider;
    authCode?: string | undefined;
    pairedWith?: string;
  },
): void {
  ctx.store.orders.insert({
    id: o.id,
    method: o.method,
    status: 'AWAITING_PAYMENT',
    amountFen: o.amountFen,
    refundedFen: 0,
    subject: o.subject,
    qrCode: null,
    payUrl: null,
    tradeNo: null,
    buyerLogonId: null,
    notifyUrl: o.notifyUrl,
    createdAt: o.now,
    updatedAt: o.now,
    paidAt: null,
    expiresAt: o.now + o.expiryMs,
    closedAt: null,
    userPaying: false,
    message: null,
    environment: o.provider.environment,
    appId: o.provider.accountId,
    provider: o.provider.id,
    pairedWith: o.pairedWith ?? null,
  });
  // The 付款码 is a bearer credential: only a masked form reaches the database.
  ctx.store.events.append(
    o.id,
    'user',
    'created',
    {
      method: o.method,
      amountFen: o.amountFen,
      notifyUrl: o.notifyUrl,
      ...(o.authCode ? { authCode: maskAuthCode(o.authCode) } : {}),
      ...(o.pairedWith ? { pairedWith: o.pairedWith } : {}),
    },
    o.now,
  );
  ch.orders.add(o.id);
}

/** Order creation and cashier cancellation. */
export class OrderService {
  constructor(
    private readonly ctx: Context,
    private readonly tracker: Tracker,
  ) {}

  /** The hosted provider a new order goes to: the one named, or the first; it must carry the method. */
  private pick(input: CreateOrderInput): PaymentProvider {
    const first = this.ctx.providers.values().next().value as PaymentProvider;
    const provider = input.provider === undefined ? first : this.ctx.providers.get(input.provider);
    if (!provider) {
      throw new PaymentError('PROVIDER_UNKNOWN', `未启用的支付机构：${String(input.provider)} / Payment provider not enabled: ${String(input.provider)}`);
    }
    if (!provider.methods.includes(input.method)) {
      throw new PaymentError('METHOD_INVALID', '该支付机构不支持此支付方式 / This payment provider does not support this payment method');
    }
    return provider;
  }

  /**
   * Commit the order row (with its merchant order number) BEFORE the provider call, so a crash or a
   * timeout can always be resolved by query; then call. QR/link resolve once the code/URL is issued;
   * 付款码 resolves once the outcome is definite.
   */
  async create(input: CreateOrderInput): Promise<Order> {
    const { subject } = validateCreate(input);
    const provider = this.pick(input);
    const { ctx } = this;
    const now = ctx.clock.now();
    const id = newOrderId(now);
    const expiryMs = input.method === 'code' ? ctx.settings.barcodeMaxWaitMs : (input.expiryMs ?? ctx.settings.orderExpiryMs);
    const notifyUrl = ctx.notifyUrl(provider.id);
    ctx.ledger.run((ch) =>
      insertOrderTx(ctx, ch, { id, method: input.method, amountFen: input.amountFen, subject, notifyUrl, now, expiryMs, provider, authCode: input.authCode }),
    );
    const trade: CreateTradeInput = {
      outTradeNo: id,
      amountFen: input.amountFen,
      subject,
      timeoutMinutes: expiryMs / 60_000,
      expiresAt: now + expiryMs,
      notifyUrl,
    };
    if (input.method === 'code') return this.payWithCode(provider, id, { ...trade, authCode: input.authCode as string });
    if (input.method === 'link') {
      let r: Awaited<ReturnType<PaymentProvider['createLink']>>;
      try {
        r = await provider.createLink(trade);
      } catch (err) {
        ctx.logger.error('pay link failed', { orderId: id, error: err instanceof Error ? err.name : 'unknown' });
        r = { kind: 'unknown', reason: 'link', message: LINK_FAILED };
      }
      if (r.kind === 'ok') {
        this.issued(id, { payUrl: r.value.url });
      } else {
        // No URL was handed out, so nobody can pay this trade: FAILED is safe.
        const message = r.message;
        ctx.ledger.run((ch) => ctx.ledger.failedTx(ch, id, 'system', message));
      }
      return this.get(id);
    }
    const r = await provider.createQr(trade);
    if (r.kind === 'ok') {
      this.issued(id, { qrCode: r.value.qrCode });
    } else {
      // A create without an answer gave us no QR code, so nobody can pay this trade: FAILED is safe.
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
    if (!owns(this.ctx, row)) throw foreignOrderError(row);
    if (row.status !== 'AWAITING_PAYMENT') {
      throw new PaymentError('ORDER_NOT_WAITING', '订单不在等待支付状态，无法取消 / Only a waiting order can be cancelled');
    }
    const why = { source: 'user' as const, kind: 'cancelled', message: MESSAGES.cancelledByCashier };
    // 双码: cancelling one QR of a waiting sale cancels the other too (one sale, one decision).
    const partner = row.pairedWith ? this.ctx.store.orders.get(row.pairedWith) : null;
    const others = partner && partner.status === 'AWAITING_PAYMENT' && owns(this.ctx, partner) ? [partner] : [];
    const [outcome, ...otherOutcomes] = await Promise.all([
      row.method === 'code' ? cancelTrade(this.ctx, id, why) : closeTrade(this.ctx, id, why),
      ...others.map((o) => closeTrade(this.ctx, o.id, { ...why, extra: { pairOf: id } })),
    ]);
    // A closed order whose QR / link / 付款码 could still be paid stays watched (late-watch.ts).
    for (const o of others) this.tracker.track(o.id);
    if (outcome === 'open' || otherOutcomes.includes('open')) {
      throw new PaymentError(
        'PROVIDER_UNAVAILABLE',
        '暂时无法联系支付机构，订单仍在等待，请稍后重试 / The payment provider is unreachable; the order is still waiting, try again',
      );
    }
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
   * 付款码: paid → PAID; a refusal → FAILED with the reason; the buyer confirming on the phone, or an
   * unknown outcome → query every barcodePollMs until barcodeMaxWaitMs, then cancel.
   */
  private async payWithCode(provider: PaymentProvider, id: string, trade: CreateTradeInput & { authCode: string }): Promise<Order> {
    const { ctx } = this;
    ctx.busy.add(id);
    try {
      const r = await provider.payWithCode(trade);
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
      const deadline = ctx.store.orders.get(id)?.expiresAt ?? 0;
      while (!ctx.isClosed() && ctx.clock.now() < deadline) {
        await sleep(ctx.clock, Math.min(ctx.settings.barcodePollMs, Math.max(0, deadline - ctx.clock.now())));
        if (ctx.isClosed()) return this.get(id);
        if (ctx.store.orders.get(id)?.status !== 'AWAITING_PAYMENT') return this.get(id); // notify / cashier
        const q = await provider.query(id);
        if (q.kind === 'ok' && !STILL_OPEN.has(q.value.state)) {
          const facts = q.value;
          ctx.ledger.run((ch) => {
            if (facts.state === 'CLOSED') {
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
