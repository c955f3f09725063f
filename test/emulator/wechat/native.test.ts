import { describe, expect, it } from 'vitest';
import { nativeOrder, setup, verified, wxControl, type RawAnswer } from './helpers';

type Json = Record<string, unknown>;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

describe('Native下单 / 查询订单 / 关闭订单 with wechatpay-node-v3', () => {
  it('order → NOTPAY (no transaction_id) → the buyer scans and pays on the page → SUCCESS by out_trade_no and by transaction_id', async () => {
    const t = await setup();
    const codeUrl = await nativeOrder(t, 'NAT00001', 1234, { attach: '桌号 7' });
    const q = async (p: { out_trade_no: string } | { transaction_id: string }): Promise<RawAnswer> => verified(t.pay, t.emu, t.pay.query(p), t.http);
    const before = await q({ out_trade_no: 'NAT00001' });
    expect(before.status).toBe(200);
    expect(before.data).toMatchObject({
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      trade_type: 'NATIVE',
      out_trade_no: 'NAT00001',
      appid: t.c.appid,
      mchid: t.c.mchid,
      amount: { total: 1234, currency: 'CNY' },
    });
    expect((before.data as Json).transaction_id).toBeUndefined();
    // The customer opens the same query on the emulator, chooses a buyer and pays.
    const page = await fetch(`${t.c.baseUrl}/wxpay/bizpayurl?${new URL(codeUrl).search.slice(1)}`);
    const html = await page.text();
    expect(html).toContain('¥12.34');
    expect(html).toContain('data-page-state="cashier"');
    const pr = new URL(codeUrl).searchParams.get('pr') as string;
    const paid = await fetch(`${t.c.baseUrl}/wxpay/${pr}/pay`, { method: 'POST', body: new URLSearchParams({ buyer: '李四' }) });
    expect(await paid.text()).toContain('data-page-state="paid"');
    const after = await q({ out_trade_no: 'NAT00001' });
    const d = after.data as Json;
    expect(d).toMatchObject({
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '桌号 7',
      amount: { total: 1234, payer_total: 1234, currency: 'CNY', payer_currency: 'CNY' },
    });
    expect(d.transaction_id).toMatch(/^4200\d{24}$/);
    expect(d.success_time).toMatch(RFC3339);
    expect((d.payer as Json).openid).toMatch(/^o[\w-]{27}$/);
    const byId = await q({ transaction_id: d.transaction_id as string });
    expect(byId.text).toBe(after.text);
    // Paying again on the page is refused.
    expect(await (await fetch(`${t.c.baseUrl}/wxpay/${pr}/pay`, { method: 'POST' })).text()).toContain('订单已支付');
  });

  it('repeat with the same body → same code_url; another amount → INVALID_REQUEST; after payment → ORDERPAID; closed → ORDER_CLOSED', async () => {
    const t = await setup();
    const a = await nativeOrder(t, 'NAT00002', 500);
    expect(await nativeOrder(t, 'NAT00002', 500)).toBe(a);
    const other = await verified(
      t.pay,
      t.emu,
      t.pay.transactions_native({ description: '测试商品', out_trade_no: 'NAT00002', notify_url: 'https://example.com/wx/notify', amount: { total: 501 } }),
      t.http,
    );
    expect(other.status).toBe(400);
    expect(other.data).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('商户订单号重复') });
    await wxControl(t.emu, 'POST', '/trades/NAT00002/pay', {});
    const again = await verified(
      t.pay,
      t.emu,
      t.pay.transactions_native({ description: '测试商品', out_trade_no: 'NAT00002', notify_url: 'https://example.com/wx/notify', amount: { total: 500 } }),
      t.http,
    );
    expect(again.status).toBe(400);
    expect(again.data).toMatchObject({ code: 'ORDERPAID' });
    await nativeOrder(t, 'NAT00003', 500);
    const closed = await verified(t.pay, t.emu, t.pay.close('NAT00003'), t.http);
    expect(closed.status).toBe(204);
    expect(closed.text).toBe('');
    const reopen = await verified(
      t.pay,
      t.emu,
      t.pay.transactions_native({ description: '测试商品', out_trade_no: 'NAT00003', notify_url: 'https://example.com/wx/notify', amount: { total: 500 } }),
      t.http,
    );
    expect(reopen.data).toMatchObject({ code: 'ORDER_CLOSED' });
  });

  it('close: NOTPAY → 204 and CLOSED (again → 204), paid → 400 ORDERPAID, unknown → 404 ORDER_NOT_EXIST; a closed order cannot be paid', async () => {
    const t = await setup();
    const codeUrl = await nativeOrder(t, 'NAT00004');
    expect((await verified(t.pay, t.emu, t.pay.close('NAT00004'), t.http)).status).toBe(204);
    expect((await verified(t.pay, t.emu, t.pay.close('NAT00004'), t.http)).status).toBe(204);
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'NAT00004' }), t.http)).data).toMatchObject({
      trade_state: 'CLOSED',
      trade_state_desc: '订单已关闭',
    });
    expect(await (await fetch(`${t.c.baseUrl}/wxpay/bizpayurl?pr=${new URL(codeUrl).searchParams.get('pr') ?? ''}`)).text()).toContain(
      'data-page-state="closed"',
    );
    await nativeOrder(t, 'NAT00005');
    await wxControl(t.emu, 'POST', '/trades/NAT00005/pay', {});
    const paid = await verified(t.pay, t.emu, t.pay.close('NAT00005'), t.http);
    expect(paid.status).toBe(400);
    expect(paid.data).toMatchObject({ code: 'ORDERPAID', message: '该订单已支付' });
    const none = await verified(t.pay, t.emu, t.pay.close('NAT00099'), t.http);
    expect(none.status).toBe(404);
    expect(none.data).toEqual({ code: 'ORDER_NOT_EXIST', message: '订单不存在' });
    const q = await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'NAT00099' }), t.http);
    expect(q.status).toBe(404);
    expect((await verified(t.pay, t.emu, t.pay.query({ transaction_id: '4200000000202601010000000000' }), t.http)).status).toBe(404);
  });

  it('past time_expire the buyer can no longer pay, yet the order stays NOTPAY until the merchant closes it; a decline leaves it NOTPAY', async () => {
    const t = await setup({ timeScale: 1000 });
    // 支付结束时间 earlier than 1 minute after the order is adjusted to 1 minute (Native下单).
    const codeUrl = await nativeOrder(t, 'NAT00006', 100, { time_expire: new Date(Date.now() - 3600_000).toISOString().replace('Z', '+00:00') });
    const pr = new URL(codeUrl).searchParams.get('pr') as string;
    const scanned = await wxControl<Record<string, unknown>>(t.emu, 'POST', '/trades/NAT00006/scan', {});
    expect(scanned.body).toMatchObject({ state: 'NOTPAY', scannedAt: expect.any(Number), customerUrl: `${t.c.baseUrl}/wxpay/bizpayurl?pr=${pr}`, codeUrl });
    expect(await (await fetch(`${t.c.baseUrl}/wxpay/${pr}/decline`, { method: 'POST' })).text()).toContain('data-page-state="declined"');
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'NAT00006' }), t.http)).data).toMatchObject({ trade_state: 'NOTPAY' });
    await new Promise((r) => setTimeout(r, 80)); // 80 ms × 1000 = 80 s emulated > 1 min
    expect(await (await fetch(`${t.c.baseUrl}/wxpay/bizpayurl?pr=${pr}`)).text()).toContain('data-page-state="expired"');
    expect((await wxControl(t.emu, 'POST', '/trades/NAT00006/pay', {})).status).toBe(409);
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'NAT00006' }), t.http)).data).toMatchObject({ trade_state: 'NOTPAY' });
    expect((await wxControl<Json>(t.emu, 'GET', '/trades/NAT00006')).body).toMatchObject({ expired: true, state: 'NOTPAY' });
    expect((await verified(t.pay, t.emu, t.pay.close('NAT00006'), t.http)).status).toBe(204);
  });

  it('PARAM_ERROR for a missing amount, an undocumented field, a bad out_trade_no, a notify_url with a query, a too long description, a non-integer total; nothing is created', async () => {
    const t = await setup();
    const base = { description: '测试商品', out_trade_no: 'NAT00010', notify_url: 'https://example.com/n', amount: { total: 100 } };
    const cases: [Json, RegExp][] = [
      [{ ...base, amount: undefined }, /amount/],
      [{ ...base, total_fee: 100 }, /未在API文档中定义/],
      [{ ...base, out_trade_no: 'A1' }, /out_trade_no/],
      [{ ...base, out_trade_no: 'NAT 00010' }, /out_trade_no/],
      [{ ...base, notify_url: 'https://example.com/n?x=1' }, /notify_url/],
      [{ ...base, description: 'x'.repeat(128) }, /description/],
      [{ ...base, amount: { total: 1.5 } }, /amount/],
      [{ ...base, amount: { total: 0 } }, /amount/],
    ];
    for (const [body, msg] of cases) {
      const a = await verified(t.pay, t.emu, t.pay.transactions_native(body as unknown as Parameters<typeof t.pay.transactions_native>[0]), t.http);
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.data).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringMatching(msg) });
    }
    // appid of another account: rejected, also signed.
    const wrongApp = await verified(t.pay, t.emu, t.pay.transactions_native({ ...base, appid: 'wx0000000000000000' }), t.http);
    expect(wrongApp.data).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('appid') });
    expect((await wxControl<unknown[]>(t.emu, 'GET', '/trades')).body).toEqual([]);
  });
});
