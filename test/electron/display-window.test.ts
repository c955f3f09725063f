/**
 * 客显 in Electron (vi.mock('electron')): the display window opens full-screen on a second display when
 * there is one, else as a normal window; unplugging its display moves it to the primary (or closes it) and
 * nothing throws; the window reaches display.get and display.updated only, and 打开客显 from the cashier
 * window opens it.
 */
import type { BrowserWindow } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDisplayWindows } from '../../src/main/electron/display-window';
import { DISPLAY_ONLY, registerIpc } from '../../src/main/electron/ipc';
import type { Logger } from '../../src/main/kernel';
import type { DisplayStateDto, OrderDto } from '../../src/shared/contract';
import { display, FakeBrowserWindow, fakeHost, invoke, resetFakeElectron, screen, topFrame } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const APP_URL = 'file:///opt/paydesk/out/renderer/index.html';
const log = (): Logger => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });
const windows = (l = log()) => createDisplayWindows({ outDir: '/opt/paydesk/out/main', appUrl: APP_URL, devTools: false, log: l });
const lastWindow = (): FakeBrowserWindow => {
  const w = FakeBrowserWindow.instances.at(-1);
  if (!w) throw new Error('no window');
  return w;
};

beforeEach(() => resetFakeElectron());

describe('customer display window', () => {
  it('one display: a normal window loading ?view=display, locked down like the cashier window', () => {
    const d = windows();
    d.open();
    const w = lastWindow();
    expect(w.options).toMatchObject({ width: 1024, height: 768 });
    expect(w.options['fullscreen']).toBeUndefined();
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(w.loadFile).toHaveBeenCalledWith('/opt/paydesk/out/renderer/index.html', { query: { view: 'display' } });
    // a second 打开客显 brings the same window forward
    d.open();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(w.focus).toHaveBeenCalled();
  });

  it('a second display: full-screen on it; unplugged → moved to the primary as a normal window, nothing throws', () => {
    screen.displays = [display(1, 0), display(2, 1920, 1280, 800)];
    const l = log();
    const d = windows(l);
    d.open();
    const w = lastWindow();
    expect(w.options).toMatchObject({ x: 1920, y: 0, width: 1280, height: 800, fullscreen: true });
    expect(() => screen.unplug(2)).not.toThrow();
    expect(w.setFullScreen).toHaveBeenCalledWith(false);
    const bounds = w.setBounds.mock.calls[0]?.[0] as { x: number; width: number };
    expect(bounds.x).toBeGreaterThanOrEqual(0);
    expect(bounds.x + bounds.width).toBeLessThanOrEqual(1920);
    expect(d.window()).toBe(w as unknown as BrowserWindow);
    // another display added and removed later (not the window's) changes nothing
    screen.displays.push(display(3, 1920));
    screen.unplug(3);
    expect(w.setBounds).toHaveBeenCalledTimes(1);
  });

  it('unplugged while moving fails → the window closes instead, nothing throws', () => {
    screen.displays = [display(1, 0), display(2, 1920)];
    const d = windows();
    d.open();
    const w = lastWindow();
    w.setBounds.mockImplementation(() => {
      throw new Error('Object has been destroyed');
    });
    expect(() => screen.unplug(2)).not.toThrow();
    expect(w.isDestroyed()).toBe(true);
    expect(d.window()).toBeNull();
    // a window closed by the user is opened anew
    d.open();
    expect(FakeBrowserWindow.instances).toHaveLength(2);
  });
});

describe('IPC of the display window', () => {
  function setup() {
    const fake = fakeHost();
    const main = new FakeBrowserWindow({});
    const d = windows();
    const dispose = registerIpc(fake.host, main as unknown as BrowserWindow, { appUrl: APP_URL, log: log(), display: d });
    return { ...fake, main, d, dispose };
  }

  it('打开客显 from the cashier window opens the display window and answers url: null', async () => {
    const { main, d, dispatch } = setup();
    expect(await invoke('display.open', main.webContents, topFrame(APP_URL), {})).toEqual({ ok: true, value: { url: null } });
    expect(d.window()).not.toBeNull();
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('the display window may read display.get and display.picture only; any command from it is refused and never dispatched', async () => {
    const { main, d, dispatch } = setup();
    await invoke('display.open', main.webContents, topFrame(APP_URL), {});
    const w = lastWindow();
    const frame = topFrame(`${APP_URL}?view=display`);
    expect(await invoke('display.get', w.webContents, frame, {})).toMatchObject({ ok: true });
    expect(dispatch).toHaveBeenCalledWith('display.get', {});
    expect(await invoke('display.picture', w.webContents, frame, {})).toMatchObject({ ok: true });
    expect(dispatch).toHaveBeenCalledWith('display.picture', {});
    dispatch.mockClear();
    for (const channel of ['orders.create', 'orders.refund', 'settings.update', 'display.open', 'pin.set', 'display.setPicture', 'display.clearPicture']) {
      expect(await invoke(channel, w.webContents, frame, { amount: '1.00', method: 'qr' })).toEqual({ ok: false, error: DISPLAY_ONLY });
    }
    expect(dispatch).not.toHaveBeenCalled();
    expect(d.window()).toBe(w as unknown as BrowserWindow);
  });

  it('sends display.updated to the display window, and no order events', () => {
    const { main, emit } = setup();
    return invoke('display.open', main.webContents, topFrame(APP_URL), {}).then(() => {
      const w = lastWindow();
      const state: DisplayStateDto = { kind: 'idle', shopName: 'PayDesk', pictureId: null };
      emit('display.updated', state);
      emit('order.updated', { id: 'T1', status: 'PAID' } as OrderDto);
      expect(w.webContents.send.mock.calls).toEqual([['display.updated', state]]);
      expect(main.webContents.send).toHaveBeenCalledWith('order.updated', expect.anything());
    });
  });
});
