/**
 * The notify URL (README, "The notify URL") end to end through the console (the composition root the Electron
 * app and the browser host use): a real payment core + the embedded emulator (demo provider), the real
 * localtunnel client and a localtunnel-protocol server fixture on 127.0.0.1. Notify settings apply live, status
 * says what works.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/main/console';
import { createPaymentCore } from '../../src/main/payments/index';
import type { PaymentCoreConfig } from '../../src/main/payments/api';
import type { ConsoleHost } from '../../src/main/console-host';
import type { StatusDto } from '../../src/shared/contract';
import { startLocaltunnelServer, type LocaltunnelServer } from '../fixtures/localtunnel-server';
import { cleanupStack, ok } from '../console/helpers';
import { makeTempDir, memoryLogger } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

async function eventually<T>(fn: () => Promise<T>, accept: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** The notify server's slow-client limits, lowered so a short idle outlasts every one of them. */
const SHORT_LIMITS = { headersTimeoutMs: 300, requestTimeoutMs: 500, keepAliveTimeoutMs: 400 };

async function startConsole(
  settings: Record<string, unknown>,
  pollMs = 200,
  notifyLimits?: typeof SHORT_LIMITS,
): Promise<{ host: ConsoleHost; control: string; dir: string }> {
  const { dir, cleanup } = makeTempDir('paydesk-tunnel-');
  cleanups.push(cleanup);
  await writeFile(join(dir, 'settings.json'), JSON.stringify(settings));
  const host = await createConsole(
    {
      dataDir: dir,
      vault: { kind: 'file', env: {} },
      tuning: {
        pollInitialMs: pollMs,
        pollMaxMs: pollMs,
        tunnelBackoffInitialMs: 50,
        tunnelBackoffMaxMs: 300,
        tunnelOpenTimeoutMs: 2_000,
        probeIntervalMs: 60_000,
        probeTimeoutMs: 3_000,
      },
    },
    {
      logger: memoryLogger(),
      // the real payment core, its notify server with lowered limits
      ...(notifyLimits ? { createPaymentCore: (c: PaymentCoreConfig) => createPaymentCore({ ...c, notify: { ...c.notify, ...notifyLimits } }) } : {}),
    },
  );
  cleanups.push(() => host.close());
  const control = host.info().emulator?.['control'];
  if (!control) throw new Error('demo console without emulator');
  return { host, control, dir };
}

async function post(url: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

const status = (host: ConsoleHost): Promise<StatusDto> => ok(host.dispatch('status.get', {}));
const orderStatus = async (host: ConsoleHost, id: string): Promise<string> => (await ok(host.dispatch('orders.get', { id }))).status;
const paidBy = async (host: ConsoleHost, id: string): Promise<string | undefined> =>
  (await ok(host.dispatch('orders.get', { id }))).events.find((e) => e.kind === 'paid')?.source;

describe('console + localtunnel (real client, fixture server)', () => {
  let fx: LocaltunnelServer;

  it('online + reachable; a notification through the tunnel marks the order paid; killed → offline → polling; back → reachable', async () => {
    fx = await startLocaltunnelServer({ graceMs: 300 });
    cleanups.push(() => fx.stop());
    // slow polling first: the notification, not a poll, must be what marks the first order paid
    const { host, control } = await startConsole({ notifyMode: 'localtunnel', tunnelHost: fx.host, tunnelSubdomain: 'paydesk-shop' }, 4_000);
    const events: StatusDto[] = [];
    host.on('status.changed', (s) => events.push(s));

    const online = await eventually(
      () => status(host),
      (s) => s.notify.reachability === 'reachable',
      'tunnel reachable',
    );
    expect(online.notify).toMatchObject({ mode: 'localtunnel', url: `${fx.publicUrl('paydesk-shop')}/notify/alipay` });
    expect(online.warnings).toEqual([]);
    expect(events.some((e) => e.notify.reachability === 'reachable')).toBe(true);

    const a = await ok(host.dispatch('orders.create', { amount: '12.34', method: 'qr' }));
    await post(`${control}/trades/${a.id}/pay`);
    await eventually(
      () => orderStatus(host, a.id),
      (s) => s === 'PAID',
      'A paid',
      3_500,
    );
    expect(await paidBy(host, a.id)).toBe('notify');
    // PAID is committed before the answer has travelled back through the tunnel: wait for the emulator's record
    type Delivery = { outTradeNo: string; url: string; accepted: boolean; status: number | null; error?: string };
    const deliveries = await eventually(
      async () => (await (await fetch(`${control}/notifications`)).json()) as Delivery[],
      (ds) => ds.some((d) => d.outTradeNo === a.id && (d.status !== null || d.error !== undefined)),
      'delivery answered',
      3_000,
    );
    expect(deliveries.find((d) => d.outTradeNo === a.id)).toMatchObject({
      url: `${fx.publicUrl('paydesk-shop')}/notify/alipay`,
      accepted: true,
    });

    // the tunnel server dies: offline, a warning, new orders poll-only, and polling still confirms them
    await fx.stop();
    const offline = await eventually(
      () => status(host),
      (s) => s.notify.url === null && s.notify.reachability === 'unreachable',
      'offline',
    );
    expect(offline.warnings.join('\n')).toMatch(/内网穿透.*polling/);
    const b = await ok(host.dispatch('orders.create', { amount: '5.00', method: 'qr' }));
    await post(`${control}/trades/${b.id}/pay`);
    await eventually(
      () => orderStatus(host, b.id),
      (s) => s === 'PAID',
      'B paid by polling',
      15_000,
    );
    expect(await paidBy(host, b.id)).toBe('poll');

    // back: reconnect, self-test, reachable again, and notifications flow again
    await fx.start();
    const again = await eventually(
      () => status(host),
      (s) => s.notify.reachability === 'reachable',
      'reachable again',
      15_000,
    );
    expect(again.notify.url).toBe(`${fx.publicUrl('paydesk-shop')}/notify/alipay`);
    expect(again.warnings).toEqual([]);
  });

  it('after the tunnel idled past every timeout of the notify server, a notification through it still marks the order paid', async () => {
    fx = await startLocaltunnelServer();
    cleanups.push(() => fx.stop());
    const { host, control } = await startConsole({ notifyMode: 'localtunnel', tunnelHost: fx.host, tunnelSubdomain: 'paydesk-idle' }, 10_000, SHORT_LIMITS);
    await eventually(
      () => status(host),
      (s) => s.notify.reachability === 'reachable',
      'tunnel reachable',
    );
    await eventually(
      async () => fx.tunnels()[0]?.sockets ?? 0,
      (n) => n === 10,
      'the client connected its sockets',
    );
    await new Promise((r) => setTimeout(r, 1_500)); // past the header, request and keep-alive limits
    const o = await ok(host.dispatch('orders.create', { amount: '6.60', method: 'qr' }));
    await post(`${control}/trades/${o.id}/pay`);
    await eventually(
      () => orderStatus(host, o.id),
      (s) => s === 'PAID',
      'paid',
      5_000,
    );
    expect(await paidBy(host, o.id)).toBe('notify');
  });

  it('switching to localtunnel live (no restart), and back to none: orders keep the URL they were created with', async () => {
    fx = await startLocaltunnelServer({ graceMs: 300 });
    cleanups.push(() => fx.stop());
    const { host, control } = await startConsole({ notifyMode: 'none' });
    const trade = async (id: string) => ((await (await fetch(`${control}/trades/${id}`)).json()) as { notifyUrl?: string | null }).notifyUrl ?? null;
    const first = await ok(host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    expect((await status(host)).notify).toMatchObject({ mode: 'none', url: null, reachability: 'disabled' });

    await ok(host.dispatch('settings.update', { notifyMode: 'localtunnel', tunnelHost: fx.host, tunnelSubdomain: 'live-switch' }));
    await eventually(
      () => status(host),
      (s) => s.notify.reachability === 'reachable',
      'reachable after switch',
    );
    const second = await ok(host.dispatch('orders.create', { amount: '2.00', method: 'qr' }));
    await ok(host.dispatch('settings.update', { notifyMode: 'none' }));
    const s = await status(host);
    expect(s.notify).toMatchObject({ mode: 'none', url: null });
    const third = await ok(host.dispatch('orders.create', { amount: '3.00', method: 'qr' }));
    // the tunnel was closed when the mode changed
    await eventually(
      async () => fx.tunnels().reduce((n, t) => n + t.sockets, 0),
      (n) => n === 0,
      'tunnel sockets closed',
      5_000,
    );
    expect(await trade(first.id)).toBeNull();
    expect(await trade(second.id)).toBe(`${fx.publicUrl('live-switch')}/notify/alipay`);
    expect(await trade(third.id)).toBeNull();
  });
});

describe('console + custom notify URL (a reverse proxy in front of the notify server)', () => {
  /** A reverse proxy: https://shop.example/paydesk/... → the notify server, like nginx would be. */
  async function startProxy(target: () => string | null, prefix: string): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      const base = target();
      const path = req.url ?? '/';
      hits.push(`${req.method} ${path}`);
      if (!base || !path.startsWith(prefix)) {
        res.writeHead(404).end();
        return;
      }
      const up = request(`${base}${path.slice(prefix.length)}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}${prefix}`,
      hits,
      close: () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
    };
  }

  it('reachable when the probe arrives through it; notifications through it mark orders paid', async () => {
    let notifyBase: string | null = null;
    const proxy = await startProxy(() => notifyBase, '/paydesk');
    cleanups.push(() => proxy.close());
    const { host, control } = await startConsole({ notifyMode: 'none' }, 4_000);
    // learn the loopback notify server from loopback mode, then switch to custom live
    await ok(host.dispatch('settings.update', { notifyMode: 'loopback' }));
    notifyBase = new URL((await status(host)).notify.url ?? '').origin;
    await ok(host.dispatch('settings.update', { notifyMode: 'custom', customNotifyUrl: proxy.url }));
    const s = await eventually(
      () => status(host),
      (x) => x.notify.reachability === 'reachable',
      'custom reachable',
    );
    expect(s.notify).toMatchObject({ mode: 'custom', url: `${proxy.url}/notify/alipay` });
    expect(proxy.hits.some((h) => h.startsWith('GET /paydesk/notify/__probe/'))).toBe(true);

    const o = await ok(host.dispatch('orders.create', { amount: '8.80', method: 'qr' }));
    await post(`${control}/trades/${o.id}/pay`);
    await eventually(
      () => orderStatus(host, o.id),
      (x) => x === 'PAID',
      'paid through the proxy',
      3_500,
    );
    expect(await paidBy(host, o.id)).toBe('notify');
    expect(proxy.hits).toContain('POST /paydesk/notify/alipay');
  });

  it('a custom URL that answers 200 to anything but never reaches us is unreachable, with a warning', async () => {
    const liar = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => liar.close(() => r())));
    const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}/n`;
    const { host } = await startConsole({ notifyMode: 'custom', customNotifyUrl: url });
    const s = await eventually(
      () => status(host),
      (x) => x.notify.reachability === 'unreachable',
      'custom unreachable',
    );
    expect(s.warnings.join('\n')).toMatch(/自定义通知地址.*custom notify URL/);
  });
});

describe('console + notify mode none', () => {
  it('orders carry no notify URL and are confirmed by polling', async () => {
    const { host, control } = await startConsole({ notifyMode: 'none' });
    const o = await ok(host.dispatch('orders.create', { amount: '3.00', method: 'qr' }));
    const trade = (await (await fetch(`${control}/trades/${o.id}`)).json()) as { notifyUrl: string | null };
    expect(trade.notifyUrl ?? null).toBeNull();
    await post(`${control}/trades/${o.id}/pay`);
    await eventually(
      () => orderStatus(host, o.id),
      (x) => x === 'PAID',
      'paid by polling',
      5_000,
    );
    expect(await paidBy(host, o.id)).toBe('poll');
    const s = await status(host);
    expect(s.notify).toMatchObject({ mode: 'none', url: null, reachability: 'disabled' });
    expect(s.warnings).toEqual([]);
  });
});
