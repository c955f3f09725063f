/**
 * The console runtime's shapes: what it builds on (ConsoleDeps, the embedded emulator), its one mutable
 * state object, and what the channel handlers may use (Runtime). The implementation is runtime.ts.
 */
import type { ConsoleEvents, Environment, EventName, OrderDto, StatusDto } from '../../shared/contract';
import type { ConsoleConfig } from '../console-host';
import type { Logger } from '../kernel';
import type { KeysSettings } from '../keys/host-glue';
import type { KeyService } from '../keys/key-service';
import type { WechatKeyStore } from '../keys/wechat-keys';
import type { PaymentCore, PaymentCoreConfig } from '../payments/api';
import type { NotifyEndpoint } from '../tunnel/notify-endpoint';
import type { Vault } from '../vault/types';
import type { BackgroundChecker } from './db-integrity';
import type { ManagerPin } from './manager-pin';
import type { Settings } from './settings';
import type { RunningConfig } from './status';

/** Alipay gateways for the real environments (Alipay open platform docs: 沙箱环境 / 正式环境). */
export const GATEWAYS = {
  sandbox: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
  production: 'https://openapi.alipay.com/gateway.do',
} as const;

/** The embedded emulator as the console needs it (docs/emulator.md "In-process"). */
export interface EmulatorHandle {
  credentials: {
    gateway: string;
    appId: string;
    sellerId: string;
    appPrivateKey: string;
    alipayPublicKey: string;
    control: string;
  };
  /** The WeChat Pay v3 side of the same emulator (absent: WeChat Pay is not offered in demo). */
  wechat?: {
    baseUrl: string;
    mchid: string;
    appid: string;
    merchantPrivateKey: string;
    merchantSerialNo: string;
    apiV3Key: string;
    wechatpayPublicKey: string;
    wechatpayPublicKeyId: string;
    control: string;
  };
  url: string;
  close(): Promise<void>;
}

/** What the runtime builds on; tests replace them (a fake core, no emulator). */
export interface ConsoleDeps {
  createPaymentCore: (config: PaymentCoreConfig) => PaymentCore;
  startEmulator(options: { port: number; stateDir?: string; timeScale?: number }): Promise<EmulatorHandle>;
  logger: Logger;
  /** The full integrity check after start-up (default: PRAGMA quick_check on a worker thread). */
  checkDatabase: BackgroundChecker;
}

/** The runtime's mutable facts, in one place. */
export interface RuntimeState {
  /** The persisted settings now (notify settings are always the ones in effect). */
  settings: Settings;
  /** Why settings.json could not be used (bilingual); cleared by the next save. */
  settingsProblem: string | null;
  /** Settings missing or unusable next to sandbox/production data: payments wait for a save (bilingual). */
  settingsBlocked: string | null;
  /** Why the core is not running (bilingual), else null. */
  disabledReason: string | null;
  /** What the running core was built from. */
  running: RunningConfig;
  /** Each provider's readiness when the core was last (re)considered (console/providers.ts). */
  providers: StatusDto['providers'];
  core: PaymentCore | null;
  emulator: EmulatorHandle | null;
  endpoint: NotifyEndpoint | null;
  endpointOff: (() => void) | null;
  /** Keys were imported while the core runs with the previous ones. */
  keysChanged: boolean;
  /** Set when the background check or a store call found the database damaged (bilingual). */
  databaseProblem: string | null;
  closed: boolean;
}

export interface Runtime {
  readonly config: ConsoleConfig;
  readonly logger: Logger;
  /** Read by handlers; changed only through the methods below. */
  readonly state: Readonly<RuntimeState>;
  readonly keys: KeyService | null;
  /** WeChat Pay's keys in the same vault (null when the vault is unusable). */
  readonly wechatKeys: WechatKeyStore | null;
  readonly vault: Vault | null;
  readonly vaultProblem: string | null;
  /** The start-up override of the environment (command line / environment variable), if any. */
  readonly environmentOverride: Environment | null;
  readonly managerPin: ManagerPin;
  readonly dbFile: string;
  gatewayFor(mode: 'sandbox' | 'production'): string;
  on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void;
  emit<E extends EventName>(event: E, payload: ConsoleEvents[E]): void;
  status(): StatusDto;
  keysForSettings(): KeysSettings;
  requireCore(): PaymentCore;
  /** New orders and refunds need a sound database (cancel, queries and settings stay available). */
  requireSoundDatabase(): void;
  /**
   * What an order shows besides the stored facts: a 收款链接's short URL while the notify endpoint is
   * reachable, and in demo the emulator's page where a simulated buyer pays (customerUrl).
   */
  withLink<T extends OrderDto>(dto: T): T;
  /** The database is damaged: payments are disabled at once, the cashier is told, and it is logged. */
  markCorrupt(detail: string, source: string): void;
  /** Runs settings and key changes one at a time (each may swap the endpoint or start the core). */
  serialized<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
  /** Save validated settings and apply what applies live (notify endpoint, expiry, a blocked start). */
  applySettings(next: Settings): Promise<void>;
  /** Keys or app id completed while payments were disabled: start the core now instead of asking for a restart. */
  enableIfReady(): Promise<void>;
  close(): Promise<void>;
}
