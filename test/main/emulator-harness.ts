import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createPaymentCore, type PaymentCore, type PaymentCoreConfig } from '../../src/main/payments';
import { AlipayProvider, type AlipayConfig } from '../../src/main/providers/alipay';
import { makeTempDir, memoryLogger } from '../support';

/** A core's config as the tests write it: the Alipay app (the adapter is built from it) and the rest. */
export type HarnessConfig = Omit<PaymentCoreConfig, 'providers'> & {
  alipay: AlipayConfig;
  environment?: 'demo' | 'sandbox' | 'production';
};

/** A trade as the emulator's control API shows it (docs/emulator.md). */
export interface EmuTrade {
  appId: string;
  outTradeNo: string;
  tradeNo: string;
  status: string;
  totalAmount: string;
  refundFee: string;
  refunds: { outRequestNo: string; refundAmount: string; at: number }[];
  notifyUrl: string | null;
}

export interface EmuNotification {
  id: number;
  notifyId: string;
  outTradeNo: string;
  url: string;
  attempt: number;
  params: Record<string, string>;
  status: number | string | null;
  responseBody: string | null;
  accepted: boolean;
}

/**
 * One emulator + one payment core on a fresh SQLite file in a temp dir, with test-fast intervals.
 * The emulator keeps its state in the temp dir too, so tests can read its "Alipay" private key to sign
 * notifications that are genuinely Alipay-signed but carry wrong fields.
 */
export async function withEmulator(opts: { timeScale?: number; core?: Partial<HarnessConfig>; start?: boolean } = {}) {
  const tmp = makeTempDir();
  const emu: RunningEmulator = await startEmulator({ port: 0, stateDir: join(tmp.dir, 'emu'), timeScale: opts.timeScale ?? 100 });
  const c = emu.credentials;
  const logger = memoryLogger();
  const config: HarnessConfig = {
    dbPath: join(tmp.dir, 'paydesk.db'),
    alipay: {
      appId: c.appId,
      sellerId: c.sellerId,
      privateKey: c.appPrivateKey,
      alipayPublicKey: c.alipayPublicKey,
      gateway: c.gateway,
      timeoutMs: 1500,
    },
    notify: { port: 0 },
    orderExpiryMs: 60_000,
    barcode: { pollIntervalMs: 50, maxWaitMs: 1500 },
    poll: { initialMs: 50, maxMs: 200 },
    refundMinGapMs: 50,
    logger,
    ...opts.core,
  };
  const cores: PaymentCore[] = [];
  const newCore = async (over: Partial<HarnessConfig> = {}, start = true) => {
    const { alipay, environment, ...rest } = { ...config, ...over };
    const core = createPaymentCore({ ...rest, providers: [new AlipayProvider(alipay, rest.logger ?? logger, environment ?? 'demo')] });
    cores.push(core);
    if (start) await core.start();
    return core;
  };
  const core = await newCore({}, opts.start ?? true);

  const ctl = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${c.control}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  };
  const control = {
    pay: (no: string) => ctl('POST', `/trades/${encodeURIComponent(no)}/pay`, {}),
    scan: (no: string) => ctl('POST', `/trades/${encodeURIComponent(no)}/scan`, {}),
    fail: (no: string) => ctl('POST', `/trades/${encodeURIComponent(no)}/fail`, {}),
    trade: async (no: string) => {
      const r = await ctl<EmuTrade>('GET', `/trades/${encodeURIComponent(no)}`);
      return r.status === 200 ? r.json : null;
    },
    notifications: async () => (await ctl<EmuNotification[]>('GET', '/notifications')).json,
    fault: (f: { kind: string; method?: string; count?: number; ms?: number; apply?: boolean }) => ctl('POST', '/faults', f),
    clearFaults: () => ctl('DELETE', '/faults'),
  };
  /** The emulator's Alipay private key (from its state file): signs "genuine" notifications. */
  const alipayPrivateKey = (): string =>
    (JSON.parse(readFileSync(join(tmp.dir, 'emu', 'state.json'), 'utf8')) as { alipay: { privateKeyPem: string } }).alipay.privateKeyPem;

  const close = async () => {
    for (const k of cores) await k.close();
    await emu.close();
    void tmp.cleanup();
  };
  return { emu, core, config, control, logger, newCore, alipayPrivateKey, close, dir: tmp.dir };
}
