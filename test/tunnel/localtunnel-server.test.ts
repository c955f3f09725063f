/**
 * The fixture behaves like localtunnel/server where PayDesk depends on it. The unmodified client
 * (`localtunnel()`, axios and all) drives the protocol tests; raw TCP sockets stand in for the client's
 * tunnel sockets where exact timing matters (what sits in an idle socket, reuse, queueing, limits).
 */
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import localtunnel from 'localtunnel';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocaltunnelServer, type LocaltunnelServer } from '../fixtures/localtunnel-server';
import { startStandIn, type StandIn } from './helpers';
import { waitFor } from '../support';

let fx: LocaltunnelServer;
const cleanups: Array<() => unknown> = [];
const clients: localtunnel.Tunnel[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.on('error', () => undefined);
    c.close();
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: Parameters<typeof startLocaltunnelServer>[0] = {}): Promise<StandIn> {
  fx = await startLocaltunnelServer(opts);
  cleanups.push(() => fx.stop());
  const local = await startStandIn();
  cleanups.push(() => local.close());
  return local;
}

async function open(local: StandIn, subdomain?: string): Promise<localtunnel.Tunnel> {
  const c = await localtunnel({ port: local.port, host: fx.host, local_host: '127.0.0.1', ...(subdomain ? { subdomain } : {}) });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

async function assign(path: string): Promise<{ id: string; port: number; url: string; max_conn_count: number }> {
  const res = await fetch(`${fx.host}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; port: number; url: string; max_conn_count: number };
}

/** A raw tunnel socket, as the client opens one: connected to the tunnel port, records what it reads. */
async function rawSocket(port: number): Promise<Socket & { got: () => string }> {
  const s = connect(port, '127.0.0.1') as Socket & { got: () => string };
  let data = '';
  s.setEncoding('utf8');
  s.on('data', (d: string) => (data += d));
  s.on('error', () => undefined);
  s.got = () => data;
  await new Promise<void>((r) => s.once('connect', () => r()));
  cleanups.push(() => s.destroy());
  return s;
}

const answer = (status: number, body: string, keepAlive: boolean): string =>
  `HTTP/1.1 ${status} X\r\ncontent-length: ${body.length}\r\n${keepAlive ? 'connection: keep-alive\r\nkeep-alive: timeout=5' : 'connection: close'}\r\n\r\n${body}`;

describe('localtunnel-protocol fixture', () => {
  it('answers GET /?new with {id, port, max_conn_count, url = http://<id>.localhost:<port>}', async () => {
    await setup({ maxConnCount: 3 });
    const body = await assign('/?new');
    expect(body.max_conn_count).toBe(3);
    expect(body.port).toBeGreaterThan(0);
    expect(body.url).toBe(`http://${body.id}.localhost:${fx.port}`);
    expect(fx.publicUrl(body.id)).toBe(body.url);
  });

  it('carries POSTs from the public URL (routed by Host) through the real client to the local server', async () => {
    const local = await setup({ maxConnCount: 3 });
    const c = await open(local);
    await waitFor(() => fx.tunnels().find((t) => t.sockets === 3), 'client sockets');
    const res = await fetch(`${c.url}/notify/alipay?x=1`, { method: 'POST', body: 'trade_status=TRADE_SUCCESS&out_trade_no=A1' });
    expect(await res.text()).toBe('success');
    expect(local.posts).toEqual([expect.objectContaining({ path: '/notify/alipay?x=1', body: 'trade_status=TRADE_SUCCESS&out_trade_no=A1' })]);
    for (let i = 0; i < 5; i++) expect((await fetch(`${c.url}/notify/alipay`, { method: 'POST', body: `n=${i}` })).status).toBe(200);
    expect(local.posts).toHaveLength(6);
    // Host decides: the same port without a known subdomain is the API or a 404
    expect((await fetch(`http://nosuch-tunnel.localhost:${fx.port}/x`)).status).toBe(404);
    const noHost = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: fx.port, path: '/x', setHost: false }, (r) => resolve(r.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(noHost).toBe(400);
  });

  it('a requested subdomain: granted; invalid → 403; taken → a random id; freed only after the grace period (real: 1 s; here 300 ms)', async () => {
    const local = await setup({ graceMs: 300 });
    const c = await open(local, 'paydesk-counter1');
    expect(c.url).toBe(fx.publicUrl('paydesk-counter1'));
    const bad = await fetch(`${fx.host}/Bad_Name`);
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { message: string }).message).toMatch(/Invalid subdomain/);
    expect((await assign('/paydesk-counter1')).id).not.toBe('paydesk-counter1');
    c.close();
    await waitFor(() => fx.tunnels().find((t) => t.id === 'paydesk-counter1')?.sockets === 0, 'sockets closed');
    expect((await assign('/paydesk-counter1')).id).not.toBe('paydesk-counter1'); // still within the grace period
    await new Promise((r) => setTimeout(r, 400));
    expect((await assign('/paydesk-counter1')).id).toBe('paydesk-counter1');
  });

  it('idle pooled sockets are held open and unread: bytes the local side wrote early become the next answer', async () => {
    await setup({ graceMs: 5_000 });
    const t = await assign('/?new');
    const s = await rawSocket(t.port);
    // What the client passes on when node:http answers its idle local socket with a header timeout:
    // the 408, then the end of the stream (the client ends the tunnel socket when the local one ends).
    s.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    await new Promise((r) => setTimeout(r, 200));
    expect(fx.tunnels()[0]).toMatchObject({ sockets: 1, pooled: 1 }); // unread: the server never notices
    const res = await fetch(`${t.url}/notify/alipay`, { method: 'POST', body: 'a=1' });
    expect(res.status).toBe(408);
    await waitFor(() => s.got().startsWith('POST /notify/alipay'), 'the request reached the socket after its answer');
  });

  it('queues public requests while no socket is free; keeps a kept-alive socket and reuses it', async () => {
    await setup({ graceMs: 5_000 });
    const t = await assign('/?new');
    const pending = fetch(`${t.url}/first`, { method: 'POST', body: 'one' });
    await waitFor(() => fx.tunnels()[0]?.queued === 1, 'request queued');
    const s = await rawSocket(t.port);
    await waitFor(() => s.got().includes('one'), 'queued request handed to the new socket');
    s.write(answer(200, 'first', true));
    expect(await (await pending).text()).toBe('first');
    // the next request comes down the same (kept-alive) socket
    const second = fetch(`${t.url}/second`);
    await waitFor(() => s.got().includes('GET /second'), 'second request on the same socket');
    s.write(answer(200, 'second', false));
    expect(await (await second).text()).toBe('second');
    expect(fx.tunnels()[0]!.forwarded).toBe(2);
  });

  it('accepts at most maxSockets sockets per client', async () => {
    await setup({ graceMs: 5_000, maxSockets: 2 });
    const t = await assign('/?new');
    const a = await rawSocket(t.port);
    const b = await rawSocket(t.port);
    const c = await rawSocket(t.port);
    await waitFor(() => c.destroyed || c.readableEnded, 'third socket dropped');
    expect(a.destroyed || b.destroyed).toBe(false);
    expect(fx.tunnels()[0]!.sockets).toBe(2);
  });

  it('shows the reminder page to browsers unless Bypass-Tunnel-Reminder is sent', async () => {
    const local = await setup();
    const c = await open(local);
    const ua = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' };
    expect((await fetch(`${c.url}/x`, { headers: ua })).status).toBe(401);
    expect((await fetch(`${c.url}/x`, { headers: { ...ua, 'bypass-tunnel-reminder': '1' } })).status).toBe(200);
    // Alipay's notifier (and the emulator) send a bare "Mozilla/4.0": not a browser, tunnelled directly
    expect((await fetch(`${c.url}/x`, { headers: { 'user-agent': 'Mozilla/4.0' } })).status).toBe(200);
  });

  it('stop() kills tunnels (client emits error, URL 404s after restart); start() serves again on the same port', async () => {
    const local = await setup();
    const c = await open(local);
    const errors: string[] = [];
    c.on('error', (e: Error) => errors.push(e.message));
    const port = fx.port;
    await fx.stop();
    await waitFor(() => errors.length > 0, 'client error');
    expect(errors[0]).toMatch(/connection refused/);
    await fx.start();
    expect(fx.port).toBe(port);
    expect((await fetch(`${c.url}/x`)).status).toBe(404);
    const c2 = await open(local);
    expect((await fetch(`${c2.url}/x`)).status).toBe(200);
  });
});
