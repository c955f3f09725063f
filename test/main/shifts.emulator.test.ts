/**
 * 交班 totals in the payment core, against the embedded emulator (Alipay gateway + WeChat Pay v3, real
 * HTTP) with a real SQLite file: sales and refunds of both providers through the core, then a shift's
 * stored totals must equal a recomputation from the order list for the same [from, to) (every page
 * walked), per provider and method. Orders before the shift, unpaid ones and another shift's are left
 * out; a refund after the end does not change the stored snapshot (docs/architecture.md, "Shift handover
 * (交班)").
 */
import { describe, expect, it } from 'vitest';
import type { Order, PaymentCore, ShiftTotals } from '../../src/main/payments';
import { waitFor } from '../support';
import { dualSetup, type DualSetup } from '../providers/wechat/dual-harness';

const PAID = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const ALIPAY_CODE_PAID = '281000000000000001';
const WECHAT_CODE_PAID = '100000000000000001';
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** Every order the list shows for [from, to), walking the pages (small pages on purpose). */
function listAll(core: PaymentCore, from: number, to: number): Order[] {
  const all: Order[] = [];
  let cursor: string | undefined;
  do {
    const page = core.listOrders({ from, to, limit: 2, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** The totals recomputed from the order list: this counter's own (not foreign) paid orders, their refunds. */
function recompute(orders: Order[]): ShiftTotals {
  const lines = new Map<string, ShiftTotals['byMethod'][number]>();
  for (const o of orders) {
    if (o.foreign || !PAID.has(o.status)) continue;
    const key = `${o.provider}/${o.method}`;
    const l = lines.get(key) ?? { provider: o.provider, method: o.method, count: 0, grossFen: 0, refundedFen: 0, netFen: 0 };
    l.count += 1;
    l.grossFen += o.amountFen;
    l.refundedFen += o.refundedFen;
    l.netFen = l.grossFen - l.refundedFen;
    lines.set(key, l);
  }
  const byMethod = [...lines.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.method.localeCompare(b.method));
  const grossFen = byMethod.reduce((n, l) => n + l.grossFen, 0);
  const refundedFen = byMethod.reduce((n, l) => n + l.refundedFen, 0);
  return { count: byMethod.reduce((n, l) => n + l.count, 0), grossFen, refundedFen, netFen: grossFen - refundedFen, byMethod };
}

async function paidQr(t: DualSetup, core: PaymentCore, provider: 'alipay' | 'wechat', amountFen: number): Promise<Order> {
  const o = await core.createOrder({ amountFen, method: 'qr', provider });
  expect(await (provider === 'alipay' ? t.payAlipay(o.id) : t.payWechat(o.id))).toBe(200);
  await waitFor(() => core.getOrder(o.id)?.status === 'PAID', `${provider} order paid`, 5000);
  return o;
}

/** A refund that succeeds: Alipay answers at once; WeChat Pay accepts (PROCESSING) and settles it when told. */
async function refunded(t: DualSetup, core: PaymentCore, orderId: string, amountFen: number): Promise<void> {
  const before = core.getOrder(orderId)?.refundedFen ?? 0;
  const refund = await core.refund({ orderId, amountFen });
  if (core.getOrder(orderId)?.provider === 'wechat') {
    const res = await fetch(`${t.emu.credentials.wechat.control}/refunds/${refund.id}/settle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'SUCCESS' }),
    });
    expect(res.status).toBe(200);
  }
  await waitFor(() => core.getOrder(orderId)?.refundedFen === before + amountFen, 'refund succeeded', 5000);
}

describe('交班 totals = the order list for the same period', () => {
  it('both providers, QR and 付款码, refunds, unpaid orders and an order before the shift: the stored totals equal the list', async () => {
    const t = await dualSetup();
    const core = await t.open();
    const before = await paidQr(t, core, 'alipay', 999); // before the shift: not in it
    await tick();

    const shift = core.shifts.start('张三');
    const a = await paidQr(t, core, 'alipay', 1234);
    const code = await core.createOrder({ amountFen: 500, method: 'code', provider: 'alipay', authCode: ALIPAY_CODE_PAID });
    expect(code.status).toBe('PAID');
    const wx = await paidQr(t, core, 'wechat', 880);
    const wxCode = await core.createOrder({ amountFen: 300, method: 'code', provider: 'wechat', authCode: WECHAT_CODE_PAID });
    expect(wxCode.status).toBe('PAID');
    const unpaid = await core.createOrder({ amountFen: 700, method: 'qr', provider: 'wechat' });
    await core.createOrder({ amountFen: 400, method: 'qr', provider: 'alipay' }).then((o) => core.cancelOrder(o.id));
    await refunded(t, core, a.id, 234);
    await refunded(t, core, wx.id, 880);
    await refunded(t, core, before.id, 100); // a refund of an order from before the shift: not this shift's

    // Live totals while open are the same numbers.
    const live = core.shifts.current();
    expect(live?.totals).toEqual(recompute(listAll(core, shift.startedAt, Date.now() + 1)));

    const { ended, next } = core.shifts.end({ id: shift.id, authorization: 'none', nextCashier: '李四' });
    expect(ended.endedAt).not.toBeNull();
    const expected = recompute(listAll(core, ended.startedAt, ended.endedAt!));
    expect(ended.totals).toEqual(expected);
    expect(ended.totals).toMatchObject({ count: 4, grossFen: 1234 + 500 + 880 + 300, refundedFen: 234 + 880, netFen: 1234 + 500 + 300 - 234 });
    expect(ended.totals.byMethod.map((l) => [l.provider, l.method, l.count, l.netFen])).toEqual([
      ['alipay', 'code', 1, 500],
      ['alipay', 'qr', 1, 1000],
      ['wechat', 'code', 1, 300],
      ['wechat', 'qr', 1, 0],
    ]);
    // Stored: the history reads back the same snapshot.
    expect(core.shifts.list({}).items.find((s) => s.id === shift.id)?.totals).toEqual(expected);

    // The next shift starts where this one ended: an order now is the next shift's, not this one's.
    expect(next).toMatchObject({ cashier: '李四', startedAt: ended.endedAt, endedAt: null });
    await tick();
    await paidQr(t, core, 'alipay', 4321);
    expect(core.shifts.current()?.totals).toMatchObject({ count: 1, grossFen: 4321 });
    expect(core.shifts.get(shift.id)?.totals).toEqual(expected);
    expect(unpaid.status).toBe('AWAITING_PAYMENT');
  });

  it('a refund after the end changes the order list, not the stored snapshot (the snapshot is the orders as they stood at the end)', async () => {
    const t = await dualSetup();
    const core = await t.open();
    const shift = core.shifts.start('王五');
    const a = await paidQr(t, core, 'alipay', 2000);
    const wx = await paidQr(t, core, 'wechat', 600);
    // A WeChat refund still in flight (PROCESSING) at the end: not a refund yet.
    const inFlight = await core.refund({ orderId: wx.id, amountFen: 600 });
    expect(inFlight.status).toBe('UNKNOWN');
    const { ended } = core.shifts.end({ id: shift.id, authorization: 'none' });
    expect(ended.totals).toMatchObject({ count: 2, grossFen: 2600, refundedFen: 0, netFen: 2600 });
    expect(ended.totals).toEqual(recompute(listAll(core, ended.startedAt, ended.endedAt!)));

    await refunded(t, core, a.id, 500);
    const settled = await fetch(`${t.emu.credentials.wechat.control}/refunds/${inFlight.id}/settle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'SUCCESS' }),
    });
    expect(settled.status).toBe(200);
    await waitFor(() => core.getOrder(wx.id)?.status === 'REFUNDED', 'WeChat refund settled after the end', 5000);
    const now = recompute(listAll(core, ended.startedAt, ended.endedAt!));
    expect(now).toMatchObject({ refundedFen: 1100, netFen: 1500 }); // the list shows today's state
    expect(core.shifts.get(shift.id)?.totals).toMatchObject({ count: 2, grossFen: 2600, refundedFen: 0, netFen: 2600 });
    expect(core.shifts.list({}).items[0]?.totals).toEqual(ended.totals);
  });
});
