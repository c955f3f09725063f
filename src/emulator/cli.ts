/**
 * `npm run emulator -- [--port N] [--state-dir DIR] [--time-scale X]`: prints exactly ONE JSON line
 * (the credentials) on stdout; logs go to stderr; SIGINT/SIGTERM close it (docs/emulator.md).
 */
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index';

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      'time-scale': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write('usage: npm run emulator -- [--port N] [--state-dir DIR] [--time-scale X]\n');
    return;
  }
  const options: EmulatorOptions = { log: (m) => process.stderr.write(`[emulator] ${m}\n`) };
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);
    options.port = port;
  }
  if (values['state-dir'] !== undefined) options.stateDir = values['state-dir'];
  if (values['time-scale'] !== undefined) {
    const scale = Number(values['time-scale']);
    if (!(scale > 0) || !Number.isFinite(scale)) fail(`invalid --time-scale ${values['time-scale']}`);
    options.timeScale = scale;
  }
  const emu = await startEmulator(options);
  process.stdout.write(`${JSON.stringify(emu.credentials)}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => fail((e as Error).message));
