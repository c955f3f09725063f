import { describe, expect, it } from 'vitest';
import { TEST_AUTH_CODES } from '../../src/emulator';
import { control, exec, setup } from './helpers';

/** yyyy-MM-dd in Beijing time of an epoch ms. */
function beijingDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

describe('alipay.data.dataservice.bill.downloadurl.query', () => {
  it('serves a CSV trade bill for a past day in Alipay 业务明细 layout', async () => {
    const { emu, sdk } = await setup();
    await exec(sdk, 'alipay.trade.pay', {
      outTradeNo: 'B1',
      scene: 'bar_code',
      authCode: TEST_AUTH_CODES.PAID,
      subject: '咖啡, 大杯',
      totalAmount: '25.00',
      storeId: 'S01',
    });
    await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'B1', refundAmount: '5.00', outRequestNo: 'B1-R1' });
    const { body } = await control<{ now: number }>(emu, 'GET', '/clock');
    const day = beijingDay(body.now);
    // Today has no bill yet.
    expect(await exec(sdk, 'alipay.data.dataservice.bill.downloadurl.query', { billType: 'trade', billDate: day })).toMatchObject({
      code: '40004',
      subCode: 'isp.bill_not_exist',
    });
    await control(emu, 'POST', '/clock/advance', { ms: 86_400_000 });
    const r = await exec(sdk, 'alipay.data.dataservice.bill.downloadurl.query', { billType: 'trade', billDate: day });
    expect(r.code).toBe('10000');
    const url = String(r.billDownloadUrl);
    expect(url.startsWith(`${emu.url}/bill/`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('#支付宝业务明细查询');
    expect(lines[2]).toContain(`${day.slice(0, 4)}年${day.slice(5, 7)}月${day.slice(8, 10)}日 00:00:00`);
    expect(lines[4]?.split(',')).toEqual(
      expect.arrayContaining(['支付宝交易号', '商户订单号', '业务类型', '商品名称', '订单金额（元）', '商家实收（元）', '退款批次号/请求号']),
    );
    const rows = lines.filter((l) => /^\d{28}\t,/.test(l)).map((l) => l.split('\t,').map((c) => c.replace(/\t$/, '')));
    expect(rows).toHaveLength(2);
    expect(rows[0]?.slice(1, 4)).toEqual(['B1', '交易', '"咖啡, 大杯"']);
    expect(rows[0]?.[11]).toBe('25.00');
    expect(rows[1]?.slice(1, 3)).toEqual(['B1', '退款']);
    expect(rows[1]?.[11]).toBe('-5.00');
    expect(rows[1]?.[21]).toBe('B1-R1');
    expect(csv).toContain('#交易合计：1笔');
    expect(csv).toContain('#退款合计：1笔');
    // The month bill is not ready before the month ends; bad arguments are refused.
    expect(await exec(sdk, 'alipay.data.dataservice.bill.downloadurl.query', { billType: 'trade', billDate: day.slice(0, 7) })).toMatchObject({
      subCode: 'isp.bill_not_exist',
    });
    expect(await exec(sdk, 'alipay.data.dataservice.bill.downloadurl.query', { billType: 'trade', billDate: '2026/01/01' })).toMatchObject({
      code: '40002',
      subCode: 'isv.invalid-parameter',
    });
    expect(await exec(sdk, 'alipay.data.dataservice.bill.downloadurl.query', { billType: 'fund', billDate: day })).toMatchObject({
      code: '40002',
      subCode: 'isv.invalid-parameter',
    });
    expect((await fetch(`${emu.url}/bill/0000.csv`)).status).toBe(404);
  });
});
