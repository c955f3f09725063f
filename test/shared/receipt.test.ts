import { describe, expect, it } from 'vitest';
import type { OrderDto, RefundDto } from '../../src/shared/contract';
import { buildReceipt, charColumns, formatReceiptTime, textColumns, wrapText } from '../../src/shared/receipt';

const T0 = Date.UTC(2026, 11, 1, 2, 3, 4); // 10:03:04 in Shanghai

function order(patch: Partial<OrderDto> = {}): OrderDto {
  return {
    id: 'PD20261201100304ABCD',
    provider: 'alipay',
    method: 'qr',
    status: 'PAID',
    amount: '12.30',
    refunded: '0.00',
    refundable: '12.30',
    subject: '咖啡',
    qrCode: null,
    payUrl: null,
    tradeNo: '2026120122001400000000000001',
    buyerLogonId: null,
    createdAt: T0 - 60_000,
    paidAt: T0,
    expiresAt: null,
    closedAt: null,
    userPaying: false,
    message: null,
    refunds: [],
    environment: 'demo',
    appId: '2021000000000001',
    foreign: false,
    ...patch,
  };
}

function refund(patch: Partial<RefundDto>): RefundDto {
  return {
    id: 'R1',
    orderId: 'PD20261201100304ABCD',
    amount: '1.00',
    reason: null,
    status: 'SUCCESS',
    createdAt: T0 + 1000,
    settledAt: T0 + 2000,
    message: null,
    ...patch,
  };
}

const opts = { shopName: '街角咖啡', paperWidth: '58mm' as const, now: T0 + 3_600_000, timeZone: 'Asia/Shanghai' };

describe('receipt model', () => {
  it('a payment: 收款小票 with the shop, numbers, provider in Chinese, ¥ money from fen and Shanghai times', () => {
    const r = buildReceipt(order(), opts);
    expect(r.title).toBe('收款小票');
    expect(r.shopName).toBe('街角咖啡');
    expect(r.orderId).toBe('PD20261201100304ABCD');
    expect(r.qrText).toBe('PD20261201100304ABCD');
    expect(r.tradeNo).toBe('2026120122001400000000000001');
    expect(r.provider).toBe('支付宝');
    expect(r.method).toBe('扫码收款');
    expect(r.amount).toBe('¥12.30');
    expect(r.paidAt).toBe('2026-12-01 10:03:04');
    expect(r.printedAt).toBe('2026-12-01 11:03:04');
    expect(r.refunds).toEqual([]);
    expect(buildReceipt(order({ provider: 'wechat', method: 'code' }), opts).provider).toBe('微信支付');
    expect(buildReceipt(order({ tradeNo: null }), opts).tradeNo).toBe('—');
    expect(buildReceipt(order(), { ...opts, shopName: '  ' }).shopName).toBe('PayDesk 收银台');
  });

  it('refunds: 退款小票, each in time order with its status; totals count succeeded refunds only, in exact fen', () => {
    const r = buildReceipt(
      order({
        amount: '0.30',
        refunds: [
          refund({ id: 'R2', amount: '0.20', createdAt: T0 + 5000, settledAt: null, status: 'PENDING' }),
          refund({ id: 'R1', amount: '0.10' }),
          refund({ id: 'R3', amount: '0.10', createdAt: T0 + 9000, status: 'FAILED' }),
        ],
      }),
      opts,
    );
    expect(r.title).toBe('退款小票');
    expect(r.refunds.map((x) => [x.amount, x.status])).toEqual([
      ['¥0.10', '已退款'],
      ['¥0.20', '处理中'],
      ['¥0.10', '失败'],
    ]);
    expect(r.refunds[0]?.at).toBe('2026-12-01 10:03:06');
    // 0.30 - 0.10 in floats is 0.19999999999999998
    expect(r.refundedTotal).toBe('¥0.10');
    expect(r.netTotal).toBe('¥0.20');
    expect(buildReceipt(order({ refunds: [refund({})] }), { ...opts, kind: 'payment' }).title).toBe('收款小票');
  });

  it('refuses a malformed amount instead of printing it', () => {
    expect(() => buildReceipt(order({ amount: '12.3x' }), opts)).toThrow(/金额格式不正确.*Invalid amount/);
  });

  it('counts CJK and full-width characters as two columns', () => {
    expect(charColumns('a')).toBe(1);
    expect(charColumns('咖')).toBe(2);
    expect(charColumns('（')).toBe(2);
    expect(charColumns('¥')).toBe(1);
    expect(textColumns('拿铁 Latte')).toBe(10);
  });

  it('wraps long subjects by columns: CJK anywhere, Latin words whole, over-long words cut', () => {
    const cjk = wrapText('冰美式咖啡大杯少冰加浓缩一份外带打包袋一个谢谢', 32);
    expect(cjk.map(textColumns).every((w) => w <= 32)).toBe(true);
    expect(cjk).toEqual(['冰美式咖啡大杯少冰加浓缩一份外带', '打包袋一个谢谢']);
    const mixed = wrapText('拿铁 Latte grande with oat milk 燕麦奶', 16);
    expect(mixed).toEqual(['拿铁 Latte', 'grande with oat', 'milk 燕麦奶']);
    expect(wrapText('x'.repeat(40), 16)).toEqual(['x'.repeat(16), 'x'.repeat(16), 'x'.repeat(8)]);
    expect(wrapText('', 32)).toEqual(['']);
    // a CJK character never straddles the edge: 31 columns used, the next 2-column one goes down
    expect(wrapText('a' + '咖'.repeat(16), 32)).toEqual(['a' + '咖'.repeat(15), '咖']);
  });

  it('formats times as YYYY-MM-DD HH:mm:ss in the given zone', () => {
    expect(formatReceiptTime(Date.UTC(2026, 0, 2, 16, 0, 0), 'Asia/Shanghai')).toBe('2026-01-03 00:00:00');
  });
});
