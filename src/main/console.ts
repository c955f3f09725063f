/**
 * createConsole(config): the Electron-free composition root both hosts use (Electron IPC and the web
 * bridge). Wiring only: the runtime (src/main/console/runtime.ts: settings, vault, provider, payment
 * core, notify endpoint) and one handler group per channel family (src/main/console/handlers), behind
 * one `dispatch()` that validates, runs and maps errors for every contract channel, so validation and
 * error mapping exist once.
 */
import { commands, type Channel, type CommandOutput, type ParsedInput, type Result } from '../shared/contract';
import type { ConsoleConfig, ConsoleHost } from './console-host';
import { corruptMessage, isCorruptionError, quickCheckInWorker } from './console/db-integrity';
import { invalidInput, toErrorInfo } from './console/errors';
import { createCustomerDisplay } from './console/customer-display';
import { loadDisplayPicture } from './console/display-picture';
import { displayHandlers } from './console/handlers/display';
import { keyHandlers } from './console/handlers/keys';
import { orderHandlers } from './console/handlers/orders';
import { pinHandlers } from './console/handlers/pin';
import { settingsHandlers } from './console/handlers/settings';
import { shiftHandlers } from './console/handlers/shifts';
import { statusHandlers } from './console/handlers/status';
import type { Handlers } from './console/handlers/types';
import { createRuntime, type ConsoleDeps, type EmulatorHandle } from './console/runtime';
import { createRedactingLogger, type Logger } from './kernel';

export { GATEWAYS, type ConsoleDeps, type EmulatorHandle } from './console/runtime';

/**
 * Log lines on stderr (stdout belongs to the hosts' one JSON line). Never pass secrets in fields; keys,
 * `sign` values and tokens are redacted anyway (src/main/kernel/redact.ts).
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
  const emulator = await startEmulator(options);
  // Its credentials (the JSON line) keep the WeChat Pay side nested; the runtime reads it as `wechat`.
  return { ...emulator, wechat: emulator.credentials.wechat };
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
  const rt = await createRuntime(config, {
    // stderrLogger redacts already; an injected logger gets the same protection.
    logger: overrides.logger ? createRedactingLogger(overrides.logger) : stderrLogger,
    createPaymentCore: overrides.createPaymentCore ?? (await loadCoreFactory()),
    startEmulator: overrides.startEmulator ?? loadEmulator,
    checkDatabase: overrides.checkDatabase ?? quickCheckInWorker,
  });

  // 客显: main keeps what the customer display shows, from the orders as they change.
  // Its idle picture: one file in the data directory, checked again at every start.
  const loadedPicture = loadDisplayPicture(config.dataDir);
  if (loadedPicture.problem) rt.logger.warn('customer display picture ignored', { problem: loadedPicture.problem });
  let picture = loadedPicture.picture;
  const pictureSlot = { get: () => picture, set: (p: typeof picture) => (picture = p) };
  const display = createCustomerDisplay({
    shopName: () => rt.state.settings.shopName,
    pictureId: () => picture?.id ?? null,
    ...(config.tuning?.displayPaidHoldMs !== undefined ? { paidHoldMs: config.tuning.displayPaidHoldMs } : {}),
    onChange: (state) => rt.emit('display.updated', state),
  });
  rt.on('order.updated', (order) => display.order(order));
  rt.on('status.changed', () => display.refresh());

  const handlers: Handlers<Channel> = {
    ...orderHandlers(rt),
    ...settingsHandlers(rt),
    ...keyHandlers(rt),
    ...pinHandlers(rt),
    ...statusHandlers(rt),
    ...shiftHandlers(rt),
    ...displayHandlers(rt, display, pictureSlot, config.dataDir),
  };

  return {
    async dispatch<C extends Channel>(channel: C, rawInput: unknown): Promise<Result<CommandOutput<C>>> {
      if (typeof channel !== 'string' || !Object.hasOwn(commands, channel)) {
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `未知命令 / Unknown command: ${String(channel).slice(0, 64)}` } };
      }
      if (rt.state.closed) {
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
          rt.markCorrupt(`${err.code}: ${err.message}`, channel);
          return { ok: false, error: { code: 'DATABASE_CORRUPT', message: rt.state.databaseProblem ?? corruptMessage(rt.dbFile, err.code) } };
        }
        return { ok: false, error: toErrorInfo(err, rt.logger, { channel }) };
      }
    },
    on: (event, listener) => rt.on(event, listener),
    info() {
      const { running, core, emulator } = rt.state;
      return {
        environment: running.environment,
        notifyUrl: core?.notifyUrl() ?? null,
        emulator: emulator ? { ...emulator.credentials } : null,
      };
    },
    close: () => {
      display.close();
      return rt.close();
    },
  };
}
