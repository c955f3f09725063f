/**
 * Benchmark 2 — order create overhead: createOrder({method:'qr'}) end to end against the emulator on
 * loopback (commit the order → sign → HTTP → emulator → verify the signed answer → commit the QR),
 * notify off (poll-only config, polling pushed far out so nothing else runs). Sequential creates after a
 * warm-up; p50/p99 of the wall time of each call.
 *
 * Measured twice, side by side: with the emulator embedded in this process (as in demo mode: the
 * headline p50/p99) and in a child process (`src/emulator/cli.ts`, its CPU on the other core). The
 * emulator's own work (verify PayDesk's request, sign its answer) is ~0.3 ms of the total, so it does
 * not dominate; the child-process figure is usually slower (a cross-process wake-up per call on this VM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulator } from '../src/emulator';
import { createPaymentCore, type PaymentCore } from '../src/main/payments';
import { AlipayProvider } from '../src/main/providers/alipay';
import { percentile, round, silentLogger, tempDir, type BenchOptions } from './util';

export interface OrderCreateResult {
  p50Ms: number;
  p99Ms: number;
  emulator: 'in-process';
  childProcessP50Ms: number;
  childProcessP99Ms: number;
  creates: number;
}

interface Creds {
  gateway: string;
  appId: string;
  sellerId: string;
  appPrivateKey: string;
  alipayPublicKey: string;
}

async function measure(creds: Creds, dbPath: string, n: number, warm: number): Promise<number[]> {
  let core: PaymentCore | null = null;
  try {
    core = createPaymentCore({
      dbPath,
      providers: [
        new AlipayProvider(
          {
            appId: creds.appId,
            sellerId: creds.sellerId,
            privateKey: creds.appPrivateKey,
            alipayPublicKey: creds.alipayPublicKey,
            gateway: creds.gateway,
          },
          silentLogger,
        ),
      ],
      notify: { port: 0, publicUrl: null }, // notify off
      poll: { initialMs: 3_600_000, maxMs: 3_600_000 }, // nothing polls during the run
      orderExpiryMs: 3_600_000,
      logger: silentLogger,
    });
    await core.start();
    const times: number[] = [];
    for (let i = 0; i < warm + n; i++) {
      const t0 = performance.now();
      const o = await core.createOrder({ amountFen: 100 + i, method: 'qr' });
      const dt = performance.now() - t0;
      if (!o.qrCode) throw new Error(`create ${i} failed: ${o.status} ${o.message}`);
      if (i >= warm) times.push(dt);
    }
    return times;
  } finally {
    await core?.close();
  }
}

/** `tsx src/emulator/cli.ts --port 0 --state-dir …` → its one JSON line. */
async function spawnEmulator(stateDir: string): Promise<{ child: ChildProcess; creds: Creds }> {
  const repo = join(import.meta.dirname, '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/emulator/cli.ts'), '--port', '0', '--state-dir', stateDir], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const rl = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulator did not start in 30 s')), 30_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  rl.close();
  return { child, creds: JSON.parse(line) as Creds };
}

export async function benchOrderCreate(opts: BenchOptions): Promise<OrderCreateResult> {
  const n = opts.quick ? 100 : 500;
  const warm = opts.quick ? 150 : 300; // the SDK, undici and the emulator need a few hundred calls to be JIT-warm
  const dir = tempDir('paydesk-bench-create-');
  let child: ChildProcess | null = null;
  const emu = await startEmulator({ port: 0 });
  try {
    const inProc = await measure(emu.credentials, join(dir.path, 'in.db'), n, warm);
    opts.log(`create (emulator in-process): p50 ${percentile(inProc, 50).toFixed(2)} ms, p99 ${percentile(inProc, 99).toFixed(2)} ms`);
    const spawned = await spawnEmulator(join(dir.path, 'emu'));
    child = spawned.child;
    const sep = await measure(spawned.creds, join(dir.path, 'child.db'), n, warm);
    opts.log(`create (emulator in a child process): p50 ${percentile(sep, 50).toFixed(2)} ms, p99 ${percentile(sep, 99).toFixed(2)} ms`);
    return {
      p50Ms: round(percentile(inProc, 50)),
      p99Ms: round(percentile(inProc, 99)),
      emulator: 'in-process',
      childProcessP50Ms: round(percentile(sep, 50)),
      childProcessP99Ms: round(percentile(sep, 99)),
      creates: n,
    };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await emu.close();
    dir.remove();
  }
}
