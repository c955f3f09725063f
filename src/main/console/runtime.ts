/**
 * The console runtime: everything the channel handlers act on, with its lifecycle. It reads the
 * settings, opens the key vault, picks the providers (demo = the embedded emulator's Alipay app and
 * WeChat Pay merchant; sandbox/production = each provider whose settings and vault keys are complete:
 * providers.ts), builds the payment core and its notify endpoint (loopback, localtunnel, custom URL or
 * none; swapped live), and serialises the changes that restart any of them.
 *
 * Its mutable facts live in one explicit `RuntimeState`; handlers read it and change it only through
 * the runtime's methods (applySettings, enableIfReady, markCorrupt). Its types: runtime-types.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleEvents, Environment, EventName, OrderDto, StatusDto } from '../../shared/contract';
import type { ConsoleConfig } from '../console-host';
import { Emitter, systemClock, type Logger } from '../kernel';
import { keysSettingsDto } from '../keys/host-glue';
import { createWechatKeyStore, type WechatKeyStore } from '../keys/wechat-keys';
import type { PaymentCore, PaymentCoreConfig, PaymentProvider } from '../payments/api';
import { defaultProviderRegistry } from '../providers/registry';
import { createNotifyEndpoint, DEFAULT_TUNNEL_HOST } from '../tunnel/notify-endpoint';
import { createProbeEndpoint, type ProbeEndpoint } from '../tunnel/probe';
import { DB_FILE, inspectDatabase, secureDataDir } from './data-dir';
import { corruptMessage, scheduleBackgroundCheck } from './db-integrity';
import { toOrderDto, toRefundDto } from './dto';
import { ConsoleError, KEYS_MISSING_MESSAGE } from './errors';
import { createManagerPin } from './manager-pin';
import { latePaymentWarnings, SellerIdWatch } from './payment-warnings';
import { demoCustomerUrl, demoPlan, realPlan, type ProviderPlan, type ProviderReadiness } from './providers';
import { loadSettings, saveSettings, type Settings } from './settings';
import { createShortLinks, type ShortLinks } from './short-links';
import { GATEWAYS, type ConsoleDeps, type Runtime, type RuntimeState } from './runtime-types';

import { buildStatus, KEYS_RESTART_NOTE, type RunningConfig, type StatusFacts } from './status';
import { openConsoleVault } from './vault-setup';

export { GATEWAYS, type ConsoleDeps, type EmulatorHandle, type Runtime, type RuntimeState } from './runtime-types';

/** Everything the payment core is built from, besides the provider's own configuration. */
export interface CoreInputs {
  dataDir: string;
  running: RunningConfig;
  /** Give orders from before environments were recorded to this core (see createRuntime). */
  adoptUnknownOrders: boolean;
  notifyPort: number;
  /** The console's own routes on the notify server (reachability probe, short links). */
  routes: NonNullable<PaymentCoreConfig['notify']['routes']>;
  tuning: NonNullable<ConsoleConfig['tuning']>;
  logger: Logger;
}

/**
 * The one place the payment core is constructed: its configuration from the ready providers and the
 * runtime. Alipay, when ready, comes first and so carries orders that name no provider.
 */
export function buildPaymentCore(createCore: ConsoleDeps['createPaymentCore'], plan: Omit<ProviderPlan, 'readiness'>, inputs: CoreInputs): PaymentCore {
  const t = inputs.tuning;
  const registry = defaultProviderRegistry();
  const deps = { logger: inputs.logger, clock: systemClock };
  // The providers this core hosts, built through the registry from their settings and keys.
  const providers: PaymentProvider[] = [
    ...(plan.alipay ? [registry.build('alipay', { ...plan.alipay, environment: inputs.running.environment }, deps)] : []),
    ...(plan.wechat ? [registry.build('wechat', { ...plan.wechat, environment: inputs.running.environment }, deps)] : []),
  ];
  const coreConfig: PaymentCoreConfig = {
    dbPath: join(inputs.dataDir, DB_FILE),
    providers,
    adoptUnknownOrders: inputs.adoptUnknownOrders,
    // poll only until the endpoint says otherwise (the tunnel may still be connecting)
    notify: { port: inputs.notifyPort, publicUrl: null, routes: inputs.routes },
    orderExpiryMs: inputs.running.orderExpiryMinutes * 60_000,
    logger: inputs.logger,
    ...(t.pollInitialMs !== undefined || t.pollMaxMs !== undefined ? { poll: { initialMs: t.pollInitialMs, maxMs: t.pollMaxMs } } : {}),
    ...(t.barcodePollMs !== undefined || t.barcodeMaxWaitMs !== undefined
      ? { barcode: { pollIntervalMs: t.barcodePollMs, maxWaitMs: t.barcodeMaxWaitMs } }
      : {}),
    ...(t.refundMinGapMs !== undefined ? { refundMinGapMs: t.refundMinGapMs } : {}),
  };
  return createCore(coreConfig);
}

/**
 * Build and start the runtime for `config.dataDir`. Throws only when the data directory or the database
 * cannot be used; missing keys, an unusable vault or a corrupt settings file start a runtime that says so.
 */
export async function createRuntime(config: ConsoleConfig, deps: ConsoleDeps): Promise<Runtime> {
  const { logger } = deps;
  const { dataDir } = config;
  const t = config.tuning ?? {};
  await secureDataDir(dataDir);

  const loaded = await loadSettings(dataDir);
  // A vanished or corrupt database stops start-up here, in words (never a silent empty one).
  const dbFacts = inspectDatabase(dataDir);
  if (loaded.problem) logger.warn('settings file unusable; defaults in effect', { dataDir });
  const environmentOverride: Environment | null = config.environment ?? null;

  const { vault, keys, vaultProblem, migrationProblems } = openConsoleVault(config, logger);
  const wechatKeys: WechatKeyStore | null = vault && keys ? createWechatKeyStore({ vault, logger }) : null;
  const managerPin = createManagerPin({ vault, vaultProblem, ...(config.now ? { now: config.now } : {}) });

  /*
   * Settings missing or unusable in a data dir that holds sandbox/production orders or keys: the defaults
   * (demo) would be a guess. Payments stay disabled until the merchant saves settings; nothing is written.
   */
  const keyStatus = keys?.status();
  const keysStored = keyStatus
    ? keyStatus.appPrivateKey.configured || keyStatus.alipayPublicKey.configured || Object.values(wechatKeys?.status() ?? {}).some((k) => k.configured)
    : ['vault.json', 'vault.safestorage.json'].some((f) => existsSync(join(dataDir, f)));
  const realOrders = dbFacts.scopes.some((s) => s.environment === 'sandbox' || s.environment === 'production');
  /** The environment a valid settings.json named at start-up (null: missing or unusable). */
  const savedEnvironment: Environment | null = loaded.found && loaded.problem === null ? loaded.settings.environment : null;
  const settingsBlocked = (loaded.problem !== null || !loaded.found) && (realOrders || keysStored) ? settingsRequiredMessage(dataDir) : null;

  const state: RuntimeState = {
    settings: loaded.settings,
    settingsProblem: loaded.problem,
    settingsBlocked,
    disabledReason: settingsBlocked,
    running: {
      environment: environmentOverride ?? loaded.settings.environment,
      alipay: { ...loaded.settings.alipay },
      wechat: { ...loaded.settings.wechat },
      orderExpiryMinutes: loaded.settings.orderExpiryMinutes,
    },
    providers: [],
    core: null,
    emulator: null,
    endpoint: null,
    endpointOff: null,
    keysChanged: false,
    databaseProblem: null,
    closed: false,
  };
  const dbFile = join(dataDir, DB_FILE);
  const gatewayFor = (mode: 'sandbox' | 'production'): string => config.gateways?.[mode] ?? GATEWAYS[mode];

  const events = new Emitter<ConsoleEvents>(logger);
  const emit = <E extends EventName>(event: E, payload: ConsoleEvents[E]): void => {
    if (!state.closed) events.emit(event, payload);
  };

  /* ── the provider: the emulator (demo) or the vault's keys ── */

  /** Demo: the embedded emulator (started once): its Alipay app and its WeChat Pay merchant. */
  const demoProviders = async (): Promise<ProviderPlan> => {
    state.emulator ??= await deps.startEmulator({
      port: 0,
      stateDir: join(dataDir, 'emulator'),
      ...(config.emulatorTimeScale !== undefined ? { timeScale: config.emulatorTimeScale } : {}),
    });
    const plan = demoPlan(state.emulator);
    state.providers = plan.readiness;
    return plan;
  };

  /**
   * Sandbox / production: each provider from its settings and the vault's keys. Returns the plan when at
   * least one provider is ready, else null with disabledReason set (Alipay's reason first, as before).
   */
  const realProviders = (mode: 'sandbox' | 'production'): ProviderPlan | null => {
    const plan = realPlan({
      environment: mode,
      keys,
      wechatKeys,
      vaultProblem,
      alipayAccount: state.running.alipay,
      wechatAccount: state.running.wechat,
      alipayGateway: gatewayFor(mode),
      ...(config.wechatBase !== undefined ? { wechatBase: config.wechatBase } : {}),
    });
    state.providers = plan.readiness;
    if (!plan.alipay && !plan.wechat) {
      state.disabledReason = plan.readiness.find((p) => p.reason !== null)?.reason ?? KEYS_MISSING_MESSAGE;
      return null;
    }
    state.disabledReason = null;
    return plan;
  };

  /* ── the notify endpoint (loopback / localtunnel / custom / none) ── */
  const probe: ProbeEndpoint = createProbeEndpoint();
  /** 收款链接 as a short URL on the notify endpoint while it is reachable (console/short-links.ts). */
  const shortLinks: ShortLinks = createShortLinks((id) => {
    const o = state.core?.getOrder(id);
    return o ? { payUrl: o.payUrl, awaiting: o.status === 'AWAITING_PAYMENT' } : null;
  });
  const withLink = <T extends OrderDto>(dto: T): T => {
    const customerUrl = demoCustomerUrl(dto, state.running.environment === 'demo' && !dto.foreign ? (state.emulator?.url ?? null) : null);
    const current = state.endpoint?.current();
    if (dto.method !== 'link' || dto.status !== 'AWAITING_PAYMENT' || !dto.payUrl || !current?.url || current.reachability !== 'reachable') {
      return { ...dto, customerUrl };
    }
    return { ...dto, customerUrl, shortUrl: shortLinks.urlFor(dto.id, current.url) };
  };

  /** Start the endpoint for the running notify settings; its URL becomes what new orders get. */
  const startEndpoint = (c: PaymentCore): void => {
    const loopbackUrl = c.localNotifyBase();
    if (!loopbackUrl) return;
    const { settings } = state;
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
    state.endpoint = next;
    state.endpointOff = next.on('change', (s) => {
      if (state.endpoint !== next || state.closed) return;
      c.setNotifyBase(s.url);
      logger.info('notify endpoint changed', { mode: s.mode, url: s.url, reachability: s.reachability });
      emit('status.changed', status());
    });
    next.start();
    c.setNotifyBase(next.current().url);
  };
  const stopEndpoint = async (): Promise<void> => {
    const old = state.endpoint;
    state.endpoint = null;
    state.endpointOff?.();
    state.endpointOff = null;
    await old?.stop();
  };

  /* ── the payment core ── */
  const sellerWatch = new SellerIdWatch();
  const startCore = async (plan: ProviderPlan): Promise<void> => {
    let c: PaymentCore | null = null;
    try {
      c = buildPaymentCore(deps.createPaymentCore, plan, {
        dataDir,
        running: state.running,
        // Orders from before environments were recorded belong to the environment the saved settings name.
        // (Demo adopts them only when the vault holds no keys: keys mean the dir was set up for real money.)
        adoptUnknownOrders: state.running.environment === savedEnvironment && (savedEnvironment !== 'demo' || !keysStored),
        notifyPort: config.notifyPort ?? 0,
        routes: (req, res) => probe.handle(req, res) || shortLinks.handle(req, res),
        tuning: t,
        logger,
      });
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
    state.core = c;
    startEndpoint(c);
  };

  /** The endpoint's state with the full notify_urls new orders get (base + each hosted provider's notify path). */
  const notifyState = (): StatusFacts['notify'] => {
    const current = state.endpoint?.current();
    if (!state.core || !current) return null;
    if (current.url === null) return { ...current, url: null, hosted: [] };
    const core = state.core;
    const hosted = core.providers().flatMap((provider) => {
      const url = core.notifyUrl(provider);
      return url === null ? [] : [{ provider, url }];
    });
    return { ...current, url: hosted[0]?.url ?? core.notifyUrl(), hosted };
  };

  /** Readiness as the cashier sees it: a provider the running core does not host is not ready, with the reason. */
  const providersView = (): ProviderReadiness => {
    const blocked = state.databaseProblem ?? state.settingsBlocked;
    const hosted = state.core?.providers() ?? [];
    return state.providers.map((p) => {
      if (blocked) return { id: p.id, ready: false, reason: blocked };
      if (hosted.includes(p.id)) return { id: p.id, ready: true, reason: null };
      if (p.ready) return { id: p.id, ready: false, reason: state.core ? KEYS_RESTART_NOTE : (state.disabledReason ?? KEYS_MISSING_MESSAGE) };
      return { ...p };
    });
  };

  function status(): StatusDto {
    return buildStatus({
      running: state.running,
      disabledReason: state.databaseProblem ?? state.disabledReason,
      emulatorUrl: state.emulator?.url ?? null,
      notify: notifyState(),
      lastNotificationAt: state.core?.lastNotification()?.at ?? null,
      ...(state.providers.length > 0 ? { providers: providersView() } : {}),
      settings: state.settings,
      environmentOverride,
      settingsProblem: state.settingsProblem,
      keysChanged: state.keysChanged,
      // The vault backend's own warnings (basic_text, file vault) belong to Settings; an unusable vault to everyone.
      keyWarnings: [...(vaultProblem ? [vaultProblem] : []), ...migrationProblems],
      paymentWarnings: [
        ...latePaymentWarnings(state.core, Date.now()),
        ...[sellerWatch.warning(state.running.alipay.sellerId)].filter((w): w is string => w !== null),
      ],
    });
  }

  const markCorrupt = (detail: string, source: string): void => {
    if (state.databaseProblem || state.closed) return;
    state.databaseProblem = corruptMessage(dbFile, detail);
    logger.error('order database corrupt: payments disabled', { source, detail, dbFile });
    emit('status.changed', status());
  };

  const enableIfReady = async (): Promise<void> => {
    if (state.settingsBlocked) return;
    if (state.core || state.closed) {
      if (state.core && state.running.environment !== 'demo') state.keysChanged = true;
      return;
    }
    if (state.running.environment === 'demo') {
      await startCore(await demoProviders());
      logger.info('payment core enabled', { environment: 'demo' });
      return;
    }
    const wanted = realProviders(state.running.environment);
    if (!wanted) return;
    await startCore(wanted);
    logger.info('payment core enabled after key import', { environment: state.running.environment });
  };

  /** The mutex: two interleaved changes would leave a second tunnel or core behind. */
  let changes: Promise<unknown> = Promise.resolve();
  const serialized =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const run = changes.then(() => fn(...args));
      changes = run.catch(() => undefined);
      return run;
    };

  const applySettings = async (next: Settings): Promise<void> => {
    const before = state.settings;
    await saveSettings(dataDir, next, state.settingsProblem !== null);
    const notifyChanged =
      next.notifyMode !== before.notifyMode ||
      next.customNotifyUrl !== before.customNotifyUrl ||
      next.tunnelHost !== before.tunnelHost ||
      next.tunnelSubdomain !== before.tunnelSubdomain;
    state.settings = next;
    state.settingsProblem = null;
    // 订单有效期 applies to new orders at once (no restart).
    state.running.orderExpiryMinutes = next.orderExpiryMinutes;
    if (state.settingsBlocked) {
      // The merchant decided: run what they saved (still under a start-up override, if any).
      state.settingsBlocked = null;
      state.disabledReason = null;
      state.running.environment = environmentOverride ?? next.environment;
    }
    if (notifyChanged) {
      // Notify settings apply live: a new endpoint for new orders; existing orders keep their notify_url
      // and polling covers them.
      await stopEndpoint();
      if (state.core && !state.closed) startEndpoint(state.core);
    }
    if (state.core === null) {
      state.running.alipay = { ...next.alipay };
      state.running.wechat = { ...next.wechat };
      await enableIfReady();
    }
  };

  /* ── start: the providers, then the core ── */
  let plan: ProviderPlan | null = null;
  if (state.settingsBlocked) {
    logger.warn('payments disabled: settings missing or unusable in a data dir with sandbox/production data', { dataDir });
  } else if (state.running.environment === 'demo') {
    plan = await demoProviders();
  } else {
    plan = realProviders(state.running.environment);
    if (!plan) logger.warn('payment core disabled', { environment: state.running.environment });
  }
  if (plan) {
    try {
      await startCore(plan);
    } catch (err) {
      await state.emulator?.close().catch(() => undefined);
      throw err;
    }
  }

  // The full integrity check, in the background (start-up only did the cheap checks).
  const integrity = scheduleBackgroundCheck({
    check: deps.checkDatabase,
    dbFile,
    delayMs: t.integrityCheckDelayMs ?? 1_000,
    logger,
    onCorrupt: (detail) => markCorrupt(detail, 'quick_check'),
  });

  return {
    config,
    logger,
    state,
    keys,
    wechatKeys,
    vault,
    vaultProblem,
    environmentOverride,
    managerPin,
    dbFile,
    gatewayFor,
    on: (event, listener) => events.on(event, listener),
    emit,
    status,
    keysForSettings() {
      if (!keys || !vault || !wechatKeys) {
        const none = { configured: false, fingerprint: null };
        return {
          alipay: { appPrivateKey: none, alipayPublicKey: { ...none } },
          wechat: { merchantPrivateKey: { ...none }, apiV3Key: { ...none }, wechatpayPublicKey: { ...none }, merchantCertificate: { ...none } },
          vault: { backend: null, warnings: vaultProblem ? [vaultProblem] : [] },
        };
      }
      return keysSettingsDto(keys.status(), vault.backend().kind, wechatKeys.status());
    },
    requireCore() {
      if (!state.core) {
        throw new ConsoleError(state.settingsBlocked ? 'SETTINGS_REQUIRED' : 'KEYS_MISSING', state.disabledReason ?? KEYS_MISSING_MESSAGE);
      }
      return state.core;
    },
    requireSoundDatabase() {
      if (state.databaseProblem) throw new ConsoleError('DATABASE_CORRUPT', state.databaseProblem);
    },
    withLink,
    markCorrupt,
    serialized,
    applySettings,
    enableIfReady,
    async close() {
      if (state.closed) return;
      state.closed = true;
      const errors: unknown[] = [];
      await integrity.stop().catch((err: unknown) => errors.push(err));
      await stopEndpoint().catch((err: unknown) => errors.push(err));
      await state.core?.close().catch((err: unknown) => errors.push(err));
      await state.emulator?.close().catch((err: unknown) => errors.push(err));
      for (const err of errors) logger.error('close failed', { error: err instanceof Error ? err.message : String(err) });
    },
  };
}

/** Why payments stay disabled when settings.json is missing or unusable next to real data (bilingual). */
function settingsRequiredMessage(dataDir: string): string {
  const file = join(dataDir, 'settings.json');
  return (
    `设置文件 ${file} 缺失或无法使用，而此数据目录存有沙箱或生产环境的订单或密钥：为免误入演示模式，收款和退款已停用，` +
    `文件未做任何改动。请修复该文件，或在「设置」中确认支付环境、AppID 和卖家 ID 后保存 / ` +
    `The settings file ${file} is missing or unusable while this data directory holds sandbox or production orders or keys: ` +
    `payments and refunds stay disabled rather than guessing demo mode, and nothing was changed. Fix the file, or confirm the ` +
    `environment, app id and seller id in Settings and save`
  );
}
