import type { BrowserWindow } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { electron, FakeBrowserWindow, FakeWebContents, fakeHost, invoke, ipcHandlers, resetFakeElectron, topFrame } from './fake-electron';
import { FORBIDDEN, INTERNAL, registerIpc } from '../../src/main/electron/ipc';
import type { Logger } from '../../src/main/kernel';
import { CHANNELS, EVENT_NAMES, type OrderDto } from '../../src/shared/contract';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const APP_URL = 'file:///opt/paydesk/out/renderer/index.html';

function setup() {
  const fake = fakeHost();
  const win = new FakeBrowserWindow({});
  const log: Logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  // The fake window stands in for a BrowserWindow: registerIpc uses only what the fake implements.
  const dispose = registerIpc(fake.host, win as unknown as BrowserWindow, { appUrl: APP_URL, log });
  return { ...fake, win, log, dispose };
}

const order = { id: 'T1', status: 'PAID' } as OrderDto;

beforeEach(() => resetFakeElectron());

describe('registerIpc', () => {
  it('registers every contract channel exactly once', () => {
    setup();
    const registered = electron.ipcMain.handle.mock.calls.map((c) => c[0]);
    expect(registered).toHaveLength(CHANNELS.length);
    expect(new Set(registered)).toEqual(new Set(CHANNELS));
  });

  it("passes our window's call to dispatch with the raw input and returns its result", async () => {
    const { win, dispatch } = setup();
    const raw = { amount: '12.34', method: 'qr', extra: 'left for zod to reject' };
    const result = await invoke('orders.create', win.webContents, topFrame(`${APP_URL}#/checkout`), raw);
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(dispatch).toHaveBeenCalledWith('orders.create', raw);
    expect(result).toEqual({ ok: true, value: { channel: 'orders.create', raw } });
  });

  it('rejects a foreign sender with FORBIDDEN without calling dispatch', async () => {
    const { win, dispatch, log } = setup();
    const cases = [
      { sender: new FakeWebContents(), frame: topFrame(APP_URL) }, // another window / webContents
      { sender: win.webContents, frame: { url: APP_URL, parent: topFrame(APP_URL) } }, // a subframe
      { sender: win.webContents, frame: topFrame('https://evil.example/') }, // navigated elsewhere
      { sender: win.webContents, frame: topFrame('file:///tmp/evil.html') }, // another local file
      { sender: win.webContents, frame: null }, // frame gone
    ];
    for (const c of cases) {
      const result = await invoke('orders.refund', c.sender, c.frame, { id: 'T1', amount: '1.00' });
      expect(result).toEqual({ ok: false, error: FORBIDDEN });
    }
    expect(dispatch).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(cases.length);
    expect(FORBIDDEN.message).toMatch(/拒绝.*Forbidden/);
  });

  it('maps a throwing dispatch to INTERNAL instead of rejecting the invoke', async () => {
    const { win, dispatch } = setup();
    dispatch.mockRejectedValueOnce(new Error('boom'));
    await expect(invoke('status.get', win.webContents, topFrame(APP_URL), {})).resolves.toEqual({
      ok: false,
      error: INTERNAL,
    });
  });

  it('forwards console events to the window and unsubscribes when it closes', () => {
    const { win, emit, listenerCount } = setup();
    for (const name of EVENT_NAMES) expect(listenerCount(name)).toBe(1);
    emit('order.updated', order);
    expect(win.webContents.send).toHaveBeenCalledWith('order.updated', order);

    win.close();
    for (const name of EVENT_NAMES) expect(listenerCount(name)).toBe(0);
    expect(ipcHandlers.size).toBe(0);
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledTimes(CHANNELS.length);
  });

  it('does not send to a destroyed window, and can register again for a new window', () => {
    const first = setup();
    first.win.webContents.destroyed = true;
    first.emit('order.updated', order);
    expect(first.win.webContents.send).not.toHaveBeenCalled();
    first.dispose();
    first.dispose(); // idempotent
    expect(() => setup()).not.toThrow();
  });
});
