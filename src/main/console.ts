/**
 * createConsole(config): the Electron-free composition root both hosts use (Electron IPC and the web
 * bridge). It reads the settings, opens the key vault, picks the provider (demo = the embedded emulator;
 * sandbox/production = the vault's keys), builds the payment core and its notify endpoint (loopback,
 * localtunnel, custom URL or none; applied live) and exposes one `dispatch()` that
 * validates, runs and maps errors for every contract channel (design.md "One handle() in main").
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  commands,
  type Channel,
  type CommandOutput,
  type ConsoleEvents,
  type EventName,
  type ParsedInput,
  type ProviderMode,
  type KeyTestDto,
  type OrderDto,
  type Result,
  type SettingsDto,
} from '../shared/contract';
import { parseYuan, parseYuanAllowZero } from '../shared/money';
import type { ConsoleConfig, ConsoleHost } from './console-host';
import { ConsoleError, invalidInput, KEYS_MISSING_MESSAGE, toErrorInfo } from './console/errors';
import { localDate, toOrderDetailDto, toOrderDto, toRefundDto, toSummaryDto } from './console/dto';
import {
  defaultNotifyMode,
  keyPaths,
  loadSettings,
  saveSettings,
  settingsSchema,
  toSettingsDto,
  type Settings,
} from './console/settings';
import { latePaymentWarnings, SellerIdWatch } from './console/payment-warnings';
import { checkMaxPerSale, createDuplicateCodeGuard, saleLimitsPatch } from './console/sale-guard';
import { createShortLinks } from './console/short-links';
import { buildStatus, type RunningConfig } from './console/status';
import { DB_FILE, inspectDatabase, secureDataDir } from './console/data-dir';
import { corruptMessage, isCorruptionError, quickCheckInWorker, scheduleBackgroundCheck, type BackgroundChecker } from './console/db-integrity';
import { createManagerPin } from './console/manager-pin';
import { KeyError } from './keys/key-errors';
import { runConnectionTest } from './providers/alipay/connection-test';
import { createKeyService, type KeyService } from './keys/key-service';
import { keysSettingsDto, migratePlaintextKeyFiles, openHostVault } from './keys/host-glue';
import { createRedactingLogger, systemClock } from './kernel';
import type { Logger, PaymentCore, PaymentCoreConfig } from './payments/api';
import type { AlipayConfig } from './providers/alipay';
import { defaultProviderRegistry } from './providers/registry';
import { validateCustomNotifyUrl } from '../shared/notify-urls';
import { createNotifyEndpoint, DEFAULT_TUNNEL_HOST, type NotifyEndpoint, type NotifyEndpointState } from './tunnel/notify-endpoint';
import { tunnelConfigError } from './tunnel/tunnel-manager';
import { createProbeEndpoint } from './tunnel/probe';
import type { Vault } from './vault/types';

/** Alipay gateways for the real provider modes (protocols.md A1). */
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
  url: string;
  close(): Promise<void>;
}

/** What createConsole builds on; tests replace them (a fake core, no emulator). */
export interface ConsoleDeps {
  createPaymentCore(config: PaymentCoreConfig): PaymentCore;
  startEmulator(options: { port: number; stateDir?: string; timeScale?: number }): Promise<EmulatorHandle>;
  logger: Logger;
  /** The full integrity check after start-up (default: PRAGMA quick_check on a worker thread). */
  checkDatabase: BackgroundChecker;
}

/**
 * Log lines on stderr (stdout belongs to the hosts' one JSON line). Never pass secrets in fields; keys,
 * `sign` values and tokens are redacted anyway (src/main/log/redact.ts).
 */
export const stderrLogger: Logger = createRedactingLogger({
  info: (message, fields) => writeLog('info', message, fields),
  warn: (message, fields) => writeLog('warn', message, fields),
  error: (message, fields) => writeLog('error', message, fields),
});

function writeLog(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg: message, ...fields })}\n`);
}

/** The emulator is loaded lazily: production mode never needs it (nor its key generation). */
async function loadEmulator(options: { port: number; stateDir?: string; timeScale?: number }): Promise<EmulatorHandle> {
  const { startEmulator } = await import('../emulator/index');
  return startEmulator(options);
}

async function loadCoreFactory(): Promise<ConsoleDeps['createPaymentCore']> {
  const { createPaymentCore } = await import('./payments/index');
  return createPaymentCore;
}

/**
 * Build and start the console for `config.dataDir`. Throws only when the data directory or the
 * database cannot be used; missing keys, an unusable vault or a corrupt settings file start a console
 * that says so.
 */
export async function createConsole(config: ConsoleConfig, overrides: Partial<ConsoleDeps> = {}): Promise<ConsoleHost> {
  // stderrLogger redacts already; an injected logger gets the same protection.
  const logger = overrides.logger ? createRedactingLogger(overrides.logger) : stderrLogger;
  const createCore = overrides.createPaymentCore ?? (await loadCoreFactory());
  const startEmu = overrides.startEmulator ?? loadEmulator;
  const checkDatabase = overrides.checkDatabase ?? quickCheckInWorker;
  const { dataDir } = config;
  await secureDataDir(dataDir);

  const loaded = await loadSettings(dataDir);
  // A vanished or corrupt database stops start-up here, in words (never a silent empty one).
  const dbFacts = inspectDatabase(dataDir);
  let settings: Settings = loaded.settings;
  let settingsProblem = loaded.problem;
  if (settingsProblem) logger.warn('settings file unusable; defaults in effect', { dataDir });

  const providerOverride: ProviderMode | null = config.providerMode ?? null;
  const running: RunningConfig = {
    providerMode: providerOverride ?? settings.providerMode,
    appId: settings.appId,
    sellerId: settings.sellerId,
    orderExpiryMinutes: settings.orderExpiryMinutes,
  };
  const gatewayFor = (mode: 'sandbox' | 'production'): string => config.gateways?.[mode] ?? GATEWAYS[mode];

  /* ── the vault and the keys (sandbox / production) ── */
  const vaultOptions = config.vault ?? { kind: 'file' as const };
  let keys: KeyService | null = null;
  let vault: Vault | null = null;
  let vaultProblem: string | null = null;
  /** Plaintext key files of an earlier version that could not be moved into the vault (bilingual). */
  const migrationProblems: string[] = [];
  try {
    vault =
      vaultOptions.kind === 'safeStorage'
        ? openHostVault({ kind: 'safeStorage', safeStorage: vaultOptions.safeStorage, dataDir })
        : openHostVault({ kind: 'file', dataDir, ...(vaultOptions.env ? { env: vaultOptions.env } : {}) });
    keys = createKeyService({ vault, logger });
    const migration = migratePlaintextKeyFiles({ keys, files: keyPaths(dataDir), logger });
    if (migration.migrated.length > 0) logger.info('plaintext key files moved into the vault', { migrated: migration.migrated });
    for (const problem of migration.problems) {
      logger.warn('plaintext key file left in place', { problem });
      const [zh, ...rest] = problem.split(' / ');
      const where = join(dataDir, 'keys');
      migrationProblems.push(
        `旧版密钥文件（${where}）未能导入密钥库：${zh}；请在「设置」中重新导入 / ` +
          `An old plaintext key file (${where}) could not be moved into the vault: ${rest.join(' / ') || zh}; import the key again in Settings`,
      );
    }
  } catch (err) {
    vaultProblem = err instanceof Error ? err.message : String(err);
    logger.error('key vault unusable', { error: vaultProblem });
  }
  let keysChanged = false;
  /** The manager PIN (refunds, settings, keys), kept in the vault: src/main/console/manager-pin.ts. */
  const managerPin = createManagerPin({ vault, vaultProblem, ...(config.now ? { now: config.now } : {}) });

  /*
   * Settings missing or unusable in a data dir that holds sandbox/production orders or keys: the defaults
   * (demo) would be a guess. Payments stay disabled until the merchant saves settings; nothing is written.
   */
  const keyStatus = keys?.status();
  const keysStored = keyStatus
    ? keyStatus.appPrivateKey.configured || keyStatus.alipayPublicKey.configured
    : ['vault.json', 'vault.safestorage.json'].some((f) => existsSync(join(dataDir, f)));
  const realOrders = dbFacts.scopes.some((s) => s.environment === 'sandbox' || s.environment === 'production');
  /** The mode a valid settings.json named at start-up (null: missing or unusable). */
  const savedMode: ProviderMode | null = loaded.found && loaded.problem === null ? loaded.settings.providerMode : null;
  let settingsBlocked: string | null =
    (settingsProblem !== null || !loaded.found) && (realOrders || keysStored) ? settingsRequiredMessage(dataDir) : null;

  /* ── provider: the emulator (demo) or the vault's keys ── */
  let emulator: EmulatorHandle | null = null;
  let disabledReason: string | null = settingsBlocked;

  /** Demo: the embedded emulator (started once) and its generated app. */
  const demoProviderConfig = async (): Promise<AlipayConfig> => {
    emulator ??= await startEmu({
      port: 0,
      stateDir: join(dataDir, 'emulator'),
      ...(config.emulatorTimeScale !== undefined ? { timeScale: config.emulatorTimeScale } : {}),
    });
    const c = emulator.credentials;
    return { appId: c.appId, sellerId: c.sellerId, privateKey: c.appPrivateKey, alipayPublicKey: c.alipayPublicKey, gateway: c.gateway };
  };

  /** The AlipayConfig for a real provider from the vault, or null with disabledReason set. */
  const realProviderConfig = (mode: 'sandbox' | 'production'): AlipayConfig | null => {
    if (!keys) {
      disabledReason = vaultProblem ?? KEYS_MISSING_MESSAGE;
      return null;
    }
    if (!running.appId) {
      disabledReason = KEYS_MISSING_MESSAGE;
      return null;
    }
    try {
      const alipay = keys.alipayConfig({ appId: running.appId, sellerId: running.sellerId, gateway: gatewayFor(mode) });
      disabledReason = null;
      return alipay;
    } catch (err) {
      disabledReason = err instanceof KeyError && err.code === 'KEYS_MISSING' ? KEYS_MISSING_MESSAGE : errorText(err);
      return null;
    }
  };

  let alipay: AlipayConfig | null = null;
  if (settingsBlocked) {
    logger.warn('payments disabled: settings missing or unusable in a data dir with sandbox/production data', { dataDir });
  } else if (running.providerMode === 'demo') {
    alipay = await demoProviderConfig();
  } else {
    alipay = realProviderConfig(running.providerMode);
    if (!alipay) logger.warn('payment core disabled', { providerMode: running.providerMode });
  }

  /** Set when the background check or a store call found the database damaged: no new orders or refunds. */
  let databaseProblem: string | null = null;
  const dbFile = join(dataDir, DB_FILE);

  /* ── events ── */
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const emit = <E extends EventName>(event: E, payload: ConsoleEvents[E]): void => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (p: ConsoleEvents[E]) => void)(payload);
      } catch (err) {
        logger.error('event listener failed', { event, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  /* ── the payment core and its notify endpoint (loopback / localtunnel / custom / none) ── */
  const t = config.tuning ?? {};
  const probe = createProbeEndpoint();
  let core: PaymentCore | null = null;
  let endpoint: NotifyEndpoint | null = null;
  let endpointOff: (() => void) | null = null;
  let closed = false;

  /** 收款链接 as a short URL on the notify endpoint while it is reachable (console/short-links.ts). */
  const shortLinks = createShortLinks((id) => {
    const o = core?.getOrder(id);
    return o ? { payUrl: o.payUrl, awaiting: o.status === 'AWAITING_PAYMENT' } : null;
  });
  const withLink = <T extends OrderDto>(dto: T): T => {
    const state = endpoint?.current();
    if (dto.method !== 'link' || dto.status !== 'AWAITING_PAYMENT' || !dto.payUrl || !state?.url || state.reachability !== 'reachable') return dto;
    return { ...dto, shortUrl: shortLinks.urlFor(dto.id, state.url) };
  };

  /** Start the endpoint for the running notify settings; its URL becomes what new orders get. */
  const startEndpoint = (c: PaymentCore): void => {
    const loopbackUrl = c.localNotifyBase();
    if (!loopbackUrl) return;
    const next = createNotifyEndpoint({
      mode: settings.notifyMode,
      loopbackUrl,
      tunnelLocal: c.tunnelLocal(),
      customUrl: settings.customNotifyUrl,
      tunnel: {
        host: settings.tunnelHost || DEFAULT_TUNNEL_HOST,
        ...(settings.tunnelSubdomain ? { subdomain: settings.tunnelSubdomain } : {}),
        backoff: { initialMs: t.tunnelBackoffInitialMs ?? 1_000, maxMs: t.tunnelBackoffMaxMs ?? 60_000 },
        ...(t.tunnelOpenTimeoutMs !== undefined ? { openTimeoutMs: t.tunnelOpenTimeoutMs } : {}),
      },
      probe: {
        endpoint: probe,
        ...(t.probeIntervalMs !== undefined ? { intervalMs: t.probeIntervalMs } : {}),
        ...(t.probeTimeoutMs !== undefined ? { timeoutMs: t.probeTimeoutMs } : {}),
      },
      logger,
    });
    endpoint = next;
    endpointOff = next.on('change', (state) => {
      if (endpoint !== next || closed) return;
      c.setNotifyBase(state.url);
      logger.info('notify endpoint changed', { mode: state.mode, url: state.url, reachability: state.reachability });
      emit('status.changed', status());
    });
    next.start();
    c.setNotifyBase(next.current().url);
  };
  const stopEndpoint = async (): Promise<void> => {
    const old = endpoint;
    endpoint = null;
    endpointOff?.();
    endpointOff = null;
    await old?.stop();
  };

  const sellerWatch = new SellerIdWatch();
  const startCore = async (config_: AlipayConfig): Promise<void> => {
    const coreConfig: PaymentCoreConfig = {
      dbPath: join(dataDir, DB_FILE),
      // The providers this core hosts, built through the registry from their settings and keys.
      providers: [defaultProviderRegistry().build('alipay', { ...config_, environment: running.providerMode }, { logger, clock: systemClock })],
      // Orders from before environments were recorded belong to the environment the saved settings name.
      // (Demo adopts them only when the vault holds no keys: keys mean the dir was set up for real money.)
      adoptUnknownOrders: running.providerMode === savedMode && (savedMode !== 'demo' || !keysStored),
      // poll only until the endpoint says otherwise (the tunnel may still be connecting)
      notify: { port: config.notifyPort ?? 0, publicUrl: null, routes: (req, res) => probe.handle(req, res) || shortLinks.handle(req, res) },
      orderExpiryMs: running.orderExpiryMinutes * 60_000,
      logger,
      ...(t.pollInitialMs !== undefined || t.pollMaxMs !== undefined
        ? { poll: { initialMs: t.pollInitialMs, maxMs: t.pollMaxMs } }
        : {}),
      ...(t.barcodePollMs !== undefined || t.barcodeMaxWaitMs !== undefined
        ? { barcode: { pollIntervalMs: t.barcodePollMs, maxWaitMs: t.barcodeMaxWaitMs } }
        : {}),
      ...(t.refundMinGapMs !== undefined ? { refundMinGapMs: t.refundMinGapMs } : {}),
    };
    let c: PaymentCore | null = null;
    try {
      c = createCore(coreConfig);
      sellerWatch.reset();
      c.on('order.updated', (order) => {
        emit('order.updated', withLink(toOrderDto(order)));
        if (order.latePayment) emit('status.changed', status()); // paid after a cancel: warn loudly
      });
      c.on('refund.updated', (refund) => emit('refund.updated', toRefundDto(refund)));
      c.on('notification.received', (seen) => {
        sellerWatch.seen(seen);
        emit('status.changed', status());
      });
      await c.start();
    } catch (err) {
      await c?.close().catch(() => undefined);
      throw err;
    }
    core = c;
    startEndpoint(c);
  };

  if (alipay) {
    try {
      await startCore(alipay);
    } catch (err) {
      // (set inside demoProviderConfig: TypeScript cannot see that assignment here)
      await (emulator as EmulatorHandle | null)?.close().catch(() => undefined);
      throw err;
    }
  }

  /** The endpoint's state with the full notify_url new orders get (base + the core's notify path). */
  function notifyState(): NotifyEndpointState | null {
    const state = endpoint?.current();
    if (!core || !state) return null;
    return { ...state, url: state.url === null ? null : core.notifyUrl() };
  }

  function status() {
    return buildStatus({
      running,
      disabledReason: databaseProblem ?? disabledReason,
      emulatorUrl: emulator?.url ?? null,
      notify: notifyState(),
      lastNotificationAt: core?.lastNotification()?.at ?? null,
      settings,
      providerOverride,
      settingsProblem,
      keysChanged,
      // The vault backend's own warnings (basic_text, file vault) belong to Settings; an unusable vault to everyone.
      keyWarnings: [...(vaultProblem ? [vaultProblem] : []), ...migrationProblems],
      paymentWarnings: [
        ...latePaymentWarnings(core, Date.now()),
        ...[sellerWatch.warning(running.sellerId)].filter((w): w is string => w !== null),
      ],
    });
  }

  function keysForSettings(): SettingsDto['keys'] {
    if (!keys || !vault) {
      const none = { configured: false, fingerprint: null };
      return { appPrivateKey: none, alipayPublicKey: { ...none }, backend: null, warnings: vaultProblem ? [vaultProblem] : [] };
    }
    return keysSettingsDto(keys.status(), vault.backend().kind);
  }

  const requireCore = (): PaymentCore => {
    if (!core) throw new ConsoleError(settingsBlocked ? 'SETTINGS_REQUIRED' : 'KEYS_MISSING', disabledReason ?? KEYS_MISSING_MESSAGE);
    return core;
  };
  /** New orders and refunds need a sound database (cancel, queries and settings stay available). */
  const requireSoundDatabase = (): void => {
    if (databaseProblem) throw new ConsoleError('DATABASE_CORRUPT', databaseProblem);
  };
  /** The database is damaged: payments are disabled at once, the cashier is told, and it is logged. */
  const markCorrupt = (detail: string, source: string): void => {
    if (databaseProblem || closed) return;
    databaseProblem = corruptMessage(dbFile, detail);
    logger.error('order database corrupt: payments disabled', { source, detail, dbFile });
    emit('status.changed', status());
  };
  const notFound = (id: string): ConsoleError =>
    new ConsoleError('NOT_FOUND', `找不到订单 ${id} / Order ${id} not found`);

  /** Keys or app id completed while payments were disabled: start the core now instead of asking for a restart. */
  const enableIfReady = async (): Promise<void> => {
    if (settingsBlocked) return;
    if (core || closed) {
      if (core && running.providerMode !== 'demo') keysChanged = true;
      return;
    }
    if (running.providerMode === 'demo') {
      await startCore(await demoProviderConfig());
      logger.info('payment core enabled', { providerMode: 'demo' });
      return;
    }
    const wanted = realProviderConfig(running.providerMode);
    if (!wanted) return;
    await startCore(wanted);
    logger.info('payment core enabled after key import', { providerMode: running.providerMode });
  };

  /**
   * Settings and key changes run one at a time: each may swap the notify endpoint or start the core, and
   * two interleaved would leave a second tunnel or core behind.
   */
  let changes: Promise<unknown> = Promise.resolve();
  const oneAtATime = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    const run = changes.then(() => fn(...args));
    changes = run.catch(() => undefined);
    return run;
  };

  const codeGuard = createDuplicateCodeGuard();

  /* ── one handler per channel ── */
  const handlers: { [C in Channel]: (input: ParsedInput<C>) => Promise<CommandOutput<C>> } = {
    'orders.create': async (input) => {
      const amountFen = parseYuan(input.amount);
      if (input.method === 'code' && !input.authCode) {
        throw new ConsoleError('INVALID_INPUT', '请扫描顾客的付款码 / Scan the customer\'s payment code (authCode is required)');
      }
      checkMaxPerSale(amountFen, settings);
      requireSoundDatabase();
      const c = requireCore();
      const settle = input.method === 'code' && input.authCode ? codeGuard.begin(input.authCode) : null;
      let order;
      try {
        order = await c.createOrder({
          amountFen,
          method: input.method,
          // 订单有效期 applies to new orders at once (no restart).
          expiryMs: running.orderExpiryMinutes * 60_000,
          ...(input.subject !== undefined ? { subject: input.subject } : {}),
          ...(input.authCode !== undefined ? { authCode: input.authCode } : {}),
        });
      } catch (err) {
        settle?.('failed');
        throw err;
      }
      settle?.(order.status === 'FAILED' || order.status === 'CLOSED' ? 'failed' : 'charged');
      return withLink(toOrderDto(order));
    },
    'orders.get': async ({ id }) => {
      const c = requireCore();
      const order = c.getOrder(id);
      if (!order) throw notFound(id);
      return withLink(toOrderDetailDto(order, c.events(id)));
    },
    'orders.list': async (query) => {
      const page = requireCore().listOrders(query);
      return { items: page.items.map((o) => withLink(toOrderDto(o))), nextCursor: page.nextCursor };
    },
    'orders.cancel': async ({ id }) => toOrderDto(await requireCore().cancelOrder(id)),
    'orders.refund': async ({ id, amount, reason, pin }) => {
      const amountFen = parseYuan(amount);
      requireSoundDatabase();
      const c = requireCore();
      // Enforced here, in main: the renderer is not a trust boundary.
      const checked = managerPin.refundNeedsPin(amountFen) ? await managerPin.authorize(pin, 'refund') : false;
      const refund = await c.refund({
        orderId: id,
        amountFen,
        ...(reason !== undefined ? { reason } : {}),
        authorization: checked ? 'manager_pin' : 'none',
      });
      if (refund.status === 'FAILED') {
        throw new ConsoleError('REFUND_FAILED', refund.message ?? '退款失败 / The refund failed');
      }
      const order = c.getOrder(id);
      if (!order) throw notFound(id);
      return toOrderDto(order);
    },
    'summary.today': async ({ date }) => toSummaryDto(requireCore().summary(date ?? localDate(new Date()))),
    'settings.get': async () => toSettingsDto(settings, keysForSettings()),
    'settings.update': oneAtATime(async ({ pin, ...patch }: ParsedInput<'settings.update'>) => {
      // Language and voice are the cashier's own preferences (header buttons): no PIN for those alone.
      const fields = Object.keys(stripUndefined(patch));
      if (fields.some((f) => f !== 'language' && f !== 'voice')) await managerPin.authorize(pin, 'settings');
      const merged = { ...settings, ...stripUndefined(patch), ...saleLimitsPatch(patch, settings) };
      // Switching provider without choosing a notify mode: the sensible default for the new provider.
      if (patch.providerMode && patch.providerMode !== settings.providerMode && patch.notifyMode === undefined) {
        if (settings.notifyMode === defaultNotifyMode(settings.providerMode)) merged.notifyMode = defaultNotifyMode(patch.providerMode);
      }
      const next = settingsSchema.parse(merged);
      checkNotifySettings(next);
      if (patch.sellerId !== undefined || patch.appId !== undefined || patch.providerMode !== undefined) {
        checkSellerId(next, providerOverride); // the account fields are being saved
      }
      await saveSettings(dataDir, next, settingsProblem !== null);
      const notifyChanged =
        next.notifyMode !== settings.notifyMode ||
        next.customNotifyUrl !== settings.customNotifyUrl ||
        next.tunnelHost !== settings.tunnelHost ||
        next.tunnelSubdomain !== settings.tunnelSubdomain;
      settings = next;
      settingsProblem = null;
      running.orderExpiryMinutes = next.orderExpiryMinutes;
      if (settingsBlocked) {
        // The merchant decided: run what they saved (still under a --provider override, if any).
        settingsBlocked = null;
        disabledReason = null;
        running.providerMode = providerOverride ?? next.providerMode;
      }
      if (notifyChanged) {
        // Notify settings apply live: a new endpoint for new orders; existing orders keep their notify_url
        // and polling covers them.
        await stopEndpoint();
        if (core && !closed) startEndpoint(core);
      }
      if (core === null) {
        running.appId = next.appId;
        running.sellerId = next.sellerId;
        await enableIfReady();
      }
      emit('status.changed', status());
      return toSettingsDto(settings, keysForSettings());
    }),
    'status.get': async () => status(),
    'pin.status': async () => managerPin.status(),
    'pin.set': oneAtATime(async ({ current, next }: ParsedInput<'pin.set'>) => managerPin.set({ current, next })),
    'pin.refundThreshold': oneAtATime(async ({ refundAbove, pin }: ParsedInput<'pin.refundThreshold'>) =>
      managerPin.setRefundThreshold({ pin, refundAboveFen: parseYuanAllowZero(refundAbove) }),
    ),
    'keys.import': oneAtATime(async ({ which, text, pin }: ParsedInput<'keys.import'>) => {
      if (!keys) {
        throw new ConsoleError('VAULT_UNAVAILABLE', vaultProblem ?? '密钥库不可用 / The key vault is not available');
      }
      await managerPin.authorize(pin, 'keys');
      if (which === 'appPrivateKey') keys.importAppPrivateKey(text);
      else keys.importAlipayPublicKey(text);
      await enableIfReady();
      emit('status.changed', status());
      return toSettingsDto(settings, keysForSettings());
    }),
    'keys.test': async () => {
      // The mode being set up: a --provider override is the one this run uses.
      const mode = providerOverride ?? settings.providerMode;
      const started = Date.now();
      const done = (r: { ok: true; detail: string } | { ok: false; code: string; message: string }): KeyTestDto => ({
        ok: r.ok,
        code: r.ok ? null : r.code,
        message: r.ok ? r.detail : r.message,
        providerMode: mode,
        durationMs: Date.now() - started,
      });
      if (mode === 'demo') {
        if (!emulator) {
          return done({
            ok: false,
            code: 'RESTART_REQUIRED',
            message: '演示模式将在重启后启用，届时再测试 / Demo mode starts after a restart; test the connection then',
          });
        }
        const c = emulator.credentials;
        return done(
          await runConnectionTest({
            appId: c.appId,
            gateway: c.gateway,
            privateKeyPem: c.appPrivateKey,
            alipayPublicKeyPem: c.alipayPublicKey,
            log: logger,
          }),
        );
      }
      if (!keys) return done({ ok: false, code: 'KEYS_MISSING', message: vaultProblem ?? KEYS_MISSING_MESSAGE });
      // KEYS_MISSING, then a missing app id, are answered without calling the gateway.
      return done(await keys.testConnection({ appId: settings.appId, gateway: gatewayFor(mode) }));
    },
  };

  // The full integrity check, in the background (start-up only did the cheap checks).
  const integrity = scheduleBackgroundCheck({
    check: checkDatabase,
    dbFile,
    delayMs: t.integrityCheckDelayMs ?? 1_000,
    logger,
    onCorrupt: (detail) => markCorrupt(detail, 'quick_check'),
  });

  return {
    async dispatch<C extends Channel>(channel: C, rawInput: unknown): Promise<Result<CommandOutput<C>>> {
      if (typeof channel !== 'string' || !Object.hasOwn(commands, channel)) {
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `未知命令 / Unknown command: ${String(channel).slice(0, 64)}` } };
      }
      if (closed) {
        return { ok: false, error: { code: 'SHUTTING_DOWN', message: 'PayDesk 正在关闭 / PayDesk is shutting down' } };
      }
      const parsed = commands[channel].input.safeParse(rawInput);
      if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
      try {
        const handler = handlers[channel] as (input: ParsedInput<C>) => Promise<CommandOutput<C>>;
        const value = await handler(parsed.data as ParsedInput<C>);
        return { ok: true, value };
      } catch (err) {
        if (isCorruptionError(err)) {
          markCorrupt(`${err.code}: ${err.message}`, channel);
          return { ok: false, error: { code: 'DATABASE_CORRUPT', message: databaseProblem ?? corruptMessage(dbFile, err.code) } };
        }
        return { ok: false, error: toErrorInfo(err, logger, { channel }) };
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const entry = listener as (payload: never) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    info() {
      return {
        providerMode: running.providerMode,
        notifyUrl: core?.notifyUrl() ?? null,
        emulator: emulator ? { ...emulator.credentials } : null,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      const errors: unknown[] = [];
      await integrity.stop().catch((err: unknown) => errors.push(err));
      await stopEndpoint().catch((err: unknown) => errors.push(err));
      await core?.close().catch((err: unknown) => errors.push(err));
      await emulator?.close().catch((err: unknown) => errors.push(err));
      for (const err of errors) logger.error('close failed', { error: err instanceof Error ? err.message : String(err) });
    },
  };
}

/** Why payments stay disabled when settings.json is missing or unusable next to real data (bilingual). */
function settingsRequiredMessage(dataDir: string): string {
  const file = join(dataDir, 'settings.json');
  return (
    `设置文件 ${file} 缺失或无法使用，而此数据目录存有沙箱或生产环境的订单或密钥：为免误入演示模式，收款和退款已停用，` +
    `文件未做任何改动。请修复该文件，或在「设置」中确认服务商模式、AppID 和卖家 ID 后保存 / ` +
    `The settings file ${file} is missing or unusable while this data directory holds sandbox or production orders or keys: ` +
    `payments and refunds stay disabled rather than guessing demo mode, and nothing was changed. Fix the file, or confirm the ` +
    `provider mode, app id and seller id in Settings and save`
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Custom mode needs a valid custom URL; the tunnel server and subdomain must be usable. */
function checkNotifySettings(next: Settings): void {
  if (next.customNotifyUrl !== '' || next.notifyMode === 'custom') {
    if (next.customNotifyUrl === '') {
      throw new ConsoleError('INVALID_INPUT', '自定义通知模式需要填写通知地址 / Custom notify mode needs a notify URL');
    }
    const check = validateCustomNotifyUrl(next.customNotifyUrl);
    if (!check.ok) throw new ConsoleError('INVALID_INPUT', check.message);
  }
  const tunnel = tunnelConfigError(next.tunnelHost, next.tunnelSubdomain);
  if (tunnel) throw new ConsoleError('INVALID_INPUT', tunnel);
}

/** Outside demo a blank seller id (PID) would turn every genuine notification into a seller_id mismatch. */
function checkSellerId(next: Settings, providerOverride: ProviderMode | null): void {
  if ((providerOverride ?? next.providerMode) !== 'demo' && next.sellerId.trim() === '') {
    throw new ConsoleError(
      'INVALID_INPUT',
      '沙箱/正式模式必须填写 PID（卖家支付宝用户 ID，2088 开头），否则支付宝的通知会全部被拒绝 / Sandbox and production need the seller id (PID, starts with 2088); without it every Alipay notification is refused',
    );
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
