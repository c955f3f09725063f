/**
 * Preload: the renderer's only door to main, exposed as `window.paydesk` (docs/architecture.md,
 * Conventions: "Preload and window lockdown").
 * One explicit method per contract channel and one `onX` per event — never ipcRenderer itself or a
 * generic `invoke(channel, …)`, so the renderer can reach exactly the contract and nothing else.
 * The object ends with `satisfies ConsoleApi`: a channel without its method does not compile.
 *
 * This file is bundled as ONE CommonJS file (sandboxed preloads can neither be ESM nor require
 * anything but 'electron'), so it imports only *types* from the shared contract — no zod at run time.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Channel, CommandInput, CommandOutput, ConsoleApi, ConsoleEvents, EventName, Result } from '../shared/contract';
import type { PrinterBridge, ReceiptResult } from '../shared/receipt';

/** A method that sends one fixed channel (the channel is a literal here, not a renderer argument). */
function command<C extends Channel>(channel: C): (input: CommandInput<C>) => Promise<Result<CommandOutput<C>>> {
  return (input) => ipcRenderer.invoke(channel, input) as Promise<Result<CommandOutput<C>>>;
}

/** Subscribe to one fixed event; the listener gets the payload only (never the IpcRendererEvent,
 *  whose `sender` is ipcRenderer). Returns the unsubscribe function. */
function subscribe<E extends EventName>(event: E): (listener: (payload: ConsoleEvents[E]) => void) => () => void {
  return (listener) => {
    const handler = (_event: IpcRendererEvent, payload: ConsoleEvents[E]): void => listener(payload);
    ipcRenderer.on(event, handler);
    return () => {
      ipcRenderer.removeListener(event, handler);
    };
  };
}

const api = {
  ordersCreate: command('orders.create'),
  ordersGet: command('orders.get'),
  ordersList: command('orders.list'),
  ordersCancel: command('orders.cancel'),
  ordersRefund: command('orders.refund'),
  summaryToday: command('summary.today'),
  settingsGet: command('settings.get'),
  settingsUpdate: command('settings.update'),
  statusGet: command('status.get'),
  keysImport: command('keys.import'),
  keysTest: command('keys.test'),
  pinStatus: command('pin.status'),
  pinSet: command('pin.set'),
  pinRefundThreshold: command('pin.refundThreshold'),
  shiftCurrent: command('shift.current'),
  shiftStart: command('shift.start'),
  shiftEnd: command('shift.end'),
  shiftList: command('shift.list'),
  displayGet: command('display.get'),
  displayPicture: command('display.picture'),
  displaySetPicture: command('display.setPicture'),
  displayClearPicture: command('display.clearPicture'),
  displayOpen: command('display.open'),
  onOrderUpdated: subscribe('order.updated'),
  onRefundUpdated: subscribe('refund.updated'),
  onStatusChanged: subscribe('status.changed'),
  onDisplayUpdated: subscribe('display.updated'),
} satisfies ConsoleApi;

contextBridge.exposeInMainWorld('paydesk', api);

/* ── Receipts (小票): the OS printer and PDF, Electron only (the channel names are literals: no runtime import) ── */
const printer = {
  printReceipt: (job, options) => ipcRenderer.invoke('receipt.print', job, options) as Promise<ReceiptResult<{ deviceName: string }>>,
  saveReceiptPdf: (job, options) => ipcRenderer.invoke('receipt.pdf', job, options) as Promise<ReceiptResult<{ path: string } | null>>,
} satisfies PrinterBridge;
contextBridge.exposeInMainWorld('paydeskPrinter', printer);
