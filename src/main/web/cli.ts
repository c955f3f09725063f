/**
 * `npm run serve -- [--port N] [--data-dir DIR] [--environment demo|sandbox|production]`
 *
 * The browser host: createConsole() in plain Node plus the web bridge. Prints exactly ONE JSON line on
 * stdout — `{"url","api","token","notifyUrl","emulator"?}` — so scripts and tests can read it; logs go
 * to stderr. SIGINT/SIGTERM close everything cleanly.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ENVIRONMENTS } from '../../shared/contract';
import { createConsole, stderrLogger } from '../console';
import type { ConsoleConfig, ConsoleHost } from '../console-host';
import { readLastPort, saveLastPort } from './last-port';
import { startWebBridge, type WebBridge } from './server';

const USAGE = `Usage: npm run serve -- [--port N] [--data-dir DIR] [--environment demo|sandbox|production]
  --port N           HTTP port on 127.0.0.1 (0 = any free port; default: the port this data dir
                     used last time when it is free, else any free port)
  --data-dir DIR     settings, database, keys, emulator state (default ~/.paydesk)
  --environment ENV  override the saved environment for this run
  --provider ENV     deprecated name of --environment
  --notify-port N    port of the local notify server (default 0)
  --renderer-dir DIR the built renderer (default out/renderer)
  --time-scale X     demo mode: the embedded emulator's time scale (default 1)
  --poll-ms N        poll waiting orders every N ms (default 2 s backing off to 10 s)`;

const portSchema = z.coerce.number().int().min(0).max(65535);
const argsSchema = z.object({
  port: portSchema.optional(),
  'data-dir': z.string().min(1).default(join(homedir(), '.paydesk')),
  environment: z.enum(ENVIRONMENTS).optional(),
  /** the deprecated name of --environment */
  provider: z.enum(ENVIRONMENTS).optional(),
  'notify-port': portSchema.default(0),
  'renderer-dir': z.string().min(1).optional(),
  'time-scale': z.coerce.number().positive().max(1_000_000).optional(),
  'poll-ms': z.coerce.number().int().min(10).max(600_000).optional(),
});

/** out/renderer next to the repository's package.json (this file is src/main/web/cli.ts). */
function defaultRendererDir(): string {
  return resolve(import.meta.dirname, '../../../out/renderer');
}

async function main(): Promise<void> {
  let raw;
  try {
    raw = parseArgs({
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        environment: { type: 'string' },
        provider: { type: 'string' },
        'notify-port': { type: 'string' },
        'renderer-dir': { type: 'string' },
        'time-scale': { type: 'string' },
        'poll-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (raw.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n');
    process.stderr.write(`${issues}\n${USAGE}\n`);
    process.exit(2);
  }
  const args = parsed.data;
  if (raw.provider !== undefined) {
    process.stderr.write('--provider 已更名为 --environment，旧名称仍可使用 / --provider is deprecated: use --environment (the old name still works)\n');
  }
  const environment = args.environment ?? args.provider;
  const rendererDir = resolve(args['renderer-dir'] ?? defaultRendererDir());
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write(
      `渲染界面尚未构建（缺少 ${join(rendererDir, 'index.html')}），请先运行 npm run build\n` +
        `The renderer is not built (${join(rendererDir, 'index.html')} is missing): run \`npm run build\` first.\n`,
    );
    process.exit(1);
  }

  const config: ConsoleConfig = {
    dataDir: resolve(args['data-dir']),
    notifyPort: args['notify-port'],
    ...(environment ? { environment } : {}),
    ...(args['time-scale'] !== undefined ? { emulatorTimeScale: args['time-scale'] } : {}),
    ...(args['poll-ms'] !== undefined ? { tuning: { pollInitialMs: args['poll-ms'], pollMaxMs: args['poll-ms'] } } : {}),
  };
  const host = await createConsole(config);
  let bridge: WebBridge;
  try {
    bridge = await startBridge(host, rendererDir, config.dataDir, args.port);
  } catch (err) {
    await host.close();
    throw err;
  }
  await saveLastPort(config.dataDir, bridge.port).catch((err: unknown) =>
    stderrLogger.warn('无法记录浏览器端口 / Cannot remember the browser host port', { error: err instanceof Error ? err.message : String(err) }),
  );

  const info = host.info();
  const line: Record<string, unknown> = {
    url: bridge.url,
    api: bridge.api,
    token: bridge.token,
    displayUrl: bridge.displayUrl,
    notifyUrl: info.notifyUrl,
  };
  // The emulator's generated demo keys are printed like `npm run emulator` does (tests pay through its
  // control URL); they are never sent to the renderer, and absent with a real provider.
  if (info.emulator) line['emulator'] = info.emulator;
  process.stdout.write(`${JSON.stringify(line)}\n`);
  stderrLogger.info('PayDesk browser host ready', {
    url: `http://127.0.0.1:${bridge.port}/`,
    environment: info.environment,
    dataDir: config.dataDir,
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    stderrLogger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void bridge
      .close()
      .then(() => host.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          stderrLogger.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * `--port N` as asked; without it the port this data dir used last time (an open tab finds the restarted
 * host there), or any free one when that is taken — said on stderr, since open tabs must then be
 * reopened from the new URL.
 */
async function startBridge(host: ConsoleHost, staticDir: string, dataDir: string, asked: number | undefined): Promise<WebBridge> {
  const start = (port: number): Promise<WebBridge> => startWebBridge({ host, staticDir, port, logger: stderrLogger });
  if (asked !== undefined) return start(asked);
  const last = await readLastPort(dataDir);
  if (last.port === null) {
    if (last.problem) stderrLogger.warn(last.problem);
    return start(0);
  }
  try {
    return await start(last.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    stderrLogger.warn(
      `上次使用的端口 ${last.port} 已被占用，改用其他端口：已打开的页面须从新链接重新打开 / ` +
        `Port ${last.port} (used last time) is taken; using another one: reopen open tabs from the new URL`,
    );
    return start(0);
  }
}

main().catch((err: unknown) => {
  stderrLogger.error('PayDesk browser host failed to start', {
    error: err instanceof Error ? err.message : String(err),
  });
  process.exit(1);
});
