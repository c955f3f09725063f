/**
 * The Alipay gateway emulator (docs/emulator.md): a real HTTP server on 127.0.0.1 that speaks gateway.do v2
 * (signatures, trade APIs and notifications: docs/emulator.md, "Alipay sources") so the official alipay-sdk
 * works against it unchanged. The same server also speaks WeChat Pay API v3 (wechat/, `credentials.wechat`;
 * docs/emulator.md).
 *
 * ```ts
 * const emu = await startEmulator({ port: 0, stateDir, timeScale: 1000 });
 * emu.credentials; // { gateway, appId, sellerId, appPrivateKey, alipayPublicKey, control }
 * await emu.close();
 * ```
 */
import type http from 'node:http';
import type net from 'node:net';
import { createPrivateKey } from 'node:crypto';
import { AppRegistry, newAppId, newSellerId } from './apps';
import { BillStore } from './bill';
import { ScaledClock } from './clock';
import { FaultRegistry } from './faults';
import { Notifier } from './notifier';
import { createEmulatorServer } from './server';
import { generateRsaKeyPair, type PemKeyPair } from './signing';
import { loadState, saveState, type EmulatorState } from './state-file';
import { TradeEngine } from './trades';
import { generateWechatKeys, WechatSide, type WechatCredentials, type WechatKeyPairs, type WechatState } from './wechat';

export { TEST_AUTH_CODES, BUYERS } from './test-codes';
export { NOTIFY_RETRY_DELAYS_MS, type NotificationAttempt } from './notifier';
export type { TradeRecord, TradeStatus } from './types';
export { generateRsaKeyPair, type PemKeyPair } from './signing';
export {
  WECHAT_TEST_AUTH_CODES,
  WECHAT_BUYERS,
  WECHAT_NOTIFY_RETRY_DELAYS_MS,
  REFUND_SETTLE_MS,
  type WechatCredentials,
  type WechatKeyPairs,
  type WxNotificationAttempt,
} from './wechat';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) = any free port. */
  port?: number;
  /** Keep keys, apps and trades in `<stateDir>/state.json` across restarts. */
  stateDir?: string;
  /** Emulated time runs this many times faster (expiry, 付款码 confirm delay, notify retries). Default 1. */
  timeScale?: number;
  /** Real ms before a notification delivery is abandoned. Default 5000. */
  notifyTimeoutMs?: number;
  /**
   * Send TRADE_CLOSED on a full refund (Alipay's 异步通知说明 lists it; some integrators see none). Default
   * true.
   */
  notifyOnFullRefund?: boolean;
  /**
   * Key pairs to use instead of generating new ones on a first start (tests reuse pairs to save the
   * ~0.1 s each 2048-bit generation costs). Ignored when stateDir already holds a state.
   */
  keys?: { alipay?: PemKeyPair; app?: PemKeyPair; wechat?: WechatKeyPairs };
  /** Log sink (default: nothing; the CLI logs to stderr). */
  log?: (msg: string) => void;
}

/** The credentials a merchant configures (the CLI's JSON line). */
export interface EmulatorCredentials {
  gateway: string;
  appId: string;
  sellerId: string;
  /** PKCS8 PEM `-----BEGIN PRIVATE KEY-----` of the default app. */
  appPrivateKey: string;
  /** SPKI PEM `-----BEGIN PUBLIC KEY-----` of the emulator's "Alipay" key. */
  alipayPublicKey: string;
  control: string;
  /** The WeChat Pay API v3 side (docs/emulator.md "WeChat Pay"). */
  wechat: WechatCredentials;
}

/** A running emulator. */
export interface RunningEmulator {
  credentials: EmulatorCredentials;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Stop timers, deliveries and the server (incl. hanging sockets); flushes the state file. */
  close(): Promise<void>;
}

async function initialState(options: EmulatorOptions): Promise<EmulatorState> {
  const newWechat = async (): Promise<WechatState> => ({ keys: await generateWechatKeys(Date.now(), options.keys?.wechat), signer: 'publicKey', trades: [] });
  const loaded = options.stateDir ? loadState(options.stateDir) : undefined;
  if (loaded) {
    loaded.wechat ??= await newWechat();
    return loaded;
  }
  // Both providers' keys at once (2 + 3 RSA pairs in parallel, off the main thread).
  const [alipay, app, wechat] = await Promise.all([options.keys?.alipay ?? generateRsaKeyPair(), options.keys?.app ?? generateRsaKeyPair(), newWechat()]);
  return {
    version: 1,
    alipay,
    apps: [{ appId: newAppId(), sellerId: newSellerId(), publicKeyPem: app.publicKeyPem, privateKeyPem: app.privateKeyPem }],
    trades: [],
    wechat,
  };
}

/** Start the emulator. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? (() => undefined);
  const state = await initialState(options);
  const clock = new ScaledClock(options.timeScale ?? 1);
  const faults = new FaultRegistry();
  const apps = new AppRegistry();
  for (const a of state.apps) apps.add(a);
  const alipayPrivateKey = createPrivateKey(state.alipay.privateKeyPem);
  const bills = new BillStore();
  let port = 0;
  const baseUrl = (): string => `http://127.0.0.1:${port}`;

  let saveQueued = false;
  let closed = false;
  const flush = (): void => {
    saveQueued = false;
    if (options.stateDir) saveState(options.stateDir, { ...state, apps: apps.list(), trades: engine.list(), wechat: wechat.state() });
  };
  const persist = (): void => {
    if (!options.stateDir || saveQueued || closed) return;
    saveQueued = true;
    setImmediate(flush);
  };

  const notifier = new Notifier({
    clock,
    faults,
    alipayPrivateKey,
    app: (id) => apps.get(id),
    timeoutMs: options.notifyTimeoutMs ?? 5000,
    notifyOnFullRefund: options.notifyOnFullRefund ?? true,
    log,
  });
  const engine: TradeEngine = new TradeEngine(clock, (e) => notifier.handle(e), persist);
  engine.restore(state.trades);

  const hanging = new Set<http.ServerResponse>();
  const hangTimers = new Set<NodeJS.Timeout>();
  const onHang = (res: http.ServerResponse, ms: number): void => {
    hanging.add(res);
    const t = setTimeout(() => {
      hangTimers.delete(t);
      hanging.delete(res);
      res.socket?.destroy();
    }, ms);
    hangTimers.add(t);
  };
  const wechat = new WechatSide({
    clock,
    state: state.wechat as WechatState,
    baseUrl,
    persist,
    notifyTimeoutMs: options.notifyTimeoutMs ?? 5000,
    log,
    onHang,
  });
  const server = createEmulatorServer({
    engine,
    clock,
    bills,
    alipayPrivateKey,
    baseUrl,
    apps,
    faults,
    notifier,
    persist,
    log,
    onHang,
    wechat,
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    // e.g. EADDRINUSE: leave no timers behind.
    clock.close();
    notifier.close();
    wechat.close();
    throw e;
  }
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  if (options.stateDir) flush();

  const defaultApp = apps.list()[0];
  if (!defaultApp?.privateKeyPem) throw new Error('state has no default app key');
  const credentials: EmulatorCredentials = {
    gateway: `${baseUrl()}/gateway.do`,
    appId: defaultApp.appId,
    sellerId: defaultApp.sellerId,
    appPrivateKey: defaultApp.privateKeyPem,
    alipayPublicKey: state.alipay.publicKeyPem,
    control: `${baseUrl()}/__emulator`,
    wechat: wechat.credentials(),
  };
  log(`emulator listening on ${baseUrl()} (time scale ${clock.timeScale})`);

  return {
    credentials,
    url: baseUrl(),
    port,
    close: async () => {
      if (closed) return;
      if (saveQueued) flush();
      closed = true;
      clock.close();
      notifier.close();
      wechat.close();
      for (const t of hangTimers) clearTimeout(t);
      hangTimers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
