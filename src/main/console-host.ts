/**
 * What the composition root hands to a host (Electron IPC or the web bridge). Both hosts call
 * `dispatch` for every command — it zod-parses the raw input against the contract, runs the handler
 * and maps any error to a bilingual `{ code, message }` — so validation and error mapping exist once.
 */
import type { Channel, CommandOutput, ConsoleEvents, EventName, Result } from '../shared/contract';
import type { Environment } from '../shared/contract';
import type { SafeStorageLike } from './vault/safe-storage-vault';

export interface ConsoleConfig {
  /** Directory for the database, settings, vault and (demo mode) the embedded emulator's state. */
  dataDir: string;
  /** Overrides the persisted environment for this run (e.g. `npm run serve -- --environment sandbox`). */
  environment?: Environment;
  /** Port of the local notify server (0 = any free port). */
  notifyPort?: number;
  /** Demo mode: the embedded emulator's time scale (tests speed up expiry and retries). */
  emulatorTimeScale?: number;
  /**
   * Where keys are kept: Electron passes its safeStorage; the browser host (default) uses the AES-GCM file
   * vault in dataDir with PAYDESK_VAULT_KEY or a generated key file.
   */
  vault?: { kind: 'safeStorage'; safeStorage: SafeStorageLike } | { kind: 'file'; env?: Record<string, string | undefined> };
  /** Test hook: replace the real Alipay gateways (tests point sandbox at a local emulator; never the real Alipay). */
  gateways?: Partial<Record<'sandbox' | 'production', string>>;
  /** Test hook: replace WeChat Pay's API origin (https://api.mch.weixin.qq.com); tests point it at a local emulator. */
  wechatBase?: string;
  /** Test hook: the clock of the manager-PIN lockout (default Date.now). */
  now?: () => number;
  /** Faster polling and shorter waits for tests. */
  tuning?: {
    /** localtunnel reconnect backoff and the reachability self-test (defaults 1 s → 60 s; probe every 5 min, 10 s timeout). */
    tunnelBackoffInitialMs?: number;
    tunnelBackoffMaxMs?: number;
    tunnelOpenTimeoutMs?: number;
    probeIntervalMs?: number;
    probeTimeoutMs?: number;
    pollInitialMs?: number;
    pollMaxMs?: number;
    barcodePollMs?: number;
    barcodeMaxWaitMs?: number;
    refundMinGapMs?: number;
    /** How long the customer display shows 支付成功 before idle (default 8 s). */
    displayPaidHoldMs?: number;
    /** Start the full database check this long after start-up (default 1 s: the first screen comes first). */
    integrityCheckDelayMs?: number;
  };
}

export interface ConsoleHost {
  /** Parse `rawInput` with the channel's zod schema, run it, and never throw. */
  dispatch<C extends Channel>(channel: C, rawInput: unknown): Promise<Result<CommandOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void;
  /** Facts for the host's start-up line / logs (no secrets). */
  info(): {
    environment: Environment;
    notifyUrl: string | null;
    /** The embedded emulator's own JSON line (demo mode; its keys are generated demo keys, printed by the
     *  CLI like `npm run emulator` does, never sent to the renderer). */
    emulator: Record<string, string> | null;
  };
  close(): Promise<void>;
}
