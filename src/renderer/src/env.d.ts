import type { ConsoleApi } from '../../shared/contract';
import type { PrinterBridge } from '../../shared/receipt';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in the browser host, which uses httpApi(). */
    paydesk?: ConsoleApi;
    /** Receipts (小票) through the OS printer and PDF: set by the Electron preload only. */
    paydeskPrinter?: PrinterBridge;
  }
}

export {};
