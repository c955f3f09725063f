import { describe, expect, it } from 'vitest';
import { control, exec, merchant, precreate, sdkFor, setup, type TradeView } from './helpers';
import { waitFor } from '../support';

const form = (data: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(data).toString(),
  redirect: 'manual',
});

describe('customer pages', () => {
  it('QR page: opening it is the scan; it shows amount and subject; paying sends the notice', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant();
    const qr = await precreate(sdk, 'W1', '66.60', { notifyUrl: m.url }, { subject: '拿铁 <大杯>' });
    const page = await fetch(qr);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('66.60');
    expect(html).toContain('拿铁 &#60;大杯&#62;');
    expect(html).toContain('确认付款');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'W1' })).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY' });
    const paid = await fetch(`${qr}/pay`, form({ buyer: '2088102177846881' }));
    expect(await paid.text()).toContain('支付成功');
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'W1' })).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', buyerUserId: '2088102177846881' });
    await waitFor(() => m.received.length === 1, 'notice', 3000);
    expect(sdk.checkNotifySignV2(m.received[0]?.params ?? {})).toBe(true);
    // Opening it again shows it is paid.
    expect(await (await fetch(qr)).text()).toContain('订单已支付');
    expect((await fetch(`${emu.url}/qr/unknown-token`)).status).toBe(404);
  });

  it('QR page decline closes the trade', async () => {
    const { sdk } = await setup();
    const qr = await precreate(sdk, 'W2');
    await fetch(qr);
    expect(await (await fetch(`${qr}/decline`, form({}))).text()).toContain('已取消支付');
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'W2' })).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
    expect(await (await fetch(`${qr}/pay`, form({}))).text()).toContain('交易已关闭');
  });

  it('page.pay: the GET URL of sdk.pageExecute serves the cashier; paying redirects to return_url with signed params', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant();
    const url = sdk.pageExecute('alipay.trade.page.pay', 'GET', {
      bizContent: { outTradeNo: 'PP1', totalAmount: '88.00', subject: '会员年卡', productCode: 'FAST_INSTANT_TRADE_PAY', passbackParams: 'a%3D1' },
      returnUrl: 'https://shop.example/return?from=alipay',
      notifyUrl: m.url,
    });
    expect(url.startsWith(`${emu.credentials.gateway}?`)).toBe(true);
    const page = await fetch(url);
    const html = await page.text();
    expect(html).toContain('88.00');
    expect(html).toContain('会员年卡');
    expect(await exec(sdk, 'alipay.trade.query', { outTradeNo: 'PP1' })).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY' });
    const action = /action="([^"]+\/pay)"/.exec(html)?.[1];
    expect(action).toMatch(/^\/cashier\/[A-Za-z0-9_-]+\/pay$/);
    const res = await fetch(`${emu.url}${action}`, form({ buyer: '2088102177846880' }));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('https://shop.example/return');
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({
      from: 'alipay',
      method: 'alipay.trade.page.pay.return',
      out_trade_no: 'PP1',
      total_amount: '88.00',
      app_id: emu.credentials.appId,
      auth_app_id: emu.credentials.appId,
      seller_id: emu.credentials.sellerId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
    });
    const { from: _from, ...signedParams } = params;
    expect(sdk.checkNotifySignV2(signedParams)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...signedParams, total_amount: '0.01' })).toBe(false);
    await waitFor(() => m.received.length === 1, 'page.pay notice', 3000);
    expect(m.received[0]?.params).toMatchObject({ trade_status: 'TRADE_SUCCESS', out_trade_no: 'PP1', passback_params: 'a%3D1' });
    expect(sdk.checkNotifySignV2(m.received[0]?.params ?? {})).toBe(true);
    // The link again: already paid.
    expect(await (await fetch(url)).text()).toContain('订单已支付');
  });

  it('page.pay errors render an error page (bad signature, bad product_code)', async () => {
    const { emu, sdk } = await setup();
    const bad = sdk.pageExecute('alipay.trade.page.pay', 'GET', {
      bizContent: { outTradeNo: 'PP2', totalAmount: '1.00', subject: 's', productCode: 'FAST_INSTANT_TRADE_PAY' },
    });
    const tampered = bad.replace('PP2', 'PP3');
    expect(await (await fetch(tampered)).text()).toContain('isv.invalid-signature');
    const wrongProduct = sdk.pageExecute('alipay.trade.page.pay', 'GET', {
      bizContent: { outTradeNo: 'PP4', totalAmount: '1.00', subject: 's', productCode: 'QUICK_MSECURITY_PAY' },
    });
    expect(await (await fetch(wrongProduct)).text()).toContain('isv.invalid-parameter');
    // The POST form variant works as well.
    const formHtml = sdkFor(emu).pageExecute('alipay.trade.page.pay', 'POST', {
      bizContent: { outTradeNo: 'PP5', totalAmount: '2.00', subject: 's', productCode: 'FAST_INSTANT_TRADE_PAY' },
    });
    const fields = Object.fromEntries(
      [...formHtml.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((x) => [x[1] as string, (x[2] as string).replace(/&quot;/g, '"')]),
    );
    const actionUrl = /action="([^"]+)"/.exec(formHtml)?.[1] ?? '';
    const posted = await fetch(actionUrl, form(fields));
    expect(await posted.text()).toContain('确认付款');
    expect((await control<TradeView>(emu, 'GET', '/trades/PP5')).body).toMatchObject({ status: 'WAIT_BUYER_PAY', scanned: true });
  });
});
