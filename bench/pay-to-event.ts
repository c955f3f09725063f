/**
 * Benchmark 3b — payment → the console's event stream, WeChat Pay beside Alipay. The console as the browser
 * host runs it (createConsole in demo mode: the embedded emulator; the web bridge, GET /api/events over
 * real HTTP with the bearer token), in this process. The console does not offer WeChat Pay to the cashier
 * yet, so its payment core is built with the WeChat Pay adapter added (the registry's, from the embedded
 * emulator's WeChat merchant) and the bench creates each QR order on that core. For each payment: the buyer
 * pays through the emulator's control API; we measure from the moment the pay call is sent to the moment
 * the event stream delivers `order.updated` with the order PAID (Date.now() on both ends, one process).
 * The renderer is not involved: compare with payToScreen for what React adds (≈ one frame).
 * - payToEvent{Wechat,Alipay}: notifications delivered (emulator → notify server → commit → SSE);
 * - payToEventWechatPolling: every WeChat notification dropped (emulator fault `notify-drop`), so only the
 *   tracker's polling of 查询订单 finds the payment (default schedule: first poll 2 s after the QR is
 *   issued). The buyer pays as soon as the QR exists, so this measures the first poll. Several orders
 *   run in parallel to keep the run short.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../src/emulator';
import { createConsole } from '../src/main/console';
import type { ConsoleHost } from '../src/main/console-host';
import { wechatDemoSettings } from '../src/main/console/providers';
import { systemClock } from '../src/main/kernel';
import { createPaymentCore, type PaymentCore } from '../src/main/payments';
import { defaultProviderRegistry } from '../src/main/providers/registry';
import { startWebBridge, type WebBridge } from '../src/main/web/server';
import { percentile, round, silentLogger, tempDir, type BenchOptions } from './util';

export interface PayToEventFigures {
  p50Ms: number;
  p95Ms: number;
  payments: number;
}

/** The event stream as a client reads it: when each order was first seen PAID (ms since epoch). */
function openEvents(bridge: WebBridge): Promise<{ paidAt: Map<string, number>; close(): void }> {
  const paidAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  return new Promise((resolve, reject) => {
    const req = request(`${bridge.api}/events`, { headers: { authorization: `Bearer ${bridge.token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (!block.startsWith('event: order.updated\n')) continue;
          const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { id: string; status: string };
          if (data.status === 'PAID' && !paidAt.has(data.id)) {
            paidAt.set(data.id, Date.now());
            waiters.get(data.id)?.();
          }
        }
      });
      resolve({ paidAt, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitPaid(paidAt: Map<string, number>, id: string, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!paidAt.has(id)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`order ${id} not PAID on the event stream within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
  return paidAt.get(id) as number;
}

async function control(url: string, body: unknown = {}): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
}

const figures = (xs: number[]): PayToEventFigures => ({ p50Ms: round(percentile(xs, 50), 1), p95Ms: round(percentile(xs, 95), 1), payments: xs.length });

export async function benchPayToEvent(
  opts: BenchOptions,
): Promise<{ payToEventWechat: PayToEventFigures; payToEventAlipay: PayToEventFigures; payToEventWechatPolling: PayToEventFigures & { parallel: number } }> {
  const n = opts.quick ? 20 : 50;
  const parallel = opts.quick ? 6 : 12;
  const dir = tempDir('paydesk-bench-event-');
  let emu: RunningEmulator | null = null;
  let core: PaymentCore | null = null;
  let host: ConsoleHost | null = null;
  let bridge: WebBridge | null = null;
  let events: Awaited<ReturnType<typeof openEvents>> | null = null;
  try {
    host = await createConsole(
      { dataDir: join(dir.path, 'data'), notifyPort: 0 },
      {
        logger: silentLogger,
        startEmulator: async (o) => (emu = await startEmulator(o)),
        // The console's core, with the WeChat Pay adapter for the embedded emulator's merchant added.
        createPaymentCore: (config) => {
          const w = (emu as RunningEmulator).credentials.wechat;
          const settings = wechatDemoSettings(w);
          const wechat = defaultProviderRegistry().build('wechat', settings, { logger: silentLogger, clock: systemClock });
          return (core = createPaymentCore({ ...config, providers: [...config.providers, wechat] }));
        },
      },
    );
    if (!emu || !core) throw new Error('the console did not start in demo mode');
    const c: PaymentCore = core;
    const e: RunningEmulator = emu;
    // Only the API and the event stream are used: a placeholder page instead of the built renderer.
    const site = join(dir.path, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'self\'"><title>bench</title>');
    bridge = await startWebBridge({ host, staticDir: site, port: 0, logger: silentLogger });
    events = await openEvents(bridge);
    const paidAt = events.paidAt;

    const onePayment = async (provider: 'alipay' | 'wechat', amountFen: number, timeoutMs: number): Promise<number> => {
      const order = await c.createOrder({ amountFen, method: 'qr', provider });
      const pay = provider === 'wechat' ? `${e.credentials.wechat.control}/trades/${order.id}/pay` : `${e.credentials.control}/trades/${order.id}/pay`;
      const t0 = Date.now();
      await control(pay);
      return (await waitPaid(paidAt, order.id, timeoutMs)) - t0;
    };
    for (let i = 0; i < 3; i++) {
      await onePayment('wechat', 1 + i, 15_000); // warm-up
      await onePayment('alipay', 1 + i, 15_000);
    }
    const wx: number[] = [];
    const ali: number[] = [];
    for (let i = 0; i < n; i++) {
      // Alternate who goes first: drift hits both providers alike.
      const first = i % 2 === 0 ? 'wechat' : 'alipay';
      for (const p of [first, first === 'wechat' ? 'alipay' : 'wechat'] as const) {
        (p === 'wechat' ? wx : ali).push(await onePayment(p, 100 + i, 15_000));
      }
    }
    opts.log(
      `pay → event (notify): wechat p50 ${percentile(wx, 50).toFixed(1)} ms, p95 ${percentile(wx, 95).toFixed(1)} ms; alipay p50 ${percentile(ali, 50).toFixed(1)} ms over ${n} each`,
    );

    // WeChat notifications blocked: only polling can find the payments.
    await control(`${e.credentials.wechat.control}/faults`, { kind: 'notify-drop', count: 1_000_000 });
    const polled = await Promise.all(Array.from({ length: parallel }, (_, i) => onePayment('wechat', 1000 + i, 30_000)));
    opts.log(`pay → event (polling, wechat): p50 ${percentile(polled, 50).toFixed(1)} ms, p95 ${percentile(polled, 95).toFixed(1)} ms over ${polled.length}`);
    return { payToEventWechat: figures(wx), payToEventAlipay: figures(ali), payToEventWechatPolling: { ...figures(polled), parallel } };
  } finally {
    events?.close();
    await bridge?.close();
    await host?.close();
    dir.remove();
  }
}
