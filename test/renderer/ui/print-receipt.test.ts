import { afterEach, describe, expect, it, vi } from 'vitest';
import { printReceipt, saveReceiptPdf } from '../../../src/renderer/src/ui/receipt/print-receipt';
import type { PrinterBridge, ReceiptJob } from '../../../src/shared/receipt';
import { orderDto } from '../fixtures';

const SETTINGS = { shopName: '街角咖啡', paperWidth: '80mm' as const, autoPrint: true };
const NO_PRINTER = { code: 'NO_PRINTER' as const, message: '没有找到打印机 / No printer found' };

afterEach(() => {
  delete window.paydeskPrinter;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

function fakePrinter(print: Awaited<ReturnType<PrinterBridge['printReceipt']>>): PrinterBridge & { jobs: ReceiptJob[] } {
  const jobs: ReceiptJob[] = [];
  return {
    jobs,
    printReceipt: vi.fn(async (job: ReceiptJob) => {
      jobs.push(job);
      return print;
    }),
    saveReceiptPdf: vi.fn(async (job: ReceiptJob) => {
      jobs.push(job);
      return { ok: true as const, value: { path: '/data/receipts/x.pdf' } };
    }),
  };
}

describe('printReceipt by host', () => {
  it('in Electron: the whole receipt page goes to the OS printer, silent when auto-printing', async () => {
    const printer = fakePrinter({ ok: true, value: { deviceName: '' } });
    window.paydeskPrinter = printer;
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    const r = await printReceipt({ order: orderDto({ id: 'PD42', amount: '12.30' }), settings: SETTINGS, kind: 'payment', silent: true });
    expect(r).toEqual({ ok: true, how: 'printer' });
    expect(printer.printReceipt).toHaveBeenCalledWith(expect.objectContaining({ paperWidth: '80mm', name: 'PD42-payment' }), { silent: true });
    const html = printer.jobs[0]!.html;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('街角咖啡');
    expect(html).toContain('收款小票');
    expect(html).toContain('¥12.30');
    expect(html).toContain('@page { size: 80mm auto');
    expect(print).not.toHaveBeenCalled();
  });

  it('in Electron with no printer: the bilingual error in words and the PDF offered', async () => {
    window.paydeskPrinter = fakePrinter({ ok: false, error: NO_PRINTER });
    expect(await printReceipt({ order: orderDto(), settings: SETTINGS })).toEqual({
      ok: false,
      code: 'NO_PRINTER',
      message: NO_PRINTER.message,
      offerPdf: true,
    });
    expect(await printReceipt({ order: orderDto(), settings: SETTINGS, silent: false })).toMatchObject({ offerPdf: true });
  });

  it('in Electron a cancelled print dialog is not an error', async () => {
    window.paydeskPrinter = fakePrinter({ ok: false, error: { code: 'PRINT_CANCELLED', message: '已取消 / cancelled' } });
    expect(await printReceipt({ order: orderDto(), settings: SETTINGS })).toEqual({ ok: true, how: 'cancelled' });
  });

  it('保存为 PDF in Electron: through main, with the save dialog', async () => {
    const printer = fakePrinter({ ok: true, value: { deviceName: '' } });
    window.paydeskPrinter = printer;
    expect(await saveReceiptPdf({ order: orderDto({ id: 'PD7' }), settings: SETTINGS, kind: 'refund' })).toEqual({
      ok: true,
      how: 'pdf',
      path: '/data/receipts/x.pdf',
    });
    expect(printer.saveReceiptPdf).toHaveBeenCalledWith(expect.objectContaining({ name: 'PD7-refund' }), { ask: true });
  });

  it("in the browser host: the receipt opens in a print view and the browser's print dialog; afterprint closes the view", async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {
      expect(document.querySelector('[data-testid="print-view"] [data-testid="receipt"]')).not.toBeNull();
    });
    const r = await printReceipt({ order: orderDto({ amount: '8.80' }), settings: SETTINGS, silent: true });
    expect(r).toEqual({ ok: true, how: 'dialog' });
    expect(print).toHaveBeenCalledOnce();
    expect(document.querySelector('[data-testid="print-view"]')?.textContent).toContain('¥8.80');
    window.dispatchEvent(new Event('afterprint'));
    expect(document.querySelector('[data-testid="print-view"]')).toBeNull();
  });

  it('a malformed amount is an error in words, nothing printed', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    const r = await printReceipt({ order: orderDto({ amount: 'abc' }), settings: SETTINGS });
    expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT', offerPdf: false });
    expect(print).not.toHaveBeenCalled();
  });
});
