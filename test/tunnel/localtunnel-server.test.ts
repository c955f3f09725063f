/**
 * The fixture speaks the localtunnel protocol to the UNMODIFIED client (`localtunnel()`, axios and all):
 * assignment, the client's TCP sockets, requests routed by path prefix or Host header, restart.
 */
import { request } from 'node:http';
import localtunnel from 'localtunnel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocaltunnelServer, type LocaltunnelServer } from '../fixtures/localtunnel-server';
import { startStandIn, until, type StandIn } from './helpers';

let fx: LocaltunnelServer;
let local: StandIn;
const clients: localtunnel.Tunnel[] = [];

beforeEach(async () => {
  fx = await startLocaltunnelServer({ maxConnCount: 3 });
  local = await startStandIn();
});
afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.on('error', () => undefined);
    c.close();
  }
  await fx.stop();
  await local.close();
});

async function open(subdomain?: string): Promise<localtunnel.Tunnel> {
  const c = await localtunnel({ port: local.port, host: fx.host, local_host: '127.0.0.1', ...(subdomain ? { subdomain } : {}) });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

describe('localtunnel-protocol fixture', () => {
  it('answers GET /?new with {id, port, max_conn_count, url}', async () => {
    const res = await fetch(`${fx.host}/?new`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ max_conn_count: 3 });
    expect(typeof body.id).toBe('string');
    expect(body.port).toBeGreaterThan(0);
    expect(body.url).toBe(`${fx.host}/__t/${String(body.id)}`);
  });

  it('carries a POST from the public URL through the real client to the local server', async () => {
    const c = await open();
    await until(() => fx.tunnels().find((t) => t.sockets === 3), 'client sockets');
    const res = await fetch(`${c.url}/notify/alipay?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'trade_status=TRADE_SUCCESS&out_trade_no=A1',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(local.posts).toEqual([
      expect.objectContaining({ path: '/notify/alipay?x=1', body: 'trade_status=TRADE_SUCCESS&out_trade_no=A1' }),
    ]);
    // several requests in a row: the client re-dials the sockets the server used up
    for (let i = 0; i < 5; i++) expect((await fetch(`${c.url}/notify/alipay`, { method: 'POST', body: `n=${i}` })).status).toBe(200);
    expect(local.posts).toHaveLength(6);
  });

  it('routes by Host header <id>.tunnel.test as well', async () => {
    const c = await open();
    const id = new URL(c.url).pathname.split('/')[2]!;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: fx.port, path: '/hello', method: 'POST', headers: { host: `${id}.tunnel.test` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('via-host');
    });
    expect(status).toBe(200);
    expect(local.posts.at(-1)).toMatchObject({ path: '/hello', body: 'via-host' });
  });

  it('honours a requested subdomain and rejects an invalid one with 403', async () => {
    const c = await open('paydesk-counter1');
    expect(c.url).toBe(`${fx.host}/__t/paydesk-counter1`);
    const bad = await fetch(`${fx.host}/Bad_Name`);
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { message: string }).message).toMatch(/Invalid subdomain/);
  });

  it('shows the reminder page to browsers unless Bypass-Tunnel-Reminder is sent', async () => {
    const c = await open();
    const ua = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' };
    expect((await fetch(`${c.url}/x`, { headers: ua })).status).toBe(401);
    expect((await fetch(`${c.url}/x`, { headers: { ...ua, 'bypass-tunnel-reminder': '1' } })).status).toBe(200);
    // Alipay's notifier (and the emulator) send a bare "Mozilla/4.0": not a browser, tunnelled directly
    expect((await fetch(`${c.url}/x`, { headers: { 'user-agent': 'Mozilla/4.0' } })).status).toBe(200);
  });

  it('stop() kills tunnels (client emits error, URL 404s after restart); start() serves again on the same port', async () => {
    const c = await open();
    const errors: string[] = [];
    c.on('error', (e: Error) => errors.push(e.message));
    const port = fx.port;
    await fx.stop();
    await until(() => errors.length > 0, 'client error');
    expect(errors[0]).toMatch(/connection refused/);
    await fx.start();
    expect(fx.port).toBe(port);
    expect((await fetch(`${c.url}/x`)).status).toBe(404);
    const c2 = await open();
    expect((await fetch(`${c2.url}/x`)).status).toBe(200);
  });
});
