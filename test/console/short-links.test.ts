import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShortLinks, type ShortLinkTarget } from '../../src/main/console/short-links';
import { fakeConsole, ok, type FakeConsole } from './helpers';
import { makeTempDir, rawRequest } from '../support';

let dir: string;
let cleanup: () => Promise<void>;
const closers: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  ({ dir, cleanup } = makeTempDir());
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await cleanup();
});

/** A notify server stand-in: routes first, 404 otherwise (as src/main/notify/notify-server.ts does). */
async function serve(routes: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean): Promise<number> {
  const server: Server = createServer((req, res) => {
    if (!routes(req, res)) res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

describe('short pay links on the notify endpoint', () => {
  it('redirects a short token to the pay URL while the order awaits payment, then answers 404', async () => {
    const orders = new Map<string, ShortLinkTarget>([['PD1', { payUrl: 'https://pay.example.test/x?sign=abc', awaiting: true }]]);
    const links = createShortLinks((id) => orders.get(id) ?? null);
    const port = await serve((req, res) => links.handle(req, res));
    const url = links.urlFor('PD1', `http://127.0.0.1:${port}/`);
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/notify/p/[A-Za-z0-9_-]{8}$`));
    expect(links.urlFor('PD1', `http://127.0.0.1:${port}`)).toBe(url); // one token per order
    const path = new URL(url).pathname;
    const r = await rawRequest(port, { path });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://pay.example.test/x?sign=abc');
    expect((await rawRequest(port, { path, method: 'POST' })).status).toBe(405);
    expect((await rawRequest(port, { path: '/notify/p/AAAAAAAA' })).status).toBe(404);
    expect((await rawRequest(port, { path: '/notify/p/../../etc' })).status).toBe(404);
    orders.set('PD1', { payUrl: 'https://pay.example.test/x?sign=abc', awaiting: false });
    const gone = await rawRequest(port, { path });
    expect(gone.status).toBe(404);
    expect(gone.body).not.toContain('PD1');
  });

  it('the console gives 收款链接 orders a short URL only while the notify endpoint is reachable, and serves it', async () => {
    const c: FakeConsole = await fakeConsole({ dataDir: dir });
    closers.push(() => c.host.close());
    const order = await ok(c.host.dispatch('orders.create', { amount: '12.00', method: 'link' }));
    expect(order.payUrl!.length).toBeGreaterThan(1400);
    const base = 'http://127.0.0.1:40001'; // the fake core's loopback notify base (demo: reachable)
    expect(order.shortUrl).toMatch(new RegExp(`^${base}/notify/p/[A-Za-z0-9_-]{8}$`));
    expect((await ok(c.host.dispatch('orders.list', {}))).items[0]?.shortUrl).toBe(order.shortUrl);
    const qr = await ok(c.host.dispatch('orders.create', { amount: '12.00', method: 'qr' }));
    expect(qr.shortUrl ?? null).toBeNull();

    // the route is mounted on the core's notify server
    const port = await serve((req, res) => c.core().config.notify.routes!(req, res));
    const r = await rawRequest(port, { path: new URL(order.shortUrl!).pathname });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(order.payUrl);

    // notify mode none: no public endpoint, no short URL (the screen says: copy the link)
    await ok(c.host.dispatch('settings.update', { notifyMode: 'none' }));
    const plain = await ok(c.host.dispatch('orders.create', { amount: '3.00', method: 'link' }));
    expect(plain.shortUrl ?? null).toBeNull();
  });
});
