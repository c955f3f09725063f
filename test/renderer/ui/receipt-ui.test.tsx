import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutoPrint } from '../../../src/renderer/src/ui/receipt/use-receipt';
import { OrderDrawer } from '../../../src/renderer/src/ui/screens/order-drawer';
import type { PrinterBridge, ReceiptJob } from '../../../src/shared/receipt';
import { createFakeApi } from '../fake-api';
import { orderDetailDto, orderDto } from '../fixtures';
import { renderWithConsole, SETTINGS } from './setup';

afterEach(() => {
  cleanup();
  delete window.paydeskPrinter;
});

const NO_PRINTER = {
  ok: false as const,
  error: { code: 'NO_PRINTER' as const, message: '没有找到打印机：请连接并安装打印机，或点「保存为 PDF」 / No printer found' },
};

function fakePrinter(print: Awaited<ReturnType<PrinterBridge['printReceipt']>>) {
  const printed: { job: ReceiptJob; silent: boolean }[] = [];
  const saved: ReceiptJob[] = [];
  const bridge: PrinterBridge = {
    printReceipt: vi.fn(async (job: ReceiptJob, options: { silent: boolean }) => {
      printed.push({ job, silent: options.silent });
      return print;
    }),
    saveReceiptPdf: vi.fn(async (job: ReceiptJob) => {
      saved.push(job);
      return { ok: true as const, value: { path: '/data/receipts/PD000001-payment.pdf' } };
    }),
  };
  window.paydeskPrinter = bridge;
  return { printed, saved };
}

describe('receipts in the order drawer', () => {
  it('打印小票 with no printer: the error in words and 保存为 PDF, which saves the receipt', async () => {
    const p = fakePrinter(NO_PRINTER);
    const fake = createFakeApi();
    fake.handle('orders.get', () => ({ ok: true, value: orderDetailDto() }));
    renderWithConsole(
      <AntApp>
        <OrderDrawer orderId="PD000001" onClose={() => undefined} />
      </AntApp>,
      { fake },
    );
    const button = await screen.findByTestId('receipt-print');
    expect(button.textContent).toBe('打印小票');
    fireEvent.click(button);
    expect((await screen.findByTestId('receipt-error')).textContent).toContain('没有找到打印机');
    expect(p.printed).toHaveLength(1);
    expect(p.printed[0]!.silent).toBe(false);
    fireEvent.click(screen.getByTestId('receipt-save-pdf'));
    expect((await screen.findByTestId('receipt-saved')).textContent).toContain('/data/receipts/PD000001-payment.pdf');
    expect(p.saved.map((j) => j.name)).toEqual(['PD000001-payment']);
    await waitFor(() => expect(screen.getByTestId('receipt-print').textContent).toBe('重打小票'));
  });

  it('an order waiting for payment has no receipt buttons', async () => {
    const fake = createFakeApi();
    fake.handle('orders.get', () => ({ ok: true, value: orderDetailDto({ status: 'AWAITING_PAYMENT', paidAt: null }) }));
    renderWithConsole(<OrderDrawer orderId="PD000001" onClose={() => undefined} />, { fake });
    await screen.findByTestId('order-detail');
    expect(screen.queryByTestId('receipt-actions')).toBeNull();
  });
});

describe('auto-print', () => {
  it('on: a 收款小票 once per paid order and a 退款小票 once per succeeded refund, silently; nothing for a pending refund', async () => {
    const p = fakePrinter({ ok: true, value: { deviceName: '' } });
    const fake = createFakeApi();
    const refunded = orderDetailDto({
      status: 'PARTIALLY_REFUNDED',
      refunds: [{ id: 'R1', orderId: 'PD000001', amount: '2.00', reason: null, status: 'SUCCESS', createdAt: 1, settledAt: 2, message: null }],
    });
    fake.handle('orders.get', () => ({ ok: true, value: refunded }));
    renderWithConsole(
      <AntApp>
        <AutoPrint />
      </AntApp>,
      { fake, context: { settings: { ...SETTINGS, receipt: { ...SETTINGS.receipt, autoPrint: true } } } },
    );
    act(() => {
      fake.emit('order.updated', orderDto({ status: 'AWAITING_PAYMENT' }));
      fake.emit('order.updated', orderDto());
      fake.emit('order.updated', orderDto()); // a late duplicate event
      fake.emit('refund.updated', { ...refunded.refunds[0]!, status: 'PENDING' });
      fake.emit('refund.updated', refunded.refunds[0]!);
      fake.emit('refund.updated', refunded.refunds[0]!);
    });
    await waitFor(() => expect(p.printed).toHaveLength(2));
    expect(p.printed.map((x) => [x.job.name, x.silent])).toEqual([
      ['PD000001-payment', true],
      ['PD000001-refund', true],
    ]);
    expect(p.printed[1]!.job.html).toContain('退款小票');
  });

  it('off: nothing prints', async () => {
    const p = fakePrinter({ ok: true, value: { deviceName: '' } });
    const fake = createFakeApi();
    renderWithConsole(<AutoPrint />, { fake });
    expect(fake.listenerCount('order.updated')).toBe(0);
    act(() => fake.emit('order.updated', orderDto()));
    await new Promise((r) => setTimeout(r, 20));
    expect(p.printed).toHaveLength(0);
  });
});

describe('the shop name on a receipt', () => {
  for (const [receiptName, shown] of [
    ['', '街角咖啡'],
    ['小票上的店名', '小票上的店名'],
  ] as const) {
    it(`receipt shop name ${JSON.stringify(receiptName)} → the receipt says ${shown}`, async () => {
      const p = fakePrinter({ ok: true, value: { deviceName: 'XP-58' } });
      const fake = createFakeApi();
      fake.handle('orders.get', () => ({ ok: true, value: orderDetailDto() }));
      renderWithConsole(
        <AntApp>
          <OrderDrawer orderId="PD000001" onClose={() => undefined} />
        </AntApp>,
        { fake, context: { settings: { ...SETTINGS, shopName: '街角咖啡', receipt: { ...SETTINGS.receipt, shopName: receiptName } } } },
      );
      fireEvent.click(await screen.findByTestId('receipt-print'));
      await waitFor(() => expect(p.printed).toHaveLength(1));
      expect(p.printed[0]!.job.html).toContain(shown);
    });
  }
});
