import { describe, expect, it } from 'vitest';
import { TEST_AUTH_CODES } from '../../src/emulator';
import { control, exec, merchant, precreate, setup, type AttemptView, type TradeView } from './helpers';
import { waitFor } from '../support';

const barPay = (outTradeNo: string, authCode: string, totalAmount = '8.88') => ({
  outTradeNo,
  scene: 'bar_code',
  authCode,
  subject: '付款码商品',
  totalAmount,
});

describe('alipay.trade.precreate / query / close', () => {
  it('precreate → TRADE_NOT_EXIST until scanned → WAIT_BUYER_PAY → pay → TRADE_SUCCESS', async () => {
    const { emu, sdk } = await setup();
    const qr = await precreate(sdk, 'Q1', '12.34');
    expect(qr).toMatch(new RegExp(`^${emu.url}/qr/[A-Za-z0-9_-]+$`));
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'Q1' })).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST' });
    expect(await exec(sdk, 'alipay.trade.close', { outTradeNo: 'Q1' })).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST' });
    const scanned = await control<TradeView>(emu, 'POST', '/trades/Q1/scan', { buyer: '2088102177846881' });
    expect(scanned.body).toMatchObject({ status: 'WAIT_BUYER_PAY', scanned: true });
    const waiting = await exec(sdk, 'alipay.trade.query', { outTradeNo: 'Q1' });
    expect(waiting).toMatchObject({ code: '10000', tradeStatus: 'WAIT_BUYER_PAY', totalAmount: '12.34', receiptAmount: '0.00', buyerLogonId: '159******20' });
    expect(waiting.sendPayDate).toBeUndefined();
    const paid = await control<TradeView>(emu, 'POST', '/trades/Q1/pay', {});
    expect(paid.body.status).toBe('TRADE_SUCCESS');
    const q = await exec(sdk, 'alipay.trade.query', { tradeNo: paid.body.tradeNo });
    expect(q).toMatchObject({
      code: '10000',
      tradeStatus: 'TRADE_SUCCESS',
      outTradeNo: 'Q1',
      totalAmount: '12.34',
      receiptAmount: '12.34',
      buyerPayAmount: '12.34',
    });
    expect(q.sendPayDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(q.fundBillList).toEqual([{ amount: '12.34', fundChannel: 'ALIPAYACCOUNT' }]);
    expect(await exec(sdk, 'alipay.trade.close', { outTradeNo: 'Q1' })).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_STATUS_ERROR' });
    // Creating it again: already paid.
    expect(await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'Q1', totalAmount: '12.34', subject: 'x' })).toMatchObject({
      subCode: 'ACQ.TRADE_HAS_SUCCESS',
    });
    expect((await control(emu, 'POST', '/trades/Q1/pay', {})).status).toBe(409);
    expect((await control(emu, 'GET', '/trades/NOPE')).status).toBe(404);
  });

  it('repeats a precreate idempotently (same QR) and refuses a changed amount', async () => {
    const { sdk } = await setup();
    const a = await precreate(sdk, 'Q2', '5.00');
    expect(await precreate(sdk, 'Q2', '5.00')).toBe(a);
    expect(await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'Q2', totalAmount: '6.00', subject: 'x' })).toMatchObject({
      subCode: 'ACQ.CONTEXT_INCONSISTENT',
    });
  });

  it('closes a scanned unpaid trade (TRADE_CLOSED + notify), declines via control fail', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant();
    await precreate(sdk, 'C1', '1.00', { notifyUrl: m.url });
    await control(emu, 'POST', '/trades/C1/scan', {});
    expect(await exec(sdk, 'alipay.trade.close', { outTradeNo: 'C1' })).toMatchObject({ code: '10000', outTradeNo: 'C1' });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'C1' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
    expect(await exec(sdk, 'alipay.trade.close', { outTradeNo: 'C1' })).toMatchObject({ subCode: 'ACQ.TRADE_STATUS_ERROR' });
    await precreate(sdk, 'C2', '2.00', { notifyUrl: m.url });
    const failed = await control<TradeView>(emu, 'POST', '/trades/C2/fail', {});
    expect(failed.body.status).toBe('TRADE_CLOSED');
    await waitFor(() => m.received.length === 2, 'two close notices', 3000);
    expect(m.received.map((n) => [n.params.out_trade_no, n.params.trade_status])).toEqual([
      ['C1', 'TRADE_CLOSED'],
      ['C2', 'TRADE_CLOSED'],
    ]);
    expect(m.received[0]?.params.gmt_close).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'C2', totalAmount: '2.00', subject: 'x' })).toMatchObject({
      subCode: 'ACQ.TRADE_HAS_CLOSE',
    });
  });

  it('validates biz_content fields with 40002 isv.invalid-parameter / ACQ.TOTAL_FEE_EXCEED', async () => {
    const { sdk } = await setup();
    const pre = (biz: Record<string, unknown>) => exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'V1', totalAmount: '1.00', subject: 's', ...biz });
    for (const totalAmount of ['0', '0.00', '1.001', '-1', 'abc', '1e3', '']) {
      expect(await pre({ totalAmount }), totalAmount).toMatchObject({ code: '40002', subCode: 'isv.invalid-parameter' });
    }
    expect(await pre({ totalAmount: '100000000.01' })).toMatchObject({ code: '40004', subCode: 'ACQ.TOTAL_FEE_EXCEED' });
    expect(await pre({ totalAmount: '100000000.00' })).toMatchObject({ code: '10000' });
    expect(await pre({ outTradeNo: 'x'.repeat(65) })).toMatchObject({ subCode: 'isv.invalid-parameter' });
    expect(await pre({ subject: '长'.repeat(257) })).toMatchObject({ subCode: 'isv.invalid-parameter' });
    expect(await pre({ outTradeNo: 'V2', subject: undefined })).toMatchObject({ subCode: 'isv.invalid-parameter', subMsg: '缺少必选参数 subject' });
    expect(await pre({ outTradeNo: 'V3', timeoutExpress: '20d' })).toMatchObject({ subCode: 'isv.invalid-parameter' });
    expect(await pre({ outTradeNo: 'V4', timeoutExpress: '5x' })).toMatchObject({ subCode: 'isv.invalid-parameter' });
    expect(await exec(sdk, 'alipay.trade.query', {})).toMatchObject({ code: '40002', subCode: 'isv.invalid-parameter' });
  });
});

describe('alipay.trade.pay (付款码) and alipay.trade.cancel', () => {
  it('281… pays at once (10000) with a notification', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant();
    const r = await exec(sdk, 'alipay.trade.pay', barPay('P1', TEST_AUTH_CODES.PAID), { notifyUrl: m.url });
    expect(r).toMatchObject({ code: '10000', outTradeNo: 'P1', totalAmount: '8.88', receiptAmount: '8.88', buyerPayAmount: '8.88' });
    expect(r.gmtPayment).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(r.tradeNo).toMatch(/^\d{28}$/);
    await waitFor(() => m.received.length === 1, 'pay notice', 3000);
    expect(m.received[0]?.params).toMatchObject({ trade_status: 'TRADE_SUCCESS', out_trade_no: 'P1', total_amount: '8.88' });
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P1', TEST_AUTH_CODES.PAID))).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_HAS_SUCCESS' });
    expect((await control<TradeView>(emu, 'GET', '/trades/P1')).body.status).toBe('TRADE_SUCCESS');
  });

  it('282… answers 10003 (buyer confirming) and is paid 5 s emulated later, with a notification', async () => {
    const { sdk } = await setup({ timeScale: 50 }); // 5 s emulated = 0.1 s
    const m = await merchant();
    const r = await exec(sdk, 'alipay.trade.pay', barPay('P2', TEST_AUTH_CODES.CONFIRM_THEN_PAID), { notifyUrl: m.url });
    expect(r).toMatchObject({ code: '10003', msg: ' order success pay inprocess', receiptAmount: '0.00', buyerPayAmount: '0.00' });
    expect(r.gmtPayment).toBeUndefined();
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'P2' })).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY' });
    // Repeating the pay while confirming answers 10003 again.
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P2', TEST_AUTH_CODES.CONFIRM_THEN_PAID))).toMatchObject({ code: '10003' });
    await waitFor(async () => (await exec(sdk, 'alipay.trade.query', { outTradeNo: 'P2' })).tradeStatus === 'TRADE_SUCCESS', 'confirmation', 5000);
    await waitFor(() => m.received.length === 1, 'pay notice', 3000);
    expect(m.received[0]?.params.trade_status).toBe('TRADE_SUCCESS');
  });

  it('283… never confirms; cancel closes it (action close)', async () => {
    const { sdk } = await setup({ timeScale: 1000 });
    const r = await exec(sdk, 'alipay.trade.pay', barPay('P3', TEST_AUTH_CODES.CONFIRM_NEVER));
    expect(r.code).toBe('10003');
    await new Promise((res) => setTimeout(res, 50)); // 50 s emulated: well past the 5 s confirm delay
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'P3' })).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY' });
    expect(await exec(sdk, 'alipay.trade.cancel', { outTradeNo: 'P3' })).toMatchObject({ code: '10000', retryFlag: 'N', action: 'close' });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'P3' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
    expect(await exec(sdk, 'alipay.trade.cancel', { outTradeNo: 'P3' })).toMatchObject({ code: '10000', action: 'close' });
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P3', TEST_AUTH_CODES.PAID))).toMatchObject({ subCode: 'ACQ.TRADE_HAS_CLOSE' });
  });

  it('284… / 285… / malformed codes fail with ACQ errors and create no trade', async () => {
    const { sdk } = await setup();
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P4', TEST_AUTH_CODES.BALANCE_NOT_ENOUGH))).toMatchObject({
      code: '40004',
      subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH',
    });
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P5', TEST_AUTH_CODES.AUTH_CODE_INVALID))).toMatchObject({
      code: '40004',
      subCode: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
    });
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P6', '123456'))).toMatchObject({ subCode: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P7', '31000000000000000'))).toMatchObject({ subCode: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'P4' })).toMatchObject({ subCode: 'ACQ.TRADE_NOT_EXIST' });
    // Any other 16–24 digit code starting 25–30 pays.
    expect(await exec(sdk, 'alipay.trade.pay', barPay('P4', '300000000000000000000000'))).toMatchObject({ code: '10000' });
    expect(await exec(sdk, 'alipay.trade.pay', { ...barPay('P8', TEST_AUTH_CODES.PAID), scene: 'wave_code' })).toMatchObject({
      code: '40002',
      subCode: 'isv.invalid-parameter',
    });
  });

  it('cancel of a paid trade refunds it in full (action refund) and notifies TRADE_CLOSED', async () => {
    const { sdk } = await setup();
    const m = await merchant();
    await exec(sdk, 'alipay.trade.pay', barPay('P9', TEST_AUTH_CODES.PAID, '3.00'), { notifyUrl: m.url });
    const c = await exec(sdk, 'alipay.trade.cancel', { outTradeNo: 'P9' });
    expect(c).toMatchObject({ code: '10000', retryFlag: 'N', action: 'refund' });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'P9' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
    await waitFor(() => m.received.length === 2, 'two notices', 3000);
    expect(m.received[1]?.params).toMatchObject({ trade_status: 'TRADE_CLOSED', refund_fee: '3.00' });
    expect(await exec(sdk, 'alipay.trade.cancel', { outTradeNo: 'P9' })).toMatchObject({ code: '10000', action: 'refund' });
    // A number Alipay does not know: 10000 without action (统一收单交易撤销接口: "未返回：未查询到交易").
    const none = await exec(sdk, 'alipay.trade.cancel', { outTradeNo: 'NONE' });
    expect(none).toMatchObject({ code: '10000', retryFlag: 'N' });
    expect(none.action).toBeUndefined();
    expect(await exec(sdk, 'alipay.trade.cancel', { tradeNo: '2099010122001000000000000000' })).toMatchObject({ subCode: 'ACQ.TRADE_NOT_EXIST' });
  });

  it('cancel of an unscanned QR: 10000 without action (no trade yet), and the QR can no longer be paid', async () => {
    const { emu, sdk } = await setup();
    const qr = await precreate(sdk, 'P10');
    const c = await exec(sdk, 'alipay.trade.cancel', { outTradeNo: 'P10' });
    expect(c).toMatchObject({ code: '10000', retryFlag: 'N', outTradeNo: 'P10' });
    expect(c.action).toBeUndefined();
    expect(c.tradeNo).toBeUndefined();
    // Still invisible to the merchant, and voided for the buyer.
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'P10' })).toMatchObject({ subCode: 'ACQ.TRADE_NOT_EXIST' });
    expect((await control(emu, 'POST', '/trades/P10/pay', {})).status).toBe(409);
    expect((await control(emu, 'POST', '/trades/P10/scan', {})).status).toBe(409);
    expect(await (await fetch(qr)).text()).toContain('交易已关闭');
    expect(await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'P10', totalAmount: '1.00', subject: 'x' })).toMatchObject({
      subCode: 'ACQ.TRADE_HAS_CLOSE',
    });
    expect(await exec(sdk, 'alipay.trade.cancel', { outTradeNo: 'P10' })).toMatchObject({ code: '10000' });
    const attempts = await control<AttemptView[]>(emu, 'GET', '/notifications');
    expect(attempts.body).toEqual([]);
  });
});
