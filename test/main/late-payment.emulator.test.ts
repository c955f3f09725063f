import { afterEach, describe, expect, it } from 'vitest';
import type { Clock, Order, PaymentCore } from '../../src/main/payments';
import { localDate } from '../../src/main/console/dto';
import { parseYuanAllowZero } from '../../src/shared/money';

import { withEmulator, type EmuTrade } from './emulator-harness';
import { waitFor } from '../support';

type Env = Awaited<ReturnType<typeof withEmulator>>;

/** Money the merchant holds for this order according to the gateway (fen). */
function heldByGateway(t: EmuTrade | null): number {
  if (!t || (t.status !== 'TRADE_SUCCESS' && t.status !== 'TRADE_FINISHED')) return 0; // TRADE_CLOSED: unpaid or fully refunded
  return parseYuanAllowZero(t.totalAmount) - parseYuanAllowZero(t.refundFee);
}

/** Money the merchant holds for this order according to PayDesk (fen). */
function heldByPayDesk(o: Order | null): number {
  if (!o || (o.status !== 'PAID' && o.status !== 'PARTIALLY_REFUNDED' && o.status !== 'REFUNDED')) return 0;
  return o.amountFen - o.refundedFen;
}

/** PayDesk and the gateway agree about whether (and how much) money moved. */
async function expectAgreement(env: Env, core: PaymentCore, id: string): Promise<void> {
  const order = core.getOrder(id);
  const trade = await env.control.trade(id);
  expect(heldByPayDesk(order), 'fen held: PayDesk vs the gateway').toBe(heldByGateway(trade));
  expect(order?.status === 'PAID').toBe(trade?.status === 'TRADE_SUCCESS' && trade.refunds.length === 0);
}

/** Real time plus a jump the test controls: moves PayDesk past the provider's expiry without sleeping. */
function jumpClock(): Clock & { jump(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    jump: (ms) => {
      offset += ms;
    },
  };
}

const pollOnly = { notify: { port: 0, publicUrl: null } } as const;

describe('a cancelled or closed order paid late (notify mode none)', () => {
  let env: Env | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  it('cancel before any scan: the same QR can no longer be paid, and both sides agree nobody paid', async () => {
    env = await withEmulator({ core: pollOnly });
    const { core, control } = env;
    const o = await core.createOrder({ amountFen: 6600, method: 'qr' });
    const closed = await core.cancelOrder(o.id);
    expect(closed.status).toBe('CLOSED');
    expect(core.events(o.id).at(-1)).toMatchObject({ kind: 'cancelled', payload: { local: true, voided: true } });
    // The buyer scans and pays the QR still on the screen.
    const page = await (await fetch(o.qrCode!)).text();
    expect(page).toContain('交易已关闭');
    expect((await control.pay(o.id)).status).toBe(409);
    await expectAgreement(env, core, o.id);
  });

  it('cancel could not void the number: the late payment is found by polling → PAID, paid_after_cancel, refund in one call', async () => {
    env = await withEmulator({ core: pollOnly });
    const { core, control } = env;
    await control.fault({ kind: 'system-error', method: 'alipay.trade.cancel', count: 10 });
    const o = await core.createOrder({ amountFen: 6600, method: 'qr' });
    expect((await core.cancelOrder(o.id)).status).toBe('CLOSED');
    expect(core.events(o.id).at(-1)).toMatchObject({ kind: 'cancelled', payload: { local: true, voided: false } });
    expect((await control.pay(o.id)).status).toBe(200); // the gateway now holds 66.00
    const paid = await waitFor(() => (core.getOrder(o.id)?.status === 'PAID' ? core.getOrder(o.id) : null), 'late payment noticed');
    expect(paid).toMatchObject({ latePayment: 'after_cancel', message: expect.stringContaining('已取消的订单收到了付款') });
    expect(core.events(o.id).at(-1)).toMatchObject({ source: 'poll', kind: 'paid_after_cancel', payload: { from: 'CLOSED', totalFen: 6600 } });
    await expectAgreement(env, core, o.id);
    expect(core.summary(localDate(new Date(o.createdAt)))).toMatchObject({ count: 1, grossFen: 6600 }); // 今日 counts it
    // The refund offered in the order drawer: the whole amount, one call.
    const r = await core.refund({ orderId: o.id, amountFen: paid.amountFen - paid.refundedFen });
    expect(r.status).toBe('SUCCESS');
    expect(core.getOrder(o.id)?.status).toBe('REFUNDED');
    await expectAgreement(env, core, o.id);
  });

  it('paid while PayDesk was not running: the start-up sweep finds it', async () => {
    env = await withEmulator({ core: pollOnly });
    const { core, control } = env;
    await control.fault({ kind: 'unknown-error', method: 'alipay.trade.cancel', count: 10 });
    const o = await core.createOrder({ amountFen: 6600, method: 'qr' });
    expect((await core.cancelOrder(o.id)).status).toBe('CLOSED');
    await core.close();
    expect((await control.pay(o.id)).status).toBe(200);
    const again = await env.newCore({ poll: { initialMs: 60_000, maxMs: 60_000 } }); // only the sweep can see it
    await waitFor(() => again.getOrder(o.id)?.status === 'PAID', 'sweep → PAID');
    expect(again.events(o.id).at(-1)).toMatchObject({ source: 'sweep', kind: 'paid_after_cancel' });
    await expectAgreement(env, again, o.id);
  });

  it('an expired pay link paid late → paid_after_close', async () => {
    env = await withEmulator({ core: { ...pollOnly, orderExpiryMs: 300 } });
    const { core, control } = env;
    await control.fault({ kind: 'system-error', method: 'alipay.trade.cancel', count: 10 });
    const o = await core.createOrder({ amountFen: 1200, method: 'link' });
    await waitFor(() => core.getOrder(o.id)?.status === 'CLOSED', 'expired');
    expect(core.events(o.id).at(-1)).toMatchObject({ kind: 'expired', payload: { local: true } });
    expect((await fetch(o.payUrl!)).status).toBe(200); // the buyer opens the link only now…
    expect((await control.pay(o.id)).status).toBe(200); // …and pays
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'late payment noticed');
    expect(core.getOrder(o.id)).toMatchObject({ latePayment: 'after_close' });
    expect(core.events(o.id).at(-1)).toMatchObject({ kind: 'paid_after_close' });
    await expectAgreement(env, core, o.id);
  });

  it('a buyer scans a closed order before paying: PayDesk closes the trade at Alipay, nothing can be paid', async () => {
    env = await withEmulator({ core: pollOnly });
    const { core, control } = env;
    await control.fault({ kind: 'system-error', method: 'alipay.trade.cancel', count: 10 });
    const o = await core.createOrder({ amountFen: 6600, method: 'qr' });
    await core.cancelOrder(o.id);
    expect((await control.scan(o.id)).status).toBe(200);
    await waitFor(async () => (await control.trade(o.id))?.status === 'TRADE_CLOSED', 'closed at the gateway');
    expect(core.events(o.id).some((e) => e.kind === 'closed_after_late_scan')).toBe(true);
    expect((await control.pay(o.id)).status).toBe(409);
    expect(core.getOrder(o.id)?.status).toBe('CLOSED');
    await expectAgreement(env, core, o.id);
  });

  it('past the provider expiry + margin: the gateway refuses the QR and PayDesk stops watching', async () => {
    const clock = jumpClock();
    // timeScale 100: the emulator's 1-minute timeout_express passes in 0.6 s; PayDesk's clock jumps instead.
    env = await withEmulator({ core: { ...pollOnly, orderExpiryMs: 400, lateWatchMarginMs: 1_000, clock } });
    const { core, control, logger } = env;
    await control.fault({ kind: 'system-error', method: 'alipay.trade.cancel', count: 10 });
    const o = await core.createOrder({ amountFen: 6600, method: 'qr' });
    await core.cancelOrder(o.id);
    await new Promise((r) => setTimeout(r, 300)); // still watched: queries go out
    expect(logger.lines.some((l) => l.includes('late watch over') && l.includes(o.id))).toBe(false);
    await fetch(`${env.emu.credentials.control}/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 2 * 60_000 }),
    });
    clock.jump(60_000 + 1_000);
    await waitFor(() => logger.lines.some((l) => l.includes('late watch over') && l.includes(o.id)), 'watch ended');
    expect((await control.pay(o.id)).status).toBe(409); // the QR expired at the gateway too
    expect(core.getOrder(o.id)?.status).toBe('CLOSED');
    await expectAgreement(env, core, o.id);
  });
});
