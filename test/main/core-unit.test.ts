import { afterEach, describe, expect, it } from 'vitest';
import { AmountError } from '../../src/shared/money';
import { createOrderFromYuan, createPaymentCore, PaymentError, type Clock, type PaymentCore, type PaymentCoreConfig } from '../../src/main/payments';
import { FakeProvider, UNKNOWN } from './fake-provider';
import { makeTempDir, memoryLogger, waitFor } from '../support';

/**
 * Service logic against an in-memory provider (no HTTP): fast, deterministic, and able to script
 * outcomes the emulator cannot produce (a refund accepted but not confirmed on a first try). The same flows run against the
 * real emulator over HTTP in the *.emulator.test.ts files.
 */
describe('payment core (fake provider)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(over: Partial<PaymentCoreConfig> = {}, fake = new FakeProvider()) {
    const tmp = makeTempDir();
    const dbPath = `${tmp.dir}/paydesk.db`;
    const config: PaymentCoreConfig = {
      dbPath,
      providers: [fake],
      notify: { port: 0 },
      barcode: { pollIntervalMs: 20, maxWaitMs: 300 },
      poll: { initialMs: 20, maxMs: 50 },
      refundMinGapMs: 30,
      logger: memoryLogger(),
      ...over,
    };
    const core = createPaymentCore(config);
    await core.start();
    cleanup.push(() => tmp.cleanup());
    cleanup.push(() => core.close());
    return { core, fake, dbPath, config };
  }

  async function paidOrder(core: PaymentCore, fake: FakeProvider, amountFen = 1000) {
    const o = await core.createOrder({ amountFen, method: 'qr' });
    fake.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'paid by polling');
    return o.id;
  }

  it('commits the order before precreate, then AWAITING_PAYMENT with a QR and expiry', async () => {
    const fake = new FakeProvider();
    const { core } = await setup({ orderExpiryMs: 60_000 }, fake);
    let seenAtCall: string | undefined;
    let expiresAtSent: number | undefined;
    const original = fake.createQr.bind(fake);
    fake.createQr = async (input) => {
      seenAtCall = core.getOrder(input.outTradeNo)?.status;
      expiresAtSent = input.expiresAt;
      return original(input);
    };
    const o = await core.createOrder({ amountFen: 1234, method: 'qr', subject: 'Tea' });
    expect(seenAtCall).toBe('AWAITING_PAYMENT');
    expect(o).toMatchObject({ status: 'AWAITING_PAYMENT', amountFen: 1234, qrCode: `fake://qr/${o.id}`, subject: 'Tea' });
    expect(o.id.length).toBeLessThanOrEqual(64);
    expect(o.expiresAt! - o.createdAt).toBe(60_000);
    // The provider is handed the order's stored expiry, the same on every re-send.
    expect(expiresAtSent).toBe(o.expiresAt);
    expect(o.notifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/alipay$/);
    expect(core.events(o.id).map((e) => [e.source, e.kind])).toEqual([
      ['user', 'created'],
      ['user', 'qr_issued'],
    ]);
  });

  it('a refused create → FAILED with the reason in words', async () => {
    const fake = new FakeProvider();
    fake.next('createQr', {
      kind: 'business',
      failure: 'DECLINED',
      code: '40004',
      subCode: 'ACQ.TOTAL_FEE_EXCEED',
      message: '订单金额超过限额 / Amount exceeds the limit',
    });
    const { core } = await setup({}, fake);
    const o = await core.createOrder({ amountFen: 1, method: 'qr' });
    expect(o.status).toBe('FAILED');
    expect(o.message).toMatch(/Amount exceeds/);
  });

  it.each(['0', '-1', '1.001', 'abc', '1e3', ' 12', '100000000.01', '', '12 '])('refuses amount %j with a clear error; nothing stored', async (amount) => {
    const { core, fake } = await setup();
    const err = await createOrderFromYuan(core, { amount, method: 'qr' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmountError);
    expect((err as Error).message).toMatch(/ \/ /); // bilingual
    expect(core.listOrders({}).items).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([0, -1, 1.5, Number.NaN, 10_000_000_001])('createOrder refuses amountFen %s; nothing stored', async (amountFen) => {
    const { core } = await setup();
    await expect(core.createOrder({ amountFen, method: 'qr' })).rejects.toMatchObject({ code: 'AMOUNT_INVALID' });
    expect(core.listOrders({}).items).toHaveLength(0);
  });

  it('a 付款码 in a bad format is refused before anything is stored; the event keeps it masked', async () => {
    const { core } = await setup();
    await expect(core.createOrder({ amountFen: 100, method: 'code', authCode: '12345' })).rejects.toBeInstanceOf(PaymentError);
    expect(core.listOrders({}).items).toHaveLength(0);
    const o = await core.createOrder({ amountFen: 100, method: 'code', authCode: '281000000000000001' });
    expect(o.status).toBe('PAID');
    const created = core.events(o.id)[0];
    expect(created?.payload.authCode).toBe('2810**********0001');
    expect(JSON.stringify(core.events(o.id))).not.toContain('281000000000000001');
  });

  it('polling converges without a notification; expiry closes (TRADE_NOT_EXIST before a scan → closed locally)', async () => {
    const { core, fake } = await setup({ orderExpiryMs: 200 });
    const a = await core.createOrder({ amountFen: 100, method: 'qr' });
    const b = await core.createOrder({ amountFen: 100, method: 'link' });
    expect(b.payUrl).toBe(`fake://pay/${b.id}`);
    fake.pay(a.id);
    await waitFor(() => core.getOrder(a.id)?.status === 'PAID', 'a paid');
    await waitFor(() => core.getOrder(b.id)?.status === 'CLOSED', 'b expired');
    expect(core.events(a.id).at(-1)).toMatchObject({ source: 'poll', kind: 'paid' });
    expect(core.events(b.id).at(-1)).toMatchObject({ source: 'system', kind: 'expired', payload: { local: true } });
  });

  it('expiry: close refused because it was paid meanwhile → query → PAID', async () => {
    const fake = new FakeProvider();
    const { core } = await setup({ orderExpiryMs: 150, poll: { initialMs: 10_000, maxMs: 10_000 } }, fake);
    const o = await core.createOrder({ amountFen: 100, method: 'qr' });
    fake.next('close', { kind: 'business', failure: 'UNKNOWN', code: '40004', subCode: 'ACQ.TRADE_STATUS_ERROR', message: 'x' }, false);
    fake.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'paid after refused close');
    expect(fake.count('close')).toBe(1);
    expect(fake.count('query')).toBe(1);
  });

  it('a timer that fires a little early still handles the expiry as due (close first, not a query)', async () => {
    // Node's timers can fire a millisecond before the wall clock reaches their time; this clock makes
    // every timer fire 3 ms early, as a loaded machine sometimes does.
    const early: Clock = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms - 3)),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    const fake = new FakeProvider();
    const { core } = await setup({ clock: early, orderExpiryMs: 150, poll: { initialMs: 10_000, maxMs: 10_000 } }, fake);
    const o = await core.createOrder({ amountFen: 100, method: 'qr' });
    fake.next('close', { kind: 'business', failure: 'UNKNOWN', code: '40004', subCode: 'ACQ.TRADE_STATUS_ERROR', message: 'x' }, false);
    fake.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'paid after refused close');
    expect(fake.count('close')).toBe(1);
  });

  it('cashier cancels a waiting order; a paid order cannot be cancelled', async () => {
    const { core, fake } = await setup({ poll: { initialMs: 10_000, maxMs: 10_000 } });
    const o = await core.createOrder({ amountFen: 100, method: 'qr' });
    const c = await core.cancelOrder(o.id);
    expect(c).toMatchObject({ status: 'CLOSED', message: expect.stringMatching(/cancelled/) });
    expect(core.events(o.id).at(-1)).toMatchObject({ source: 'user', kind: 'cancelled' });
    const p = await paidOrderNow(core, fake);
    await expect(core.cancelOrder(p)).rejects.toMatchObject({ code: 'ORDER_NOT_WAITING' });
  });

  async function paidOrderNow(core: PaymentCore, fake: FakeProvider) {
    void fake;
    const o = await core.createOrder({ amountFen: 100, method: 'code', authCode: '281000000000000001' });
    return o.id;
  }

  it('付款码 confirming (10003) → userPaying → poll → PAID', async () => {
    const fake = new FakeProvider();
    const { core } = await setup({}, fake);
    fake.next('payWithCode', { kind: 'ok', value: { state: 'confirming' } }, true);
    let sawUserPaying = false;
    core.on('order.updated', (o) => {
      if (o.userPaying) sawUserPaying = true;
    });
    const o = await core.createOrder({ amountFen: 100, method: 'code', authCode: '282000000000000002' });
    expect(o.status).toBe('PAID');
    expect(o.userPaying).toBe(false);
    expect(sawUserPaying).toBe(true);
  });

  it('付款码 with an unknown answer that never confirms → cancelled after maxWait', async () => {
    const fake = new FakeProvider();
    const { core } = await setup({}, fake);
    fake.next('payWithCode', UNKNOWN);
    const o = await core.createOrder({ amountFen: 100, method: 'code', authCode: '283000000000000003' });
    expect(o.status).toBe('CLOSED');
    expect(o.message).toMatch(/did not confirm/);
    expect(fake.count('cancel')).toBe(1);
    expect(fake.count('query')).toBeGreaterThan(2);
  });

  it('records on refund_requested how the refund was authorised (the manager PIN was given, never the PIN)', async () => {
    const { core, fake } = await setup();
    const id = await paidOrder(core, fake, 1000);
    await core.refund({ orderId: id, amountFen: 100, authorization: 'manager_pin' });
    await core.refund({ orderId: id, amountFen: 100 });
    const requested = core.events(id).filter((e) => e.kind === 'refund_requested');
    expect(requested.map((e) => e.payload['authorization'])).toEqual(['manager_pin', 'none']);
  });

  it('refunds: partial + partial + over-limit; the spacing rule waits', async () => {
    const { core, fake } = await setup({ refundMinGapMs: 150 });
    const id = await paidOrder(core, fake, 1000);
    const t0 = Date.now();
    expect(await core.refund({ orderId: id, amountFen: 300, reason: 'a' })).toMatchObject({ status: 'SUCCESS' });
    expect(core.getOrder(id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 300 });
    expect(await core.refund({ orderId: id, amountFen: 700 })).toMatchObject({ status: 'SUCCESS' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(core.getOrder(id)).toMatchObject({ status: 'REFUNDED', refundedFen: 1000 });
    await expect(core.refund({ orderId: id, amountFen: 1 })).rejects.toMatchObject({ code: 'ORDER_NOT_REFUNDABLE' });
    const id2 = await paidOrder(core, fake, 500);
    await expect(core.refund({ orderId: id2, amountFen: 501 })).rejects.toMatchObject({ code: 'REFUND_EXCEEDS', message: expect.stringContaining('5.00') });
    expect(core.getOrder(id2)?.refunds).toHaveLength(0);
  });

  it('two concurrent refunds that together exceed the paid amount → exactly one is refused', async () => {
    const { core, fake } = await setup();
    const id = await paidOrder(core, fake, 1000);
    const results = await Promise.allSettled([core.refund({ orderId: id, amountFen: 600 }), core.refund({ orderId: id, amountFen: 600 })]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(((refused[0] as PromiseRejectedResult).reason as PaymentError).code).toMatch(/REFUND_EXCEEDS|REFUND_IN_PROGRESS/);
    expect(fake.count('refund')).toBe(1);
    expect(core.getOrder(id)).toMatchObject({ refundedFen: 600 });
  });

  it('refund accepted but not confirmed (PENDING, e.g. fund_change=N) on a first try → UNKNOWN → refund query says not received → retry with the SAME out_request_no', async () => {
    const { core, fake } = await setup();
    const id = await paidOrder(core, fake, 1000);
    fake.next('refund', { kind: 'ok', value: { state: 'PENDING', cumulativeFen: 0 } });
    const statuses: string[] = [];
    core.on('refund.updated', (r) => statuses.push(r.status));
    const r = await core.refund({ orderId: id, amountFen: 100 });
    expect(r.status).toBe('SUCCESS');
    expect(statuses).toEqual(['PENDING', 'UNKNOWN', 'SUCCESS']);
    const numbers = fake.calls.filter((c) => c.method === 'refund').map((c) => c.extra);
    expect(numbers).toEqual([r.id, r.id]);
    expect(fake.trades.get(id)?.refunds.size).toBe(1);
  });

  it('a refund timeout that moved the money → UNKNOWN → resolved by query, no second send', async () => {
    const { core, fake } = await setup();
    const id = await paidOrder(core, fake, 1000);
    fake.next('refund', UNKNOWN, true);
    const r = await core.refund({ orderId: id, amountFen: 100 });
    expect(r.status).toBe('SUCCESS');
    expect(fake.count('refund')).toBe(1);
    expect(core.events(id).map((e) => e.kind)).toEqual(expect.arrayContaining(['refund_requested', 'refund_unknown', 'refund_succeeded']));
  });

  it('a refund still unknown stays UNKNOWN, blocks new refunds, and resolves in the background', async () => {
    const { core, fake } = await setup();
    const id = await paidOrder(core, fake, 1000);
    fake.next('refund', UNKNOWN);
    fake.next('refundQuery', UNKNOWN);
    fake.next('refundQuery', UNKNOWN);
    const r = await core.refund({ orderId: id, amountFen: 100 });
    expect(r.status).toBe('UNKNOWN');
    expect(r.message).toBe('timeout');
    await expect(core.refund({ orderId: id, amountFen: 100 })).rejects.toMatchObject({ code: 'REFUND_IN_PROGRESS' });
    await waitFor(() => core.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'background resolution');
    expect(new Set(fake.calls.filter((c) => c.method === 'refund').map((c) => c.extra))).toEqual(new Set([r.id]));
    expect(fake.trades.get(id)?.refunds.size).toBe(1);
  });

  it('"trade does not exist" from a refund query is never final: the refund stays UNKNOWN, reserved, and asks for attention', async () => {
    const { core, fake } = await setup();
    const id = await paidOrder(core, fake, 1000);
    const notExist = { kind: 'business', failure: 'NOT_FOUND', code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST', message: '交易不存在 / not exist' } as const;
    fake.next('refund', UNKNOWN, true); // the gateway that took the refund applied it
    for (let i = 0; i < 20; i++) fake.next('refundQuery', notExist); // then a wrong gateway or app answers
    const r = await core.refund({ orderId: id, amountFen: 400 });
    expect(r.status).toBe('UNKNOWN');
    expect(r.message).toMatch(/交易不存在.*错误的网关或 AppID.* \/ .*wrong gateway or app id/);
    // Still not FAILED after several background rounds; its amount stays out of the refundable rest.
    await waitFor(() => fake.count('refundQuery') >= 4, 'background queries');
    expect(core.getOrder(id)?.refunds[0]?.status).toBe('UNKNOWN');
    await expect(core.refund({ orderId: id, amountFen: 400 })).rejects.toMatchObject({ code: 'REFUND_IN_PROGRESS' });
    expect(fake.count('refund')).toBe(1); // never sent again under a new number
  });

  it('restart with a PENDING refund (crash between commit and answer) → sweep resolves it with the same number', async () => {
    const fake = new FakeProvider();
    const first = await setup({}, fake);
    const id = await paidOrder(first.core, fake, 1000);
    // Simulate the crash: the refund row is committed but the request never went out.
    let release: (v: typeof UNKNOWN) => void = () => {};
    const stuck = new Promise<typeof UNKNOWN>((r) => {
      release = r;
    });
    const send = fake.refund.bind(fake);
    fake.refund = () => stuck;
    void first.core.refund({ orderId: id, amountFen: 250 });
    await waitFor(() => first.core.getOrder(id)?.refunds[0]?.status === 'PENDING', 'pending refund');
    const refundId = first.core.getOrder(id)!.refunds[0]!.id;
    fake.refund = send;
    // A new core on the same file (the old one is abandoned, like a killed process).
    const second = createPaymentCore(first.config);
    cleanup.push(() => second.close());
    cleanup.push(() => release(UNKNOWN)); // let the abandoned core's call end so it can close
    await second.start();
    await waitFor(() => second.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'sweep resolved refund');
    expect(fake.trades.get(id)?.refunds.get(refundId)).toBe(250);
    expect(second.getOrder(id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 250 });
    expect(second.events(id).some((e) => e.source === 'sweep')).toBe(true);
  });

  it('lists with a cursor, filters by status and number prefix', async () => {
    const { core } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await core.createOrder({ amountFen: 100 + i, method: 'link' })).id);
    const p1 = core.listOrders({ limit: 2 });
    expect(p1.items).toHaveLength(2);
    const p2 = core.listOrders({ limit: 2, cursor: p1.nextCursor! });
    const p3 = core.listOrders({ limit: 2, cursor: p2.nextCursor! });
    expect(p3.nextCursor).toBeNull();
    expect([...p1.items, ...p2.items, ...p3.items].map((o) => o.id).sort()).toEqual([...ids].sort());
    expect(core.listOrders({ q: ids[2] }).items.map((o) => o.id)).toEqual([ids[2]]);
    expect(core.listOrders({ status: 'PAID' }).items).toHaveLength(0);
    expect(() => core.listOrders({ cursor: 'garbage!' })).toThrow(PaymentError);
  });
});
