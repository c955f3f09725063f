/**
 * Receipts (小票) through the OS printer and as PDF, in Electron: the receipt's HTML (rendered by the
 * renderer from the same ReceiptView the browser host prints) is loaded into a hidden, script-less
 * BrowserWindow, then `webContents.print` (silent when auto-printing) or `printToPDF`. Thin glue: the
 * checks are here, the receipt itself is shared (docs/architecture.md, "Receipts (小票)").
 *
 * No printer (an empty `getPrintersAsync()`, a named printer that is gone, or print's callback reporting a
 * failure) answers a bilingual error that offers the PDF instead; nothing is thrown to the renderer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { z } from 'zod';
import {
  PAPER_WIDTHS,
  RECEIPT_PDF_CHANNEL,
  RECEIPT_PRINT_CHANNEL,
  type ReceiptErrorCode,
  type ReceiptJob,
  type ReceiptPrintOptions,
  type ReceiptResult,
} from '../../shared/receipt';
import { errorMessage, stderrLogger, type Logger } from '../kernel';

export const NO_PRINTER_MESSAGE = '没有找到打印机：请连接并安装打印机，或点「保存为 PDF」 / No printer found: connect and install one, or choose “Save as PDF”';

const jobSchema = z.strictObject({
  html: z.string().min(1).max(500_000),
  paperWidth: z.enum(PAPER_WIDTHS),
  heightMm: z.number().min(20).max(2000),
  name: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
});
const printSchema = z.strictObject({ silent: z.boolean(), deviceName: z.string().min(1).max(256).optional() });
const pdfSchema = z.strictObject({ ask: z.boolean() });

const fail = <T>(code: ReceiptErrorCode, message: string): ReceiptResult<T> => ({ ok: false, error: { code, message } });
const INVALID = '小票内容无效 / Invalid receipt';

export interface ReceiptPrinterOptions {
  /** where PDFs go without a dialog, and where the dialog starts: `<dataDir>/receipts` */
  receiptsDir: string;
  /** the window a save dialog belongs to */
  parent?: () => BrowserWindow | null;
  log?: Logger;
  /** how long loading the receipt page may take */
  loadTimeoutMs?: number;
}

/** Load the receipt into a hidden window with no scripts, run `use`, and always destroy the window. */
async function withReceiptWindow<T>(job: ReceiptJob, timeoutMs: number, use: (wc: WebContents) => Promise<T>): Promise<T> {
  const win = new BrowserWindow({
    show: false,
    width: 400,
    height: 800,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`receipt page did not load in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(job.html)}`), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return await use(win.webContents);
  } finally {
    if (!win.isDestroyed()) win.destroy();
  }
}

/** Microns of the receipt page: the roll's width, the receipt's height. */
function pageSize(job: ReceiptJob): { width: number; height: number } {
  return { width: Number(job.paperWidth.replace('mm', '')) * 1000, height: Math.ceil(job.heightMm) * 1000 };
}

export function receiptPrinter(opts: ReceiptPrinterOptions) {
  const log = opts.log ?? stderrLogger;
  const timeoutMs = opts.loadTimeoutMs ?? 10_000;

  async function printReceipt(rawJob: unknown, rawOptions: unknown): Promise<ReceiptResult<{ deviceName: string }>> {
    const job = jobSchema.safeParse(rawJob);
    const options = printSchema.safeParse(rawOptions);
    if (!job.success || !options.success) return fail('INVALID_INPUT', INVALID);
    const wanted: ReceiptPrintOptions = options.data.deviceName
      ? { silent: options.data.silent, deviceName: options.data.deviceName }
      : { silent: options.data.silent };
    try {
      return await withReceiptWindow(job.data, timeoutMs, async (wc) => {
        const printers = await wc.getPrintersAsync();
        const chosen = wanted.deviceName ? printers.find((p) => p.name === wanted.deviceName) : printers[0];
        if (!chosen) return fail<{ deviceName: string }>('NO_PRINTER', NO_PRINTER_MESSAGE);
        const outcome = await new Promise<{ success: boolean; reason: string }>((resolve) => {
          wc.print(
            {
              silent: wanted.silent,
              // no name: the system's default printer
              ...(wanted.deviceName ? { deviceName: wanted.deviceName } : {}),
              printBackground: true,
              margins: { marginType: 'none' },
              pageSize: pageSize(job.data),
            },
            (success, reason) => resolve({ success, reason }),
          );
        });
        if (outcome.success) return { ok: true as const, value: { deviceName: wanted.deviceName ?? '' } };
        if (/cancel/i.test(outcome.reason)) return fail<{ deviceName: string }>('PRINT_CANCELLED', '已取消打印 / Printing cancelled');
        log.warn(`receipt print failed 小票打印失败: ${outcome.reason}`);
        return fail<{ deviceName: string }>(
          'PRINT_FAILED',
          `打印失败（${wanted.deviceName ?? '默认打印机'}：${outcome.reason || '未知原因'}）：请检查打印机，或点「保存为 PDF」 / Printing failed (${wanted.deviceName ?? 'default printer'}: ${outcome.reason || 'unknown reason'}): check the printer, or choose “Save as PDF”`,
        );
      });
    } catch (err) {
      log.warn('receipt print failed 小票打印失败', { error: errorMessage(err) });
      return fail('PRINT_FAILED', `打印失败：${errorMessage(err)}；可以点「保存为 PDF」 / Printing failed: ${errorMessage(err)}; choose “Save as PDF” instead`);
    }
  }

  async function saveReceiptPdf(rawJob: unknown, rawOptions: unknown): Promise<ReceiptResult<{ path: string } | null>> {
    const job = jobSchema.safeParse(rawJob);
    const options = pdfSchema.safeParse(rawOptions);
    if (!job.success || !options.success) return fail('INVALID_INPUT', INVALID);
    try {
      await mkdir(opts.receiptsDir, { recursive: true });
      let path = join(opts.receiptsDir, `${job.data.name}.pdf`);
      if (options.data.ask) {
        const dialogOptions = { defaultPath: path, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
        const parent = opts.parent?.();
        const chosen = parent ? await dialog.showSaveDialog(parent, dialogOptions) : await dialog.showSaveDialog(dialogOptions);
        if (chosen.canceled || !chosen.filePath) return { ok: true, value: null };
        path = chosen.filePath;
      }
      const pdf = await withReceiptWindow(job.data, timeoutMs, (wc) =>
        wc.printToPDF({
          printBackground: true,
          preferCSSPageSize: false,
          margins: { marginType: 'none' },
          pageSize: { width: pageSize(job.data).width / 25_400, height: pageSize(job.data).height / 25_400 },
        }),
      );
      await writeFile(path, pdf);
      return { ok: true, value: { path } };
    } catch (err) {
      log.warn('receipt PDF failed 小票 PDF 保存失败', { error: errorMessage(err) });
      return fail('PDF_FAILED', `保存 PDF 失败：${errorMessage(err)} / Could not save the PDF: ${errorMessage(err)}`);
    }
  }

  return { printReceipt, saveReceiptPdf };
}

/**
 * The two receipt channels on ipcMain, for `trusted` senders only (the console window's top frame, the
 * same check as the contract's channels). Returns the dispose function.
 */
export function registerReceiptIpc(printer: ReturnType<typeof receiptPrinter>, trusted: (event: IpcMainInvokeEvent) => boolean): () => void {
  const forbidden = fail<never>('FORBIDDEN', '拒绝访问：请求不是来自收银台窗口 / Forbidden: the request did not come from the PayDesk window');
  ipcMain.handle(RECEIPT_PRINT_CHANNEL, (event, job: unknown, options: unknown) => (trusted(event) ? printer.printReceipt(job, options) : forbidden));
  ipcMain.handle(RECEIPT_PDF_CHANNEL, (event, job: unknown, options: unknown) => (trusted(event) ? printer.saveReceiptPdf(job, options) : forbidden));
  return () => {
    ipcMain.removeHandler(RECEIPT_PRINT_CHANNEL);
    ipcMain.removeHandler(RECEIPT_PDF_CHANNEL);
  };
}
