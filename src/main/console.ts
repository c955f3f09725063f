/**
 * createConsole(config): the Electron-free composition root both hosts use (Electron IPC and the web
 * bridge). It reads the settings, picks the provider (demo = the embedded emulator; sandbox/production =
 * key files until the vault exists), builds the payment core and exposes one `dispatch()` that
 * validates, runs and maps errors for every contract channel (design.md "One handle() in main").
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  commands,
  type Channel,
  type CommandOutput,
  type ConsoleEvents,
  type EventName,
  type ParsedInput,
  type ProviderMode,
  type Result,
  type SettingsDto,
} from '../shared/contract';
import { parseYuan } from '../shared/money';
import type { ConsoleConfig, ConsoleHost } from './console-host';
import { ConsoleError, invalidInput, KEYS_MISSING_MESSAGE, toErrorInfo } from './console/errors';
import { localDate, toOrderDetailDto, toOrderDto, toRefundDto, toSummaryDto } from './console/dto';
import {
  keyFingerprint,
  keysDto,
  loadSettings,
  readKeyFiles,
  saveSettings,
  settingsSchema,
  toSettingsDto,
  type Settings,
} from './console/settings';
import { buildStatus, type RunningConfig } from './console/status';
import type { AlipayConfig, Logger, PaymentCore, PaymentCoreConfig } from './payments/api';

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
}

/** Log lines on stderr (stdout belongs to the hosts' one JSON line). Never pass secrets in fields. */
export const stderrLogger: Logger = {
  info: (message, fields) => writeLog('info', message, fields),
  warn: (message, fields) => writeLog('warn', message, fields),
  error: (message, fields) => writeLog('error', message, fields),
};

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
 * database cannot be used; missing keys or a corrupt settings file start a console that says so.
 */
export async function createConsole(config: ConsoleConfig, overrides: Partial<ConsoleDeps> = {}): Promise<ConsoleHost> {
  const logger = overrides.logger ?? stderrLogger;
  const createCore = overrides.createPaymentCore ?? (await loadCoreFactory());
  const startEmu = overrides.startEmulator ?? loadEmulator;
  const { dataDir } = config;
  await mkdir(dataDir, { recursive: true });

  const loaded = await loadSettings(dataDir);
  let settings: Settings = loaded.settings;
  let settingsProblem = loaded.problem;
  if (settingsProblem) logger.warn('settings file unusable; defaults in effect', { dataDir });

  const providerOverride: ProviderMode | null = config.providerMode ?? null;
  const running: RunningConfig = {
    providerMode: providerOverride ?? settings.providerMode,
    appId: settings.appId,
    sellerId: settings.sellerId,
    notifyMode: settings.notifyMode,
    customNotifyUrl: settings.customNotifyUrl,
    orderExpiryMinutes: settings.orderExpiryMinutes,
  };

  /* ── provider: the emulator (demo) or key files ── */
  let emulator: EmulatorHandle | null = null;
  let alipay: AlipayConfig | null = null;
  let disabledReason: string | null = null;
  if (running.providerMode === 'demo') {
    emulator = await startEmu({
      port: 0,
      stateDir: join(dataDir, 'emulator'),
      ...(config.emulatorTimeScale !== undefined ? { timeScale: config.emulatorTimeScale } : {}),
    });
    const c = emulator.credentials;
    alipay = {
      appId: c.appId,
      sellerId: c.sellerId,
      privateKey: c.appPrivateKey,
      alipayPublicKey: c.alipayPublicKey,
      gateway: c.gateway,
    };
  } else {
    const keys = await readKeyFiles(dataDir);
    const problems: string[] = [];
    if (!keys.appPrivateKey || !keys.alipayPublicKey || !running.appId) problems.push('missing');
    else if (!keyFingerprint(keys.appPrivateKey, 'private') || !keyFingerprint(keys.alipayPublicKey, 'public')) {
      problems.push('invalid');
    }
    if (problems.length === 0 && keys.appPrivateKey && keys.alipayPublicKey) {
      alipay = {
        appId: running.appId,
        sellerId: running.sellerId,
        privateKey: keys.appPrivateKey,
        alipayPublicKey: keys.alipayPublicKey,
        gateway: GATEWAYS[running.providerMode],
      };
    } else {
      disabledReason =
        problems[0] === 'invalid'
          ? '密钥文件无法解析（需 PEM 格式），收款与退款已停用 / The key files cannot be parsed (PEM expected): payments and refunds are disabled'
          : KEYS_MISSING_MESSAGE;
      logger.warn('payment core disabled', { providerMode: running.providerMode, reason: problems[0] });
    }
  }

  /* ── the payment core ── */
  let core: PaymentCore | null = null;
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

  if (alipay) {
    const t = config.tuning ?? {};
    const coreConfig: PaymentCoreConfig = {
      dbPath: join(dataDir, 'paydesk.db'),
      alipay,
      notify: { port: config.notifyPort ?? 0, ...notifyPublicUrl(running) },
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
    try {
      core = createCore(coreConfig);
      core.on('order.updated', (order) => emit('order.updated', toOrderDto(order)));
      core.on('refund.updated', (refund) => emit('refund.updated', toRefundDto(refund)));
      core.on('notification.received', () => emit('status.changed', status()));
      await core.start();
    } catch (err) {
      await core?.close().catch(() => undefined);
      await emulator?.close().catch(() => undefined);
      throw err;
    }
  }

  function status() {
    return buildStatus({
      running,
      disabledReason,
      emulatorUrl: emulator?.url ?? null,
      notifyUrl: core?.notifyUrl() ?? null,
      lastNotificationAt: core?.lastNotification()?.at ?? null,
      settings,
      providerOverride,
      settingsProblem,
    });
  }

  async function keysForSettings(): Promise<SettingsDto['keys']> {
    if (settings.providerMode === 'demo') {
      if (emulator) {
        const c = emulator.credentials;
        return keysDto({ appPrivateKey: c.appPrivateKey, alipayPublicKey: c.alipayPublicKey });
      }
      return keysDto({ appPrivateKey: null, alipayPublicKey: null });
    }
    return keysDto(await readKeyFiles(dataDir));
  }

  const requireCore = (): PaymentCore => {
    if (!core) throw new ConsoleError('KEYS_MISSING', disabledReason ?? KEYS_MISSING_MESSAGE);
    return core;
  };
  const notFound = (id: string): ConsoleError =>
    new ConsoleError('NOT_FOUND', `找不到订单 ${id} / Order ${id} not found`);

  /* ── one handler per channel ── */
  const handlers: { [C in Channel]: (input: ParsedInput<C>) => Promise<CommandOutput<C>> } = {
    'orders.create': async (input) => {
      const amountFen = parseYuan(input.amount);
      if (input.method === 'code' && !input.authCode) {
        throw new ConsoleError('INVALID_INPUT', '请扫描顾客的付款码 / Scan the customer\'s payment code (authCode is required)');
      }
      const order = await requireCore().createOrder({
        amountFen,
        method: input.method,
        ...(input.subject !== undefined ? { subject: input.subject } : {}),
        ...(input.authCode !== undefined ? { authCode: input.authCode } : {}),
      });
      return toOrderDto(order);
    },
    'orders.get': async ({ id }) => {
      const c = requireCore();
      const order = c.getOrder(id);
      if (!order) throw notFound(id);
      return toOrderDetailDto(order, c.events(id));
    },
    'orders.list': async (query) => {
      const page = requireCore().listOrders(query);
      return { items: page.items.map(toOrderDto), nextCursor: page.nextCursor };
    },
    'orders.cancel': async ({ id }) => toOrderDto(await requireCore().cancelOrder(id)),
    'orders.refund': async ({ id, amount, reason }) => {
      const amountFen = parseYuan(amount);
      const c = requireCore();
      const refund = await c.refund({ orderId: id, amountFen, ...(reason !== undefined ? { reason } : {}) });
      if (refund.status === 'FAILED') {
        throw new ConsoleError('REFUND_FAILED', refund.message ?? '退款失败 / The refund failed');
      }
      const order = c.getOrder(id);
      if (!order) throw notFound(id);
      return toOrderDto(order);
    },
    'summary.today': async ({ date }) => toSummaryDto(requireCore().summary(date ?? localDate(new Date()))),
    'settings.get': async () => toSettingsDto(settings, await keysForSettings()),
    'settings.update': async (patch) => {
      const next = settingsSchema.parse({ ...settings, ...stripUndefined(patch) });
      checkNotifyUrl(next);
      await saveSettings(dataDir, next, settingsProblem !== null);
      settings = next;
      settingsProblem = null;
      emit('status.changed', status());
      return toSettingsDto(settings, await keysForSettings());
    },
    'status.get': async () => status(),
  };

  let closed = false;
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
      await core?.close().catch((err: unknown) => errors.push(err));
      await emulator?.close().catch((err: unknown) => errors.push(err));
      for (const err of errors) logger.error('close failed', { error: err instanceof Error ? err.message : String(err) });
    },
  };
}

/** notify.publicUrl for the core: loopback (default), none (poll only), or the custom URL. */
function notifyPublicUrl(running: RunningConfig): { publicUrl?: string | null } {
  switch (running.notifyMode) {
    case 'none':
      return { publicUrl: null };
    case 'custom':
      return running.customNotifyUrl ? { publicUrl: running.customNotifyUrl } : {};
    default:
      // loopback; localtunnel arrives with the tunnel issue and falls back to loopback meanwhile
      return {};
  }
}

/** A custom notify URL must be an absolute http(s) URL; custom mode needs one. */
function checkNotifyUrl(next: Settings): void {
  const url = next.customNotifyUrl;
  if (url !== '') {
    let ok = false;
    try {
      const parsed = new URL(url);
      ok = parsed.protocol === 'https:' || parsed.protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new ConsoleError('INVALID_INPUT', '通知地址必须是 http(s):// 开头的完整网址 / The notify URL must be a full http(s):// URL');
    }
  }
  if (next.notifyMode === 'custom' && url === '') {
    throw new ConsoleError('INVALID_INPUT', '自定义通知模式需要填写通知地址 / Custom notify mode needs a notify URL');
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
