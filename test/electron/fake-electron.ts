/**
 * A small in-memory stand-in for the parts of 'electron' the shell uses, so src/main/electron and
 * src/preload run in plain Node (docs/architecture.md, Conventions, "Tests": only the Electron glue is
 * tested with vi.mock('electron')). Each test file does
 *   vi.mock('electron', async () => (await import('./fake-electron')).electron);
 * and uses the same module instance to inspect and drive it. `resetFakeElectron()` between tests.
 */
import { vi } from 'vitest';
import type { ConsoleHost } from '../../src/main/console-host';
import type { Channel, ConsoleEvents, EventName, Result } from '../../src/shared/contract';

type Listener = (...args: unknown[]) => void;

/** Minimal EventEmitter with on/once/emit, enough for app, windows and web contents. */
class Emitter {
  private readonly listeners = new Map<string, { fn: Listener; once: boolean }[]>();
  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: false }]);
    return this;
  }
  once(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: true }]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(
      event,
      list.filter((l) => !l.once),
    );
    for (const l of list) l.fn(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
  removeAllListeners(): void {
    this.listeners.clear();
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

export class FakeSession {
  setPermissionRequestHandler = vi.fn();
  setPermissionCheckHandler = vi.fn();
  webRequest = { onHeadersReceived: vi.fn() };
}

let nextId = 1;
export class FakeWebContents extends Emitter {
  readonly id = nextId++;
  session = new FakeSession();
  destroyed = false;
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  send = vi.fn();
  setWindowOpenHandler = vi.fn((h: (details: { url: string }) => { action: string }) => {
    this.openHandler = h;
  });
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Receipts: the OS printers (none by default, like a machine without one), print and printToPDF. */
  printers: { name: string; displayName: string; description: string; options: Record<string, string> }[] = [];
  getPrintersAsync = vi.fn(async () => this.printers);
  /** How print's callback answers: (success, failureReason). */
  printOutcome: [boolean, string] = [true, ''];
  print = vi.fn((_options: Record<string, unknown>, callback: (success: boolean, reason: string) => void) => {
    setTimeout(() => callback(...this.printOutcome), 1);
  });
  printToPDF = vi.fn(async (_options: Record<string, unknown>) => Buffer.from('%PDF-1.4 fake receipt\n%%EOF\n'));
}

export class FakeBrowserWindow extends Emitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  loadURL = vi.fn(async (_url: string) => {});
  loadFile = vi.fn(async (_path: string) => {});
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  setFullScreen = vi.fn();
  setBounds = vi.fn();
  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  destroy(): void {
    this.close();
  }
  /** Simulate the user closing the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export interface FakeDisplay {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
  workArea: { x: number; y: number; width: number; height: number };
}

/** electron.screen: the displays attached (the first is the primary); unplugging emits display-removed. */
class FakeScreen extends Emitter {
  displays: FakeDisplay[] = [];
  getAllDisplays = vi.fn(() => [...this.displays]);
  getPrimaryDisplay = vi.fn(() => {
    const primary = this.displays[0];
    if (!primary) throw new Error('no display');
    return primary;
  });
  removeListener(event: string, _fn: Listener): this {
    // enough for the glue: the tests only check that nothing fires after close
    this.removed.push(event);
    return this;
  }
  removed: string[] = [];
  /** Unplug a display the way Electron reports it. */
  unplug(id: number): void {
    const d = this.displays.find((x) => x.id === id);
    this.displays = this.displays.filter((x) => x.id !== id);
    if (d) this.emit('display-removed', {}, d);
  }
}
export const screen = new FakeScreen();
export function display(id: number, x: number, width = 1920, height = 1080): FakeDisplay {
  return { id, bounds: { x, y: 0, width, height }, workArea: { x, y: 0, width, height: height - 40 } };
}

type InvokeHandler = (event: unknown, raw: unknown) => Promise<unknown>;
export const ipcHandlers = new Map<string, InvokeHandler>();

const ipcMain = {
  handle: vi.fn((channel: string, fn: InvokeHandler) => {
    // Electron throws on a second handler for the same channel; so do we.
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcHandlers.set(channel, fn);
  }),
  removeHandler: vi.fn((channel: string) => {
    ipcHandlers.delete(channel);
  }),
};

/** Call a registered handler the way Electron would for an invoke from `sender`/`frame`. */
export function invoke(channel: string, sender: { id: number }, frame: FakeFrame | null, raw: unknown): Promise<unknown> {
  const fn = ipcHandlers.get(channel);
  if (!fn) throw new Error(`no handler for ${channel}`);
  return fn({ sender, senderFrame: frame }, raw);
}

/** The app's top frame showing `url`. */
export function topFrame(url: string): FakeFrame {
  return { url, parent: null };
}

class FakeApp extends Emitter {
  isPackaged = false;
  requestSingleInstanceLock = vi.fn(() => true);
  whenReady = vi.fn(async () => {});
  getPath = vi.fn((_name: string) => '/tmp/paydesk-user-data');
  getAppPath = vi.fn(() => '/tmp/paydesk-app');
  quit = vi.fn();
  exit = vi.fn();
}
export const app = new FakeApp();

const rendererListeners = new Map<string, Set<Listener>>();
export const ipcRenderer = {
  invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } })),
  on: vi.fn((channel: string, fn: Listener) => {
    const set = rendererListeners.get(channel) ?? new Set<Listener>();
    set.add(fn);
    rendererListeners.set(channel, set);
    return ipcRenderer;
  }),
  removeListener: vi.fn((channel: string, fn: Listener) => {
    rendererListeners.get(channel)?.delete(fn);
    return ipcRenderer;
  }),
};
/** Deliver a main → renderer message as Electron would: (event, payload). */
export function emitToRenderer(channel: string, payload: unknown): void {
  for (const fn of rendererListeners.get(channel) ?? []) fn({ sender: ipcRenderer }, payload);
}
export function rendererListenerCount(channel: string): number {
  return rendererListeners.get(channel)?.size ?? 0;
}

export const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  screen,
  ipcMain,
  ipcRenderer,
  contextBridge: { exposeInMainWorld: vi.fn() },
  shell: { openExternal: vi.fn(async (_url: string) => {}) },
  dialog: {
    showErrorBox: vi.fn(),
    showSaveDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({ canceled: true })),
  },
  /** Reversible "encryption" — enough for the glue tests; the vault's own tests cover the real logic. */
  safeStorage: {
    isEncryptionAvailable: vi.fn(() => true),
    encryptString: vi.fn((text: string) => Buffer.from(text, 'utf8').reverse()),
    decryptString: vi.fn((data: Buffer) => Buffer.from(data).reverse().toString('utf8')),
    getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
  },
  Menu: {
    buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
    setApplicationMenu: vi.fn(),
  },
};

export function resetFakeElectron(): void {
  vi.clearAllMocks();
  ipcHandlers.clear();
  rendererListeners.clear();
  FakeBrowserWindow.instances = [];
  app.requestSingleInstanceLock.mockImplementation(() => true);
  app.whenReady.mockImplementation(async () => {});
  app.removeAllListeners();
  screen.removeAllListeners();
  screen.displays = [display(1, 0)];
  screen.removed = [];
}

/** A fake ConsoleHost: dispatch echoes, events can be emitted, listeners are counted. */
export function fakeHost(emulatorGateway: string | null = null) {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const dispatch = vi.fn(async (channel: Channel, raw: unknown): Promise<Result<unknown>> => ({ ok: true, value: { channel, raw } }));
  const close = vi.fn(async () => {});
  const host: ConsoleHost = {
    dispatch: dispatch as unknown as ConsoleHost['dispatch'],
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => {
        set.delete(listener);
      };
    },
    info: () => ({
      environment: 'demo',
      notifyUrl: null,
      emulator: emulatorGateway ? { gateway: emulatorGateway, appPrivateKey: 'SECRET-DEMO-KEY' } : null,
    }),
    close,
  };
  return {
    host,
    dispatch,
    close,
    emit<E extends EventName>(event: E, payload: ConsoleEvents[E]): void {
      for (const l of listeners.get(event) ?? []) (l as (p: ConsoleEvents[E]) => void)(payload);
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}
