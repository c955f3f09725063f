/**
 * 客显 in main: the customer display's state follows the orders (QR sale → awaiting → 支付成功 → idle after the
 * hold, lowered here; 双码 shows both QRs then the paid one; cancel → idle), it lives in main so a page
 * reload changes nothing, and the shop name is a checked setting. The 付款码 and edge cases run against the
 * state machine itself with order snapshots.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCustomerDisplay } from '../../src/main/console/customer-display';
import type { DisplayStateDto, OrderDto } from '../../src/shared/contract';
import { makeTempDir, waitFor } from '../support';
import { fakeConsole, ok, type FakeConsole } from './helpers';

const BILINGUAL = /^[^/]*[\u4e00-\u9fff][^/]* \/ .*[A-Za-z]{3}/;

let dir: string;
let cleanup: () => Promise<void>;
let running: FakeConsole[] = [];
beforeEach(() => {
  ({ dir, cleanup } = makeTempDir());
});
afterEach(async () => {
  for (const c of running) await c.host.close();
  running = [];
  await cleanup();
});

async function start(holdMs = 150): Promise<{ c: FakeConsole; seen: DisplayStateDto[] }> {
  const c = await fakeConsole({ dataDir: dir, tuning: { displayPaidHoldMs: holdMs } });
  running.push(c);
  const seen: DisplayStateDto[] = [];
  c.host.on('display.updated', (s) => seen.push(s));
  return { c, seen };
}
const display = (c: FakeConsole): Promise<DisplayStateDto> => ok(c.host.dispatch('display.get', {}));

describe('customer display state in main', () => {
  it('QR sale: idle → awaiting with its QR → 支付成功 with the amount → idle after the hold', async () => {
    const { c, seen } = await start();
    expect(await display(c)).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: null });
    const order = await ok(c.host.dispatch('orders.create', { amount: '12.34', method: 'qr' }));
    expect(await display(c)).toMatchObject({
      kind: 'awaiting',
      amount: '12.34',
      method: 'qr',
      qrs: [{ provider: 'alipay', qrCode: order.qrCode }],
      expiresAt: order.expiresAt,
    });
    c.core().pay(order.id);
    expect(await display(c)).toEqual({ kind: 'paid', shopName: 'PayDesk', amount: '12.34', provider: 'alipay' });
    // the page that asks later (a reload of either page) gets the same state from main
    expect(await display(c)).toMatchObject({ kind: 'paid' });
    await waitFor(async () => (await display(c)).kind === 'idle', 'idle after the hold', 5_000);
    expect(seen.map((s) => s.kind)).toEqual(['awaiting', 'paid', 'idle']);
  });

  it('双码: both QRs (支付宝 first) on one screen, then only the provider that was paid', async () => {
    const { c } = await start();
    c.core().alsoHost.push('wechat');
    const order = await ok(c.host.dispatch('orders.create', { amount: '8.00', method: 'qr', provider: 'dual' }));
    const state = await display(c);
    expect(state).toMatchObject({ kind: 'awaiting', amount: '8.00' });
    expect(state.kind === 'awaiting' ? state.qrs : []).toEqual([
      { provider: 'alipay', qrCode: order.qrCode },
      { provider: 'wechat', qrCode: order.paired?.qrCode },
    ]);
    c.core().pay(order.paired?.id ?? '');
    expect(await display(c)).toMatchObject({ kind: 'paid', amount: '8.00', provider: 'wechat' });
    await waitFor(async () => (await display(c)).kind === 'idle', 'idle after the hold', 5_000);
  });

  it('a cancelled sale returns to idle at once; a new sale replaces the one on screen', async () => {
    const { c } = await start();
    const first = await ok(c.host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    const second = await ok(c.host.dispatch('orders.create', { amount: '2.00', method: 'qr' }));
    expect(await display(c)).toMatchObject({ kind: 'awaiting', amount: '2.00', qrs: [{ qrCode: second.qrCode }] });
    // cancelling the older one (not on screen) changes nothing; cancelling the one shown → idle
    await ok(c.host.dispatch('orders.cancel', { id: first.id }));
    expect(await display(c)).toMatchObject({ kind: 'awaiting', amount: '2.00' });
    await ok(c.host.dispatch('orders.cancel', { id: second.id }));
    expect(await display(c)).toEqual({ kind: 'idle', shopName: 'PayDesk', pictureId: null });
  });

  it('a 收款链接 sale is not shown (the buyer pays on their own phone)', async () => {
    const { c, seen } = await start();
    await ok(c.host.dispatch('orders.create', { amount: '3.00', method: 'link' }));
    expect(await display(c)).toMatchObject({ kind: 'idle' });
    expect(seen).toEqual([]);
  });

  it('shopName: saved and shown on the idle screen at once; a bad one is refused (bilingual) and changes nothing', async () => {
    const { c, seen } = await start();
    const settings = await ok(c.host.dispatch('settings.update', { shopName: '  老王便利店  ' }));
    expect(settings.shopName).toBe('老王便利店');
    expect(await display(c)).toEqual({ kind: 'idle', shopName: '老王便利店', pictureId: null });
    expect(seen.at(-1)).toEqual({ kind: 'idle', shopName: '老王便利店', pictureId: null });
    for (const bad of ['', '   ', 'x'.repeat(33), '店\u0007名']) {
      const r = await c.host.dispatch('settings.update', { shopName: bad });
      expect(r, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(BILINGUAL) } });
    }
    expect((await ok(c.host.dispatch('settings.get', {}))).shopName).toBe('老王便利店');
    // kept across a restart (settings.json)
    await c.host.close();
    running = [];
    const again = await start();
    expect(await display(again.c)).toEqual({ kind: 'idle', shopName: '老王便利店', pictureId: null });
  });

  it('display.open is a host action: the console alone answers DISPLAY_UNAVAILABLE (bilingual)', async () => {
    const { c } = await start();
    expect(await c.host.dispatch('display.open', {})).toMatchObject({
      ok: false,
      error: { code: 'DISPLAY_UNAVAILABLE', message: expect.stringMatching(BILINGUAL) },
    });
  });
});

/* ── the state machine with order snapshots (付款码, late, foreign, old orders) ── */

let seq = 0;
function order(patch: Partial<OrderDto>): OrderDto {
  seq += 1;
  return {
    id: `PD${seq}`,
    provider: 'alipay',
    method: 'qr',
    status: 'AWAITING_PAYMENT',
    amount: '5.00',
    refunded: '0.00',
    refundable: '0.00',
    subject: 'PayDesk',
    qrCode: null,
    payUrl: null,
    tradeNo: null,
    buyerLogonId: null,
    createdAt: Date.now(),
    paidAt: null,
    expiresAt: Date.now() + 300_000,
    closedAt: null,
    userPaying: false,
    message: null,
    refunds: [],
    environment: 'demo',
    appId: 'app',
    foreign: false,
    ...patch,
  };
}

describe('customer display state machine', () => {
  const machine = (): { d: ReturnType<typeof createCustomerDisplay>; seen: DisplayStateDto[] } => {
    const seen: DisplayStateDto[] = [];
    const d = createCustomerDisplay({ shopName: () => '小店', paidHoldMs: 60_000, onChange: (s) => seen.push(s) });
    return { d, seen };
  };

  it('付款码: the amount while the buyer confirms (no QR), then 支付成功; one paid at once shows 支付成功 too', () => {
    const { d } = machine();
    const code = order({ method: 'code', provider: 'wechat', userPaying: true, amount: '9.90' });
    d.order(code);
    expect(d.state()).toMatchObject({ kind: 'awaiting', amount: '9.90', method: 'code', qrs: [], userPaying: true });
    d.order({ ...code, status: 'PAID', userPaying: false, paidAt: Date.now() });
    expect(d.state()).toMatchObject({ kind: 'paid', amount: '9.90', provider: 'wechat' });
    const instant = order({ method: 'code', status: 'PAID', paidAt: Date.now(), amount: '1.50' });
    d.order(instant);
    expect(d.state()).toMatchObject({ kind: 'paid', amount: '1.50' });
    d.close();
  });

  it('ignores foreign orders, late payments of a cancelled sale and old orders changing (a refund)', () => {
    const { d, seen } = machine();
    d.order(order({ foreign: true, qrCode: 'q' }));
    d.order(order({ status: 'PAID', paidAt: Date.now(), latePayment: 'after_cancel' }));
    d.order(order({ status: 'PAID', paidAt: Date.now() - 3_600_000 }));
    d.order(order({ method: 'code', status: 'PAID', paidAt: Date.now() - 3_600_000 }));
    expect(seen).toEqual([]);
    expect(d.state()).toEqual({ kind: 'idle', shopName: '小店', pictureId: null });
    // a paid order told again (e.g. a refund in flight) is not a second 支付成功
    const sale = order({ qrCode: 'q1' });
    d.order(sale);
    d.order({ ...sale, status: 'PAID', paidAt: Date.now() });
    const count = seen.length;
    d.order({ ...sale, status: 'PAID', paidAt: Date.now() });
    expect(seen.length).toBe(count);
    d.close();
  });

  it('an order first told without its QR shows the QR once it is issued', () => {
    const { d } = machine();
    const o = order({ qrCode: null });
    d.order(o);
    expect(d.state()).toMatchObject({ kind: 'awaiting', qrs: [] });
    d.order({ ...o, qrCode: 'https://qr/1' });
    expect(d.state()).toMatchObject({ kind: 'awaiting', qrs: [{ provider: 'alipay', qrCode: 'https://qr/1' }] });
    d.close();
  });
});
