/**
 * End to end with the payment core and the emulator, without touching either: the core's notify server
 * on a known port, its publicUrl = the tunnel's (predictable, requested-subdomain) public URL, and the
 * real localtunnel client carrying the emulator's notifications through the fixture server.
 * These look at the core's state; reachability through the console is in console-e2e.test.ts.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTunnelManager, type TunnelManager } from '../../src/main/tunnel/tunnel-manager';
import { startLocaltunnelServer, type LocaltunnelServer } from '../fixtures/localtunnel-server';
import { withEmulator } from '../main/emulator-harness';
import { waitFor } from '../support';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

type Env = Awaited<ReturnType<typeof withEmulator>>;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The notify server's slow-client limits, lowered so a short idle outlasts every one of them. */
const SHORT_LIMITS = { headersTimeoutMs: 300, requestTimeoutMs: 500, keepAliveTimeoutMs: 400 };

async function setup(
  poll: { initialMs: number; maxMs: number },
  limits: Partial<typeof SHORT_LIMITS> = {},
): Promise<{ env: Env; fx: LocaltunnelServer; mgr: TunnelManager }> {
  const fx = await startLocaltunnelServer({ graceMs: 500 });
  cleanups.push(() => fx.stop());
  const port = await freePort();
  const env = await withEmulator({ core: { notify: { port, publicUrl: fx.publicUrl('paydesk-e2e'), ...limits }, poll } });
  cleanups.push(() => env.close());
  // the client connects to the notify server's tunnel listener, as the console wires it
  const tunnelLocal = env.core.tunnelLocal();
  if (!tunnelLocal) throw new Error('core not started');
  const mgr = createTunnelManager({
    localPort: Number(new URL(tunnelLocal.url).port),
    host: fx.host,
    subdomain: 'paydesk-e2e',
    backoff: { initialMs: 50, maxMs: 300 },
    openTimeoutMs: 2_000,
    probe: { intervalMs: 60_000, timeoutMs: 1_000 },
  });
  cleanups.push(() => mgr.stop());
  mgr.start();
  await waitFor(() => mgr.status().state === 'online', 'tunnel online');
  expect(mgr.status().url).toBe(fx.publicUrl('paydesk-e2e'));
  return { env, fx, mgr };
}

describe('notifications through the tunnel (payment core + emulator + real localtunnel client)', () => {
  it('a payment notification through the tunnel marks the order paid', async () => {
    // Slow polling: the notification, not a poll, must be what marks it paid.
    const { env, fx } = await setup({ initialMs: 10_000, maxMs: 10_000 });
    const o = await env.core.createOrder({ amountFen: 1234, method: 'qr' });
    expect(o.notifyUrl).toBe(`${fx.publicUrl('paydesk-e2e')}/notify/alipay`);
    await env.control.pay(o.id);
    await waitFor(() => env.core.getOrder(o.id)?.status === 'PAID', 'PAID via notify', 8_000);
    expect(env.core.events(o.id).at(-1)).toMatchObject({ source: 'notify', kind: 'paid' });
    expect(fx.tunnels()[0]!.forwarded).toBeGreaterThanOrEqual(1);
  });

  it('after the tunnel idled past every timeout on the path, a notification still arrives through it and marks the order paid', async () => {
    const { env, fx } = await setup({ initialMs: 10_000, maxMs: 10_000 }, SHORT_LIMITS);
    await waitFor(() => fx.tunnels()[0]?.pooled === 10, 'the client pooled its 10 sockets');
    // idle: well past the notify server's header, request and keep-alive timeouts (and its sweeps)
    await new Promise((r) => setTimeout(r, 1_500));
    const o = await env.core.createOrder({ amountFen: 4321, method: 'qr' });
    await env.control.pay(o.id);
    await waitFor(() => env.core.getOrder(o.id)?.status === 'PAID', 'PAID via notify', 6_000);
    expect(env.core.events(o.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'notify' });
    // the first delivery was answered "success" (PAID is committed before the answer is back: wait for it)
    const first = await waitFor(async () => {
      const d = (await env.control.notifications()).find((x) => x.outTradeNo === o.id);
      return d && d.status !== null ? d : null;
    }, 'first delivery answered');
    expect(first).toMatchObject({ attempt: 1, status: 200, responseBody: 'success' });
  });

  it('tunnel server killed → offline, polling still converges → server back → reconnect → notifications flow again', async () => {
    const { env, fx, mgr } = await setup({ initialMs: 200, maxMs: 400 });
    await fx.stop();
    await waitFor(() => mgr.status().state === 'offline', 'offline');
    expect(mgr.status().detail).toMatch(/Tunnel offline/);

    const b = await env.core.createOrder({ amountFen: 500, method: 'qr' });
    await env.control.pay(b.id);
    await waitFor(() => env.core.getOrder(b.id)?.status === 'PAID', 'PAID by polling', 8_000);
    expect(env.core.events(b.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'poll' });

    await fx.start();
    await waitFor(() => mgr.status().state === 'online', 'online again', 8_000);
    expect(mgr.status().url).toBe(fx.publicUrl('paydesk-e2e'));
    const c = await env.core.createOrder({ amountFen: 600, method: 'qr' });
    await env.control.pay(c.id);
    await waitFor(() => env.core.getOrder(c.id)?.status === 'PAID', 'PAID', 8_000);
    // the emulator's delivery for c went through the new tunnel and was answered "success"
    const deliveries = await waitFor(async () => {
      const answered = (await env.control.notifications()).filter((d) => d.outTradeNo === c.id && d.responseBody === 'success');
      return answered.length > 0 ? answered : null;
    }, 'delivery answered');
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
  });
});
