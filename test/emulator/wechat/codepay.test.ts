import { describe, expect, it } from 'vitest';
import { WECHAT_TEST_AUTH_CODES as CODES } from '../../../src/emulator';
import { codepayBody, setup, verified, wxControl, wxMerchant, type RawAnswer } from './helpers';

type Json = Record<string, unknown>;

describe('付款码支付 (codepay) and 撤销 (reverse) with wechatpay-node-v3 signing', () => {
  it('100… pays at once: 200 SUCCESS MICROPAY with transaction_id; a retry of the same request answers the same; the query agrees', async () => {
    const t = await setup();
    const pay = (): Promise<RawAnswer> =>
      verified(t.pay, t.emu, t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, 'CP000001', CODES.PAID, 888)), t.http);
    const a = await pay();
    expect(a.status).toBe(200);
    const d = a.data as Json;
    expect(d).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'MICROPAY', out_trade_no: 'CP000001', amount: { total: 888, payer_total: 888 } });
    expect(d.transaction_id).toMatch(/^4200\d{24}$/);
    expect((await pay()).data).toEqual(d);
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000001' }), t.http)).data).toEqual(d);
    // Another 付款码 with the same out_trade_no is a different request.
    const other = await verified(
      t.pay,
      t.emu,
      t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, 'CP000001', '134567890123456789', 888)),
      t.http,
    );
    expect(other.data).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('110… answers 202 USERPAYING, the query shows USERPAYING, and about 8 emulated seconds later SUCCESS — with no notification', async () => {
    const t = await setup();
    const m = await wxMerchant();
    const a = await verified(
      t.pay,
      t.emu,
      t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, 'CP000002', CODES.USERPAYING_THEN_PAID)),
      t.http,
    );
    expect(a.status).toBe(202);
    expect(a.data).toEqual({ code: 'USERPAYING', message: '用户支付中，需要输入密码' });
    const q1 = await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000002' }), t.http);
    expect(q1.data).toMatchObject({ trade_state: 'USERPAYING', trade_state_desc: '需要用户输入支付密码' });
    await fetch(`${t.emu.credentials.control}/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 5_000 }),
    });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000002' }), t.http)).data).toMatchObject({ trade_state: 'USERPAYING' });
    await fetch(`${t.emu.credentials.control}/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 5_000 }),
    });
    await new Promise((r) => setTimeout(r, 20)); // due timers run promptly after an advance
    const q2 = await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000002' }), t.http);
    expect(q2.data).toMatchObject({ trade_state: 'SUCCESS' });
    expect(m.received).toHaveLength(0);
    expect((await wxControl<unknown[]>(t.emu, 'GET', '/notifications')).body).toEqual([]);
  });

  it('120… stays USERPAYING for good (an hour later still); reverse → 200 {appid, mchid, out_trade_no} and REVOKED; the buyer can no longer confirm', async () => {
    const t = await setup();
    const a = await verified(t.pay, t.emu, t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, 'CP000003', CODES.USERPAYING_NEVER)), t.http);
    expect(a.status).toBe(202);
    await fetch(`${t.emu.credentials.control}/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 3600_000 }),
    });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000003' }), t.http)).data).toMatchObject({ trade_state: 'USERPAYING' });
    const rev = await verified(
      t.pay,
      t.emu,
      t.pay.signed('POST', '/v3/pay/transactions/out-trade-no/CP000003/reverse', { appid: t.c.appid, mchid: t.c.mchid }),
      t.http,
    );
    expect(rev.status).toBe(200);
    expect(rev.data).toEqual({ appid: t.c.appid, mchid: t.c.mchid, out_trade_no: 'CP000003' });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000003' }), t.http)).data).toMatchObject({ trade_state: 'REVOKED' });
    expect((await wxControl(t.emu, 'POST', '/trades/CP000003/pay', {})).status).toBe(409);
    // Reversing again answers the same (the guidance: retry reverse on error).
    expect(
      (await verified(t.pay, t.emu, t.pay.signed('POST', '/v3/pay/transactions/out-trade-no/CP000003/reverse', { appid: t.c.appid, mchid: t.c.mchid }), t.http))
        .status,
    ).toBe(200);
  });

  it('130… → 403 NOT_ENOUGH, 150… → 403 TRADE_ERROR (both PAYERROR on query); 140… → 400 INVALID_REQUEST and malformed → 400 PARAM_ERROR (no order)', async () => {
    const t = await setup();
    const pay = (no: string, code: string): Promise<RawAnswer> =>
      verified(t.pay, t.emu, t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, no, code)), t.http);
    const poor = await pay('CP000004', CODES.NOT_ENOUGH);
    expect(poor.status).toBe(403);
    expect(poor.data).toMatchObject({ code: 'NOT_ENOUGH' });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000004' }), t.http)).data).toMatchObject({
      trade_state: 'PAYERROR',
      trade_state_desc: expect.stringContaining('余额不足'),
    });
    const err = await pay('CP000005', CODES.PAYERROR);
    expect(err.status).toBe(403);
    expect(err.data).toMatchObject({ code: 'TRADE_ERROR' });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000005' }), t.http)).data).toMatchObject({ trade_state: 'PAYERROR' });
    const invalid = await pay('CP000006', CODES.INVALID);
    expect(invalid.status).toBe(400);
    expect(invalid.data).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('付款码') });
    for (const code of ['281000000000000001', '16000000000000000', '1000000000000000011', 'abc']) {
      const bad = await pay('CP000007', code);
      expect(bad.status, code).toBe(400);
      expect(bad.data).toMatchObject({ code: 'PARAM_ERROR' });
    }
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000006' }), t.http)).status).toBe(404);
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000007' }), t.http)).status).toBe(404);
    // scene_info.device_ip is required.
    const noScene = await verified(
      t.pay,
      t.emu,
      t.pay.signed('POST', '/v3/pay/transactions/codepay', { ...codepayBody(t.c, 'CP000008', CODES.PAID), scene_info: undefined }),
      t.http,
    );
    expect(noScene.data).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringContaining('scene_info') });
  });

  it('reverse of a paid order returns the money (REVOKED, no refund possible); a Native order cannot be reversed; unknown → 404', async () => {
    const t = await setup();
    await verified(t.pay, t.emu, t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, 'CP000010', CODES.PAID)), t.http);
    const rev = await verified(
      t.pay,
      t.emu,
      t.pay.signed('POST', '/v3/pay/transactions/out-trade-no/CP000010/reverse', { appid: t.c.appid, mchid: t.c.mchid }),
      t.http,
    );
    expect(rev.status).toBe(200);
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000010' }), t.http)).data).toMatchObject({
      trade_state: 'REVOKED',
      transaction_id: expect.any(String),
    });
    const refund = await verified(
      t.pay,
      t.emu,
      t.pay.refunds({ out_trade_no: 'CP000010', out_refund_no: 'R-CP10', amount: { refund: 1, total: 1000, currency: 'CNY' } }),
      t.http,
    );
    expect(refund.data).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('撤销') });
    await verified(
      t.pay,
      t.emu,
      t.pay.transactions_native({ description: 'n', out_trade_no: 'CP000011', notify_url: 'https://example.com/n', amount: { total: 1 } }),
      t.http,
    );
    const nat = await verified(
      t.pay,
      t.emu,
      t.pay.signed('POST', '/v3/pay/transactions/out-trade-no/CP000011/reverse', { appid: t.c.appid, mchid: t.c.mchid }),
      t.http,
    );
    expect(nat.data).toMatchObject({ code: 'INVALID_REQUEST' });
    const none = await verified(
      t.pay,
      t.emu,
      t.pay.signed('POST', '/v3/pay/transactions/out-trade-no/CP000099/reverse', { appid: t.c.appid, mchid: t.c.mchid }),
      t.http,
    );
    expect(none.status).toBe(404);
    expect(none.data).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });

  it('the buyer cancels the password prompt (control fail) → PAYERROR; close then answers 204 and CLOSED', async () => {
    const t = await setup();
    await verified(t.pay, t.emu, t.pay.signed('POST', '/v3/pay/transactions/codepay', codepayBody(t.c, 'CP000012', CODES.USERPAYING_NEVER)), t.http);
    expect((await wxControl<Json>(t.emu, 'POST', '/trades/CP000012/fail', {})).body).toMatchObject({ state: 'PAYERROR' });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'CP000012' }), t.http)).data).toMatchObject({
      trade_state: 'PAYERROR',
      trade_state_desc: '用户取消支付',
    });
    expect((await verified(t.pay, t.emu, t.pay.close('CP000012'), t.http)).status).toBe(204);
  });
});
