/** Console fixtures: test keys, a console on a fake core, a fake embedded emulator (the rest: test/support). */
import { generateKeyPairSync } from 'node:crypto';
import { createConsole, type EmulatorHandle } from '../../src/main/console';
import type { ConsoleConfig, ConsoleHost } from '../../src/main/console-host';
import { memoryLogger, type LogEntry } from '../support';
import { createFakeCore, type FakeCore } from './fake-core';

let keys: { privatePem: string; publicPem: string } | null = null;
/** One RSA pair per test run (2048 bits: the least the key import accepts). */
export function testKeys(): { privatePem: string; publicPem: string } {
  keys ??= (() => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  })();
  return keys;
}

const more: { privatePem: string; publicPem: string }[] = [];
function extraPair(i: number): { privatePem: string; publicPem: string } {
  while (more.length <= i) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    more.push({
      privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
  }
  return more[i]!;
}
/** Other pairs (an "Alipay" key that is not the app's own). */
export const testKeys2 = (): { privatePem: string; publicPem: string } => extraPair(0);
export const testKeys3 = (): { privatePem: string; publicPem: string } => extraPair(1);

/** Unwrap a dispatch result that must be ok (the error's code and message otherwise). */
export async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Cleanups registered by a test, run in reverse after each test (call in the test file's afterEach). */
export function cleanupStack(): { push(fn: () => unknown): void; run(): Promise<void> } {
  const fns: Array<() => unknown> = [];
  return {
    push: (fn) => void fns.push(fn),
    async run() {
      for (const fn of fns.splice(0).reverse()) await fn();
    },
  };
}

export interface FakeConsole {
  host: ConsoleHost;
  core: () => FakeCore;
  cores: FakeCore[];
  emulatorStarts: { port: number; stateDir?: string; timeScale?: number }[];
  logs: LogEntry[];
}

/** createConsole with the fake core and a fake emulator (credentials only). */
/** An embedded emulator's handle with credentials only (no request ever reaches `base`). */
export function fakeEmulatorHandle(base = 'http://127.0.0.1:9'): EmulatorHandle {
  const k = testKeys();
  return {
    url: base,
    credentials: {
      gateway: `${base}/gateway.do`,
      appId: '2021000000000001',
      sellerId: '2088000000000001',
      appPrivateKey: k.privatePem,
      alipayPublicKey: k.publicPem,
      control: `${base}/__emulator`,
    },
    close: async () => undefined,
  };
}

export async function fakeConsole(config: ConsoleConfig): Promise<FakeConsole> {
  const cores: FakeCore[] = [];
  const emulatorStarts: FakeConsole['emulatorStarts'] = [];
  const logger = memoryLogger();
  const lines = logger.entries;
  const host = await createConsole(config, {
    logger,
    createPaymentCore: (coreConfig) => {
      const core = createFakeCore(coreConfig);
      cores.push(core);
      return core;
    },
    startEmulator: async (options): Promise<EmulatorHandle> => {
      emulatorStarts.push(options);
      return fakeEmulatorHandle('http://127.0.0.1:49999');
    },
  });
  return {
    host,
    cores,
    emulatorStarts,
    logs: lines,
    core: () => {
      const c = cores[0];
      if (!c) throw new Error('no core was created');
      return c;
    },
  };
}
