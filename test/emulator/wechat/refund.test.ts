import { describe, expect, it } from 'vitest';
import { REFUND_SETTLE_MS, WECHAT_TEST_AUTH_CODES as CODES } from '../../../src/emulator';
import { codepayBody, nativeOrder, setup, verified, wxControl, wxMerchant, type RawAnswer } from './helpers';
import { waitFor } from '../../support';

type Json = Record<string, unknown>;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

async function paidNative(t: Awaited<ReturnType<typeof setup>>, no: string, total: number): Promise<void> {
  await nativeOrder(t, no, total);
  await wxControl(t.emu, 'POST', `/trades/${no}/pay`, {});
}

async function advance(t: Awaited<ReturnType<typeof setup>>, ms: number): Promise<void> {
  await fetch(`${t.emu.credentials.control}/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
  await new Promise((r) => setTimeout(r, 20));
}

describe('申请退款 / 查询单笔退款 with wechatpay-node-v3: asynchronous refunds', () => {
  it('PROCESSING at first (trade REFUND), SUCCESS about a minute later with success_time; REFUND.SUCCESS decrypts and verifies with the library', async () => {
    const t = await setup();
    const m = await wxMerchant(() => 204);
    await paidNative(t, 'RF000001', 1000);
    const a = await verified(
      t.pay,
      t.emu,
      t.pay.refunds({
        out_trade_no: 'RF000001',
        out_refund_no: 'RF000001-1',
        reason: '退货',
        notify_url: m.url,
        amount: { refund: 300, total: 1000, currency: 'CNY' },
      }),
      t.http,
    );
    expect(a.status).toBe(200);
    const d = a.data as Json;
    expect(d).toMatchObject({
      out_refund_no: 'RF000001-1',
      out_trade_no: 'RF000001',
      status: 'PROCESSING',
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      funds_account: 'AVAILABLE',
      amount: { refund: 300, total: 1000, payer_refund: 300, payer_total: 1000, currency: 'CNY' },
    });
    expect(d.refund_id).toMatch(/^50\d{27}$/);
    expect(d.create_time).toMatch(RFC3339);
    expect(d.success_time).toBeUndefined();
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'RF000001' }), t.http)).data).toMatchObject({
      trade_state: 'REFUND',
      trade_state_desc: '订单发生过退款',
    });
    await advance(t, REFUND_SETTLE_MS - 5_000);
    expect((await verified(t.pay, t.emu, t.pay.find_refunds('RF000001-1'), t.http)).data).toMatchObject({ status: 'PROCESSING' });
    await advance(t, 5_000);
    const q = await verified(t.pay, t.emu, t.pay.find_refunds('RF000001-1'), t.http);
    expect(q.data).toMatchObject({ status: 'SUCCESS', refund_id: d.refund_id, success_time: expect.stringMatching(RFC3339) });
    await waitFor(() => m.received.length === 1, 'REFUND.SUCCESS', 3000);
    const n = m.received[0] as (typeof m.received)[number];
    const notice = JSON.parse(n.raw) as {
      event_type: string;
      resource_type: string;
      summary: string;
      resource: { ciphertext: string; associated_data: string; nonce: string; original_type: string; algorithm: string };
    };
    expect(notice).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      resource_type: 'encrypt-resource',
      summary: '退款成功',
      resource: { algorithm: 'AEAD_AES_256_GCM', original_type: 'refund', associated_data: 'refund' },
    });
    expect(
      await t.pay.verifySign({
        timestamp: n.headers['wechatpay-timestamp'] as string,
        nonce: n.headers['wechatpay-nonce'] as string,
        serial: n.headers['wechatpay-serial'] as string,
        signature: n.headers['wechatpay-signature'] as string,
        body: n.raw,
        apiSecret: t.c.apiV3Key,
      }),
    ).toBe(true);
    const plain = t.pay.decipher_gcm<Json>(notice.resource.ciphertext, notice.resource.associated_data, notice.resource.nonce, t.c.apiV3Key);
    expect(plain).toMatchObject({
      mchid: t.c.mchid,
      out_trade_no: 'RF000001',
      out_refund_no: 'RF000001-1',
      refund_id: d.refund_id,
      refund_status: 'SUCCESS',
      success_time: expect.stringMatching(RFC3339),
      amount: { total: 1000, refund: 300, payer_total: 1000, payer_refund: 300 },
    });
  });

  it('settled CLOSED or ABNORMAL instead (control): REFUND.CLOSED / REFUND.ABNORMAL; a CLOSED refund frees the amount again', async () => {
    const t = await setup();
    const m = await wxMerchant();
    await paidNative(t, 'RF000002', 1000);
    const refund = (no: string, amount: number): Promise<RawAnswer> =>
      verified(
        t.pay,
        t.emu,
        t.pay.refunds({ out_trade_no: 'RF000002', out_refund_no: no, notify_url: m.url, amount: { refund: amount, total: 1000, currency: 'CNY' } }),
        t.http,
      );
    expect((await refund('RF2-a', 1000)).data).toMatchObject({ status: 'PROCESSING' });
    expect((await refund('RF2-b', 1)).data).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('可退金额') });
    expect((await wxControl<Json>(t.emu, 'POST', '/refunds/RF2-a/settle', { status: 'CLOSED' })).status).toBe(200);
    expect((await verified(t.pay, t.emu, t.pay.find_refunds('RF2-a'), t.http)).data).toMatchObject({ status: 'CLOSED' });
    expect((await refund('RF2-b', 600)).data).toMatchObject({ status: 'PROCESSING' });
    expect((await wxControl(t.emu, 'POST', '/refunds/RF2-b/settle', { status: 'ABNORMAL' })).status).toBe(200);
    expect((await wxControl(t.emu, 'POST', '/refunds/RF2-b/settle', { status: 'SUCCESS' })).status).toBe(409);
    expect((await verified(t.pay, t.emu, t.pay.find_refunds('RF2-b'), t.http)).data).toMatchObject({ status: 'ABNORMAL' });
    await waitFor(() => m.received.length === 2, 'two refund notices', 3000);
    const events = m.received.map(
      (r) => JSON.parse(r.raw) as { event_type: string; summary: string; resource: { ciphertext: string; associated_data: string; nonce: string } },
    );
    expect(events.map((e) => [e.event_type, e.summary])).toEqual([
      ['REFUND.CLOSED', '退款关闭'],
      ['REFUND.ABNORMAL', '退款异常'],
    ]);
    const plain = t.pay.decipher_gcm<Json>(events[1]?.resource.ciphertext as string, 'refund', events[1]?.resource.nonce as string, t.c.apiV3Key);
    expect(plain).toMatchObject({ refund_status: 'ABNORMAL', out_refund_no: 'RF2-b' });
    expect(plain.success_time).toBeUndefined();
  });

  it('refund by transaction_id of a 付款码 order; the same out_refund_no again → the same refund; another amount → INVALID_REQUEST', async () => {
    const t = await setup();
    const paid = await verified(t.pay, t.emu, t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, 'RF000003', CODES.PAID, 500)), t.http);
    const txid = (paid.data as Json).transaction_id as string;
    const body = { transaction_id: txid, out_refund_no: 'RF3-1', amount: { refund: 200, total: 500, currency: 'CNY' } };
    const first = await verified(t.pay, t.emu, t.pay.refunds(body), t.http);
    expect(first.data).toMatchObject({ status: 'PROCESSING', transaction_id: txid, out_trade_no: 'RF000003' });
    const again = await verified(t.pay, t.emu, t.pay.refunds(body), t.http);
    expect((again.data as Json).refund_id).toBe((first.data as Json).refund_id);
    const changed = await verified(t.pay, t.emu, t.pay.refunds({ ...body, amount: { ...body.amount, refund: 201 } }), t.http);
    expect(changed.data).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await wxControl<{ refunds: unknown[] }>(t.emu, 'GET', '/trades/RF000003')).body.refunds).toHaveLength(1);
  });

  it('errors: unknown order / refund → 404 RESOURCE_NOT_EXISTS; unpaid → INVALID_REQUEST; total mismatch; no order number or currency → PARAM_ERROR', async () => {
    const t = await setup();
    await nativeOrder(t, 'RF000004', 100);
    // Deliberately malformed bodies too: the library passes them through.
    const r = (b: Json): Promise<RawAnswer> => verified(t.pay, t.emu, t.pay.refunds(b as unknown as Parameters<typeof t.pay.refunds>[0]), t.http);
    const amount = { refund: 10, total: 100, currency: 'CNY' };
    const none = await r({ out_trade_no: 'RF000099', out_refund_no: 'x1', amount });
    expect(none.status).toBe(404);
    expect(none.data).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' });
    expect((await r({ out_trade_no: 'RF000004', out_refund_no: 'x2', amount })).data).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('未支付'),
    });
    await wxControl(t.emu, 'POST', '/trades/RF000004/pay', {});
    expect((await r({ out_trade_no: 'RF000004', out_refund_no: 'x3', amount: { ...amount, total: 99 } })).data).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('total'),
    });
    expect((await r({ out_refund_no: 'x4', amount })).data).toMatchObject({ code: 'PARAM_ERROR' });
    expect((await r({ out_trade_no: 'RF000004', out_refund_no: 'x5', amount: { refund: 10, total: 100 } })).data).toMatchObject({
      code: 'PARAM_ERROR',
      message: expect.stringContaining('currency'),
    });
    expect((await r({ out_trade_no: 'RF000004', out_refund_no: 'x 6', amount })).data).toMatchObject({
      code: 'PARAM_ERROR',
      message: expect.stringContaining('out_refund_no'),
    });
    const q = await verified(t.pay, t.emu, t.pay.find_refunds('x1'), t.http);
    expect(q.status).toBe(404);
    expect(q.data).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' });
    expect((await wxControl<{ refunds: unknown[] }>(t.emu, 'GET', '/trades/RF000004')).body.refunds).toEqual([]);
  });

  it('at most 50 refunds per order (申请退款: 部分退款次数不能超过50次)', async () => {
    const t = await setup();
    await paidNative(t, 'RF000005', 100);
    for (let i = 1; i <= 50; i += 1) {
      const a = await verified(
        t.pay,
        t.emu,
        t.pay.refunds({ out_trade_no: 'RF000005', out_refund_no: `RF5-${i}`, amount: { refund: 1, total: 100, currency: 'CNY' } }),
        t.http,
      );
      expect(a.status, `refund ${i}`).toBe(200);
    }
    const over = await verified(
      t.pay,
      t.emu,
      t.pay.refunds({ out_trade_no: 'RF000005', out_refund_no: 'RF5-51', amount: { refund: 1, total: 100, currency: 'CNY' } }),
      t.http,
    );
    expect(over.data).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('50') });
  });
});
