import { afterEach, describe, expect, it } from 'vitest';
import { formBody, postForm } from './helpers';
import { withEmulator } from './emulator-harness';
import { waitFor } from '../support';

type Env = Awaited<ReturnType<typeof withEmulator>>;

describe('QR checkout and tracking against the emulator', () => {
  let env: Env | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  it('QR → pay → notify → PAID (the notification is the fast path)', async () => {
    // Slow polling so that the notification, not a poll, is what marks it paid.
    env = await withEmulator({ core: { poll: { initialMs: 10_000, maxMs: 10_000 } } });
    const { core, control } = env;
    const seen: string[] = [];
    core.on('notification.received', (n) => seen.push(n.verdict));
    const o = await core.createOrder({ amountFen: 1234, method: 'qr', subject: '咖啡 Coffee' });
    expect(o.status).toBe('AWAITING_PAYMENT');
    expect(o.qrCode).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/qr\//);
    const t = await control.trade(o.id);
    expect(t).toMatchObject({ totalAmount: '12.34', notifyUrl: core.notifyUrl() });
    await control.pay(o.id);
    const paid = await waitFor(() => (core.getOrder(o.id)?.status === 'PAID' ? core.getOrder(o.id) : null), 'PAID');
    expect(paid.tradeNo).toBe(t?.tradeNo);
    expect(core.events(o.id).at(-1)).toMatchObject({ source: 'notify', kind: 'paid' });
    expect(seen).toEqual(['applied']);
    expect(core.lastNotification()).toMatchObject({ verdict: 'applied', orderId: o.id });
    const deliveries = await control.notifications();
    expect(deliveries.filter((d) => d.outTradeNo === o.id).every((d) => d.responseBody === 'success')).toBe(true);
  });

  it('notification dropped → polling converges', async () => {
    env = await withEmulator();
    const { core, control } = env;
    await control.fault({ kind: 'notify-drop', count: 1 });
    const o = await core.createOrder({ amountFen: 500, method: 'qr' });
    await control.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'PAID by polling');
    expect(core.events(o.id).at(-1)).toMatchObject({ source: 'poll', kind: 'paid' });
    expect(core.lastNotification()).toBeNull();
  });

  it('poll only (publicUrl: null): no notify_url is sent, polling still converges', async () => {
    env = await withEmulator({ core: { notify: { port: 0, publicUrl: null } } });
    const { core, control } = env;
    expect(core.notifyUrl()).toBeNull();
    const o = await core.createOrder({ amountFen: 500, method: 'qr' });
    expect(o.notifyUrl).toBeNull();
    await control.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'PAID by polling');
  });

  it('process restarted mid-payment → the start-up sweep converges', async () => {
    env = await withEmulator({ core: { notify: { port: 0, publicUrl: null } } });
    const { core, control } = env;
    const paid = await core.createOrder({ amountFen: 800, method: 'qr' });
    const waiting = await core.createOrder({ amountFen: 900, method: 'link' });
    await core.close(); // the app is closed while the customer pays
    await control.pay(paid.id);
    const again = await env.newCore({ poll: { initialMs: 60_000, maxMs: 60_000 } }); // same db file; no polling help
    await waitFor(() => again.getOrder(paid.id)?.status === 'PAID', 'sweep → PAID');
    expect(again.events(paid.id).at(-1)).toMatchObject({ source: 'sweep', kind: 'paid' });
    expect(again.getOrder(waiting.id)?.status).toBe('AWAITING_PAYMENT');
  });

  it('8 duplicate notifications → one transition', async () => {
    env = await withEmulator({ core: { poll: { initialMs: 10_000, maxMs: 10_000 } } });
    const { core, control } = env;
    const o = await core.createOrder({ amountFen: 1000, method: 'qr' });
    await control.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'PAID');
    const d = (await control.notifications()).find((n) => n.outTradeNo === o.id);
    expect(d).toBeTruthy();
    const updates: string[] = [];
    core.on('order.updated', (x) => updates.push(x.status));
    // Alipay sends up to 8 notices for one fact (Alipay 异步通知说明: up to 8 times in 25 h): replay the genuine one 7 more times.
    for (let i = 0; i < 7; i++) {
      const r = await postForm(core.notifyUrl()!, formBody(d!.params));
      expect(r).toEqual({ status: 200, text: 'success' });
    }
    expect(updates).toEqual([]);
    expect(core.events(o.id).filter((e) => e.kind === 'paid')).toHaveLength(1);
    expect(core.lastNotification()).toMatchObject({ verdict: 'duplicate' });
  });

  it('the emulator duplicating notices (fault notify-duplicate) changes nothing twice', async () => {
    env = await withEmulator({ core: { poll: { initialMs: 10_000, maxMs: 10_000 } } });
    const { core, control } = env;
    await control.fault({ kind: 'notify-duplicate', count: 1 });
    const verdicts: string[] = [];
    core.on('notification.received', (n) => verdicts.push(n.verdict));
    const o = await core.createOrder({ amountFen: 1000, method: 'qr' });
    await control.pay(o.id);
    await waitFor(() => verdicts.length >= 3, '3 deliveries');
    expect(verdicts.sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(core.events(o.id).filter((e) => e.kind === 'paid')).toHaveLength(1);
  });

  it('pay link: page.pay GET URL, tracked like a QR order', async () => {
    env = await withEmulator();
    const { core, control } = env;
    const o = await core.createOrder({ amountFen: 4321, method: 'link', subject: 'Link' });
    expect(o.payUrl).toContain('/gateway.do?');
    expect(o.payUrl).toContain('method=alipay.trade.page.pay');
    const page = await fetch(o.payUrl!);
    expect(page.status).toBe(200);
    await control.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'link PAID');
  });

  it('expiry: unscanned → closed locally; scanned → alipay.trade.close; cashier cancel', async () => {
    env = await withEmulator({ core: { orderExpiryMs: 400 } });
    const { core, control } = env;
    const a = await core.createOrder({ amountFen: 100, method: 'qr' });
    const b = await core.createOrder({ amountFen: 100, method: 'qr' });
    await control.scan(b.id);
    await waitFor(() => core.getOrder(a.id)?.status === 'CLOSED' && core.getOrder(b.id)?.status === 'CLOSED', 'both expired');
    expect(core.events(a.id).at(-1)).toMatchObject({ kind: 'expired', payload: { local: true } });
    expect(core.events(b.id).at(-1)).toMatchObject({ kind: 'expired', payload: { local: false } });
    expect((await control.trade(b.id))?.status).toBe('TRADE_CLOSED');
    const c = await core.createOrder({ amountFen: 100, method: 'qr' });
    await control.scan(c.id);
    expect(await core.cancelOrder(c.id)).toMatchObject({ status: 'CLOSED' });
    expect((await control.trade(c.id))?.status).toBe('TRADE_CLOSED');
  });

  it('expiry when the buyer paid meanwhile (notification lost) → close refused → query → PAID', async () => {
    env = await withEmulator({ core: { orderExpiryMs: 300, poll: { initialMs: 60_000, maxMs: 60_000 } } });
    const { core, control } = env;
    await control.fault({ kind: 'notify-drop', count: 1 });
    const o = await core.createOrder({ amountFen: 100, method: 'qr' });
    await control.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'PAID via close → query');
    // The expiry check closed first; Alipay refused (paid), the query then won (closer.ts).
    expect(env.logger.lines.some((l) => l.includes('close refused, querying'))).toBe(true);
  });
});
