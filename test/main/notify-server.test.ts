import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationAck } from '../../src/main/domain';
import { startNotifyServer, type NotifyServer } from '../../src/main/http/notify-server';
import { parseForm } from '../../src/main/providers/alipay';
import { memoryLogger } from '../support';

describe('notify HTTP server', () => {
  let server: NotifyServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function start(handle = (): NotificationAck => ({ status: 200, headers: {}, body: 'success' })) {
    const bodies: string[] = [];
    server = await startNotifyServer({
      port: 0,
      hosts: (id) => id === 'alipay',
      submit: async (_provider, body) => {
        bodies.push(body.toString('utf8'));
        return handle();
      },
      logger: memoryLogger(),
      headersTimeoutMs: 300,
      requestTimeoutMs: 500,
    });
    return { url: `${server.baseUrl}/notify/alipay`, bodies };
  }

  it('listens on 127.0.0.1 and answers POST /notify/alipay only', async () => {
    const { url, bodies } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/alipay$/);
    const ok = await fetch(url, { method: 'POST', body: 'a=1' });
    expect([ok.status, await ok.text()]).toEqual([200, 'success']);
    expect(bodies).toEqual(['a=1']);
    expect((await fetch(`${url}?x=1`, { method: 'POST', body: 'b=2' })).status).toBe(200);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(405);
    expect((await fetch(`${server!.baseUrl}/`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(`${server!.baseUrl}/notify/wechat`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('refuses bodies over 64 KiB, declared or chunked, without calling the handler', async () => {
    const { url, bodies } = await start();
    expect((await fetch(url, { method: 'POST', body: 'a='.padEnd(64 * 1024 + 1, 'x') })).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 80; i++) c.enqueue(new Uint8Array(1024).fill(120));
        c.close();
      },
    });
    const chunked = await fetch(url, { method: 'POST', body: stream, duplex: 'half' });
    expect(chunked.status).toBe(413);
    expect(bodies).toEqual([]);
    expect((await fetch(url, { method: 'POST', body: 'a='.padEnd(64 * 1024, 'x') })).status).toBe(200);
  });

  it('a throwing handler → 500 fail (Alipay will retry)', async () => {
    const { url } = await start(() => {
      throw new Error('boom');
    });
    const r = await fetch(url, { method: 'POST', body: 'a=1' });
    expect([r.status, await r.text()]).toEqual([500, 'fail']);
  });

  it('drops a client that never finishes its headers (headersTimeout)', async () => {
    await start();
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const s = connect(server!.port, '127.0.0.1', () => s.write('POST /notify/alipay HTTP/1.1\r\nHost: x\r\n'));
      let data = '';
      s.on('data', (d) => (data += d.toString()));
      s.on('close', () => resolve(data));
      s.on('error', () => resolve(data));
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(closed === '' || closed.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('parses forms once-decoded and refuses repeated keys', () => {
    expect(parseForm('a=1%252&b=x+y&c=%E4%B8%AD')).toEqual({ a: '1%2', b: 'x y', c: '中' });
    expect(parseForm('a=1&a=2')).toBeNull();
    expect(parseForm('')).toBeNull();
  });
});
