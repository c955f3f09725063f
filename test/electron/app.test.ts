import { resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, electron, FakeBrowserWindow, fakeHost, ipcHandlers, resetFakeElectron } from './fake-electron';
import { environmentFrom, PROVIDER_FLAG_DEPRECATED, startApp } from '../../src/main/electron/app';
import type { Logger } from '../../src/main/kernel';
import { CHANNELS } from '../../src/shared/contract';
import { RECEIPT_PDF_CHANNEL, RECEIPT_PRINT_CHANNEL } from '../../src/shared/receipt';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const outDir = resolve('out/main');
const logs: string[] = [];
const log: Logger = {
  info: (m) => logs.push(m),
  warn: (m) => logs.push(m),
  error: (m) => logs.push(m),
};

beforeEach(() => {
  resetFakeElectron();
  logs.length = 0;
});

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe('startApp', () => {
  it('creates the console in userData (persisted mode, demo by default), a window and the IPC', async () => {
    const fake = fakeHost('http://127.0.0.1:4567/gateway.do');
    const createConsole = vi.fn(async () => fake.host);
    const running = await startApp({ createConsole, outDir, env: {}, argv: [], log });
    expect(running?.host).toBe(fake.host);
    expect(createConsole).toHaveBeenCalledExactlyOnceWith({
      dataDir: '/tmp/paydesk-user-data',
      vault: { kind: 'safeStorage', safeStorage: electron.safeStorage },
    });
    const win = only(FakeBrowserWindow.instances);
    expect(running?.window()).toBe(win);
    // the contract's channels and the two receipt channels (receipt-print.ts)
    expect(new Set(ipcHandlers.keys())).toEqual(new Set([...CHANNELS, RECEIPT_PRINT_CHANNEL, RECEIPT_PDF_CHANNEL]));
    expect(win.loadFile).toHaveBeenCalledWith(resolve('out/renderer/index.html'));
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalled();
    expect(win.options.webPreferences?.['devTools']).toBe(false);
    // The demo emulator's customer pages may open in the browser; its demo key is never logged.
    win.webContents.openHandler?.({ url: 'http://127.0.0.1:4567/cashier/T1' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('http://127.0.0.1:4567/cashier/T1');
    expect(logs.join('\n')).not.toContain('SECRET-DEMO-KEY');
  });

  it('passes an explicit environment and uses the dev server with DevTools in dev', async () => {
    const createConsole = vi.fn(async () => fakeHost().host);
    await startApp({
      createConsole,
      outDir,
      env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' },
      argv: ['electron', '.', '--environment=sandbox'],
      log,
    });
    expect(createConsole).toHaveBeenCalledWith({
      dataDir: '/tmp/paydesk-user-data',
      vault: { kind: 'safeStorage', safeStorage: electron.safeStorage },
      environment: 'sandbox',
    });
    const win = only(FakeBrowserWindow.instances);
    expect(win.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(win.options.webPreferences?.['devTools']).toBe(true);
  });

  it('never loads a non-loopback ELECTRON_RENDERER_URL, nor any dev server when packaged', async () => {
    await startApp({
      createConsole: async () => fakeHost().host,
      outDir,
      env: { ELECTRON_RENDERER_URL: 'https://evil.example/' },
      argv: [],
      log,
    });
    expect(only(FakeBrowserWindow.instances).loadURL).not.toHaveBeenCalled();
    resetFakeElectron();
    app.isPackaged = true;
    try {
      await startApp({
        createConsole: async () => fakeHost().host,
        outDir,
        env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' },
        argv: [],
        log,
      });
      const win = only(FakeBrowserWindow.instances);
      expect(win.loadURL).not.toHaveBeenCalled();
      expect(win.loadFile).toHaveBeenCalled();
    } finally {
      app.isPackaged = false;
    }
  });

  it('quits at once when another instance holds the lock', async () => {
    app.requestSingleInstanceLock.mockImplementation(() => false);
    const createConsole = vi.fn(async () => fakeHost().host);
    await expect(startApp({ createConsole, outDir, env: {}, argv: [], log })).resolves.toBeNull();
    expect(app.quit).toHaveBeenCalled();
    expect(createConsole).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    await startApp({ createConsole: async () => fakeHost().host, outDir, env: {}, argv: [], log });
    const win = only(FakeBrowserWindow.instances);
    win.minimized = true;
    app.emit('second-instance');
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });

  it('closes the console before quitting, once', async () => {
    const fake = fakeHost();
    let finishClose: () => void = () => {};
    fake.close.mockImplementation(() => new Promise<void>((r) => (finishClose = r)));
    await startApp({ createConsole: async () => fake.host, outDir, env: {}, argv: [], log });

    const first = { preventDefault: vi.fn() };
    app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(fake.close).toHaveBeenCalledTimes(1);
    const again = { preventDefault: vi.fn() };
    app.emit('before-quit', again); // a second Cmd+Q while closing
    expect(again.preventDefault).toHaveBeenCalled();
    expect(fake.close).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();

    finishClose();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    const last = { preventDefault: vi.fn() };
    app.emit('before-quit', last);
    expect(last.preventDefault).not.toHaveBeenCalled();
  });

  it('quits anyway when the console does not close in time', async () => {
    const fake = fakeHost();
    fake.close.mockImplementation(() => new Promise<void>(() => {}));
    await startApp({ createConsole: async () => fake.host, outDir, env: {}, argv: [], log, closeTimeoutMs: 10 });
    app.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
  });

  it('quits when the window is closed', async () => {
    await startApp({ createConsole: async () => fakeHost().host, outDir, env: {}, argv: [], log });
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalled();
  });

  it('shows a bilingual error and exits 1 when the console cannot start', async () => {
    const createConsole = vi.fn(async () => {
      throw new Error('database is locked');
    });
    await expect(startApp({ createConsole, outDir, env: {}, argv: [], log })).resolves.toBeNull();
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith(expect.stringMatching(/无法启动.*could not start/), 'database is locked');
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('denies window.open for any other web contents (safety net)', async () => {
    await startApp({ createConsole: async () => fakeHost().host, outDir, env: {}, argv: [], log });
    const contents = { setWindowOpenHandler: vi.fn(), on: vi.fn() };
    app.emit('web-contents-created', {}, contents);
    const handler = contents.setWindowOpenHandler.mock.calls[0]?.[0] as () => unknown;
    expect(handler()).toEqual({ action: 'deny' });
  });
});

describe('environmentFrom', () => {
  it('reads --environment / PAYDESK_ENVIRONMENT and ignores anything not an environment', () => {
    expect(environmentFrom([], {})).toEqual({ environment: undefined, deprecated: false });
    expect(environmentFrom(['--environment', 'production'], {})).toEqual({ environment: 'production', deprecated: false });
    expect(environmentFrom([], { PAYDESK_ENVIRONMENT: 'demo' })).toEqual({ environment: 'demo', deprecated: false });
    expect(environmentFrom(['--environment=sandbox'], { PAYDESK_ENVIRONMENT: 'demo' }).environment).toBe('sandbox');
    expect(environmentFrom(['--environment=prod'], {}).environment).toBeUndefined();
  });

  it('still reads the deprecated --provider / PAYDESK_PROVIDER, and says they are deprecated', () => {
    expect(environmentFrom(['--provider', 'production'], {})).toEqual({ environment: 'production', deprecated: true });
    expect(environmentFrom([], { PAYDESK_PROVIDER: 'demo' })).toEqual({ environment: 'demo', deprecated: true });
    expect(environmentFrom(['--provider=sandbox'], { PAYDESK_PROVIDER: 'demo' })).toEqual({ environment: 'sandbox', deprecated: true });
    expect(environmentFrom(['--provider=prod'], {}).environment).toBeUndefined();
    // the new name wins over the old one in the environment; the command line over both
    expect(environmentFrom([], { PAYDESK_ENVIRONMENT: 'sandbox', PAYDESK_PROVIDER: 'demo' })).toEqual({ environment: 'sandbox', deprecated: false });
    expect(environmentFrom(['--environment', 'production'], { PAYDESK_PROVIDER: 'demo' }).environment).toBe('production');
  });

  it('logs the deprecation once when the app is started with --provider', async () => {
    const createConsole = vi.fn(async () => fakeHost().host);
    const warnings: unknown[] = [];
    await startApp({
      createConsole,
      outDir,
      env: {},
      argv: ['electron', '.', '--provider', 'sandbox'],
      log: { ...log, warn: (...a: unknown[]) => warnings.push(a[0]) },
    });
    expect(createConsole).toHaveBeenCalledWith(expect.objectContaining({ environment: 'sandbox' }));
    expect(warnings.filter((w) => w === PROVIDER_FLAG_DEPRECATED)).toHaveLength(1);
    expect(PROVIDER_FLAG_DEPRECATED).toMatch(/已更名.* \/ .*deprecated/);
  });
});
