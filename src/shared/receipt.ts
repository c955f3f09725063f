/**
 * The receipt (小票) of an order: what a 58 mm or 80 mm thermal roll shows after a payment (收款小票) or a
 * refund (退款小票). Built from the OrderDto the renderer already holds, so both hosts print the same thing;
 * money stays in yuan strings re-formatted through integer fen (never floats). Text width is counted the
 * way a receipt printer counts it: CJK and full-width characters take two columns, the rest one
 * (docs/architecture.md, "Receipts (小票)").
 */
import type { OrderDto, OrderMethodDto, RefundStatusDto } from './contract';
import { formatFen, parseYuanAllowZero } from './money';

export const PAPER_WIDTHS = ['58mm', '80mm'] as const;
export type PaperWidth = (typeof PAPER_WIDTHS)[number];

/** Printable width and characters per line (a 12×24-dot font at 203 dpi is 1.5 mm a column). */
export const PAPER: Record<PaperWidth, { printableMm: number; columns: number; qrMm: number }> = {
  '58mm': { printableMm: 48, columns: 32, qrMm: 28 },
  '80mm': { printableMm: 72, columns: 48, qrMm: 34 },
};

export type ReceiptKind = 'payment' | 'refund';

const PROVIDER_NAMES: Record<string, string> = { alipay: '支付宝', wechat: '微信支付' };
const METHOD_NAMES: Record<OrderMethodDto, string> = { qr: '扫码收款', code: '付款码', link: '收款链接' };
const REFUND_STATUS_NAMES: Record<RefundStatusDto, string> = { SUCCESS: '已退款', PENDING: '处理中', UNKNOWN: '待确认', FAILED: '失败' };

export interface ReceiptRefund {
  amount: string;
  at: string;
  status: string;
  succeeded: boolean;
}

export interface Receipt {
  kind: ReceiptKind;
  title: '收款小票' | '退款小票';
  shopName: string;
  paperWidth: PaperWidth;
  orderId: string;
  tradeNo: string;
  provider: string;
  method: string;
  /** the subject wrapped to the paper's columns */
  subjectLines: string[];
  amount: string;
  paidAt: string;
  refunds: ReceiptRefund[];
  /** succeeded refunds only */
  refundedTotal: string;
  /** amount − succeeded refunds */
  netTotal: string;
  printedAt: string;
  /** what the QR encodes: the order number (out_trade_no), which 订单 search finds */
  qrText: string;
}

export interface ReceiptOptions {
  shopName: string;
  paperWidth: PaperWidth;
  /** default: 退款小票 when the order has a refund, else 收款小票 */
  kind?: ReceiptKind;
  now?: number;
  /** IANA zone for the times (default: the machine's) */
  timeZone?: string;
}

/** Columns a character takes on a receipt printer: 2 for CJK, Hangul, kana and full-width forms, else 1. */
export function charColumns(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x1100) return 1;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

export function textColumns(text: string): number {
  let n = 0;
  for (const ch of text) n += charColumns(ch);
  return n;
}

/**
 * Wrap text into lines of at most `columns` columns. Latin words are kept whole when they fit a line
 * (a longer one is cut); CJK breaks between any two characters. Never returns an empty list.
 */
export function wrapText(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  let width = 0;
  const tokens =
    text
      .replace(/\s+/g, ' ')
      .trim()
      .match(/[A-Za-z0-9._\-/@#:+]+|\s|./gu) ?? [];
  const push = (): void => {
    lines.push(line.trimEnd());
    line = '';
    width = 0;
  };
  for (const token of tokens) {
    const w = textColumns(token);
    if (token === ' ' && width === 0) continue;
    if (width + w <= columns) {
      line += token;
      width += w;
      continue;
    }
    if (w <= columns && token !== ' ') {
      push();
      line = token;
      width = w;
      continue;
    }
    if (token === ' ') {
      push();
      continue;
    }
    for (const ch of token) {
      const cw = charColumns(ch);
      if (width + cw > columns) push();
      line += ch;
      width += cw;
    }
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** A yuan string re-formatted through integer fen ("12.3" is refused, "12.30" stays). */
function yuan(value: string): number {
  return parseYuanAllowZero(value);
}

/** "2026-12-01 21:34:10" in the given zone (or the machine's). */
export function formatReceiptTime(ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(new Date(ms));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** Money as printed: ¥ and two decimals from integer fen. */
export function receiptMoney(fen: number): string {
  return `¥${formatFen(fen)}`;
}

export function buildReceipt(order: OrderDto, opts: ReceiptOptions): Receipt {
  const columns = PAPER[opts.paperWidth].columns;
  const amountFen = yuan(order.amount);
  const refunds = [...order.refunds].sort((a, b) => a.createdAt - b.createdAt);
  const succeededFen = refunds.filter((r) => r.status === 'SUCCESS').reduce((sum, r) => sum + yuan(r.amount), 0);
  const kind = opts.kind ?? (refunds.length > 0 ? 'refund' : 'payment');
  const time = (ms: number | null): string => (ms === null ? '—' : formatReceiptTime(ms, opts.timeZone));
  return {
    kind,
    title: kind === 'refund' ? '退款小票' : '收款小票',
    shopName: opts.shopName.trim() || 'PayDesk 收银台',
    paperWidth: opts.paperWidth,
    orderId: order.id,
    tradeNo: order.tradeNo ?? '—',
    provider: PROVIDER_NAMES[order.provider] ?? order.provider,
    method: METHOD_NAMES[order.method],
    subjectLines: wrapText(order.subject || '—', columns),
    amount: receiptMoney(amountFen),
    paidAt: time(order.paidAt),
    refunds: refunds.map((r) => ({
      amount: receiptMoney(yuan(r.amount)),
      at: time(r.settledAt ?? r.createdAt),
      status: REFUND_STATUS_NAMES[r.status],
      succeeded: r.status === 'SUCCESS',
    })),
    refundedTotal: receiptMoney(succeededFen),
    netTotal: receiptMoney(amountFen - succeededFen),
    printedAt: time(opts.now ?? Date.now()),
    qrText: order.id,
  };
}

/* ── Printing in Electron (window.paydeskPrinter; absent in the browser host) ── */

/** The two IPC channels of the receipt printer, beside the contract's (src/main/electron/receipt-print.ts). */
export const RECEIPT_PRINT_CHANNEL = 'receipt.print';
export const RECEIPT_PDF_CHANNEL = 'receipt.pdf';

/** One receipt to print or save: its full HTML page (built by the renderer from ReceiptView), its paper and size. */
export interface ReceiptJob {
  html: string;
  paperWidth: PaperWidth;
  /** the rendered receipt's height, so the page ends where the receipt does */
  heightMm: number;
  /** the file name's stem for a PDF (the order number and kind) */
  name: string;
}

export interface ReceiptPrintOptions {
  /** print without the system dialog (auto-print) */
  silent: boolean;
  /** a printer by name; default: the system's default printer */
  deviceName?: string;
}

/** Error codes the printer answers with; every message is bilingual and NO_PRINTER / PRINT_FAILED offer the PDF. */
export type ReceiptErrorCode = 'NO_PRINTER' | 'PRINT_FAILED' | 'PRINT_CANCELLED' | 'PDF_FAILED' | 'INVALID_INPUT' | 'FORBIDDEN';

export type ReceiptResult<T> = { ok: true; value: T } | { ok: false; error: { code: ReceiptErrorCode; message: string } };

export interface PrinterBridge {
  printReceipt(job: ReceiptJob, options: ReceiptPrintOptions): Promise<ReceiptResult<{ deviceName: string }>>;
  /** ask: a save dialog (starting in the data directory's receipts/ folder); else straight into that folder */
  saveReceiptPdf(job: ReceiptJob, options: { ask: boolean }): Promise<ReceiptResult<{ path: string } | null>>;
}
