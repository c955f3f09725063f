import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { formBody, postForm, signNotify } from './helpers';
import { withEmulator } from './emulator-harness';
import { waitFor } from '../support';

type Env = Awaited<ReturnType<typeof withEmulator>>;

/** Notification fields as Alipay sends them for a payment (Alipay 异步通知说明). */
function paidFields(env: Env, outTradeNo: string, totalAmount: string, over: Record<string, string> = {}): Record<string, string> {
  const c = env.emu.credentials;
  return {
    notify_time: '2026-11-22 11:00:00',
    notify_type: 'trade_status_sync',
    notify_id: `n${Math.random().toString(16).slice(2)}`,
    app_id: c.appId,
    auth_app_id: c.appId,
    charset: 'utf-8',
    version: '1.0',
    trade_no: `2026112222001${Math.floor(Math.random() * 1e9)}`,
    out_trade_no: outTradeNo,
    buyer_logon_id: 'ali***@example.com',
    seller_id: c.sellerId,
    trade_status: 'TRADE_SUCCESS',
    total_amount: totalAmount,
    receipt_amount: totalAmount,
    subject: 'PayDesk',
    gmt_create: '2026-11-22 10:59:00',
    gmt_payment: '2026-11-22 11:00:00',
    ...over,
  };
}

function inbox(dbPath: string): { verdict: string; reason: string | null; body: string; headers: string }[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT verdict, reason, body, headers FROM notifications ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

describe('notify server: signatures and checks (Alipay 异步通知说明; checks what the provider says to check)', () => {
  let env: Env | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  async function waitingOrder(amountFen = 1000) {
    // Poll only far in the future: nothing but the notification under test may change the order.
    env = await withEmulator({ core: { poll: { initialMs: 60_000, maxMs: 60_000 } } });
    const o = await env.core.createOrder({ amountFen, method: 'qr' });
    return { env, o };
  }

  async function expectRejected(e: Env, orderId: string, fields: Record<string, string>, reason: RegExp) {
    const eventsBefore = e.core.events(orderId).length;
    const seen: string[] = [];
    e.core.on('notification.received', (n) => seen.push(`${n.verdict}:${n.reason}`));
    const r = await postForm(e.core.notifyUrl()!, formBody(fields));
    expect(r).toEqual({ status: 200, text: 'fail' });
    expect(e.core.getOrder(orderId)?.status).toBe('AWAITING_PAYMENT');
    expect(e.core.events(orderId)).toHaveLength(eventsBefore);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(reason);
    const last = inbox(e.config.dbPath).at(-1)!;
    expect(last.verdict).toBe('rejected');
    expect(last.reason).toMatch(reason);
    expect(last.body).toBe(formBody(fields)); // kept raw
    expect(JSON.parse(last.headers)).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded' });
  }

  it('forged: signed with the app key (not the Alipay key) → rejected, flagged, no change', async () => {
    const { env: e, o } = await waitingOrder();
    const forged = signNotify(paidFields(e, o.id, '10.00'), e.emu.credentials.appPrivateKey);
    await expectRejected(e, o.id, forged, /signature/);
  });

  it('tampered total_amount after Alipay signed it → signature fails', async () => {
    const { env: e, o } = await waitingOrder();
    const genuine = signNotify(paidFields(e, o.id, '0.01'), e.alipayPrivateKey());
    await expectRejected(e, o.id, { ...genuine, total_amount: '10.00' }, /signature/);
  });

  it('unsigned → rejected', async () => {
    const { env: e, o } = await waitingOrder();
    await expectRejected(e, o.id, paidFields(e, o.id, '10.00'), /unsigned/);
  });

  it.each([
    ['total_amount differs from the order', { total_amount: '0.01', receipt_amount: '0.01' }, /total_amount mismatch/],
    ['wrong app_id', { app_id: '2021000000000000', auth_app_id: '2021000000000000' }, /app_id mismatch/],
    ['wrong seller_id', { seller_id: '2088000000000000' }, /seller_id mismatch/],
    ['missing seller_id', { seller_id: '' }, /seller_id mismatch/],
    ['bad trade_status', { trade_status: 'PAID' }, /malformed/],
  ])('genuinely Alipay-signed but %s → rejected, flagged, no change', async (_name, over, reason) => {
    const { env: e, o } = await waitingOrder();
    const fields = paidFields(e, o.id, '10.00', over);
    for (const k of Object.keys(fields)) if (fields[k] === '') delete fields[k];
    await expectRejected(e, o.id, signNotify(fields, e.alipayPrivateKey()), reason);
  });

  it('unknown out_trade_no → rejected', async () => {
    const { env: e } = await waitingOrder();
    const fields = signNotify(paidFields(e, 'PD-NOT-OURS', '10.00'), e.alipayPrivateKey());
    const r = await postForm(e.core.notifyUrl()!, formBody(fields));
    expect(r.text).toBe('fail');
    expect(inbox(e.config.dbPath).at(-1)).toMatchObject({ verdict: 'rejected', reason: 'unknown out_trade_no' });
  });

  it('a genuine notice with "%" in a value verifies (checkNotifySignV2 on raw values, alipay/alipay-sdk-nodejs-all#45)', async () => {
    const { env: e, o } = await waitingOrder();
    const fields = signNotify(paidFields(e, o.id, '10.00', { subject: '100% 纯棉 T-shirt', body: 'a+b=c&d' }), e.alipayPrivateKey());
    const r = await postForm(e.core.notifyUrl()!, formBody(fields));
    expect(r).toEqual({ status: 200, text: 'success' });
    expect(e.core.getOrder(o.id)).toMatchObject({ status: 'PAID', tradeNo: fields.trade_no });
  });

  it('out of order: a refund notice before the payment notice → paid + refund recorded once; the late payment notice changes nothing', async () => {
    const { env: e, o } = await waitingOrder();
    const key = e.alipayPrivateKey();
    const pay = signNotify(paidFields(e, o.id, '10.00'), key);
    const refund = signNotify(
      paidFields(e, o.id, '10.00', { trade_no: pay.trade_no as string, refund_fee: '3.00', out_biz_no: 'EXTERNAL-1', gmt_refund: '2026-11-22 11:05:00.123' }),
      key,
    );
    expect((await postForm(e.core.notifyUrl()!, formBody(refund))).text).toBe('success');
    expect(e.core.getOrder(o.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 300 });
    for (const f of [pay, refund, pay]) expect((await postForm(e.core.notifyUrl()!, formBody(f))).text).toBe('success');
    expect(e.core.getOrder(o.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 300 });
    expect(e.core.getOrder(o.id)?.refunds).toHaveLength(1);
    expect(inbox(e.config.dbPath).map((n) => n.verdict)).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('HTTP surface: POST /notify/alipay only, 64 KiB limit', async () => {
    const { env: e } = await waitingOrder();
    const url = e.core.notifyUrl()!;
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url.replace('/notify/alipay', '/other'), { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(url, { method: 'POST', body: 'a='.padEnd(70 * 1024, 'x') })).status).toBe(413);
    expect((await postForm(url, '')).text).toBe('fail');
    expect((await postForm(url, 'a=1&a=2')).text).toBe('fail');
  });

  it('never logs keys or sign values', async () => {
    const { env: e, o } = await waitingOrder();
    const forged = signNotify(paidFields(e, o.id, '10.00'), e.emu.credentials.appPrivateKey);
    await postForm(e.core.notifyUrl()!, formBody(forged));
    await e.control.fault({ kind: 'tamper', method: 'alipay.trade.precreate' });
    const failed = await e.core.createOrder({ amountFen: 100, method: 'qr' });
    expect(failed.status).toBe('FAILED');
    const log = e.logger.lines.join('\n');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(forged.sign);
    expect(log).not.toMatch(/PRIVATE KEY|PUBLIC KEY/);
    expect(log).not.toMatch(/"sign"/);
  });

  it('the emulator reordering notices (refund notice first) converges once', async () => {
    env = await withEmulator();
    const { core, control } = env;
    const o = await core.createOrder({ amountFen: 1000, method: 'qr' });
    await control.pay(o.id);
    await waitFor(() => core.getOrder(o.id)?.status === 'PAID', 'PAID');
    await control.fault({ kind: 'notify-reorder', count: 2 });
    await core.refund({ orderId: o.id, amountFen: 200 });
    await core.refund({ orderId: o.id, amountFen: 300 });
    await waitFor(async () => (await control.notifications()).filter((n) => n.outTradeNo === o.id).length >= 3, 'reordered deliveries');
    await waitFor(() => inbox(env!.config.dbPath).length >= 3, 'inbox');
    expect(core.getOrder(o.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 500 });
    expect(core.getOrder(o.id)?.refunds.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(inbox(env.config.dbPath).every((n) => n.verdict !== 'rejected')).toBe(true);
  });
});
