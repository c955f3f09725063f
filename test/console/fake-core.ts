/**
 * An in-memory PaymentCore for console and web-bridge tests: same interface as the real one
 * (src/main/payments/api.ts), no database; it hosts the console's Alipay provider (and any id pushed
 * to `alsoHost`) and records every createOrder input. `pay()` plays a verified notification.
 */
import type { NotificationSeen, Order, OrderEvent, PaymentCore, PaymentCoreConfig, PaymentCoreEvents, Refund } from '../../src/main/payments/api';
import { PaymentError } from '../../src/main/payments/api';
import { AlipayProvider, type AlipayConfig } from '../../src/main/providers/alipay';

export interface FakeCore extends PaymentCore {
  config: PaymentCoreConfig;
  /** The Alipay app the console built the core's provider from. */
  alipay: AlipayConfig;
  started: boolean;
  closed: boolean;
  /** The buyer pays: PAID, as if a verified notification arrived. */
  pay(id: string): void;
  /** Make the next call of `method` throw this. */
  failNext(method: 'createOrder' | 'refund', err: unknown): void;
  /** Every createOrder input, in order (including refused ones). */
  createInputs: Parameters<PaymentCore['createOrder']>[0][];
  /** Host these provider ids too (after the console's own), as a core built with more providers would. */
  alsoHost: string[];
}

export function createFakeCore(config: PaymentCoreConfig): FakeCore {
  const provider = config.providers[0];
  if (!(provider instanceof AlipayProvider)) throw new Error('the console builds an Alipay provider');
  const orders = new Map<string, Order>();
  const events = new Map<string, OrderEvent[]>();
  const listeners = new Map<string, Set<(p: never) => void>>();
  const failures = new Map<string, unknown>();
  let seq = 0;
  let eventId = 0;
  let last: NotificationSeen | null = null;
  let base: string | null | undefined = config.notify.publicUrl;
  const now = (): number => 1_700_000_000_000 + seq * 1000;

  function emit<K extends keyof PaymentCoreEvents>(event: K, payload: PaymentCoreEvents[K]): void {
    for (const l of listeners.get(event) ?? []) (l as (p: PaymentCoreEvents[K]) => void)(payload);
  }
  function record(orderId: string, source: OrderEvent['source'], kind: string, payload: Record<string, unknown>): void {
    const list = events.get(orderId) ?? [];
    list.push({ id: ++eventId, orderId, source, kind, payload, at: now() });
    events.set(orderId, list);
  }
  function copy(o: Order): Order {
    return { ...o, refunds: o.refunds.map((r) => ({ ...r })) };
  }
  function takeFailure(method: string): void {
    if (failures.has(method)) {
      const err = failures.get(method);
      failures.delete(method);
      throw err;
    }
  }

  const core: FakeCore = {
    config,
    alipay: provider.config,
    started: false,
    closed: false,
    createInputs: [],
    alsoHost: [],
    providers: () => [provider.id, ...core.alsoHost],
    async createOrder(input) {
      core.createInputs.push({ ...input });
      takeFailure('createOrder');
      if (input.provider !== undefined && !core.providers().includes(input.provider)) {
        throw new PaymentError('PROVIDER_UNKNOWN', `未启用的支付机构：${input.provider} / Payment provider not enabled: ${input.provider}`);
      }
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1) {
        throw new PaymentError('AMOUNT_TOO_SMALL', '金额必须大于 0 / Amount must be positive');
      }
      seq += 1;
      const id = `PD${String(seq).padStart(6, '0')}`;
      const order: Order = {
        id,
        method: input.method,
        status: 'AWAITING_PAYMENT',
        amountFen: input.amountFen,
        refundedFen: 0,
        subject: input.subject ?? 'PayDesk',
        qrCode: input.method === 'qr' ? `https://qr.example.test/${id}` : null,
        payUrl: input.method === 'link' ? `https://pay.example.test/gateway.do?out_trade_no=${id}&sign=${'x'.repeat(1400)}` : null,
        tradeNo: null,
        buyerLogonId: null,
        notifyUrl: core.notifyUrl(),
        createdAt: now(),
        paidAt: null,
        expiresAt: now() + 300_000,
        closedAt: null,
        userPaying: false,
        message: null,
        latePayment: null,
        refunds: [],
        environment: provider.environment,
        appId: provider.accountId,
        provider: input.provider ?? provider.id,
        foreign: false,
        pairedWith: null,
      };
      orders.set(id, order);
      record(id, 'user', 'created', { amountFen: input.amountFen });
      emit('order.updated', copy(order));
      return copy(order);
    },
    // 双码: two orders created as createOrder would, linked both ways (the real rules live in payments/pairs.ts).
    async createPair(input) {
      const make = (provider: string) =>
        core.createOrder({ amountFen: input.amountFen, method: 'qr', provider, ...(input.subject !== undefined ? { subject: input.subject } : {}) });
      const a = await make(input.providers[0]);
      const b = await make(input.providers[1]);
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const o = orders.get(x.id);
        if (o) o.pairedWith = y.id;
      }
      // The real core stores both legs linked and emits them again once their QRs are issued.
      for (const x of [a, b]) {
        const o = orders.get(x.id);
        if (o) emit('order.updated', copy(o));
      }
      return [copy(orders.get(a.id) ?? a), copy(orders.get(b.id) ?? b)];
    },
    getOrder: (id) => {
      const o = orders.get(id);
      return o ? copy(o) : null;
    },
    listOrders: (query) => {
      const items = [...orders.values()].filter((o) => !query.status || o.status === query.status).map(copy);
      return { items: items.slice(0, query.limit ?? 50), nextCursor: null };
    },
    async cancelOrder(id) {
      const o = orders.get(id);
      if (!o) throw new PaymentError('NOT_FOUND', `找不到订单 / Order not found`);
      o.status = 'CLOSED';
      o.closedAt = now();
      emit('order.updated', copy(o));
      return copy(o);
    },
    async refund(input) {
      takeFailure('refund');
      const o = orders.get(input.orderId);
      if (!o) throw new PaymentError('NOT_FOUND', `找不到订单 / Order not found`);
      if (o.status !== 'PAID' && o.status !== 'PARTIALLY_REFUNDED') {
        throw new PaymentError('NOT_REFUNDABLE', '订单不可退款 / The order cannot be refunded');
      }
      if (input.amountFen > o.amountFen - o.refundedFen) {
        throw new PaymentError('REFUND_EXCEEDS', '退款金额超过可退金额 / The refund exceeds the refundable amount');
      }
      seq += 1;
      const refund: Refund = {
        id: `${o.id}-R${o.refunds.length + 1}`,
        orderId: o.id,
        amountFen: input.amountFen,
        reason: input.reason ?? null,
        status: 'SUCCESS',
        createdAt: now(),
        settledAt: now(),
        message: null,
      };
      o.refunds.push(refund);
      o.refundedFen += input.amountFen;
      o.status = o.refundedFen === o.amountFen ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
      record(o.id, 'user', 'refund.succeeded', { amountFen: input.amountFen, authorization: input.authorization ?? 'none' });
      emit('refund.updated', { ...refund });
      emit('order.updated', copy(o));
      return { ...refund };
    },
    events: (orderId) => (events.get(orderId) ?? []).map((e) => ({ ...e })),
    // 交班 needs the real store's transactions: tested on the real core (test/console/shifts.test.ts).
    shifts: {
      current: () => null,
      get: () => null,
      start: () => {
        throw new PaymentError('NOT_IN_FAKE', 'the fake core keeps no shifts');
      },
      end: () => {
        throw new PaymentError('NOT_IN_FAKE', 'the fake core keeps no shifts');
      },
      list: () => ({ items: [], nextCursor: null }),
    },
    summary: (date) => {
      const paid = [...orders.values()].filter((o) => o.paidAt !== null);
      const gross = paid.reduce((s, o) => s + o.amountFen, 0);
      const refunded = paid.reduce((s, o) => s + o.refundedFen, 0);
      return {
        date,
        count: paid.length,
        grossFen: gross,
        refundedFen: refunded,
        netFen: gross - refunded,
        hourly: Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, netFen: 0 })),
        byMethod: (['code', 'link', 'qr'] as const).flatMap((method) => {
          const mine = paid.filter((o) => o.method === method);
          const g = mine.reduce((s, o) => s + o.amountFen, 0);
          const r = mine.reduce((s, o) => s + o.refundedFen, 0);
          return mine.length ? [{ provider: 'alipay', method, count: mine.length, grossFen: g, refundedFen: r, netFen: g - r }] : [];
        }),
      };
    },
    notifyUrl: () => (base === null ? null : `${(base ?? 'http://127.0.0.1:40001').replace(/\/+$/, '')}/notify/alipay`),
    localNotifyBase: () => (core.started ? 'http://127.0.0.1:40001' : null),
    tunnelLocal: () => null,
    setNotifyBase(next) {
      base = next;
    },
    lastNotification: () => last,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = listener as (p: never) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
    async start() {
      core.started = true;
    },
    async close() {
      core.closed = true;
    },
    pay(id) {
      const o = orders.get(id);
      if (!o) throw new Error(`no order ${id}`);
      seq += 1;
      o.status = 'PAID';
      o.paidAt = now();
      o.tradeNo = `2026${id}`;
      o.buyerLogonId = '159****5620';
      record(id, 'notify', 'paid', { tradeNo: o.tradeNo });
      last = { at: now(), verdict: 'applied', reason: null, orderId: id };
      emit('notification.received', last);
      emit('order.updated', copy(o));
    },
    failNext(method, err) {
      failures.set(method, err);
    },
  };
  return core;
}
