/**
 * printReceipt / saveReceiptPdf: one receipt (小票), by host. In Electron (window.paydeskPrinter from the
 * preload) the receipt's HTML goes to main, which prints it on the OS printer (silently when auto-printing)
 * or saves a PDF. In the browser host the receipt opens in a print view over the console and
 * window.print() shows the browser's dialog, whose "Save as PDF" is the PDF path there.
 * Errors come back in words (bilingual); NO_PRINTER and PRINT_FAILED set `offerPdf`.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import type { OrderDto, ReceiptSettingsDto } from '../../../../shared/contract';
import { buildReceipt, type Receipt, type ReceiptJob, type ReceiptKind } from '../../../../shared/receipt';
import { ReceiptView } from './receipt-view';

export type PrintOutcome =
  | { ok: true; how: 'printer' | 'dialog' | 'pdf'; path?: string }
  | { ok: true; how: 'cancelled' }
  | { ok: false; code: string; message: string; offerPdf: boolean };

export const PAGE_CSS = 'html,body{margin:0;padding:0;background:#fff}';
const PX_PER_MM = 96 / 25.4;

/** The receipt as static markup (the same component the screen shows). */
export function receiptMarkup(receipt: Receipt): string {
  return renderToStaticMarkup(createElement(ReceiptView, { receipt }));
}

/** The receipt's height in mm as laid out in this document (a floor for a detached or unlaid-out document). */
export function measureMm(doc: Document, markup: string): number {
  const probe = doc.createElement('div');
  probe.style.cssText = 'position:absolute;left:-10000px;top:0;visibility:hidden';
  probe.innerHTML = markup;
  doc.body.appendChild(probe);
  const px = probe.getBoundingClientRect().height;
  probe.remove();
  return Math.max(60, Math.ceil(px / PX_PER_MM) + 2);
}

export function receiptJob(receipt: Receipt, doc: Document = document): ReceiptJob {
  const markup = receiptMarkup(receipt);
  return {
    html: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${receipt.title}</title><style>${PAGE_CSS}</style></head><body>${markup}</body></html>`,
    paperWidth: receipt.paperWidth,
    heightMm: measureMm(doc, markup),
    name: `${receipt.orderId}-${receipt.kind}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80),
  };
}

export interface PrintRequest {
  order: OrderDto;
  settings: ReceiptSettingsDto;
  kind?: ReceiptKind;
  /** auto-print: no dialog where the host allows it (Electron) */
  silent?: boolean;
  win?: Window;
}

function toReceipt(req: PrintRequest): Receipt {
  return buildReceipt(req.order, { shopName: req.settings.shopName, paperWidth: req.settings.paperWidth, ...(req.kind ? { kind: req.kind } : {}) });
}

/** The browser host's print view: the receipt over everything (print media shows only it), then the browser's dialog. */
export function openPrintView(receipt: Receipt, win: Window = window): void {
  openMarkupPrintView(receiptMarkup(receipt), win);
}

/** The print view for any slip's markup (a receipt, a 交班小票). */
export function openMarkupPrintView(markup: string, win: Window = window): void {
  const doc = win.document;
  doc.getElementById('pd-print-view')?.remove();
  const view = doc.createElement('div');
  view.id = 'pd-print-view';
  view.setAttribute('data-testid', 'print-view');
  view.innerHTML =
    `<style>#pd-print-view{position:fixed;inset:0;z-index:10000;background:#fff;overflow:auto;padding:8mm 0}` +
    `@media print{body>*:not(#pd-print-view){display:none!important}#pd-print-view{position:static;padding:0;overflow:visible}}</style>` +
    markup;
  doc.body.appendChild(view);
  const close = (): void => view.remove();
  win.addEventListener('afterprint', close, { once: true });
  // Clicking the print view (after the dialog) closes it too, in case a browser sends no afterprint.
  view.addEventListener('click', close);
}

export async function printReceipt(req: PrintRequest): Promise<PrintOutcome> {
  const win = req.win ?? window;
  let receipt: Receipt;
  try {
    receipt = toReceipt(req);
  } catch (err) {
    return { ok: false, code: 'INVALID_INPUT', message: err instanceof Error ? err.message : String(err), offerPdf: false };
  }
  const printer = win.paydeskPrinter;
  if (!printer) {
    openPrintView(receipt, win);
    win.print();
    return { ok: true, how: 'dialog' };
  }
  const r = await printer.printReceipt(receiptJob(receipt, win.document), { silent: req.silent ?? false });
  if (r.ok) return { ok: true, how: 'printer' };
  if (r.error.code === 'PRINT_CANCELLED') return { ok: true, how: 'cancelled' };
  return { ok: false, code: r.error.code, message: r.error.message, offerPdf: r.error.code === 'NO_PRINTER' || r.error.code === 'PRINT_FAILED' };
}

/** 保存为 PDF: Electron asks where (starting in the data directory's receipts/); the browser's print dialog has its own PDF target. */
export async function saveReceiptPdf(req: PrintRequest): Promise<PrintOutcome> {
  const win = req.win ?? window;
  const printer = win.paydeskPrinter;
  if (!printer) return printReceipt({ ...req, silent: false });
  let receipt: Receipt;
  try {
    receipt = toReceipt(req);
  } catch (err) {
    return { ok: false, code: 'INVALID_INPUT', message: err instanceof Error ? err.message : String(err), offerPdf: false };
  }
  const r = await printer.saveReceiptPdf(receiptJob(receipt, win.document), { ask: true });
  if (!r.ok) return { ok: false, code: r.error.code, message: r.error.message, offerPdf: false };
  return r.value ? { ok: true, how: 'pdf', path: r.value.path } : { ok: true, how: 'cancelled' };
}
