/**
 * Benchmark 3b — payment → screen through a localtunnel, after the tunnel has idled ≥ 30 s. The
 * browser host in demo mode with notify mode `localtunnel`, its tunnel server the test fixture (a port
 * of localtunnel/server: idle tunnel sockets pooled and unread) on 127.0.0.1; the emulator posts each
 * notification to `http://paydesk-bench.localhost:<port>/notify/alipay`, through the fixture and the
 * real localtunnel client, to the notify server. Before each payment nothing goes through the tunnel
 * for `idleMs` (longer than every timeout of the notify server: header 10 s, request 15 s,
 * keep-alive 5 s), then the buyer pays and we measure as in pay-to-screen.ts. A payment counts as
 * notified when the emulator's delivery was answered `success` on its first attempt; one confirmed only
 * by polling would show as seconds, not milliseconds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { startLocaltunnelServer, type LocaltunnelServer } from '../test/fixtures/localtunnel-server';
import { ensureRendererBuilt } from '../test/e2e/build';
import { CHROMIUM_ARGS, onePayment, openPage, startServe, stopServe, type Serve } from './pay-to-screen';
import { percentile, round, sleep, tempDir, type BenchOptions } from './util';

export interface PayToScreenTunnelFigures {
  idleS: number;
  payments: number;
  /** payments whose first delivery through the tunnel was answered `success` */
  notified: number;
  p50Ms: number;
  maxMs: number;
  /** the same, for a payment right after another one (tunnel not idle), for comparison */
  hotP50Ms: number;
}

const SUBDOMAIN = 'paydesk-bench';

interface Delivery {
  outTradeNo: string;
  attempt: number;
  status: number | null;
  accepted: boolean;
}

async function deliveries(control: string): Promise<Delivery[]> {
  return (await (await fetch(`${control}/notifications`)).json()) as Delivery[];
}

async function waitFor<T>(fn: () => Promise<T | null> | T | null, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function benchPayToScreenTunnel(opts: BenchOptions, idleMs = 30_000): Promise<{ payToScreenTunnel: PayToScreenTunnelFigures }> {
  const samples = opts.quick ? 1 : 3;
  await ensureRendererBuilt();
  const dir = tempDir('paydesk-bench-tunnel-');
  let fx: LocaltunnelServer | null = null;
  let serve: Serve | null = null;
  let browser: Browser | null = null;
  try {
    fx = await startLocaltunnelServer(); // the real server's grace (1 s) and 10 sockets per client
    const data = join(dir.path, 'data');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ notifyMode: 'localtunnel', tunnelHost: fx.host, tunnelSubdomain: SUBDOMAIN }));
    const dns = pathToFileURL(join(import.meta.dirname, '..', 'test', 'fixtures', 'localhost-dns.ts')).href;
    serve = await startServe(data, [dns]);
    const server = fx;
    // online and probed reachable: the probe went through the tunnel
    await waitFor(() => server.tunnels().find((t) => t.id === SUBDOMAIN && t.forwarded >= 1 && t.pooled > 0) ?? null, 'tunnel reachable', 30_000);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
    const page = await openPage(browser, serve.url);
    // warm-up (first renders, JIT), through the tunnel too; the idle starts after them
    for (let i = 0; i < 2; i++) await onePayment(page, serve.control, `0.0${i + 1}`, 30_000);
    const times: number[] = [];
    const hot: number[] = [];
    let notified = 0;
    for (let i = 0; i < samples; i++) {
      const forwarded = server.tunnels().find((t) => t.id === SUBDOMAIN)?.forwarded ?? 0;
      await sleep(idleMs);
      const t = server.tunnels().find((x) => x.id === SUBDOMAIN);
      if (!t || t.forwarded !== forwarded) throw new Error('the tunnel did not stay idle');
      const before = (await deliveries(serve.control)).length;
      const ms = await onePayment(page, serve.control, `${7 + i}.${String(i).padStart(2, '0')}`, 30_000);
      times.push(ms);
      const control = serve.control;
      const first = await waitFor(async () => (await deliveries(control)).slice(before).find((d) => d.status !== null) ?? null, 'delivery answered', 10_000);
      if (first.attempt === 1 && first.accepted) notified += 1;
      const hotMs = await onePayment(page, serve.control, `${7 + i}.5${i}`, 30_000);
      hot.push(hotMs);
      opts.log(
        `screen (tunnel, after ${idleMs / 1000} s idle): ${ms.toFixed(1)} ms, delivery HTTP ${first.status}${first.accepted ? ' success' : ''}; right after: ${hotMs.toFixed(1)} ms`,
      );
    }
    return {
      payToScreenTunnel: {
        idleS: idleMs / 1000,
        payments: times.length,
        notified,
        p50Ms: round(percentile(times, 50), 1),
        maxMs: round(Math.max(...times), 1),
        hotP50Ms: round(percentile(hot, 50), 1),
      },
    };
  } finally {
    await browser?.close();
    if (serve) await stopServe(serve);
    await fx?.stop();
    dir.remove();
  }
}
