/**
 * The cashier window, locked down per Electron's security checklist (docs/architecture.md, Conventions,
 * "Preload and window lockdown"):
 * contextIsolation + sandbox + no Node in the renderer, a CSP header, every permission denied,
 * no navigation away from the app, no new windows; https links (and, in demo mode, the embedded
 * emulator's loopback pages) open in the system browser instead.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { errorMessage, stderrLogger, type Logger } from '../kernel';
import { CONTENT_SECURITY_POLICY, externalUrl, isAppUrl } from './policy';

export interface WindowOptions {
  /** Directory of the built main bundle (`out/main`); preload and renderer bundles are siblings. */
  outDir: string;
  /** electron-vite's dev server (`ELECTRON_RENDERER_URL`); unset = the built `out/renderer`. */
  devServerUrl?: string | undefined;
  /** Allow DevTools (dev server or PAYDESK_DEVTOOLS=1 only). */
  devTools: boolean;
  /** Extra http origins links may open externally (the demo emulator's customer pages). */
  externalOrigins?: () => readonly string[];
  log?: Logger;
}

export interface MainWindow {
  win: BrowserWindow;
  /** The URL the window loads; IPC and navigation accept only this origin (or this file). */
  appUrl: string;
  /** Load the renderer — call after IPC is registered. */
  load(): Promise<void>;
}

/** `out/preload/index.cjs`: sandboxed preloads cannot be ESM, so it is built as one CJS file. */
export function preloadPath(outDir: string): string {
  return join(outDir, '../preload/index.cjs');
}

/** The renderer's URL: the dev server, or `file://…/out/renderer/index.html`. */
/**
 * The web preferences of every PayDesk window (the cashier's and the customer display's): the preload
 * only, context isolation, the sandbox, no Node anywhere, no webview. One definition so the windows
 * cannot drift apart.
 */
export function lockedWebPreferences(outDir: string, devTools: boolean): Electron.WebPreferences {
  return {
    preload: preloadPath(outDir),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    devTools,
    spellcheck: false,
  };
}

export function rendererUrl(outDir: string, devServerUrl?: string): string {
  return devServerUrl ? new URL(devServerUrl).href : pathToFileURL(join(outDir, '../renderer/index.html')).href;
}

/** Create (but do not load) the main window and harden its web contents and session. */
export function createMainWindow(opts: WindowOptions): MainWindow {
  const log = opts.log ?? stderrLogger;
  const appUrl = rendererUrl(opts.outDir, opts.devServerUrl);
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    title: 'PayDesk 收银台',
    show: false,
    webPreferences: lockedWebPreferences(opts.outDir, opts.devTools),
  });
  win.once('ready-to-show', () => win.show());
  hardenWebContents(win.webContents, appUrl, opts.externalOrigins ?? (() => []), log);
  hardenSession(win.webContents.session, Boolean(opts.devServerUrl));
  const load = (): Promise<void> => (opts.devServerUrl ? win.loadURL(appUrl) : win.loadFile(join(opts.outDir, '../renderer/index.html')));
  return { win, appUrl, load };
}

/** Open `url` in the system browser if the policy allows it; report whether it did. */
export function openExternally(url: string, origins: readonly string[], log: Logger): boolean {
  const href = externalUrl(url, origins);
  if (!href) {
    log.warn(`blocked external link 已拦截外部链接: ${url.slice(0, 200)}`);
    return false;
  }
  shell.openExternal(href).catch((err: unknown) => log.error('openExternal failed 打开外部链接失败', { error: errorMessage(err) }));
  return true;
}

/**
 * No new windows (window.open / target=_blank are turned into external https opens or dropped),
 * no navigation away from the app, no <webview>.
 */
export function hardenWebContents(contents: WebContents, appUrl: string, externalOrigins: () => readonly string[], log: Logger): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url, externalOrigins(), log);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void; url: string }): void => {
    if (isAppUrl(event.url, appUrl)) return;
    event.preventDefault();
    // A plain <a href="https://…"> navigates the window itself; send it to the browser instead.
    openExternally(event.url, externalOrigins(), log);
  };
  contents.on('will-navigate', (event) => guard(event));
  contents.on('will-redirect', (event) => guard(event));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Deny every permission (camera, notifications, geolocation, …: a cashier console needs none) and
 * put the CSP on every response, replacing any the server sent. In dev, Vite's React-refresh
 * preamble is an inline script and HMR talks over a websocket, so those two are allowed there only.
 */
export function hardenSession(session: Session, dev: boolean): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  const csp = dev ? devPolicy(CONTENT_SECURITY_POLICY) : CONTENT_SECURITY_POLICY;
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

function devPolicy(csp: string): string {
  return csp
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
}
