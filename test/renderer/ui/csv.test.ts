import { describe, expect, it } from 'vitest';
import type { OrderDto } from '../../../src/shared/contract';
import { orderDto } from '../fixtures';
import { csvCell, orderRow, ordersCsv } from '../../../src/renderer/src/ui/lib/csv';

const order: OrderDto = orderDto({
  id: 'PD20261201093000a1b2c3d4e5',
  amount: '12.34',
  refundable: '12.34',
  subject: '=HYPERLINK("http://x","y")',
  tradeNo: '2026120122001400000000001234',
  createdAt: Date.UTC(2026, 11, 1, 1, 30),
  paidAt: null,
});

describe('CSV export', () => {
  it('writes 28-digit trade numbers as ="…" so spreadsheets keep every digit as text', () => {
    expect(csvCell('2026120122001400000000001234')).toBe('="2026120122001400000000001234"');
    expect(csvCell('123456789012')).toBe('="123456789012"');
    // short numbers and amounts stay numbers (a column of amounts can be summed)
    expect(csvCell('12.34')).toBe('12.34');
    expect(csvCell('12345')).toBe('12345');
  });

  it('neutralises formulas in user text (= + - @ tab CR) with a leading quote, and quotes per RFC 4180', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('=HYPERLINK("a","b")')).toBe(`"'=HYPERLINK(""a"",""b"")"`);
    expect(csvCell('午餐, 2 份')).toBe('"午餐, 2 份"');
    expect(csvCell('a\nb')).toBe('"a\nb"');
  });

  it('a whole file: BOM, CRLF, the trade number as text, the subject defused', () => {
    const csv = ordersCsv([order], ['时间', '订单号', '交易号', '金额', '已退款', '渠道', '方式', '状态', '商品'], (o) =>
      orderRow(o, '已支付', '扫码收款', '支付宝'),
    );
    expect(csv.startsWith('\uFEFF时间,订单号,交易号')).toBe(true);
    const line = csv.split('\r\n')[1] ?? '';
    // Each order's provider has its own column (an export mixing 支付宝 and 微信支付 stays readable).
    expect(line).toContain(',PD20261201093000a1b2c3d4e5,="2026120122001400000000001234",12.34,0.00,支付宝,扫码收款,已支付,');
    expect(line.endsWith(`"'=HYPERLINK(""http://x"",""y"")"`)).toBe(true);
  });
});
