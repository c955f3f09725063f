/**
 * 客显 in Electron: the customer display's window. Opened by 打开客显 (display.open): full-screen on a
 * display other than the primary when there is one (screen.getAllDisplays), else a normal window. When its
 * display is unplugged (`display-removed`) it moves to the primary display as a normal window — or, if even
 * that fails, closes — and nothing throws. Same lockdown as the cashier window (window.ts); the page is the
 * renderer's `?view=display`, and ipc.ts lets this window reach display.get and display.updated only.
 */
import { join } from 'node:path';
import { BrowserWindow, screen, type Display } from 'electron';
import { errorMessage, stderrLogger, type Logger } from '../kernel';
import { hardenSession, hardenWebContents, lockedWebPreferences } from './window';

export interface DisplayWindowOptions {
  outDir: string;
  devServerUrl?: string | undefined;
  /** The cashier window's app URL (ipc.ts and navigation accept only it). */
  appUrl: string;
  devTools: boolean;
  log?: Logger;
}

export interface DisplayWindows {
  /** Open the display window (or bring the open one forward). */
  open(): void;
  /** The open display window, or null. */
  window(): BrowserWindow | null;
  close(): void;
}

/** A normal window's size on the primary display. */
const NORMAL = { width: 1024, height: 768 } as const;

export function createDisplayWindows(opts: DisplayWindowOptions): DisplayWindows {
  const log = opts.log ?? stderrLogger;
  let win: BrowserWindow | null = null;
  /** The display the window was opened full-screen on (null: a normal window on the primary). */
  let shownOn: number | null = null;

  const live = (): BrowserWindow | null => (win && !win.isDestroyed() ? win : null);

  const onRemoved = (_event: unknown, removed: Display): void => {
    const w = live();
    if (!w || shownOn === null || removed.id !== shownOn) return;
    shownOn = null;
    try {
      const area = screen.getPrimaryDisplay().workArea;
      w.setFullScreen(false);
      w.setBounds({
        x: area.x + Math.max(0, Math.floor((area.width - NORMAL.width) / 2)),
        y: area.y + Math.max(0, Math.floor((area.height - NORMAL.height) / 2)),
        width: Math.min(NORMAL.width, area.width),
        height: Math.min(NORMAL.height, area.height),
      });
      log.info('customer display unplugged: window moved to the primary display 客显屏已拔出，窗口移回主屏');
    } catch (err) {
      log.warn('customer display unplugged: closing its window 客显屏已拔出，关闭客显窗口', { error: errorMessage(err) });
      try {
        w.close();
      } catch {
        // already gone
      }
    }
  };
  screen.on('display-removed', onRemoved);

  function open(): void {
    const existing = live();
    if (existing) {
      existing.focus();
      return;
    }
    const primary = screen.getPrimaryDisplay();
    const second = screen.getAllDisplays().find((d) => d.id !== primary.id) ?? null;
    shownOn = second?.id ?? null;
    const placement = second
      ? { x: second.bounds.x, y: second.bounds.y, width: second.bounds.width, height: second.bounds.height, fullscreen: true, frame: false }
      : { ...NORMAL };
    const w = new BrowserWindow({
      ...placement,
      title: '客显 · PayDesk',
      show: false,
      autoHideMenuBar: true,
      backgroundColor: '#f5f7fa',
      webPreferences: lockedWebPreferences(opts.outDir, opts.devTools),
    });
    win = w;
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => {
      if (win === w) {
        win = null;
        shownOn = null;
      }
    });
    hardenWebContents(w.webContents, opts.appUrl, () => [], log);
    hardenSession(w.webContents.session, Boolean(opts.devServerUrl));
    const loading = opts.devServerUrl
      ? w.loadURL(`${new URL(opts.devServerUrl).origin}/?view=display`)
      : w.loadFile(join(opts.outDir, '../renderer/index.html'), { query: { view: 'display' } });
    loading.catch((err: unknown) => log.error('could not load the customer display 无法加载客显', { error: errorMessage(err) }));
  }

  return {
    open,
    window: live,
    close() {
      screen.removeListener('display-removed', onRemoved);
      live()?.close();
    },
  };
}
