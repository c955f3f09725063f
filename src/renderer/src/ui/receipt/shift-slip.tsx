/**
 * The 交班小票 (a shift's snapshot) on the receipt roll: the view (the receipt's CSS and paper width) and
 * printing / saving it through the same paths as a receipt — Electron's printer bridge, or the browser
 * host's print view and dialog (docs/architecture.md, "Shift handover (交班)").
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReceiptSettingsDto, ShiftDto } from '../../../../shared/contract';
import type { ReceiptJob } from '../../../../shared/receipt';
import { buildShiftReceipt, type ShiftReceipt, type ShiftReceiptLine } from '../../../../shared/shift-receipt';
import { measureMm, openMarkupPrintView, PAGE_CSS, type PrintOutcome } from './print-receipt';
import { receiptCss } from './receipt-view';

function Lines({ lines, testId }: { lines: ShiftReceiptLine[]; testId: string }): React.JSX.Element {
  return (
    <div data-testid={testId}>
      {lines.map((l, i) => (
        <div key={i} className={l.big ? 'pd-r-row pd-r-big' : 'pd-r-row'}>
          <span style={{ whiteSpace: 'pre' }}>{l.label}</span>
          <span>{l.value}</span>
        </div>
      ))}
    </div>
  );
}

export function ShiftSlipView({ slip }: { slip: ShiftReceipt }): React.JSX.Element {
  return (
    <div className="pd-receipt" data-testid="shift-slip" data-paper={slip.paperWidth}>
      <style>{receiptCss(slip)}</style>
      <h1>{slip.shopName}</h1>
      <h2>{slip.title}</h2>
      <Lines lines={slip.header} testId="shift-slip-header" />
      <div className="pd-r-rule" />
      <Lines lines={slip.totals} testId="shift-slip-totals" />
      {slip.breakdown.length > 0 && (
        <>
          <div className="pd-r-rule" />
          <Lines lines={slip.breakdown} testId="shift-slip-breakdown" />
        </>
      )}
      <div className="pd-r-rule" />
      <div className="pd-r-center">打印时间 {slip.printedAt}</div>
    </div>
  );
}

export function shiftSlipJob(slip: ShiftReceipt, doc: Document = document): ReceiptJob {
  const markup = renderToStaticMarkup(createElement(ShiftSlipView, { slip }));
  return {
    html: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${slip.title}</title><style>${PAGE_CSS}</style></head><body>${markup}</body></html>`,
    paperWidth: slip.paperWidth,
    heightMm: measureMm(doc, markup),
    name: `shift-${slip.shiftId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80),
  };
}

export interface ShiftPrintRequest {
  shift: ShiftDto;
  settings: ReceiptSettingsDto;
  pdf?: boolean;
  win?: Window;
}

/** 打印 (pdf false) or 保存为 PDF (pdf true) one shift's slip; the browser host opens its print view for both. */
export async function printShiftSlip(req: ShiftPrintRequest): Promise<PrintOutcome> {
  const win = req.win ?? window;
  let slip: ShiftReceipt;
  try {
    slip = buildShiftReceipt(req.shift, { shopName: req.settings.shopName, paperWidth: req.settings.paperWidth });
  } catch (err) {
    return { ok: false, code: 'INVALID_INPUT', message: err instanceof Error ? err.message : String(err), offerPdf: false };
  }
  const printer = win.paydeskPrinter;
  if (!printer) {
    openMarkupPrintView(renderToStaticMarkup(createElement(ShiftSlipView, { slip })), win);
    win.print();
    return { ok: true, how: 'dialog' };
  }
  const job = shiftSlipJob(slip, win.document);
  if (req.pdf) {
    const r = await printer.saveReceiptPdf(job, { ask: true });
    if (!r.ok) return { ok: false, code: r.error.code, message: r.error.message, offerPdf: false };
    return r.value ? { ok: true, how: 'pdf', path: r.value.path } : { ok: true, how: 'cancelled' };
  }
  const r = await printer.printReceipt(job, { silent: false });
  if (r.ok) return { ok: true, how: 'printer' };
  if (r.error.code === 'PRINT_CANCELLED') return { ok: true, how: 'cancelled' };
  return { ok: false, code: r.error.code, message: r.error.message, offerPdf: r.error.code === 'NO_PRINTER' || r.error.code === 'PRINT_FAILED' };
}
