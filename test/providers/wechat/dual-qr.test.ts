/**
 * 双码 (one sale, two QRs) in the payment core, against both emulators over real HTTP with a real SQLite
 * file: the first payment wins and the other trade is closed at its provider (an unanswered close is
 * retried); a race where both are paid keeps exactly one payment and refunds the later one in full exactly
 * once (duplicate notifications, a restart in the middle); so does a late payment of the closed QR; a crash
 * after the payments is finished by the start-up sweep; a failed second QR leaves nothing payable;
 * cancelling one cancels both. Polling is lowered to 50 ms (or raised where a notification must do the work).
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Order, OrderEvent, PaymentCore } from '../../../src/main/payments';
import { duplicateOf, PAIR_REFUND_REASON, pairRefundId } from '../../../src/main/payments/pairs';
import { waitFor } from '../../support';
import { dualSetup, type DualSetup } from './dual-harness';

const PAID = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);

async function createSale(core: PaymentCore, amountFen = 1234): Promise<[Order, Order]> {
  const [ali, wx] = await core.createPair({ amountFen, subject: '双码 test', providers: ['alipay', 'wechat'] });
  expect(ali).toMatchObject({ provider: 'alipay', status: 'AWAITING_PAYMENT', amountFen, pairedWith: wx.id });
  expect(wx).toMatchObject({ provider: 'wechat', status: 'AWAITING_PAYMENT', amountFen, pairedWith: ali.id });
  expect(ali.qrCode).toBeTruthy();
  expect(wx.qrCode).toMatch(/^weixin:\/\//);
  expect(ali.id).not.toBe(wx.id);
  return [ali, wx];
}

const kinds = (core: PaymentCore, id: string, kind: string): OrderEvent[] => core.events(id).filter((e) => e.kind === kind);

/** Every refund the emulators hold for these two trades (what the provider really paid back). */
async function providerRefunds(t: DualSetup, ali: Order, wx: Order): Promise<{ order: string; no: string; fen: number }[]> {
  const a = await t.aliTrade(ali.id);
  const w = await t.wxTrade(wx.id);
  return [
    ...(a?.refunds ?? []).map((r) => ({ order: ali.id, no: r.outRequestNo, fen: Math.round(Number(r.refundAmount) * 100) })),
    ...(w?.refunds ?? []).map((r) => ({ order: wx.id, no: r.outRefundNo, fen: r.refund })),
  ];
}

describe('双码: the first payment wins', () => {
  it('Alipay paid → the WeChat trade is closed at WeChat and in the database, its timeline says why; a later WeChat payment is refused', async () => {
    const t = await dualSetup();
    const core = await t.open({ poll: { initialMs: 5000, maxMs: 5000 } }); // the notification, not a poll, moves it
    const [ali, wx] = await createSale(core);
    expect(await t.payAlipay(ali.id)).toBe(200);
    await waitFor(() => core.getOrder(wx.id)?.status === 'CLOSED', 'WeChat order closed', 5000);
    expect(core.getOrder(ali.id)).toMatchObject({ status: 'PAID', refundedFen: 0 });
    expect((await t.wxTrade(wx.id))?.state).toBe('CLOSED');
    expect(kinds(core, wx.id, 'pair.closed')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ winner: ali.id, winnerProvider: 'alipay', local: false }) }),
    ]);
    expect(core.getOrder(wx.id)?.message).toMatch(/^双码/);
    // The customer cannot pay the closed QR any more.
    expect(await t.payWechat(wx.id)).not.toBe(200);
    expect((await t.wxTrade(wx.id))?.state).toBe('CLOSED');
    expect(core.getOrder(wx.id)?.status).toBe('CLOSED');
  });

  it('WeChat paid → the (scanned) Alipay trade is closed at Alipay and in the database', async () => {
    const t = await dualSetup();
    const core = await t.open({ poll: { initialMs: 5000, maxMs: 5000 } });
    const [ali, wx] = await createSale(core, 880);
    expect(await t.scanAlipay(ali.id)).toBe(200); // the customer opened the Alipay QR, then paid with WeChat
    expect(await t.payWechat(wx.id)).toBe(200);
    await waitFor(() => core.getOrder(ali.id)?.status === 'CLOSED', 'Alipay order closed', 5000);
    expect(core.getOrder(wx.id)?.status).toBe('PAID');
    expect((await t.aliTrade(ali.id))?.status).toBe('TRADE_CLOSED');
    expect(kinds(core, ali.id, 'pair.closed')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ winner: wx.id }) })]);
    expect(await t.payAlipay(ali.id)).not.toBe(200);
  });
});

describe('双码: the close of the other trade goes unanswered', () => {
  it('WeChat Pay answers the close with SYSTEM_ERROR twice → the close is retried (backing off) until the trade is closed, once', async () => {
    const t = await dualSetup();
    const core = await t.open({ poll: { initialMs: 50, maxMs: 200 } });
    const [ali, wx] = await createSale(core);
    await t.fault('wechat', { kind: 'system-error', method: 'close', count: 2 });
    expect(await t.payAlipay(ali.id)).toBe(200);
    await waitFor(() => core.getOrder(wx.id)?.status === 'CLOSED', 'WeChat order closed after the retries', 5000);
    expect(t.logger.entries.filter((e) => e.message === 'close outcome unknown' && e.fields?.orderId === wx.id)).toHaveLength(2);
    expect((await t.wxTrade(wx.id))?.state).toBe('CLOSED');
    expect(kinds(core, wx.id, 'pair.closed')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ winner: ali.id }) })]);
    expect(core.getOrder(ali.id)).toMatchObject({ status: 'PAID', refunds: [] });
  });
});

describe('双码: both paid within milliseconds', () => {
  it('exactly one payment is kept: the later one is refunded in full once, both timelines say so; duplicate notices and a restart refund nothing more', async () => {
    const t = await dualSetup();
    // Every notification of both providers is delivered three times.
    await t.fault('alipay', { kind: 'notify-duplicate', count: 10 });
    await t.fault('wechat', { kind: 'notify-duplicate', count: 10 });
    // Slow polling: the notifications (each delivered three times) move both orders.
    const core = await t.open({ poll: { initialMs: 1000, maxMs: 1000 } });
    const [ali, wx] = await createSale(core, 2599);
    // The race: both buyers' payments are fired at once.
    expect(await Promise.all([t.payAlipay(ali.id), t.payWechat(wx.id)])).toEqual([200, 200]);
    const both = await waitFor(
      () => {
        const a = core.getOrder(ali.id);
        const w = core.getOrder(wx.id);
        return a && w && PAID.has(a.status) && PAID.has(w.status) && [...a.refunds, ...w.refunds].length > 0 ? ([a, w] as const) : null;
      },
      'both paid and one refund reserved',
      5000,
    );
    const { keep, refund } = duplicateOf(both[0], both[1]);
    for (const id of [ali.id, wx.id]) expect(kinds(core, id, 'paid')).toEqual([expect.objectContaining({ source: 'notify' })]);
    const refundId = pairRefundId(refund.id);
    expect(core.getOrder(keep.id)?.refunds).toEqual([]);
    expect(core.getOrder(refund.id)?.refunds).toEqual([
      expect.objectContaining({ id: refundId, amountFen: 2599, reason: PAIR_REFUND_REASON, status: expect.stringMatching(/^(SUCCESS|UNKNOWN|PENDING)$/) }),
    ]);
    for (const id of [keep.id, refund.id]) {
      expect(kinds(core, id, 'pair.duplicate_refunded')).toEqual([
        expect.objectContaining({ source: 'system', payload: expect.objectContaining({ kept: keep.id, refunded: refund.id, refundId, amountFen: 2599 }) }),
      ]);
    }
    // A restart in the middle (a WeChat refund is still PROCESSING here; an Alipay one has succeeded).
    await core.close();
    const again = await t.open();
    await t.pairSweepDone(2);
    if (refund.provider === 'wechat') {
      expect(
        (
          await fetch(`${t.emu.credentials.wechat.control}/refunds/${refundId}/settle`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"status":"SUCCESS"}',
          })
        ).status,
      ).toBe(200);
    }
    await waitFor(() => again.getOrder(refund.id)?.status === 'REFUNDED', 'the duplicate refunded', 5000);
    // Every payment notice came three times: the repeats were recorded as duplicates and changed nothing.
    const db = new BetterSqlite3(t.dbPath, { readonly: true });
    const verdicts = db.prepare(`SELECT order_id AS orderId, verdict FROM notifications`).all() as { orderId: string; verdict: string }[];
    db.close();
    for (const id of [ali.id, wx.id]) expect(verdicts.filter((v) => v.orderId === id && v.verdict === 'duplicate').length).toBeGreaterThan(0);
    // The duplicate notices and the restart's sweep: still one refund, at the provider too.
    await waitFor(async () => (await providerRefunds(t, ali, wx)).length === 1, 'the provider holds one refund', 3000);
    expect(await providerRefunds(t, ali, wx)).toEqual([{ order: refund.id, no: refundId, fen: 2599 }]);
    expect(again.getOrder(keep.id)).toMatchObject({ status: 'PAID', refundedFen: 0, refunds: [] });
    expect(again.getOrder(refund.id)).toMatchObject({ status: 'REFUNDED', refundedFen: 2599 });
    expect(again.getOrder(refund.id)?.refunds).toHaveLength(1);
    for (const id of [keep.id, refund.id]) expect(kinds(again, id, 'pair.duplicate_refunded')).toHaveLength(1);
    expect(kinds(again, refund.id, 'refund_requested')).toEqual([
      expect.objectContaining({ source: 'system', payload: expect.objectContaining({ refundId, authorization: 'automatic' }) }),
    ]);
    // A third start: nothing new either.
    await again.close();
    const third = await t.open();
    await t.pairSweepDone(3);
    expect(third.getOrder(refund.id)?.refunds).toHaveLength(1);
    expect(await providerRefunds(t, ali, wx)).toHaveLength(1);
  });
});

describe('双码: a late payment after the close', () => {
  it('the Alipay QR could not be voided and is paid after WeChat won → paid_after_close, refunded in full automatically, WeChat kept', async () => {
    const t = await dualSetup();
    const core = await t.open();
    const [ali, wx] = await createSale(core, 990);
    // The cancel that voids the unscanned Alipay QR goes unanswered: it is closed locally and watched.
    await t.fault('alipay', { kind: 'system-error', method: 'alipay.trade.cancel', count: 1 });
    expect(await t.payWechat(wx.id)).toBe(200);
    await waitFor(() => core.getOrder(ali.id)?.status === 'CLOSED', 'Alipay order closed locally', 5000);
    expect(kinds(core, ali.id, 'pair.closed')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ winner: wx.id, voided: false }) })]);
    // The customer, still holding the Alipay QR, pays it too.
    expect(await t.payAlipay(ali.id)).toBe(200);
    await waitFor(() => core.getOrder(ali.id)?.status === 'REFUNDED', 'the late Alipay payment refunded', 5000);
    expect(kinds(core, ali.id, 'paid_after_close')).toHaveLength(1);
    expect(core.getOrder(wx.id)).toMatchObject({ status: 'PAID', refunds: [] });
    expect(await providerRefunds(t, ali, wx)).toEqual([{ order: ali.id, no: pairRefundId(ali.id), fen: 990 }]);
    for (const id of [ali.id, wx.id]) {
      expect(kinds(core, id, 'pair.duplicate_refunded')).toEqual([
        expect.objectContaining({ payload: expect.objectContaining({ kept: wx.id, refunded: ali.id, amountFen: 990 }) }),
      ]);
    }
  });
});

describe('双码: a crash in between is finished by the start-up sweep', () => {
  /** A core that created the sale and stopped; the emulator's notices for it then go nowhere. */
  async function crashedSale(t: DualSetup): Promise<[Order, Order]> {
    const core = await t.open({ poll: { initialMs: 60_000, maxMs: 60_000 } });
    const sale = await createSale(core, 500);
    await core.close();
    return sale;
  }

  /** What the crashed core had committed: the order PAID as its notification said (its paid time given), or paid after its close. */
  function markPaid(t: DualSetup, id: string, paidAt: number, kind: 'paid' | 'paid_after_close' = 'paid'): void {
    const db = new BetterSqlite3(t.dbPath);
    try {
      db.prepare(`UPDATE orders SET status = 'PAID', paid_at = ?, updated_at = ? WHERE id = ?`).run(paidAt, paidAt, id);
      db.prepare(`INSERT INTO events (order_id, source, kind, payload, at) VALUES (?, 'notify', ?, '{}', ?)`).run(id, kind, paidAt);
    } finally {
      db.close();
    }
  }

  it('both PAID, no refund yet → the sweep refunds the later one in full, once', async () => {
    const t = await dualSetup();
    const [ali, wx] = await crashedSale(t);
    expect(await t.payWechat(wx.id)).toBe(200);
    expect(await t.payAlipay(ali.id)).toBe(200);
    const now = Date.now();
    markPaid(t, wx.id, now - 2000);
    markPaid(t, ali.id, now - 1000); // Alipay paid a second later: it is the duplicate
    const core = await t.open();
    await t.pairSweepDone(1);
    await waitFor(() => core.getOrder(ali.id)?.status === 'REFUNDED', 'Alipay duplicate refunded', 5000);
    expect(core.getOrder(wx.id)).toMatchObject({ status: 'PAID', refunds: [] });
    expect(await providerRefunds(t, ali, wx)).toEqual([{ order: ali.id, no: pairRefundId(ali.id), fen: 500 }]);
    for (const id of [ali.id, wx.id]) {
      expect(kinds(core, id, 'pair.duplicate_refunded')).toEqual([
        expect.objectContaining({ payload: expect.objectContaining({ kept: wx.id, refunded: ali.id }) }),
      ]);
    }
  });

  it('the closed QR paid late with a paid time no later than the winner (whole seconds, two clocks) → the late one is refunded, the winner kept', async () => {
    const t = await dualSetup();
    const [ali, wx] = await crashedSale(t);
    expect(await t.payWechat(wx.id)).toBe(200);
    expect(await t.payAlipay(ali.id)).toBe(200);
    const second = Math.floor(Date.now() / 1000) * 1000 - 2000;
    markPaid(t, wx.id, second + 1000); // WeChat won while both were open
    markPaid(t, ali.id, second, 'paid_after_close'); // Alipay's clock says a second earlier, yet it was paid after its close
    const core = await t.open();
    await t.pairSweepDone(1);
    await waitFor(() => core.getOrder(ali.id)?.status === 'REFUNDED', 'the late Alipay payment refunded', 5000);
    expect(core.getOrder(wx.id)).toMatchObject({ status: 'PAID', refunds: [] });
    expect(await providerRefunds(t, ali, wx)).toEqual([{ order: ali.id, no: pairRefundId(ali.id), fen: 500 }]);
  });

  it('one PAID, the other still awaiting → the sweep closes the other at its provider', async () => {
    const t = await dualSetup();
    const [ali, wx] = await crashedSale(t);
    expect(await t.payAlipay(ali.id)).toBe(200);
    markPaid(t, ali.id, Date.now() - 1000);
    const core = await t.open({ poll: { initialMs: 60_000, maxMs: 60_000 } }); // no poll: the sweep does it
    await t.pairSweepDone(1);
    await waitFor(() => core.getOrder(wx.id)?.status === 'CLOSED', 'WeChat order closed', 5000);
    expect((await t.wxTrade(wx.id))?.state).toBe('CLOSED');
    expect(kinds(core, wx.id, 'pair.closed')).toEqual([expect.objectContaining({ source: 'sweep', payload: expect.objectContaining({ winner: ali.id }) })]);
    expect(core.getOrder(ali.id)).toMatchObject({ status: 'PAID', refunds: [] });
  });
});

describe('双码: creation and cancel', () => {
  it('the WeChat QR cannot be created → an error, the Alipay trade closed and voided, nothing payable and nothing half-linked', async () => {
    const t = await dualSetup();
    const core = await t.open();
    await t.fault('wechat', { kind: 'system-error', method: 'native', count: 1 });
    await expect(core.createPair({ amountFen: 300, providers: ['alipay', 'wechat'] })).rejects.toMatchObject({
      code: 'PAIR_CREATE_FAILED',
      message: expect.stringMatching(/^双码未能生成，.* \/ The 双码 QRs could not both be created; .*（wechat：/),
    });
    const orders = core.listOrders({}).items;
    expect(orders).toHaveLength(2);
    const ali = orders.find((o) => o.provider === 'alipay') as Order;
    const wx = orders.find((o) => o.provider === 'wechat') as Order;
    expect(wx).toMatchObject({ status: 'FAILED', pairedWith: ali.id, qrCode: null });
    await waitFor(() => core.getOrder(ali.id)?.status === 'CLOSED', 'Alipay order closed', 5000);
    expect(core.getOrder(ali.id)).toMatchObject({ pairedWith: wx.id, qrCode: null });
    expect(kinds(core, ali.id, 'pair.closed')).toEqual([expect.objectContaining({ payload: expect.objectContaining({ failed: wx.id }) })]);
    // The Alipay number was voided: a customer holding it cannot pay.
    expect(await t.payAlipay(ali.id)).not.toBe(200);
    expect(core.listOrders({ status: 'AWAITING_PAYMENT' }).items).toEqual([]);
  });

  it('cancelling one order of a waiting pair cancels both, at both providers', async () => {
    const t = await dualSetup();
    const core = await t.open();
    const [ali, wx] = await createSale(core);
    const cancelled = await core.cancelOrder(wx.id);
    expect(cancelled.status).toBe('CLOSED');
    expect(core.getOrder(ali.id)?.status).toBe('CLOSED');
    expect((await t.wxTrade(wx.id))?.state).toBe('CLOSED');
    expect(kinds(core, ali.id, 'cancelled')).toEqual([expect.objectContaining({ source: 'user', payload: expect.objectContaining({ pairOf: wx.id }) })]);
    expect(await t.payAlipay(ali.id)).not.toBe(200);
    expect(await t.payWechat(wx.id)).not.toBe(200);
  });
});
