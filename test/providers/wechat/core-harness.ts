/**
 * One payment core hosting Alipay and WeChat Pay, both adapters built through the default provider
 * registry from their settings, against one embedded emulator (Alipay gateway + WeChat Pay v3 on one
 * port, real HTTP, port 0). The core's notify server is real too: the emulator delivers to
 * `/notify/alipay` and `/notify/wechat`. Temp dirs for the database; keys generated at test time.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { wechatDemoSettings } from '../../../src/main/console/providers';
import { systemClock } from '../../../src/main/kernel';
import { createPaymentCore, type PaymentCore, type PaymentCoreConfig } from '../../../src/main/payments';
import { defaultProviderRegistry } from '../../../src/main/providers/registry';
import { makeTempDir, memoryLogger, type MemoryLogger } from '../../support';
import { testKeys } from './helpers';

export interface InboxRow {
  provider: string;
  verdict: string;
  reason: string | null;
  orderId: string | null;
}

export interface TwoProviderCore {
  emu: RunningEmulator;
  core: PaymentCore;
  logger: MemoryLogger;
  /** The WeChat Pay private key the emulator signs with: lets a test build genuine-looking notices. */
  wechatpayPrivateKey: string;
  merchantPrivateKey: string;
  /** Every stored notification, oldest first. */
  inbox(): InboxRow[];
}

/** The registry settings for the emulator's merchants (what the console will store per provider). */
export function settingsFor(emu: RunningEmulator) {
  const c = emu.credentials;
  const w = c.wechat;
  return {
    alipay: {
      environment: 'demo',
      appId: c.appId,
      sellerId: c.sellerId,
      privateKey: c.appPrivateKey,
      alipayPublicKey: c.alipayPublicKey,
      gateway: c.gateway,
      timeoutMs: 1500,
    },
    wechat: {
      ...wechatDemoSettings(w),
      timeoutMs: 1500,
    },
  };
}

/** Start the emulator and one core hosting both providers (closed after the test). */
export async function twoProviderCore(over: Partial<Omit<PaymentCoreConfig, 'providers' | 'dbPath'>> = {}): Promise<TwoProviderCore> {
  const keys = await testKeys();
  const tmp = makeTempDir();
  onTestFinished(() => tmp.cleanup());
  const emu = await startEmulator({ port: 0, keys, stateDir: join(tmp.dir, 'emu') });
  onTestFinished(() => emu.close());
  const logger = memoryLogger();
  const registry = defaultProviderRegistry();
  const settings = settingsFor(emu);
  const deps = { logger, clock: systemClock };
  const dbPath = join(tmp.dir, 'paydesk.db');
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
  await core.start();
  onTestFinished(() => core.close());
  const db = new BetterSqlite3(dbPath, { readonly: true });
  onTestFinished(() => {
    db.close();
  });
  return {
    emu,
    core,
    logger,
    wechatpayPrivateKey: keys.wechat.wechatpay.privateKeyPem,
    merchantPrivateKey: keys.wechat.merchant.privateKeyPem,
    inbox: () => db.prepare('SELECT provider, verdict, reason, order_id AS orderId FROM notifications ORDER BY id').all() as InboxRow[],
  };
}
