/**
 * The ONE IPC entry point (docs/architecture.md, Conventions: "One IPC entry point", after electron/fiddle's
 * IpcMainManager): every contract channel is registered once, to the same `handle()`, which first checks the
 * sender is our window's top frame showing our app, then hands the raw input to `ConsoleHost.dispatch` (which
 * zod-parses it and maps errors — validation lives there, once, for both hosts). Console events are forwarded
 * to the window with `webContents.send`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, DISPLAY_CHANNELS, DISPLAY_EVENTS, EVENT_NAMES, type Channel, type ErrorInfo, type Result } from '../../shared/contract';
import type { ConsoleHost } from '../console-host';
import { errorMessage, stderrLogger, type Logger } from '../kernel';
import { isAppUrl } from './policy';

export const FORBIDDEN: ErrorInfo = {
  code: 'FORBIDDEN',
  message: '拒绝访问：请求不是来自收银台窗口 / Forbidden: the request did not come from the PayDesk window',
};

export const INTERNAL: ErrorInfo = {
  code: 'INTERNAL',
  message: '内部错误，请重试或查看日志 / Internal error, please retry or check the log',
};

/** What the customer display window is told when it asks for anything but its own state. */
export const DISPLAY_ONLY: ErrorInfo = {
  code: 'DISPLAY_ONLY',
  message: '拒绝访问：客显窗口只能读取客显内容 / Forbidden: the customer display window can only read what it shows',
};

export interface IpcOptions {
  /** The URL our window loads (see window.ts `rendererUrl`). */
  appUrl: string;
  log?: Logger;
  /** 客显: the display window (display.get and display.updated only) and 打开客显 (display-window.ts). */
  display?: { window(): BrowserWindow | null; open(): void };
}

/**
 * Whether an invoke comes from `win`'s top-level frame while it shows our app. Anything else — another
 * window or webContents, a subframe, a frame that navigated elsewhere, a destroyed frame — is foreign.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow, appUrl: string): boolean {
  if (win.isDestroyed()) return false;
  if (event.sender.id !== win.webContents.id) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url, appUrl);
}

/**
 * Register every channel of the contract on `ipcMain` and forward every console event to `win`.
 * Returns a dispose function (also run when the window closes) that removes the handlers and the
 * event subscriptions, so a new window can register again.
 */
export function registerIpc(host: ConsoleHost, win: BrowserWindow, opts: IpcOptions): () => void {
  const log = opts.log ?? stderrLogger;

  async function handle(channel: Channel, event: IpcMainInvokeEvent, raw: unknown): Promise<Result<unknown>> {
    // The customer display's window: its own state and nothing else (it shares the preload, not the rights).
    const displayWin = opts.display?.window() ?? null;
    if (displayWin && isTrustedSender(event, displayWin, opts.appUrl)) {
      if (!DISPLAY_CHANNELS.includes(channel)) {
        log.warn(`IPC ${channel} rejected 已拒绝: the customer display may only read its state`);
        return { ok: false, error: DISPLAY_ONLY };
      }
      return host.dispatch(channel, raw).catch(() => ({ ok: false as const, error: INTERNAL }));
    }
    if (!isTrustedSender(event, win, opts.appUrl)) {
      log.warn(`IPC ${channel} rejected 已拒绝: foreign sender ${(event.senderFrame?.url ?? '(no frame)').slice(0, 200)}`);
      return { ok: false, error: FORBIDDEN };
    }
    if (channel === 'display.open' && opts.display) {
      opts.display.open();
      return { ok: true, value: { url: null } };
    }
    try {
      return await host.dispatch(channel, raw);
    } catch (err) {
      // dispatch promises never to throw; if it does anyway, the renderer still gets a Result.
      log.error(`IPC ${channel} threw`, { error: errorMessage(err) });
      return { ok: false, error: INTERNAL };
    }
  }

  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, raw: unknown) => handle(channel, event, raw));
  }

  const unsubscribers = EVENT_NAMES.map((name) =>
    host.on(name, (payload) => {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(name, payload);
      const displayWin = DISPLAY_EVENTS.includes(name) ? opts.display?.window() : null;
      if (displayWin && !displayWin.isDestroyed() && !displayWin.webContents.isDestroyed()) displayWin.webContents.send(name, payload);
    }),
  );

  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
  win.once('closed', dispose);
  return dispose;
}
