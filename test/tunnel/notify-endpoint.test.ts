import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNotifyEndpoint,
  notifyUrlFor,
  validateCustomNotifyUrl,
  type NotifyEndpoint,
  type NotifyEndpointState,
} from '../../src/main/tunnel/notify-endpoint';
import { connect } from 'node:net';
import { startNotifyServer } from '../../src/main/http/notify-server';
import { createProbeEndpoint } from '../../src/main/tunnel/probe';
import { startLocaltunnelServer } from '../fixtures/localtunnel-server';
import { startStandIn } from './helpers';
import { waitFor } from '../support';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const closeServer = (server: Server): Promise<void> =>
  new Promise<void>((r) => {
    if (!server.listening) return r();
    server.close(() => r());
    server.closeAllConnections();
  });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => closeServer(server));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The merchant's reverse proxy: /paydesk/* → the local notify server. */
async function startReverseProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const t = new URL(target);
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/paydesk/')) {
      req.resume();
      res.writeHead(404).end('nope');
      return;
    }
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: url.slice('/paydesk'.length), headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  return { url: await listen(server), close: () => closeServer(server) };
}

function track(ep: NotifyEndpoint): NotifyEndpointState[] {
  const seen: NotifyEndpointState[] = [];
  ep.on('change', (s) => seen.push(s));
  cleanups.push(() => ep.stop());
  return seen;
}

describe('notify endpoint policy', () => {
  it('loopback (demo): the notify server URL, reachable', async () => {
    const ep = createNotifyEndpoint({ mode: 'loopback', loopbackUrl: 'http://127.0.0.1:4321/' });
    track(ep);
    ep.start();
    expect(ep.current()).toMatchObject({ mode: 'loopback', url: 'http://127.0.0.1:4321', reachability: 'reachable' });
    expect(notifyUrlFor(ep.current().url, '/notify/alipay')).toBe('http://127.0.0.1:4321/notify/alipay');
  });

  it('none: no URL (poll only), reachability disabled', async () => {
    const ep = createNotifyEndpoint({ mode: 'none', loopbackUrl: 'http://127.0.0.1:4321' });
    track(ep);
    ep.start();
    expect(ep.current()).toMatchObject({ mode: 'none', url: null, reachability: 'disabled' });
    expect(ep.current().detail).toMatch(/polling only/);
    expect(notifyUrlFor(ep.current().url, '/notify/alipay')).toBeNull();
  });

  it('validates custom URLs: http(s), a host, no credentials, no query/fragment', () => {
    expect(validateCustomNotifyUrl(' https://pay.example.com/paydesk/ ')).toEqual({ ok: true, url: 'https://pay.example.com/paydesk' });
    expect(validateCustomNotifyUrl('http://pay.example.com')).toEqual({ ok: true, url: 'http://pay.example.com' });
    for (const bad of [
      '',
      'pay.example.com',
      'ftp://pay.example.com',
      'https://u:p@pay.example.com',
      'https://pay.example.com/?a=1',
      'https://pay.example.com/#x',
      'javascript:alert(1)',
    ]) {
      expect(validateCustomNotifyUrl(bad), bad).toMatchObject({ ok: false });
    }
  });

  it('custom: an invalid URL is reported, not used', async () => {
    const local = await startStandIn();
    cleanups.push(() => local.close());
    const ep = createNotifyEndpoint({ mode: 'custom', customUrl: 'https://user:pw@x.example', loopbackUrl: local.url, probe: { endpoint: local.probe } });
    track(ep);
    ep.start();
    expect(ep.current()).toMatchObject({ mode: 'custom', url: null, reachability: 'unreachable' });
    expect(ep.current().detail).toMatch(/credentials/);
  });

  it('custom: reachable when the URL forwards to our notify server, re-probed periodically', async () => {
    const local = await startStandIn();
    cleanups.push(() => local.close());
    const rp = await startReverseProxy(local.url);
    const proxy = rp.url;
    const ep = createNotifyEndpoint({
      mode: 'custom',
      customUrl: `${proxy}/paydesk/`,
      loopbackUrl: local.url,
      probe: { endpoint: local.probe, intervalMs: 100, timeoutMs: 1_000 },
    });
    track(ep);
    ep.start();
    expect(ep.current()).toMatchObject({ url: `${proxy}/paydesk`, reachability: 'unknown' });
    await waitFor(() => ep.current().reachability === 'reachable', 'reachable');
    // a notification through the merchant's URL reaches the notify server
    await fetch(`${notifyUrlFor(ep.current().url, '/notify/alipay')}`, { method: 'POST', body: 'x=1' });
    expect(local.posts.at(-1)).toMatchObject({ path: '/notify/alipay', body: 'x=1' });
    // the proxy breaks → next periodic probe says unreachable (URL kept: it is the merchant's choice)
    await rp.close();
    await waitFor(() => ep.current().reachability === 'unreachable', 'unreachable after proxy died');
    expect(ep.current().url).toBe(`${proxy}/paydesk`);
    expect(ep.current().detail).toMatch(/ECONNREFUSED/);
  });

  it('custom: unreachable when the URL points somewhere else (a 200 from another server is not enough)', async () => {
    const local = await startStandIn();
    cleanups.push(() => local.close());
    const elsewhere = await listen(createServer((req, res) => (req.resume(), res.end('ok'))));
    const ep = createNotifyEndpoint({ mode: 'custom', customUrl: elsewhere, loopbackUrl: local.url, probe: { endpoint: local.probe, timeoutMs: 1_000 } });
    track(ep);
    ep.start();
    await waitFor(() => ep.current().reachability === 'unreachable', 'unreachable');
    expect(ep.current().detail).toMatch(/HTTP 200/);
  });

  it('localtunnel: follows the tunnel manager (connecting → online url reachable → offline → back)', async () => {
    const fx = await startLocaltunnelServer({ graceMs: 500 });
    cleanups.push(() => fx.stop());
    const local = await startStandIn();
    cleanups.push(() => local.close());
    const ep = createNotifyEndpoint({
      mode: 'localtunnel',
      loopbackUrl: local.url,
      tunnel: { host: fx.host, backoff: { initialMs: 50, maxMs: 300 }, openTimeoutMs: 2_000 },
      probe: { endpoint: local.probe, intervalMs: 5_000, timeoutMs: 1_000 },
    });
    const seen = track(ep);
    ep.start();
    expect(ep.current()).toMatchObject({ mode: 'localtunnel', url: null, reachability: 'unknown' });
    const online = await waitFor(() => ep.current().reachability === 'reachable' && ep.current(), 'reachable');
    expect(online.url).toMatch(/^http:\/\/[a-z0-9-]+\.localhost:\d+$/);
    await fx.stop();
    await waitFor(() => ep.current().url === null && ep.current().reachability === 'unreachable', 'offline');
    await fx.start();
    await waitFor(() => ep.current().reachability === 'reachable', 'reachable again');
    expect(seen.every((s) => s.mode === 'localtunnel')).toBe(true);
    await ep.stop();
    expect(ep.current()).toMatchObject({ url: null, reachability: 'unknown' });
  });

  it('localtunnel: a request through the tunnel that times out on the notify server brings the next probe forward', async () => {
    const fx = await startLocaltunnelServer();
    cleanups.push(() => fx.stop());
    const probe = createProbeEndpoint();
    let probes = 0;
    const server = await startNotifyServer({
      port: 0,
      hosts: (id) => id === 'alipay',
      submit: async () => ({ status: 200, headers: {}, body: 'success' }),
      routes: (req, res) => {
        const handled = probe.handle(req, res);
        if (handled) probes += 1;
        return handled;
      },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      headersTimeoutMs: 300,
      requestTimeoutMs: 500,
    });
    cleanups.push(() => server.close());
    const ep = createNotifyEndpoint({
      mode: 'localtunnel',
      loopbackUrl: server.baseUrl,
      tunnelLocal: server.tunnel,
      tunnel: { host: fx.host, backoff: { initialMs: 50, maxMs: 300 }, openTimeoutMs: 2_000 },
      probe: { endpoint: probe, intervalMs: 60_000, timeoutMs: 1_000, soonMs: 300 },
    });
    track(ep);
    ep.start();
    const online = await waitFor(() => ep.current().reachability === 'reachable' && ep.current(), 'reachable');
    expect(probes).toBe(1);
    // a notification whose body stops half way (the caller stalls): the notify server answers 408
    const publicHost = new URL(online.url!).host;
    const stalled = connect(fx.port, '127.0.0.1');
    cleanups.push(() => stalled.destroy());
    let answer = '';
    stalled.on('data', (d: Buffer) => (answer += d.toString()));
    stalled.on('error', () => undefined);
    stalled.write(`POST /notify/alipay HTTP/1.1\r\nHost: ${publicHost}\r\nContent-Length: 100\r\n\r\nout_trade_no=`);
    await waitFor(() => answer.startsWith('HTTP/1.1 408'), 'the 408 came back through the tunnel', 3_000);
    // the next probe comes within soonMs, not after the 60 s interval
    await waitFor(() => probes >= 2, 'a probe soon after the failure', 2_000);
    expect(ep.current().reachability).toBe('reachable');
  });
});
