import { describe, expect, it } from 'vitest';
import { TEST_AUTH_CODES } from '../../src/emulator';
import { control, exec, merchant, precreate, setup, type AttemptView, type TradeView } from './helpers';
import { waitFor } from '../support';

describe('trade clock: timeout_express', () => {
  it('an unscanned QR just stops existing at expiry (no notice); the number can be used again', async () => {
    const { emu, sdk } = await setup({ timeScale: 1000 }); // 1m = 60 ms
    const m = await merchant();
    const qr = await precreate(sdk, 'X1', '1.00', { notifyUrl: m.url }, { timeoutExpress: '1m' });
    await waitFor(async () => (await control<TradeView>(emu, 'GET', '/trades/X1')).body.expired, 'expiry', 3000);
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'X1' })).toMatchObject({ subCode: 'ACQ.TRADE_NOT_EXIST' });
    expect(await exec(sdk, 'alipay.trade.close', { outTradeNo: 'X1' })).toMatchObject({ subCode: 'ACQ.TRADE_NOT_EXIST' });
    expect(await (await fetch(qr)).text()).toContain('二维码已过期');
    expect((await control(emu, 'POST', '/trades/X1/pay', {})).status).toBe(409);
    expect((await control<AttemptView[]>(emu, 'GET', '/notifications')).body).toEqual([]);
    const again = await precreate(sdk, 'X1', '2.00');
    expect(again).not.toBe(qr);
  });

  it('a scanned unpaid trade is closed at expiry with a TRADE_CLOSED notice (no refund fields)', async () => {
    // The emulator's clock is advanced past the 1m expiry (a fast real time scale would leave only a few
    // real milliseconds between the precreate and the scan, which a loaded machine can miss).
    const { emu, sdk } = await setup();
    const m = await merchant();
    await precreate(sdk, 'X2', '3.00', { notifyUrl: m.url }, { timeoutExpress: '1m' });
    await control(emu, 'POST', '/trades/X2/scan', {});
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'X2' })).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY' });
    await control(emu, 'POST', '/clock/advance', { ms: 61_000 });
    await waitFor(() => m.received.length === 1, 'close notice', 3000);
    const n = m.received[0]?.params ?? {};
    expect(sdk.checkNotifySignV2(n)).toBe(true);
    expect(n).toMatchObject({ trade_status: 'TRADE_CLOSED', out_trade_no: 'X2', total_amount: '3.00' });
    expect(n.gmt_close).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(n.refund_fee).toBeUndefined();
    expect(n.gmt_payment).toBeUndefined();
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'X2' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
  });

  it('the default 2h expiry and a never-confirming 付款码 close when the clock is advanced', async () => {
    const { emu, sdk } = await setup();
    await precreate(sdk, 'X3');
    await control(emu, 'POST', '/trades/X3/scan', {});
    await exec(sdk, 'alipay.trade.pay', {
      outTradeNo: 'X4',
      scene: 'bar_code',
      authCode: TEST_AUTH_CODES.CONFIRM_NEVER,
      subject: 's',
      totalAmount: '1.00',
      timeoutExpress: '30m',
    });
    await control(emu, 'POST', '/clock/advance', { ms: 31 * 60_000 });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'X4' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'X3' })).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY' });
    await control(emu, 'POST', '/clock/advance', { ms: 90 * 60_000 });
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'X3' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
  });
});
