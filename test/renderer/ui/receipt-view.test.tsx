import { cleanup, render, screen, within } from '@testing-library/react';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import { ReceiptView } from '../../../src/renderer/src/ui/receipt/receipt-view';
import { buildReceipt } from '../../../src/shared/receipt';
import { orderDto } from '../fixtures';

afterEach(cleanup);

const T0 = Date.UTC(2026, 11, 1, 2, 3, 4);

describe('ReceiptView', () => {
  it('shows the payment receipt: shop, 收款小票, numbers, provider, amount, and a QR of the order number', () => {
    const order = orderDto({ id: 'PD123456789', tradeNo: '2026120122001400000000000001', provider: 'wechat', amount: '8.80', paidAt: T0 });
    render(<ReceiptView receipt={buildReceipt(order, { shopName: '街角咖啡', paperWidth: '80mm', now: T0, timeZone: 'Asia/Shanghai' })} />);
    const receipt = screen.getByTestId('receipt');
    expect(receipt.dataset['paper']).toBe('80mm');
    expect(within(receipt).getByText('街角咖啡')).toBeTruthy();
    expect(screen.getByTestId('receipt-title').textContent).toBe('收款小票');
    expect(screen.getByTestId('receipt-order').textContent).toBe('订单号PD123456789');
    expect(screen.getByTestId('receipt-trade').textContent).toBe('交易号2026120122001400000000000001');
    expect(screen.getByTestId('receipt-provider').textContent).toBe('支付方式微信支付 · 扫码收款');
    expect(screen.getByTestId('receipt-amount').textContent).toBe('金额¥8.80');
    expect(screen.queryAllByTestId('receipt-refund')).toHaveLength(0);
    // the QR is the order number's own QR, module for module
    const qr = screen.getByTestId('receipt-qr');
    expect(qr.getAttribute('aria-label')).toBe('PD123456789');
    expect(Number(qr.dataset['modules'])).toBe(QRCode.create('PD123456789', { errorCorrectionLevel: 'M' }).modules.size);
    // @page picks the roll, and the column is the printable width
    const css = receipt.querySelector('style')?.textContent ?? '';
    expect(css).toContain('@page { size: 80mm auto');
    expect(css).toContain('width: 72mm');
  });

  it('shows the refund receipt: 退款小票, each refund with its status and time, 已退款 and 实收', () => {
    const order = orderDto({
      amount: '10.00',
      paidAt: T0,
      refunds: [
        { id: 'R1', orderId: 'PD000001', amount: '3.00', reason: null, status: 'SUCCESS', createdAt: T0 + 1000, settledAt: T0 + 2000, message: null },
        { id: 'R2', orderId: 'PD000001', amount: '1.50', reason: null, status: 'PENDING', createdAt: T0 + 5000, settledAt: null, message: null },
      ],
    });
    render(<ReceiptView receipt={buildReceipt(order, { shopName: '店', paperWidth: '58mm', now: T0, timeZone: 'Asia/Shanghai' })} />);
    expect(screen.getByTestId('receipt-title').textContent).toBe('退款小票');
    const refunds = screen.getAllByTestId('receipt-refund').map((r) => r.textContent);
    expect(refunds).toEqual(['退款 1（已退款）-¥3.002026-12-01 10:03:06', '退款 2（处理中）-¥1.502026-12-01 10:03:09']);
    expect(screen.getByTestId('receipt-refunded').textContent).toBe('已退款-¥3.00');
    expect(screen.getByTestId('receipt-net').textContent).toBe('实收¥7.00');
    const css = screen.getByTestId('receipt').querySelector('style')?.textContent ?? '';
    expect(css).toContain('@page { size: 58mm auto');
    expect(css).toContain('width: 48mm');
  });

  it('wraps a long subject to the paper: fewer, longer lines on 80 mm than on 58 mm', () => {
    const order = orderDto({ subject: '冰美式咖啡大杯少冰加浓缩一份外带打包袋一个谢谢' });
    const { unmount } = render(<ReceiptView receipt={buildReceipt(order, { shopName: '店', paperWidth: '58mm' })} />);
    expect(screen.getByTestId('receipt-subject').textContent).toBe('冰美式咖啡大杯少冰加浓缩一份外带\n打包袋一个谢谢');
    unmount();
    render(<ReceiptView receipt={buildReceipt(order, { shopName: '店', paperWidth: '80mm' })} />);
    expect(screen.getByTestId('receipt-subject').textContent).toBe('冰美式咖啡大杯少冰加浓缩一份外带打包袋一个谢谢');
  });
});
