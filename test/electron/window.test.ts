import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { electron, FakeBrowserWindow, resetFakeElectron } from './fake-electron';
import { createMainWindow, preloadPath, rendererUrl } from '../../src/main/electron/window';
import { CONTENT_SECURITY_POLICY, externalUrl, isAppUrl } from '../../src/main/electron/policy';
import type { Logger } from '../../src/main/kernel';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const outDir = resolve('out/main');
const silent: Logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function lastWindow(): FakeBrowserWindow {
  const win = FakeBrowserWindow.instances.at(-1);
  if (!win) throw new Error('no window created');
  return win;
}

function navEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

beforeEach(() => resetFakeElectron());

describe('the window', () => {
  it('is locked down: context isolation, sandbox, no Node, web security, the CJS preload', () => {
    createMainWindow({ outDir, devTools: false, log: silent });
    const prefs = lastWindow().options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs?.['preload']).toBe(resolve('out/preload/index.cjs'));
    expect(preloadPath(outDir)).toBe(resolve('out/preload/index.cjs'));
  });

  it('loads the built renderer from file, or the dev server in dev, only when asked', async () => {
    const built = createMainWindow({ outDir, devTools: false, log: silent });
    expect(built.appUrl).toBe(pathToFileURL(resolve('out/renderer/index.html')).href);
    expect(lastWindow().loadFile).not.toHaveBeenCalled();
    await built.load();
    expect(lastWindow().loadFile).toHaveBeenCalledWith(resolve('out/renderer/index.html'));

    const dev = createMainWindow({ outDir, devServerUrl: 'http://localhost:5173', devTools: true, log: silent });
    expect(dev.appUrl).toBe('http://localhost:5173/');
    await dev.load();
    expect(lastWindow().loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });

  it('denies window.open, opening only https links in the system browser', () => {
    createMainWindow({ outDir, devTools: false, log: silent });
    const open = lastWindow().webContents.openHandler;
    expect(open).not.toBeNull();
    expect(open?.({ url: 'https://opendocs.alipay.com/open/194/106039' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://opendocs.alipay.com/open/194/106039');

    electron.shell.openExternal.mockClear();
    for (const url of [
      'javascript:alert(1)',
      'http://example.com/',
      'file:///etc/passwd',
      'paydesk://settings',
      'https://user:pw@example.com/',
      'not a url',
      'data:text/html,<script>alert(1)</script>',
    ]) {
      expect(open?.({ url })).toEqual({ action: 'deny' });
    }
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it("opens the demo emulator's loopback pages externally, but no other http origin", () => {
    createMainWindow({ outDir, devTools: false, log: silent, externalOrigins: () => ['http://127.0.0.1:4567'] });
    const open = lastWindow().webContents.openHandler;
    open?.({ url: 'http://127.0.0.1:4567/cashier/T1' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('http://127.0.0.1:4567/cashier/T1');
    electron.shell.openExternal.mockClear();
    open?.({ url: 'http://127.0.0.1:9999/cashier/T1' });
    open?.({ url: 'http://example.com:4567/' });
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('prevents navigation away from the app (file build), allows in-app hash routes', () => {
    const { appUrl } = createMainWindow({ outDir, devTools: false, log: silent });
    const wc = lastWindow().webContents;
    const away = navEvent('https://evil.example/phish');
    wc.emit('will-navigate', away);
    expect(away.preventDefault).toHaveBeenCalled();
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://evil.example/phish');

    const otherFile = navEvent('file:///etc/passwd');
    wc.emit('will-navigate', otherFile);
    expect(otherFile.preventDefault).toHaveBeenCalled();
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);

    const inApp = navEvent(`${appUrl}#/orders`);
    wc.emit('will-navigate', inApp);
    expect(inApp.preventDefault).not.toHaveBeenCalled();

    const redirect = navEvent('http://127.0.0.1:1/');
    wc.emit('will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();

    const webview = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('in dev, allows the dev server origin only', () => {
    createMainWindow({ outDir, devServerUrl: 'http://localhost:5173', devTools: true, log: silent });
    const wc = lastWindow().webContents;
    const same = navEvent('http://localhost:5173/settings');
    const otherPort = navEvent('http://localhost:5174/');
    wc.emit('will-navigate', same);
    wc.emit('will-navigate', otherPort);
    expect(same.preventDefault).not.toHaveBeenCalled();
    expect(otherPort.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    createMainWindow({ outDir, devTools: false, log: silent });
    const session = lastWindow().webContents.session;
    const request = session.setPermissionRequestHandler.mock.calls[0]?.[0] as (wc: unknown, permission: string, cb: (granted: boolean) => void) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read']) {
      const cb = vi.fn();
      request({}, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    const check = session.setPermissionCheckHandler.mock.calls[0]?.[0] as () => boolean;
    expect(check()).toBe(false);
  });

  it('sets the CSP header on every response, replacing one the server sent', () => {
    createMainWindow({ outDir, devTools: false, log: silent });
    const listener = lastWindow().webContents.session.webRequest.onHeadersReceived.mock.calls[0]?.[0] as (
      details: { responseHeaders?: Record<string, string[]> },
      cb: (r: { responseHeaders: Record<string, string[]> }) => void,
    ) => void;
    const cb = vi.fn();
    listener({ responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } }, cb);
    expect(cb).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});

describe('policy', () => {
  it('recognises our app URL', () => {
    const file = rendererUrl(outDir);
    expect(isAppUrl(`${file}?x=1#/a`, file)).toBe(true);
    expect(isAppUrl(pathToFileURL(resolve('out/renderer/other.html')).href, file)).toBe(false);
    expect(isAppUrl('http://localhost:5173/a', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('https://localhost:5173/a', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('garbage', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('about:blank', file)).toBe(false);
  });

  it('normalises allowed external URLs with new URL', () => {
    expect(externalUrl('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
    expect(externalUrl(' javascript:alert(1)')).toBeNull();
    expect(externalUrl('http://127.0.0.1:4567/x', ['http://127.0.0.1:4567'])).toBe('http://127.0.0.1:4567/x');
    expect(externalUrl('http://evil.example/x', ['http://evil.example'])).toBeNull(); // only loopback
  });
});
