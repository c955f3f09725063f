/**
 * The WeChat Pay fault tests' harness: the real payment core (its notify server, its SQLite file in a temp
 * dir) hosting the WeChat adapter built by the default registry, against the embedded emulator over real
 * HTTP on port 0. Unlike core-harness.ts it can start a second core on the same database (a restart after a
 * crash) and lower the adapter's request timeout, so that tests run past every timeout instead of sleeping.
 */
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { systemClock } from '../../../src/main/kernel';
import { createPaymentCore, type PaymentCore, type PaymentCoreConfig } from '../../../src/main/payments';
import { defaultProviderRegistry } from '../../../src/main/providers/registry';
import { makeTempDir, memoryLogger } from '../../support';
import { settingsFor } from './core-harness';
import { testKeys, wxControl } from './helpers';

/** A core's settings in these tests: the core's own plus the WeChat adapter's request timeout. */
export type WxCoreOptions = Partial<Omit<PaymentCoreConfig, 'providers' | 'dbPath'>> & { timeoutMs?: number };

/** A WeChat trade as the emulator's control API shows it (docs/emulator.md "WeChat Pay → Control API"). */
export interface WxTradeView {
  state: string;
  total: number;
  refunds: { outRefundNo: string; status: string; refund: number }[];
}

/** One delivery attempt as the emulator lists it. */
export interface WxDeliveryView {
  eventType: string;
  outTradeNo: string;
  notifyId: string;
  attempt: number;
  status: number | null;
  accepted: boolean;
}

export interface WxFaultEnv {
  emu: RunningEmulator;
  /** What the emulator logged. */
  emuLog: readonly string[];
  /** The first core (started). */
  core: PaymentCore;
  /** Another core on the same database (the app started again); the caller closes the previous one first. */
  newCore(over?: WxCoreOptions): Promise<PaymentCore>;
  fault(f: { kind: string; method?: string; count?: number; ms?: number; apply?: boolean }): Promise<void>;
  clearFaults(): Promise<void>;
  /** Faults still registered (a used-up fault is gone). */
  faults(): Promise<{ kind: string; remaining: number }[]>;
  trade(no: string): Promise<WxTradeView>;
  deliveries(no: string): Promise<WxDeliveryView[]>;
  /** The buyer pays a Native trade on the emulator (its control API, as the buyer page does). */
  pay(no: string): Promise<number>;
}

/** Start the emulator (`timeScale` emulated ms per real ms) and one core hosting WeChat Pay. */
export async function wxFaultEnv(first: WxCoreOptions = {}, emulator: { timeScale?: number } = {}): Promise<WxFaultEnv> {
  const keys = await testKeys();
  const tmp = makeTempDir();
  onTestFinished(() => tmp.cleanup());
  const emuLog: string[] = [];
  const emu = await startEmulator({
    port: 0,
    keys,
    stateDir: join(tmp.dir, 'emu'),
    timeScale: emulator.timeScale ?? 1,
    log: (m) => emuLog.push(m),
  });
  onTestFinished(() => emu.close());
  const logger = memoryLogger();
  const registry = defaultProviderRegistry();
  const dbPath = join(tmp.dir, 'paydesk.db');
  const newCore = async (over: WxCoreOptions = {}): Promise<PaymentCore> => {
    const { timeoutMs, ...rest } = over;
    const wechat = { ...settingsFor(emu).wechat, timeoutMs: timeoutMs ?? 1500 };
    const core = createPaymentCore({
      dbPath,
      providers: [registry.build('wechat', wechat, { logger, clock: systemClock })],
      notify: { port: 0 },
      orderExpiryMs: 5 * 60_000,
      poll: { initialMs: 50, maxMs: 200 },
      barcode: { pollIntervalMs: 50, maxWaitMs: 1500 },
      refundMinGapMs: 20,
      logger,
      ...rest,
    });
    await core.start();
    onTestFinished(() => core.close());
    return core;
  };
  const core = await newCore(first);
  const enc = encodeURIComponent;
  return {
    emu,
    emuLog,
    core,
    newCore,
    fault: async (f) => {
      expect201((await wxControl(emu, 'POST', '/faults', f)).status);
    },
    clearFaults: async () => {
      await wxControl(emu, 'DELETE', '/faults');
    },
    faults: async () => (await wxControl<{ kind: string; remaining: number }[]>(emu, 'GET', '/faults')).body,
    trade: async (no) => (await wxControl<WxTradeView>(emu, 'GET', `/trades/${enc(no)}`)).body,
    deliveries: async (no) => (await wxControl<WxDeliveryView[]>(emu, 'GET', '/notifications')).body.filter((d) => d.outTradeNo === no),
    pay: async (no) => (await wxControl(emu, 'POST', `/trades/${enc(no)}/pay`, {})).status,
  };
}

function expect201(status: number): void {
  if (status !== 200 && status !== 201) throw new Error(`the emulator refused the fault (${status})`);
}
