/**
 * 双码 tests: one embedded emulator (Alipay gateway + WeChat Pay v3 on one port, real HTTP, port 0) and
 * payment cores hosting both providers on one real SQLite file in a temp dir. A test can close a core
 * and open another on the same file (a restart), or open one after changing the file as a core that
 * crashed would have left it. The buyer pays through each emulator's control API (the same path as its
 * customer page: the trade is paid, then the notification goes out). Keys generated at test time.
 */
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { systemClock } from '../../../src/main/kernel';
import { createPaymentCore, type PaymentCore, type PaymentCoreConfig } from '../../../src/main/payments';
import { defaultProviderRegistry } from '../../../src/main/providers/registry';
import { makeTempDir, memoryLogger, waitFor, type MemoryLogger } from '../../support';
import { settingsFor } from './core-harness';
import { testKeys } from './helpers';

export interface AliTradeView {
  status: string;
  totalAmount: string;
  refunds: { outRequestNo: string; refundAmount: string }[];
}

export interface WxTradeView {
  state: string;
  total: number;
  refunds: { outRefundNo: string; status: string; refund: number }[];
}

export interface DualSetup {
  emu: RunningEmulator;
  dbPath: string;
  logger: MemoryLogger;
  /** Open and start a core on the database file (closed after the test). */
  open(over?: Partial<Omit<PaymentCoreConfig, 'providers' | 'dbPath'>>): Promise<PaymentCore>;
  /** The buyer pays the Alipay / WeChat trade of this order number: the HTTP status of the control call. */
  payAlipay(outTradeNo: string): Promise<number>;
  payWechat(outTradeNo: string): Promise<number>;
  /** The buyer opens (scans) the Alipay QR: the trade then exists for query and close. */
  scanAlipay(outTradeNo: string): Promise<number>;
  aliTrade(outTradeNo: string): Promise<AliTradeView | null>;
  wxTrade(outTradeNo: string): Promise<WxTradeView | null>;
  /** Add a fault on the Alipay (`alipay`) or WeChat (`wechat`) side of the emulator. */
  fault(side: 'alipay' | 'wechat', fault: Record<string, unknown>): Promise<void>;
  /** Wait until the core's start-up 双码 sweep has finished (its `n`-th run in this setup). */
  pairSweepDone(n: number): Promise<void>;
}

const post = async (url: string, body: unknown = {}): Promise<number> =>
  (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;

async function getJson<T>(url: string): Promise<T | null> {
  const res = await fetch(url);
  return res.status === 200 ? ((await res.json()) as T) : null;
}

export async function dualSetup(): Promise<DualSetup> {
  const keys = await testKeys();
  const tmp = makeTempDir();
  onTestFinished(() => tmp.cleanup());
  const emu = await startEmulator({ port: 0, keys, stateDir: join(tmp.dir, 'emu') });
  onTestFinished(() => emu.close());
  const logger = memoryLogger();
  const dbPath = join(tmp.dir, 'paydesk.db');
  const settings = settingsFor(emu);
  const ali = emu.credentials.control;
  const wx = emu.credentials.wechat.control;
  return {
    emu,
    dbPath,
    logger,
    async open(over = {}) {
      const registry = defaultProviderRegistry();
      const deps = { logger, clock: systemClock };
      const core = createPaymentCore({
        dbPath,
        providers: [registry.build('alipay', settings.alipay, deps), registry.build('wechat', settings.wechat, deps)],
        notify: { port: 0 },
        orderExpiryMs: 5 * 60_000,
        poll: { initialMs: 50, maxMs: 200 },
        refundMinGapMs: 20,
        logger,
        ...over,
      });
      onTestFinished(() => core.close());
      await core.start();
      return core;
    },
    payAlipay: (no) => post(`${ali}/trades/${no}/pay`),
    payWechat: (no) => post(`${wx}/trades/${no}/pay`),
    scanAlipay: (no) => post(`${ali}/trades/${no}/scan`),
    aliTrade: (no) => getJson<AliTradeView>(`${ali}/trades/${no}`),
    wxTrade: (no) => getJson<WxTradeView>(`${wx}/trades/${no}`),
    async fault(side, fault) {
      const status = await post(`${side === 'alipay' ? ali : wx}/faults`, fault);
      if (status !== 200) throw new Error(`fault not added: ${status}`);
    },
    async pairSweepDone(n) {
      await waitFor(() => logger.entries.filter((e) => e.message === '双码 pair sweep done').length >= n, `双码 sweep ${n} done`, 5000);
    },
  };
}
