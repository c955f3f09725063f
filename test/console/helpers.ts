/** Shared fixtures: temp dirs, a console on a fake core, a fake embedded emulator, raw HTTP. */
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole, type EmulatorHandle } from '../../src/main/console';
import type { ConsoleConfig, ConsoleHost } from '../../src/main/console-host';
import type { Logger } from '../../src/main/payments/api';
import { createFakeCore, type FakeCore } from './fake-core';

export async function tempDir(prefix = 'paydesk-console-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

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
export function cleanupStack(): { push(fn: () => Promise<unknown> | unknown): void; run(): Promise<void> } {
  const fns: Array<() => Promise<unknown> | unknown> = [];
  return {
    push: (fn) => void fns.push(fn),
    async run() {
      for (const fn of fns.splice(0).reverse()) await fn();
    },
  };
}

export interface CapturedLog {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function captureLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

export interface FakeConsole {
  host: ConsoleHost;
  core: () => FakeCore;
  cores: FakeCore[];
  emulatorStarts: { port: number; stateDir?: string; timeScale?: number }[];
  logs: CapturedLog[];
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
  const { logger, lines } = captureLogger();
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

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http request (fetch refuses to set Host, which these tests need). */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.end(options.body);
  });
}

/** Poll `check` until it returns a value, or fail after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 5_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
