import { describe, expect, it } from 'vitest';
import { TEST_AUTH_CODES } from '../../src/emulator';
import { control, exec, merchant, precreate, setup, type TradeView } from './helpers';
import { waitFor } from '../support';

async function paidTrade(sdk: Awaited<ReturnType<typeof setup>>['sdk'], outTradeNo: string, totalAmount: string): Promise<void> {
  const r = await exec(sdk, 'alipay.trade.pay', { outTradeNo, scene: 'bar_code', authCode: TEST_AUTH_CODES.PAID, subject: 's', totalAmount });
  expect(r.code).toBe('10000');
}

describe('alipay.trade.refund / alipay.trade.fastpay.refund.query', () => {
  it('refunds partially, several times, with a cumulative refund_fee and limit; full → TRADE_CLOSED', async () => {
    const { emu, sdk } = await setup();
    await paidTrade(sdk, 'R1', '10.00');
    const refund = (no: string, amount: string) =>
      exec(sdk, 'alipay.trade.refund', { outTradeNo: 'R1', refundAmount: amount, outRequestNo: no, refundReason: '退货' });
    const a = await refund('R1-1', '3.00');
    expect(a).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '3.00', sendBackFee: '3.00', outTradeNo: 'R1' });
    expect(a.gmtRefundPay).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await refund('R1-2', '4.50')).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '7.50' });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'R1' })).toMatchObject({ tradeStatus: 'TRADE_SUCCESS' });
    // Above what is left (2.50): refused.
    expect(await refund('R1-3', '2.51')).toMatchObject({ code: '40004', subCode: 'ACQ.REASON_TRADE_REFUND_FEE_ERR' });
    // Idempotent repeat: same number, same amount → fund_change N, cumulative fee unchanged.
    expect(await refund('R1-1', '3.00')).toMatchObject({ code: '10000', fundChange: 'N', refundFee: '7.50', gmtRefundPay: a.gmtRefundPay });
    expect(await refund('R1-1', '3.01')).toMatchObject({ code: '40004', subCode: 'ACQ.DISCORDANT_REPEAT_REQUEST' });
    expect(await refund('R1-3', '2.50')).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '10.00' });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'R1' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
    // A retry of the last refund after the trade closed is still idempotent.
    expect(await refund('R1-3', '2.50')).toMatchObject({ code: '10000', fundChange: 'N', refundFee: '10.00' });
    expect(await refund('R1-4', '0.01')).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_STATUS_ERROR' });
    const view = await control<TradeView>(emu, 'GET', '/trades/R1');
    expect(view.body).toMatchObject({ status: 'TRADE_CLOSED', refundFee: '10.00' });
    expect(view.body.refunds.map((r) => [r.outRequestNo, r.refundAmount])).toEqual([
      ['R1-1', '3.00'],
      ['R1-2', '4.50'],
      ['R1-3', '2.50'],
    ]);
  });

  it('answers errors: unknown trade, unpaid trade, bad amount', async () => {
    const { emu, sdk } = await setup();
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'NONE', refundAmount: '1.00', outRequestNo: 'x' })).toMatchObject({
      subCode: 'ACQ.TRADE_NOT_EXIST',
    });
    await precreate(sdk, 'R2', '5.00');
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'R2', refundAmount: '1.00', outRequestNo: 'x' })).toMatchObject({
      subCode: 'ACQ.TRADE_NOT_EXIST',
    });
    await control(emu, 'POST', '/trades/R2/scan', {});
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'R2', refundAmount: '1.00', outRequestNo: 'x' })).toMatchObject({
      subCode: 'ACQ.TRADE_STATUS_ERROR',
    });
    await control(emu, 'POST', '/trades/R2/pay', {});
    for (const refundAmount of ['0', '1.234', 'x', '-1.00']) {
      expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'R2', refundAmount, outRequestNo: 'x' }), refundAmount).toMatchObject({
        code: '40002',
        subCode: 'isv.invalid-parameter',
      });
    }
    // Without out_request_no the refund number is the out_trade_no: a full refund.
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'R2', refundAmount: '5.00' })).toMatchObject({ code: '10000', refundFee: '5.00' });
  });

  it('fastpay.refund.query: REFUND_SUCCESS for a known refund, no refund_status otherwise', async () => {
    const { sdk } = await setup();
    await paidTrade(sdk, 'R3', '9.00');
    await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'R3', refundAmount: '2.00', outRequestNo: 'R3-1', refundReason: '破损' });
    const q = await exec(sdk, 'alipay.trade.fastpay.refund.query', { outTradeNo: 'R3', outRequestNo: 'R3-1' });
    expect(q).toMatchObject({
      code: '10000',
      refundStatus: 'REFUND_SUCCESS',
      refundAmount: '2.00',
      totalAmount: '9.00',
      outRequestNo: 'R3-1',
      refundReason: '破损',
    });
    const none = await exec(sdk, 'alipay.trade.fastpay.refund.query', { outTradeNo: 'R3', outRequestNo: 'R3-2' });
    expect(none.code).toBe('10000');
    expect(none.refundStatus).toBeUndefined();
    expect(await exec(sdk, 'alipay.trade.fastpay.refund.query', { outTradeNo: 'NONE', outRequestNo: 'x' })).toMatchObject({ subCode: 'ACQ.TRADE_NOT_EXIST' });
    expect(await exec(sdk, 'alipay.trade.fastpay.refund.query', { outTradeNo: 'R3' })).toMatchObject({ code: '40002', subCode: 'isv.invalid-parameter' });
  });

  it('TRADE_FINISHED (control finish): no more refunds (ACQ.TRADE_HAS_FINISHED), notified', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant();
    await exec(
      sdk,
      'alipay.trade.pay',
      { outTradeNo: 'R4', scene: 'bar_code', authCode: TEST_AUTH_CODES.PAID, subject: 's', totalAmount: '2.00' },
      { notifyUrl: m.url },
    );
    expect((await control<TradeView>(emu, 'POST', '/trades/R4/finish', {})).body.status).toBe('TRADE_FINISHED');
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'R4' })).toMatchObject({ tradeStatus: 'TRADE_FINISHED' });
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'R4', refundAmount: '1.00', outRequestNo: 'x' })).toMatchObject({
      code: '40004',
      subCode: 'ACQ.TRADE_HAS_FINISHED',
    });
    await waitFor(() => m.received.length === 2, 'two notices', 3000);
    expect(m.received[1]?.params.trade_status).toBe('TRADE_FINISHED');
    expect(sdk.checkNotifySignV2(m.received[1]?.params ?? {})).toBe(true);
    expect((await control(emu, 'POST', '/trades/R4/finish', {})).status).toBe(409);
  });
});
