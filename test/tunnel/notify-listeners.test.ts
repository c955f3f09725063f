/**
 * The notify server's two listeners: the direct one keeps node:http's slow-client protection (even a
 * connection that never sends a byte is cut off), the tunnel listener holds idle connections (the
 * localtunnel client's pooled sockets) open and silent for as long as they idle, and still cuts off a
 * request that has begun but trickles. Every timeout is lowered and outlasted.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startNotifyServer, type NotifyServer, type TunnelTrouble } from '../../src/main/http/notify-server';
import { waitFor } from '../support';

const LIMITS = { headersTimeoutMs: 300, requestTimeoutMs: 500, keepAliveTimeoutMs: 400 };
const IDLE_MS = 1_200; // past all three, and past several of node's connection sweeps

let server: NotifyServer | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = null;
});

async function start(status = 200): Promise<{ server: NotifyServer; troubles: TunnelTrouble[] }> {
  const troubles: TunnelTrouble[] = [];
  server = await startNotifyServer({
    port: 0,
    hosts: (id) => id === 'alipay',
    submit: async () => ({ status, headers: {}, body: status === 200 ? 'success' : 'fail' }),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    ...LIMITS,
  });
  server.tunnel.onTrouble((t) => troubles.push(t));
  return { server, troubles };
}

interface Raw {
  socket: Socket;
  data: () => string;
  closed: () => boolean;
}

async function raw(url: string): Promise<Raw> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  sockets.push(socket);
  let data = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (data += d));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, data: () => data, closed: () => closed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const post = (body: string, keepAlive = true): string =>
  `POST /notify/alipay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n` +
  `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n${body}`;

describe('notify server: direct listener vs tunnel listener', () => {
  it('direct listener: a connection that never sends a byte is cut off after the header timeout', async () => {
    const { server } = await start();
    const c = await raw(server.baseUrl);
    await waitFor(c.closed, 'closed', 3_000);
    expect(c.data() === '' || c.data().startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('tunnel listener: an idle connection stays open and silent past every timeout, then serves requests (and again after a keep-alive idle)', async () => {
    const { server, troubles } = await start();
    expect(server.tunnel.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tunnel.url).not.toBe(server.baseUrl);
    const c = await raw(server.tunnel.url);
    await sleep(IDLE_MS);
    expect([c.data(), c.closed()]).toEqual(['', false]);
    c.socket.write(post('a=1'));
    await waitFor(() => c.data().includes('success'), 'first answer');
    expect(c.data()).toMatch(/^HTTP\/1\.1 200/);
    await sleep(IDLE_MS);
    expect(c.closed()).toBe(false);
    c.socket.write(post('b=2', false));
    await waitFor(() => c.data().split('HTTP/1.1 200').length === 3, 'second answer on the same connection');
    expect(troubles).toEqual([]);
  });

  it('tunnel listener: a request that has begun but trickles is cut off with 408 and reported', async () => {
    const { server, troubles } = await start();
    const headers = await raw(server.tunnel.url);
    headers.socket.write('POST /notify/alipay HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const body = await raw(server.tunnel.url);
    body.socket.write(post('abcdefghij').slice(0, -5));
    await waitFor(() => headers.closed() && body.closed(), 'both cut off', 3_000);
    expect(headers.data()).toMatch(/^HTTP\/1\.1 408/);
    expect(body.data()).toMatch(/^HTTP\/1\.1 408/);
    expect(troubles.filter((t) => t.kind === 'timeout').length).toBeGreaterThanOrEqual(2);
  });

  it('tunnel listener: a 5xx answer is reported as trouble', async () => {
    const { server, troubles } = await start(500);
    const res = await fetch(`${server.tunnel.url}/notify/alipay`, { method: 'POST', body: 'a=1' });
    expect(res.status).toBe(500);
    await waitFor(() => troubles.length > 0, 'trouble');
    expect(troubles[0]).toEqual({ kind: 'status', status: 500 });
  });
});
