import { describe, expect, it } from 'vitest';
import { WECHAT_TEST_AUTH_CODES as CODES } from '../../../src/emulator';
import type { CreateTradeInput } from '../../../src/main/domain';
import type { Clock } from '../../../src/main/kernel';
import { WechatProvider } from '../../../src/main/providers/wechat';
import { advance, configFor, notifyEndpoint, setup, wxControl } from './helpers';
import { waitFor } from '../../support';

const input = (outTradeNo: string, amountFen = 1234, notifyUrl: string | null = null, expiresAt = Date.now() + 5 * 60_000): CreateTradeInput => ({
  outTradeNo,
  amountFen,
  subject: '收银台 测试',
  timeoutMinutes: 5,
  expiresAt,
  notifyUrl,
});

interface TradeView {
  state: string;
  total: number;
  expiresAt: number;
  createdAt: number;
  kind: string;
}

describe('WechatProvider against the emulator: Native QR, query, close', () => {
  it('createQr returns the code_url; the trade exists NOTPAY (→ WAITING) with time_expire and amount in fen', async () => {
    // A clock that moves 2 s per reading: a retry comes seconds later, yet must repeat the same body.
    let now = Date.now();
    const clock: Clock = { now: () => (now += 2000), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    const t = await setup({}, {}, clock);
    const expiresAt = Date.now() + 5 * 60_000; // the order's own expiry, stored on its row
    const r = await t.provider.createQr(input('WXQR0001', 1234, null, expiresAt));
    expect(r).toEqual({ kind: 'ok', value: { qrCode: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/) } });
    const view = (await wxControl<TradeView>(t.emu, 'GET', '/trades/WXQR0001')).body;
    expect(view).toMatchObject({ state: 'NOTPAY', total: 1234, kind: 'native' });
    // time_expire is the order's expiry (WeChat's precision: the second), not the adapter's clock.
    expect(view.expiresAt).toBe(Math.floor(expiresAt / 1000) * 1000);
    expect(await t.provider.query('WXQR0001')).toEqual({
      kind: 'ok',
      value: { state: 'WAITING', tradeNo: null, totalFen: 1234, buyerLogonId: null, paidAt: null },
    });
    // The same request again (a retry after an unknown outcome) gets the same QR: same time_expire.
    expect(await t.provider.createQr(input('WXQR0001', 1234, null, expiresAt))).toEqual(r);
  });

  it('the same order re-sent after a restart (a new adapter, its clock minutes later) sends the same time_expire', async () => {
    const t = await setup();
    const expiresAt = Date.now() + 5 * 60_000;
    const first = await t.provider.createQr(input('WXQR0011', 800, null, expiresAt));
    expect(first.kind).toBe('ok');
    // A restarted process: a fresh adapter with no memory of the first request, whose clock reads 3 minutes on.
    const later: Clock = {
      now: () => Date.now() + 3 * 60_000,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };
    const restarted = new WechatProvider(configFor(t.c), { clock: later });
    // A different time_expire would be a different body: WeChat refuses it (商户订单号重复).
    expect(await restarted.createQr(input('WXQR0011', 800, null, expiresAt))).toEqual(first);
    const view = (await wxControl<TradeView>(t.emu, 'GET', '/trades/WXQR0011')).body;
    expect(view.expiresAt).toBe(Math.floor(expiresAt / 1000) * 1000);
  });

  it('query: an unknown trade is business NOT_FOUND (ORDER_NOT_EXIST); a paid one is PAID with transaction id, openid and time', async () => {
    const t = await setup();
    expect(await t.provider.query('WXNONE01')).toMatchObject({ kind: 'business', failure: 'NOT_FOUND', code: 'ORDER_NOT_EXIST' });
    await t.provider.createQr(input('WXQR0002', 500));
    await wxControl(t.emu, 'POST', '/trades/WXQR0002/pay', {});
    const q = await t.provider.query('WXQR0002');
    expect(q).toMatchObject({
      kind: 'ok',
      value: { state: 'PAID', totalFen: 500, tradeNo: expect.stringMatching(/^4200/), buyerLogonId: expect.stringMatching(/^o/) },
    });
    expect(q.kind === 'ok' && q.value.paidAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('close: unpaid → ok and CLOSED; again → ok; paid → PAID_ALREADY; unknown → NOT_FOUND', async () => {
    const t = await setup();
    await t.provider.createQr(input('WXQR0003'));
    expect(await t.provider.close('WXQR0003')).toEqual({ kind: 'ok', value: undefined });
    expect(await t.provider.query('WXQR0003')).toMatchObject({ kind: 'ok', value: { state: 'CLOSED' } });
    expect(await t.provider.close('WXQR0003')).toEqual({ kind: 'ok', value: undefined });
    await t.provider.createQr(input('WXQR0004'));
    await wxControl(t.emu, 'POST', '/trades/WXQR0004/pay', {});
    expect(await t.provider.close('WXQR0004')).toMatchObject({ kind: 'business', failure: 'PAID_ALREADY', code: 'ORDERPAID' });
    expect(await t.provider.close('WXNONE02')).toMatchObject({ kind: 'business', failure: 'NOT_FOUND' });
  });

  it('cancel of a Native trade closes it (WeChat has no reverse for Native); paid meanwhile → PAID_ALREADY', async () => {
    const t = await setup();
    await t.provider.createQr(input('WXQR0005'));
    expect(await t.provider.cancel('WXQR0005')).toEqual({ kind: 'ok', value: { action: 'close', retry: false } });
    expect((await wxControl<TradeView>(t.emu, 'GET', '/trades/WXQR0005')).body.state).toBe('CLOSED');
    await t.provider.createQr(input('WXQR0006'));
    await wxControl(t.emu, 'POST', '/trades/WXQR0006/pay', {});
    expect(await t.provider.cancel('WXQR0006')).toMatchObject({ kind: 'business', failure: 'PAID_ALREADY' });
    expect(await t.provider.cancel('WXNONE03')).toMatchObject({ kind: 'business', failure: 'NOT_FOUND' });
  });

  it('methods are qr and code; createLink is refused with a bilingual error', async () => {
    const t = await setup();
    expect(t.provider.methods).toEqual(['qr', 'code']);
    expect(t.provider.id).toBe('wechat');
    expect(t.provider.accountId).toBe(t.c.mchid);
    await expect(t.provider.createLink(input('WXLINK01'))).rejects.toThrow(/收款链接.*\/ WeChat Pay/);
  });
});

describe('WechatProvider 付款码 (codepay): poll, then reverse at the deadline', () => {
  it('paid at once → {state: paid} with facts', async () => {
    const t = await setup();
    const r = await t.provider.payWithCode({ ...input('WXCP0001', 888), authCode: CODES.PAID });
    expect(r).toMatchObject({ kind: 'ok', value: { state: 'paid', facts: { state: 'PAID', totalFen: 888, tradeNo: expect.stringMatching(/^4200/) } } });
  });

  it('202 USERPAYING → confirming; query USER_PAYING, then PAID once the buyer confirms', async () => {
    const t = await setup();
    expect(await t.provider.payWithCode({ ...input('WXCP0002'), authCode: CODES.USERPAYING_THEN_PAID })).toEqual({
      kind: 'ok',
      value: { state: 'confirming' },
    });
    expect(await t.provider.query('WXCP0002')).toMatchObject({ kind: 'ok', value: { state: 'USER_PAYING' } });
    await advance(t.emu, 10_000);
    expect(await t.provider.query('WXCP0002')).toMatchObject({ kind: 'ok', value: { state: 'PAID' } });
  });

  it('never confirms: cancel reverses it (action reverse), the trade is REVOKED → CLOSED and can no longer be paid', async () => {
    const t = await setup();
    await t.provider.payWithCode({ ...input('WXCP0003'), authCode: CODES.USERPAYING_NEVER });
    expect(await t.provider.cancel('WXCP0003')).toEqual({ kind: 'ok', value: { action: 'reverse', retry: false } });
    expect(await t.provider.query('WXCP0003')).toMatchObject({ kind: 'ok', value: { state: 'CLOSED' } });
    expect((await wxControl(t.emu, 'POST', '/trades/WXCP0003/pay', {})).status).toBe(409);
    // A repeated cancel answers the same (the guidance: retry the reverse on error).
    expect(await t.provider.cancel('WXCP0003')).toEqual({ kind: 'ok', value: { action: 'reverse', retry: false } });
  });

  it('refusals: NOT_ENOUGH → INSUFFICIENT_FUNDS, invalid code → CODE_INVALID, malformed code → CODE_INVALID, TRADE_ERROR → DECLINED', async () => {
    const t = await setup();
    expect(await t.provider.payWithCode({ ...input('WXCP0004'), authCode: CODES.NOT_ENOUGH })).toMatchObject({
      kind: 'business',
      failure: 'INSUFFICIENT_FUNDS',
      message: expect.stringContaining('余额不足 / Insufficient'),
    });
    expect(await t.provider.payWithCode({ ...input('WXCP0005'), authCode: CODES.INVALID })).toMatchObject({ kind: 'business', failure: 'CODE_INVALID' });
    expect(await t.provider.payWithCode({ ...input('WXCP0006'), authCode: '281000000000000001' })).toMatchObject({ kind: 'business', failure: 'CODE_INVALID' });
    expect(await t.provider.payWithCode({ ...input('WXCP0007'), authCode: CODES.PAYERROR })).toMatchObject({
      kind: 'business',
      failure: 'DECLINED',
      code: 'TRADE_ERROR',
    });
    expect(await t.provider.query('WXCP0007')).toMatchObject({ kind: 'ok', value: { state: 'CLOSED' } });
  });

  it('the same out_trade_no with another code is refused (not mistaken for the first payment)', async () => {
    const t = await setup();
    await t.provider.payWithCode({ ...input('WXCP0008'), authCode: CODES.PAID });
    expect(await t.provider.payWithCode({ ...input('WXCP0008'), authCode: '134567890123456789' })).toMatchObject({ kind: 'business', code: 'INVALID_REQUEST' });
  });
});

describe('WechatProvider refunds are asynchronous', () => {
  it('refund → PENDING; refundQuery PENDING → SUCCESS with the amount; unknown refund → NOT_FOUND; over the rest → REFUND_EXCEEDS', async () => {
    const t = await setup();
    await t.provider.payWithCode({ ...input('WXRF0001', 1000), authCode: CODES.PAID });
    const refund = { outTradeNo: 'WXRF0001', outRequestNo: 'WXRF0001-1', amountFen: 300, totalFen: 1000, reason: '退货', notifyUrl: null };
    expect(await t.provider.refund(refund)).toEqual({ kind: 'ok', value: { state: 'PENDING', cumulativeFen: null } });
    expect(await t.provider.refundQuery('WXRF0001', 'WXRF0001-1')).toEqual({ kind: 'ok', value: { state: 'PENDING', amountFen: 300 } });
    // The same refund number again is the same refund (idempotent), not a second one.
    expect(await t.provider.refund(refund)).toEqual({ kind: 'ok', value: { state: 'PENDING', cumulativeFen: null } });
    expect((await wxControl<{ refunds: unknown[] }>(t.emu, 'GET', '/trades/WXRF0001')).body.refunds).toHaveLength(1);
    await advance(t.emu, 61_000);
    expect(await t.provider.refundQuery('WXRF0001', 'WXRF0001-1')).toEqual({ kind: 'ok', value: { state: 'SUCCESS', amountFen: 300 } });
    // A SUCCESS refund asked again answers SUCCESS.
    expect(await t.provider.refund(refund)).toEqual({ kind: 'ok', value: { state: 'SUCCESS', cumulativeFen: null } });
    expect(await t.provider.query('WXRF0001')).toMatchObject({ kind: 'ok', value: { state: 'REFUNDED' } });
    expect(await t.provider.refundQuery('WXRF0001', 'WXRF-NONE')).toEqual({ kind: 'ok', value: { state: 'NOT_FOUND', amountFen: null } });
    expect(await t.provider.refund({ ...refund, outRequestNo: 'WXRF0001-2', amountFen: 701 })).toMatchObject({ kind: 'business', failure: 'REFUND_EXCEEDS' });
    expect(await t.provider.refund({ ...refund, outTradeNo: 'WXNONE04', outRequestNo: 'WXRF-N' })).toMatchObject({ kind: 'business', failure: 'NOT_FOUND' });
  });

  it('a refund settled CLOSED or ABNORMAL → refundQuery FAILED', async () => {
    const t = await setup();
    await t.provider.payWithCode({ ...input('WXRF0002', 1000), authCode: CODES.PAID });
    for (const [no, status] of [
      ['WXRF0002-1', 'CLOSED'],
      ['WXRF0002-2', 'ABNORMAL'],
    ] as const) {
      await t.provider.refund({ outTradeNo: 'WXRF0002', outRequestNo: no, amountFen: 100, totalFen: 1000, reason: null, notifyUrl: null });
      expect((await wxControl(t.emu, 'POST', `/refunds/${no}/settle`, { status })).status).toBe(200);
      expect(await t.provider.refundQuery('WXRF0002', no)).toEqual({ kind: 'ok', value: { state: 'FAILED', amountFen: 100 } });
    }
  });
});

describe('the whole loop: create → the customer pays → notification verified → refund settled by notification', () => {
  it('Native order paid on the buyer page; TRANSACTION.SUCCESS and REFUND.SUCCESS verified and acknowledged with 204', async () => {
    const t = await setup();
    const ep = await notifyEndpoint(t.provider);
    const qr = await t.provider.createQr(input('WXLOOP01', 2599, ep.url));
    expect(qr.kind).toBe('ok');
    // The customer: open the QR's page and confirm (the emulator's customer API).
    const code = qr.kind === 'ok' ? qr.value.qrCode : '';
    const page = `${t.c.baseUrl}/wxpay/bizpayurl?${code.split('?')[1] ?? ''}`;
    expect((await fetch(page)).status).toBe(200);
    await wxControl(t.emu, 'POST', '/trades/WXLOOP01/pay', { buyer: '李四' });
    await waitFor(() => ep.checks.length === 1, 'payment notice', 3000);
    expect(ep.checks[0]).toMatchObject({
      ok: true,
      notification: { outTradeNo: 'WXLOOP01', totalFen: 2599, refund: null, facts: { state: 'PAID', totalFen: 2599, tradeNo: expect.stringMatching(/^4200/) } },
    });
    expect(ep.answers[0]).toEqual({ status: 204, body: '' });
    const attempts = (await wxControl<{ accepted: boolean; notifyId: string }[]>(t.emu, 'GET', '/notifications')).body;
    expect(attempts).toMatchObject([{ accepted: true }]);
    expect(ep.checks[0]?.ok && ep.checks[0].notification.notifyId).toBe(attempts[0]?.notifyId);

    const refund = await t.provider.refund({
      outTradeNo: 'WXLOOP01',
      outRequestNo: 'WXLOOP01-R1',
      amountFen: 599,
      totalFen: 2599,
      reason: null,
      notifyUrl: ep.url,
    });
    expect(refund).toEqual({ kind: 'ok', value: { state: 'PENDING', cumulativeFen: null } });
    await advance(t.emu, 61_000);
    await waitFor(() => ep.checks.length === 2, 'refund notice', 3000);
    expect(ep.checks[1]).toMatchObject({
      ok: true,
      notification: {
        outTradeNo: 'WXLOOP01',
        totalFen: 2599,
        facts: null,
        refund: { outRequestNo: 'WXLOOP01-R1', state: 'SUCCESS', amountFen: 599, cumulativeFen: null, at: expect.any(Number) },
      },
    });
    expect(await t.provider.refundQuery('WXLOOP01', 'WXLOOP01-R1')).toEqual({ kind: 'ok', value: { state: 'SUCCESS', amountFen: 599 } });
  });
});
