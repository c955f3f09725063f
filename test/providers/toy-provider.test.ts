/**
 * A second provider is an adapter and a registry entry, not a change to the core: a toy provider with
 * its own state words, its own JSON notifications and its own acknowledgement format runs the whole
 * loop — create → pay → notification over real HTTP → refund → refund notification — through the real
 * payment core and notify server, hosted beside another provider. Unknown provider paths are 404 and
 * store nothing.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/main/kernel';
import { createPaymentCore, type PaymentCore } from '../../src/main/payments';
import { createProviderRegistry } from '../../src/main/providers/registry';
import { FakeProvider } from '../main/fake-provider';
import { toyFactory, ToyProvider } from './toy-provider';
import { makeTempDir, memoryLogger, waitFor } from '../support';

describe('a toy second provider through the registry', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.cleanup());
    const logger = memoryLogger();
    const registry = createProviderRegistry();
    registry.register('toy', toyFactory);
    const toy = registry.build('toy', { environment: 'demo', merchant: 'M-0001', secret: 'toy-secret-123' }, { logger, clock: systemClock });
    if (!(toy instanceof ToyProvider)) throw new Error('the registry built something else');
    // Hosted beside a default provider: the toy carries only the orders that name it.
    const other = new FakeProvider(undefined, { id: 'alipay', accountId: 'app' });
    const dbPath = join(tmp.dir, 'paydesk.db');
    const core: PaymentCore = createPaymentCore({
      dbPath,
      providers: [other, toy],
      notify: { port: 0 },
      poll: { initialMs: 50, maxMs: 100 },
      refundMinGapMs: 10,
      logger,
    });
    await core.start();
    cleanups.push(() => core.close());
    const db = new BetterSqlite3(dbPath, { readonly: true });
    cleanups.push(() => {
      db.close();
    });
    const notifications = () =>
      db.prepare('SELECT provider, verdict, reason, order_id AS orderId FROM notifications ORDER BY id').all() as {
        provider: string;
        verdict: string;
        reason: string | null;
        orderId: string | null;
      }[];
    return { core, toy, registry, logger, notifications };
  }

  it('refuses unknown ids and bad settings with bilingual errors', async () => {
    const { registry, logger } = await setup();
    const deps = { logger, clock: systemClock };
    expect(() => registry.build('nope', {}, deps)).toThrow(
      expect.objectContaining({ code: 'PROVIDER_UNKNOWN', message: expect.stringMatching(/未知.*\/ Unknown payment provider: nope/) }),
    );
    expect(() => registry.build('toy', { environment: 'demo', merchant: '', secret: 'x' }, deps)).toThrow(
      expect.objectContaining({ code: 'PROVIDER_SETTINGS_INVALID', message: expect.stringMatching(/设置.*merchant.*\/ Settings of provider toy.*secret/) }),
    );
    expect(() => registry.register('toy', toyFactory)).toThrow(expect.objectContaining({ code: 'PROVIDER_DUPLICATE' }));
    expect(() => registry.register('Bad Id', toyFactory)).toThrow(expect.objectContaining({ code: 'PROVIDER_ID_INVALID' }));
  });

  it("create → pay → notify over HTTP → refund → refund notification, with the toy's own acknowledgements", async () => {
    const { core, toy, notifications } = await setup();
    // Which providers are hosted, the default first (the console routes a 付款码 by it).
    expect(core.providers()).toEqual(['alipay', 'toy']);

    // The default provider still gets orders that name none, with its own notify path.
    const plain = await core.createOrder({ amountFen: 100, method: 'qr' });
    expect(plain).toMatchObject({ provider: 'alipay', appId: 'app' });
    expect(plain.notifyUrl).toMatch(/\/notify\/alipay$/);

    const order = await core.createOrder({ amountFen: 1000, method: 'qr', provider: 'toy' });
    expect(order).toMatchObject({
      provider: 'toy',
      appId: 'M-0001',
      environment: 'demo',
      status: 'AWAITING_PAYMENT',
      qrCode: `toy://pay/${order.id}`,
      foreign: false,
    });
    expect(order.notifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/toy$/);
    // A method the toy does not carry is refused before anything is stored.
    await expect(core.createOrder({ amountFen: 1000, method: 'link', provider: 'toy' })).rejects.toMatchObject({ code: 'METHOD_INVALID' });
    await expect(core.createOrder({ amountFen: 1000, method: 'qr', provider: 'nope' })).rejects.toMatchObject({ code: 'PROVIDER_UNKNOWN' });
    expect(core.listOrders({}).items).toHaveLength(2);

    // A forged notice: the toy's rejection (400, JSON), nothing changes.
    const forged = await toy.deliver(order.notifyUrl as string, { id: 'X1', merchant: 'M-0001', order: order.id, total: 1000, state: 'DONE' }, { forge: true });
    expect(forged).toMatchObject({ status: 400, type: 'application/json' });
    expect(JSON.parse(forged.body)).toEqual({ code: 'REJECTED', message: 'notification refused' });
    expect(core.getOrder(order.id)?.status).toBe('AWAITING_PAYMENT');

    // The buyer pays: the toy's notification is answered 204 with no body, after the order is PAID.
    const paid = await toy.pay(order.id);
    expect(paid).toMatchObject({ status: 204, body: '' });
    expect(core.getOrder(order.id)).toMatchObject({ status: 'PAID', tradeNo: `TOY-${order.id}` });
    expect(core.events(order.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'notify' });
    // Sent again (the provider did not see our answer): accepted again, nothing changes.
    const again = await toy.deliver(order.notifyUrl as string, { id: 'N1', merchant: 'M-0001', order: order.id, total: 1000, state: 'DONE' });
    expect(again.status).toBe(204);
    expect(core.events(order.id).filter((e) => e.kind === 'paid')).toHaveLength(1);

    // An asynchronous refund: accepted but not confirmed, so it stays unresolved and reserved…
    const refund = await core.refund({ orderId: order.id, amountFen: 300, reason: 'toy' });
    expect(refund.status).toBe('UNKNOWN');
    expect(toy.trades.get(order.id)?.refunds.get(refund.id)).toMatchObject({ amountFen: 300, state: 'PROCESSING' });
    await expect(core.refund({ orderId: order.id, amountFen: 100 })).rejects.toMatchObject({ code: 'REFUND_IN_PROGRESS' });
    // …until the toy announces it: this refund's amount and status, no cumulative total, no trade facts.
    const refunded = await toy.finishRefund(order.id, refund.id);
    expect(refunded).toMatchObject({ status: 204, body: '' });
    expect(core.getOrder(order.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 300 });
    expect(core.getOrder(order.id)?.refunds).toEqual([expect.objectContaining({ id: refund.id, status: 'SUCCESS', amountFen: 300 })]);
    expect(core.events(order.id).find((e) => e.kind === 'refund_succeeded')).toMatchObject({ source: 'notify', payload: { refundId: refund.id } });

    // The ledger's inbox: every notice stored raw with the provider it came to, and its verdict.
    expect(notifications()).toEqual([
      { provider: 'toy', verdict: 'rejected', reason: 'bad toy signature', orderId: null },
      { provider: 'toy', verdict: 'applied', reason: null, orderId: order.id },
      { provider: 'toy', verdict: 'duplicate', reason: null, orderId: order.id },
      { provider: 'toy', verdict: 'applied', reason: null, orderId: order.id },
    ]);
    expect(core.lastNotification()).toMatchObject({ verdict: 'applied', provider: 'toy', orderId: order.id });
    // Nothing else happened to the other provider's order.
    await waitFor(() => core.getOrder(plain.id)?.status === 'AWAITING_PAYMENT', 'other order untouched');
  });

  it("a notice about the toy's order sent to another provider's path is that provider's to refuse", async () => {
    const { core, toy, notifications } = await setup();
    const order = await core.createOrder({ amountFen: 500, method: 'qr', provider: 'toy' });
    const wrongPath = (order.notifyUrl as string).replace(/\/notify\/toy$/, '/notify/alipay');
    const r = await toy.deliver(wrongPath, { id: 'N9', merchant: 'M-0001', order: order.id, total: 500, state: 'DONE' });
    expect(r).toMatchObject({ status: 200, body: 'fail' }); // the other adapter's answer, not the toy's
    expect(core.getOrder(order.id)?.status).toBe('AWAITING_PAYMENT');
    expect(notifications()).toEqual([{ provider: 'alipay', verdict: 'rejected', reason: 'n/a', orderId: null }]);
  });

  it('POST /notify/<unknown provider> is 404 and stores nothing; /notify/<hosted> still answers', async () => {
    const { core, toy, notifications } = await setup();
    const base = core.localNotifyBase() as string;
    for (const path of ['/notify/unknown', '/notify/wechat', '/notify/TOY', '/notify/toy/', '/notify/toy/x']) {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"N1"}' });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect(notifications()).toEqual([]);
    const hosted = await toy.deliver(`${base}/notify/toy`, { id: 'N2', merchant: 'M-0001', order: 'PDNOSUCHORDER', total: 1 });
    expect(hosted.status).toBe(400);
    expect(notifications()).toEqual([{ provider: 'toy', verdict: 'rejected', reason: 'unknown out_trade_no', orderId: null }]);
  });
});
