import { beforeAll, describe, expect, it, vi } from 'vitest';
import { electron, emitToRenderer, rendererListenerCount } from './fake-electron';
import { CHANNELS, EVENT_NAMES, eventMethodName, methodName, type OrderDto } from '../../src/shared/contract';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

/** What the preload handed to contextBridge (the renderer's `window.paydesk`). */
let exposed: Record<string, unknown>;

beforeAll(async () => {
  await import('../../src/preload/index');
  // window.paydesk (the contract) and window.paydeskPrinter (receipts, receipt-print.test.ts)
  const calls = electron.contextBridge.exposeInMainWorld.mock.calls as [string, Record<string, unknown>][];
  expect(calls.map(([key]) => key)).toEqual(['paydesk', 'paydeskPrinter']);
  exposed = calls[0]![1];
});

function method(name: string): (arg: unknown) => unknown {
  const fn = exposed[name];
  if (typeof fn !== 'function') throw new Error(`${name} is not a function`);
  return fn as (arg: unknown) => unknown;
}

describe('preload', () => {
  it('exposes exactly one method per channel and one per event, nothing else', () => {
    const expected = [...CHANNELS.map(methodName), ...EVENT_NAMES.map(eventMethodName)].sort();
    expect(Object.keys(exposed).sort()).toEqual(expected);
    for (const value of Object.values(exposed)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(electron.ipcRenderer.invoke);
      expect(value).not.toBe(electron.ipcRenderer.on);
    }
    expect(exposed).not.toHaveProperty('invoke');
    expect(exposed).not.toHaveProperty('ipcRenderer');
  });

  it('each command invokes its own channel with the input and returns the result', async () => {
    for (const channel of CHANNELS) {
      electron.ipcRenderer.invoke.mockClear();
      const input = { probe: channel };
      await expect(method(methodName(channel))(input)).resolves.toEqual({ ok: true, value: { channel, input } });
      expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(channel, input);
    }
  });

  it('onX delivers only the payload and returns a working unsubscribe', () => {
    for (const event of EVENT_NAMES) {
      const listener = vi.fn();
      const unsubscribe = method(eventMethodName(event))(listener);
      expect(typeof unsubscribe).toBe('function');
      expect(rendererListenerCount(event)).toBe(1);

      const payload = { id: 'T1' } as OrderDto;
      emitToRenderer(event, payload);
      expect(listener).toHaveBeenCalledExactlyOnceWith(payload); // not the IpcRendererEvent

      (unsubscribe as () => void)();
      expect(rendererListenerCount(event)).toBe(0);
      emitToRenderer(event, payload);
      expect(listener).toHaveBeenCalledTimes(1);
    }
  });

  it('keeps two subscriptions independent', () => {
    const a = vi.fn();
    const b = vi.fn();
    const offA = method('onStatusChanged')(a) as () => void;
    const offB = method('onStatusChanged')(b) as () => void;
    offA();
    emitToRenderer('status.changed', { warnings: [] });
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
    offB();
  });
});

describe('preload: receipts (window.paydeskPrinter)', () => {
  it('exposes only printReceipt and saveReceiptPdf, each invoking its own receipt channel with the job and options', async () => {
    const calls = electron.contextBridge.exposeInMainWorld.mock.calls as [string, Record<string, (...a: unknown[]) => Promise<unknown>>][];
    const printer = calls[1]![1];
    expect(Object.keys(printer).sort()).toEqual(['printReceipt', 'saveReceiptPdf']);
    electron.ipcRenderer.invoke.mockClear();
    await printer['printReceipt']!({ name: 'a' }, { silent: true });
    await printer['saveReceiptPdf']!({ name: 'a' }, { ask: false });
    expect(electron.ipcRenderer.invoke.mock.calls).toEqual([
      ['receipt.print', { name: 'a' }, { silent: true }],
      ['receipt.pdf', { name: 'a' }, { ask: false }],
    ]);
  });
});
