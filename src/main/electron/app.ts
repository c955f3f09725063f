/**
 * App lifecycle: one instance, create the console (Electron-free composition root, injected so this
 * is testable with a fake host), open the window, wire IPC, and close the console before quitting
 * (so the tracker, notify server, emulator and database shut down cleanly).
 */
import { join } from 'node:path';
import { app, dialog, safeStorage, type BrowserWindow } from 'electron';
import { ENVIRONMENTS, type Environment } from '../../shared/contract';
import type { ConsoleConfig, ConsoleHost } from '../console-host';
import { isTrustedSender, registerIpc } from './ipc';
import { receiptPrinter, registerReceiptIpc } from './receipt-print';
import { errorMessage, stderrLogger, type Logger } from '../kernel';
import { installMenu } from './menu';
import { loopbackDevServer, originOf } from './policy';
import { useElectronSqliteBinding } from './sqlite-binding';
import { createDisplayWindows } from './display-window';
import { createMainWindow } from './window';

export interface StartAppOptions {
  createConsole: (config: ConsoleConfig) => Promise<ConsoleHost>;
  /** Directory of the built main bundle (`import.meta.dirname` of out/main/index.js). */
  outDir: string;
  env?: NodeJS.ProcessEnv;
  argv?: readonly string[];
  log?: Logger;
  /** How long quitting waits for `host.close()` before giving up. */
  closeTimeoutMs?: number;
}

export interface RunningApp {
  host: ConsoleHost;
  window: () => BrowserWindow | null;
}

/** Said once when the old names of the environment override are used. */
export const PROVIDER_FLAG_DEPRECATED =
  '--provider / PAYDESK_PROVIDER 已更名为 --environment / PAYDESK_ENVIRONMENT，旧名称仍可使用 / ' +
  '--provider and PAYDESK_PROVIDER are deprecated: use --environment and PAYDESK_ENVIRONMENT (the old names still work)';

/**
 * `--environment=sandbox` / `--environment sandbox` or PAYDESK_ENVIRONMENT (the command line wins);
 * `--provider` / PAYDESK_PROVIDER are the deprecated old names of the same override (`deprecated` is
 * then true). Unset = the persisted environment (demo on a fresh machine — the console's own default).
 */
export function environmentFrom(argv: readonly string[], env: NodeJS.ProcessEnv): { environment: Environment | undefined; deprecated: boolean } {
  let deprecated = env['PAYDESK_ENVIRONMENT'] === undefined && env['PAYDESK_PROVIDER'] !== undefined;
  let value: string | undefined = env['PAYDESK_ENVIRONMENT'] ?? env['PAYDESK_PROVIDER'];
  argv.forEach((arg, i) => {
    for (const flag of ['--environment', '--provider']) {
      if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
      else if (arg === flag) value = argv[i + 1];
      else continue;
      deprecated ||= flag === '--provider';
    }
  });
  return { environment: ENVIRONMENTS.find((m) => m === value), deprecated };
}

const START_FAILED = 'PayDesk 收银台无法启动 / PayDesk could not start';

/**
 * Start the Electron app. Resolves with the running host, or null when another instance already
 * runs (this one quits and the other focuses its window) or the console failed to start.
 */
export async function startApp(opts: StartAppOptions): Promise<RunningApp | null> {
  const log = opts.log ?? stderrLogger;
  const env = opts.env ?? process.env;
  const argv = opts.argv ?? process.argv;
  if (!app.requestSingleInstanceLock()) {
    log.info('another PayDesk is running; focusing it 已在运行，切换到已打开的窗口');
    app.quit();
    return null;
  }

  let win: BrowserWindow | null = null;
  let host: ConsoleHost | null = null;
  let closed = false;
  let closing = false;

  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // A cashier console has one window; closing it quits on every platform (macOS included), so a
  // hidden app never keeps polling or holding the database.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (closed || !host) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    void closeHost(host, opts.closeTimeoutMs ?? 5000, log).finally(() => {
      closed = true;
      app.quit();
    });
  });
  app.on('web-contents-created', (_event, contents) => {
    // Safety net for any web contents other than our window (which installs its own handlers).
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });

  await app.whenReady();

  const binding = useElectronSqliteBinding({ env, appPath: app.getAppPath(), electronVersion: process.versions.electron });
  if (process.versions.electron && !binding.binding) log.warn(binding.note);
  else log.info(binding.note);

  // Keys are encrypted with the OS keyring (safeStorage); usable only after 'ready'.
  const config: ConsoleConfig = { dataDir: app.getPath('userData'), vault: { kind: 'safeStorage', safeStorage } };
  const override = environmentFrom(argv, env);
  if (override.deprecated) log.warn(PROVIDER_FLAG_DEPRECATED);
  if (override.environment) config.environment = override.environment;
  try {
    host = await opts.createConsole(config);
  } catch (err) {
    log.error(START_FAILED, { error: errorMessage(err) });
    dialog.showErrorBox(START_FAILED, err instanceof Error ? err.message : String(err));
    app.exit(1);
    return null;
  }

  const running = host;
  const info = running.info();
  // Only URLs: the emulator's line also carries (demo) keys, which are not logged here.
  log.info(
    `environment ${info.environment}; notify ${info.notifyUrl ?? 'none (polling)'}` + (info.emulator ? `; emulator ${info.emulator['gateway'] ?? ''}` : ''),
  );

  // electron-vite dev sets ELECTRON_RENDERER_URL; a packaged app never loads a dev server.
  const devServerUrl = app.isPackaged ? undefined : loopbackDevServer(env['ELECTRON_RENDERER_URL']);
  if (env['ELECTRON_RENDERER_URL'] && !devServerUrl) log.warn('ignoring ELECTRON_RENDERER_URL (not a loopback dev server)');
  const devTools = Boolean(devServerUrl) || env['PAYDESK_DEVTOOLS'] === '1';
  installMenu({ devTools, platform: process.platform });
  const main = createMainWindow({
    outDir: opts.outDir,
    devServerUrl,
    devTools,
    externalOrigins: () => emulatorOrigins(running),
    log,
  });
  win = main.win;
  // 客显: the customer display window; it closes with the cashier window (which quits the app).
  const display = createDisplayWindows({ outDir: opts.outDir, devServerUrl, appUrl: main.appUrl, devTools, log });
  main.win.once('closed', () => display.close());
  registerIpc(running, main.win, { appUrl: main.appUrl, log, display });
  // Receipts (小票): the OS printer and PDFs in <userData>/receipts, for the console window only.
  const printer = receiptPrinter({ receiptsDir: join(config.dataDir, 'receipts'), parent: () => win, log });
  const disposeReceipts = registerReceiptIpc(printer, (event) => isTrustedSender(event, main.win, main.appUrl));
  main.win.on('closed', disposeReceipts);
  main.load().catch((err: unknown) => log.error(`could not load 无法加载 ${main.appUrl}`, { error: errorMessage(err) }));
  return { host: running, window: () => win };
}

/** The demo emulator's origin, asked each time (the environment can change in Settings). */
function emulatorOrigins(host: ConsoleHost): string[] {
  const origin = originOf(host.info().emulator?.['gateway']);
  return origin ? [origin] : [];
}

async function closeHost(host: ConsoleHost, timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn(`console did not close within ${timeoutMs} ms; quitting anyway 关闭超时，强制退出`);
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([host.close(), timeout]);
  } catch (err) {
    log.error('closing the console failed 关闭失败', { error: errorMessage(err) });
  } finally {
    clearTimeout(timer);
  }
}
