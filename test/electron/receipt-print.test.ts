import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, electron, invoke, resetFakeElectron, topFrame } from './fake-electron';
import { receiptPrinter, registerReceiptIpc } from '../../src/main/electron/receipt-print';
import { RECEIPT_PDF_CHANNEL, RECEIPT_PRINT_CHANNEL, type ReceiptJob } from '../../src/shared/receipt';
import { makeTempDir, memoryLogger } from '../support';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;
const JOB: ReceiptJob = { html: '<!doctype html><p>收款小票 ¥12.30</p>', paperWidth: '58mm', heightMm: 140.2, name: 'PD0001-payment' };
const PRINTER = { name: 'XP-58', displayName: 'XP-58', description: '', options: {} };

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(() => {
  resetFakeElectron();
  ({ dir, cleanup } = makeTempDir());
});
afterEach(async () => {
  await cleanup();
});

/** The printer, with each hidden receipt window's web contents prepared by `prepare` as it is created. */
function printerWith(prepare: (wc: FakeBrowserWindow['webContents']) => void, loadTimeoutMs = 5_000, prepareWindow?: (win: FakeBrowserWindow) => void) {
  const list = FakeBrowserWindow.instances;
  const push = list.push.bind(list);
  vi.spyOn(list, 'push').mockImplementation((...wins: FakeBrowserWindow[]) => {
    for (const w of wins) {
      prepare(w.webContents);
      prepareWindow?.(w);
    }
    return push(...wins);
  });
  return receiptPrinter({ receiptsDir: join(dir, 'receipts'), log: memoryLogger(), loadTimeoutMs });
}

describe('receipt printing in Electron (OS printer)', () => {
  it('prints the receipt page in a hidden, script-less window: silent when auto-printing, on the named printer, page = roll × receipt', async () => {
    const printer = printerWith((wc) => {
      wc.printers = [PRINTER];
    });
    const r = await printer.printReceipt(JOB, { silent: true, deviceName: 'XP-58' });
    expect(r).toEqual({ ok: true, value: { deviceName: 'XP-58' } });
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(decodeURIComponent(win.loadURL.mock.calls[0]![0])).toBe(`data:text/html;charset=utf-8,${JOB.html}`);
    expect(win.webContents.print).toHaveBeenCalledOnce();
    expect(win.webContents.print.mock.calls[0]![0]).toEqual({
      silent: true,
      deviceName: 'XP-58',
      printBackground: true,
      margins: { marginType: 'none' },
      pageSize: { width: 58_000, height: 141_000 },
    });
    expect(win.destroyed).toBe(true);
  });

  it('with the dialog and no name: the system default printer (no deviceName)', async () => {
    const printer = printerWith((wc) => {
      wc.printers = [PRINTER];
    });
    expect(await printer.printReceipt({ ...JOB, paperWidth: '80mm' }, { silent: false })).toEqual({ ok: true, value: { deviceName: '' } });
    const options = FakeBrowserWindow.instances[0]!.webContents.print.mock.calls[0]![0];
    expect(options).toMatchObject({ silent: false, pageSize: { width: 80_000 } });
    expect(options).not.toHaveProperty('deviceName');
  });

  it('no printer at all: NO_PRINTER, a bilingual message offering the PDF, print never called', async () => {
    const printer = printerWith(() => {});
    const r = await printer.printReceipt(JOB, { silent: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'NO_PRINTER' } });
    if (!r.ok) {
      expect(r.error.message).toMatch(BILINGUAL);
      expect(r.error.message).toContain('保存为 PDF');
      expect(r.error.message).toContain('Save as PDF');
    }
    expect(FakeBrowserWindow.instances[0]!.webContents.print).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances[0]!.destroyed).toBe(true);
  });

  it('a named printer that is gone is NO_PRINTER too', async () => {
    const printer = printerWith((wc) => {
      wc.printers = [PRINTER];
    });
    expect(await printer.printReceipt(JOB, { silent: true, deviceName: 'Unplugged-80' })).toMatchObject({ ok: false, error: { code: 'NO_PRINTER' } });
  });

  it("print's callback reporting a failure: PRINT_FAILED naming the reason and offering the PDF; a cancelled dialog is PRINT_CANCELLED", async () => {
    let outcome: [boolean, string] = [false, 'Printer is out of paper'];
    const printer = printerWith((wc) => {
      wc.printers = [PRINTER];
      wc.printOutcome = outcome;
    });
    const r = await printer.printReceipt(JOB, { silent: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'PRINT_FAILED' } });
    if (!r.ok) {
      expect(r.error.message).toMatch(BILINGUAL);
      expect(r.error.message).toContain('Printer is out of paper');
      expect(r.error.message).toContain('PDF');
    }
    outcome = [false, 'cancelled'];
    expect(await printer.printReceipt(JOB, { silent: false })).toMatchObject({ ok: false, error: { code: 'PRINT_CANCELLED' } });
  });

  it('a page that never loads: PRINT_FAILED after the load timeout, the window destroyed', async () => {
    const stuck = new Promise<void>(() => {});
    const slow = printerWith(
      (wc) => {
        wc.printers = [PRINTER];
      },
      30,
      (win) => win.loadURL.mockImplementation(() => stuck),
    );
    const r = await slow.printReceipt(JOB, { silent: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'PRINT_FAILED' } });
    if (!r.ok) expect(r.error.message).toMatch(/did not load in 30 ms/);
    expect(FakeBrowserWindow.instances.at(-1)!.webContents.print).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances.at(-1)!.destroyed).toBe(true);
  });

  it('refuses a malformed job (bad name, paper width, options) without opening a window', async () => {
    const printer = printerWith(() => {});
    for (const [job, options] of [
      [{ ...JOB, name: '../../etc/passwd' }, { silent: true }],
      [{ ...JOB, paperWidth: '76mm' }, { silent: true }],
      [JOB, { silent: 'yes' }],
      [{ ...JOB, extra: 1 }, { silent: true }],
    ] as const) {
      const r = await printer.printReceipt(job, options);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      if (!r.ok) expect(r.error.message).toMatch(BILINGUAL);
    }
    expect(await printer.saveReceiptPdf({ ...JOB, name: 'a/b' }, { ask: false })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});

describe('receipt PDF in Electron', () => {
  it('without a dialog: printToPDF of the receipt page at the roll width, written to <dataDir>/receipts/<name>.pdf', async () => {
    const printer = printerWith(() => {});
    const r = await printer.saveReceiptPdf(JOB, { ask: false });
    const path = join(dir, 'receipts', 'PD0001-payment.pdf');
    expect(r).toEqual({ ok: true, value: { path } });
    expect((await readFile(path, 'utf8')).startsWith('%PDF-')).toBe(true);
    const options = FakeBrowserWindow.instances[0]!.webContents.printToPDF.mock.calls[0]![0] as { pageSize: { width: number; height: number } };
    expect(options.pageSize.width).toBeCloseTo(58 / 25.4, 5);
    expect(options.pageSize.height).toBeCloseTo(141 / 25.4, 5);
    expect(electron.dialog.showSaveDialog).not.toHaveBeenCalled();
  });

  it('with the dialog: starts in receipts/, writes where the cashier chose; cancelled writes nothing', async () => {
    const printer = printerWith(() => {});
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: join(dir, 'chosen.pdf') });
    expect(await printer.saveReceiptPdf(JOB, { ask: true })).toEqual({ ok: true, value: { path: join(dir, 'chosen.pdf') } });
    expect(electron.dialog.showSaveDialog.mock.calls[0]![0]).toMatchObject({ defaultPath: join(dir, 'receipts', 'PD0001-payment.pdf') });
    expect(await printer.saveReceiptPdf(JOB, { ask: true })).toEqual({ ok: true, value: null });
    expect(await readdir(join(dir, 'receipts'))).toEqual([]);
  });

  it('printToPDF failing: PDF_FAILED, bilingual', async () => {
    const printer = printerWith((wc) => {
      wc.printToPDF.mockRejectedValue(new Error('Printing failed'));
    });
    const r = await printer.saveReceiptPdf(JOB, { ask: false });
    expect(r).toMatchObject({ ok: false, error: { code: 'PDF_FAILED' } });
    if (!r.ok) expect(r.error.message).toMatch(BILINGUAL);
  });
});

describe('receipt IPC', () => {
  it('answers the console window only; another sender is FORBIDDEN and nothing prints', async () => {
    const printer = printerWith((wc) => {
      wc.printers = [PRINTER];
    });
    const trusted = { id: 1 };
    const dispose = registerReceiptIpc(printer, (event) => event.sender.id === trusted.id);
    expect(await invoke(RECEIPT_PRINT_CHANNEL, trusted, topFrame('app://x'), JOB)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke(RECEIPT_PDF_CHANNEL, { id: 99 }, topFrame('https://evil.example'), JOB)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    dispose();
    expect(() => invoke(RECEIPT_PRINT_CHANNEL, trusted, null, JOB)).toThrow(/no handler/);
  });
});
