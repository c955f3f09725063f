import { describe, expect, it } from 'vitest';
import type { ShiftDto } from '../../src/shared/contract';
import { buildShiftReceipt } from '../../src/shared/shift-receipt';

const ended: ShiftDto = {
  id: 'S1',
  cashier: '张三',
  startedAt: Date.parse('2026-12-01T00:00:00Z'),
  endedAt: Date.parse('2026-12-01T08:30:00Z'),
  endedBy: '张三',
  handedTo: '李四',
  authorization: 'manager_pin',
  totals: {
    count: 3,
    gross: '1234.50',
    refunded: '0.50',
    net: '1234.00',
    byProvider: [
      { provider: 'alipay', count: 2, gross: '1234.00', refunded: '0.50', net: '1233.50' },
      { provider: 'wechat', count: 1, gross: '0.50', refunded: '0.00', net: '0.50' },
    ],
    byMethod: [
      { provider: 'alipay', method: 'qr', count: 1, gross: '1000.00', refunded: '0.00', net: '1000.00' },
      { provider: 'alipay', method: 'code', count: 1, gross: '234.00', refunded: '0.50', net: '233.50' },
      { provider: 'wechat', method: 'qr', count: 1, gross: '0.50', refunded: '0.00', net: '0.50' },
    ],
  },
};

describe('buildShiftReceipt (交班小票)', () => {
  it('lays out who and when, the totals through integer fen, and each provider with its methods', () => {
    const slip = buildShiftReceipt(ended, { shopName: '街角咖啡', paperWidth: '80mm', now: Date.parse('2026-12-01T08:31:00Z'), timeZone: 'Asia/Shanghai' });
    expect(slip.title).toBe('交班小票');
    expect(slip.header).toEqual([
      { label: '收银员', value: '张三' },
      { label: '开始', value: '2026-12-01 08:00:00' },
      { label: '结束', value: '2026-12-01 16:30:00' },
      { label: '交给', value: '李四' },
    ]);
    expect(slip.totals.map((l) => `${l.label} ${l.value}`)).toEqual(['笔数 3', '收款 ¥1234.50', '退款 -¥0.50', '实收 ¥1234.00']);
    expect(slip.breakdown.map((l) => `${l.label.trim()}=${l.value}`)).toEqual([
      '支付宝 2笔=¥1233.50',
      '扫码收款 1笔=¥1000.00',
      '付款码 1笔=¥233.50',
      '微信支付 1笔=¥0.50',
      '扫码收款 1笔=¥0.50',
    ]);
    expect(slip.printedAt).toBe('2026-12-01 16:31:00');
  });

  it('an open shift says 当班中; amounts are re-formatted through fen (12.3 → ¥12.30), a malformed one is refused', () => {
    const open = { ...ended, endedAt: null, handedTo: null };
    expect(buildShiftReceipt(open, { shopName: 'x', paperWidth: '58mm' }).header[2]).toEqual({ label: '结束', value: '当班中' });
    expect(() => buildShiftReceipt({ ...ended, totals: { ...ended.totals, net: '12.345' } }, { shopName: 'x', paperWidth: '58mm' })).toThrow(/金额格式不正确/);
    expect(buildShiftReceipt({ ...ended, totals: { ...ended.totals, net: '12.3' } }, { shopName: 'x', paperWidth: '58mm' }).totals[3]?.value).toBe('¥12.30');
  });
});
