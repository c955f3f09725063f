/**
 * Runs the browser host CLI (src/main/web/cli.ts) as a child process and reads its one JSON line.
 * Used by the CLI tests and the browser E2E test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { z } from 'zod';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = resolve(REPO, 'src/main/web/cli.ts');

/** The start-up line's shape (src/main/web/cli.ts). */
export const serveLineSchema = z.strictObject({
  url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/),
  api: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/api$/),
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** 客显: the display page with the display-only token */
  displayUrl: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/\?view=display#token=[A-Za-z0-9_-]{43}$/),
  notifyUrl: z
    .string()
    .regex(/^http:\/\/127\.0\.0\.1:\d+\/notify\/alipay$/)
    .nullable(),
  emulator: z
    .strictObject({
      gateway: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/gateway\.do$/),
      appId: z.string().min(1),
      sellerId: z.string().min(1),
      appPrivateKey: z.string().startsWith('-----BEGIN'),
      alipayPublicKey: z.string().startsWith('-----BEGIN'),
      control: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/__emulator$/),
      // The embedded emulator's WeChat Pay side, printed like `npm run emulator` does.
      wechat: z.strictObject({
        baseUrl: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+$/),
        mchid: z.string().regex(/^\d+$/),
        appid: z.string().min(1),
        merchantPrivateKey: z.string().startsWith('-----BEGIN'),
        merchantSerialNo: z.string().regex(/^[0-9A-F]{40}$/i),
        apiV3Key: z.string().length(32),
        wechatpayPublicKey: z.string().startsWith('-----BEGIN'),
        wechatpayPublicKeyId: z.string().startsWith('PUB_KEY_ID_'),
        control: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/__emulator\/wechat$/),
      }),
    })
    .optional(),
});
export type ServeLine = z.infer<typeof serveLineSchema>;

export interface ServeProcess {
  child: ChildProcess;
  /** Every stdout line (there must be exactly one). */
  stdoutLines: () => string[];
  stderr: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Spawn `node --import tsx src/main/web/cli.ts …args` from the repository root. */
export function spawnServe(args: string[]): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    child,
    stdoutLines: () => out.split('\n').filter((l) => l !== ''),
    stderr: () => err,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Wait for the first stdout line; fails with the child's stderr if it exits or takes too long. */
export async function readServeLine(proc: ServeProcess, timeoutMs = 45_000): Promise<ServeLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const first = proc.stdoutLines()[0];
    if (first !== undefined) return serveLineSchema.parse(JSON.parse(first));
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`serve exited (${proc.child.exitCode ?? proc.child.signalCode}) before its JSON line:\n${proc.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`no JSON line from serve within ${timeoutMs} ms:\n${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Wait until the child exited (e.g. on a start-up error); returns its exit code. */
export function waitExit(proc: ServeProcess, timeoutMs = 30_000): Promise<number | null> {
  if (proc.child.exitCode !== null) return Promise.resolve(proc.child.exitCode);
  return new Promise((resolveExit, rejectExit) => {
    const timer = setTimeout(() => rejectExit(new Error('serve did not exit')), timeoutMs);
    proc.child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}
