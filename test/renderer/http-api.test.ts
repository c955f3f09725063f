import { describe, expect, it, vi } from 'vitest';
import { readEventStream } from '../../src/renderer/src/api/event-stream';
import { httpApi } from '../../src/renderer/src/api/http-api';
import type { LinkState } from '../../src/renderer/src/api/link';
import { CHANNELS, EVENT_NAMES, eventMethodName, methodName } from '../../src/shared/contract';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const origin = { origin: 'http://127.0.0.1:4321' };

describe('httpApi', () => {
  it('has one method per channel and one on… per event', () => {
    const api = httpApi(origin, { fetch: vi.fn() });
    for (const c of CHANNELS) expect(typeof (api as unknown as Record<string, unknown>)[methodName(c)]).toBe('function');
    for (const e of EVENT_NAMES) expect(typeof (api as unknown as Record<string, unknown>)[eventMethodName(e)]).toBe('function');
  });

  it('POSTs JSON to /api/<channel> and returns the Result', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { ok: true, value: { id: 'X' } }));
    const api = httpApi(origin, { fetch, token: 'tok' });
    const result = await api.ordersGet({ id: 'X' });
    expect(result).toEqual({ ok: true, value: { id: 'X' } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:4321/api/orders.get');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"id":"X"}');
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', Authorization: 'Bearer tok' });
    // never an ambient credential: cookies are not sent even to our own origin
    expect(init.credentials).toBe('omit');
  });

  it('passes error Results through whatever the HTTP status, and names transport failures', async () => {
    const unauthorized = httpApi(origin, {
      fetch: async () => jsonResponse(401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'x / y' } }),
    });
    expect(await unauthorized.statusGet({})).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'x / y' } });
    const down = httpApi(origin, { fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    expect(await down.statusGet({})).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    const garbage = httpApi(origin, { fetch: async () => new Response('<html>', { status: 502 }) });
    expect(await garbage.statusGet({})).toMatchObject({ ok: false, error: { code: 'BAD_RESPONSE' } });
  });

  it('after a 401 the token is dead: nothing more is sent with it, and the page is told', async () => {
    const fetch = vi.fn(async () => jsonResponse(401, { ok: false, error: { code: 'UNAUTHORIZED', message: '令牌无效 / Invalid token' } }));
    const links: LinkState[] = [];
    const api = httpApi(origin, { fetch, token: 'old', onLink: (s) => links.push(s) });
    expect(await api.statusGet({})).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: '令牌无效 / Invalid token' } });
    expect(await api.ordersList({})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const off = api.onOrderUpdated(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    off();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(links).toEqual(['unauthorized']);
  });

  it('shares one fetch() event stream (Bearer, no cookie) between listeners, reconnects when it drops, closes with the last', async () => {
    const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
    const requests: RequestInit[] = [];
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      expect(url).toBe('http://127.0.0.1:4321/api/events');
      requests.push(init);
      if (requests.length === 2) throw new TypeError('connection refused'); // the host is restarting
      const body = new ReadableStream<Uint8Array>({ start: (c) => void streams.push(c) });
      init.signal?.addEventListener('abort', () => body.cancel().catch(() => undefined));
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    });
    const links: LinkState[] = [];
    const api = httpApi(origin, { fetch: fetch as unknown as typeof globalThis.fetch, token: 'tok', retryMs: 5, retryMaxMs: 20, onLink: (s) => links.push(s) });
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api.onOrderUpdated((o) => a.push(o));
    const offB = api.onStatusChanged((s) => b.push(s));
    await vi.waitFor(() => expect(streams).toHaveLength(1));
    expect(requests[0]).toMatchObject({ method: 'GET', credentials: 'omit', headers: { Authorization: 'Bearer tok', Accept: 'text/event-stream' } });
    const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
    streams[0]!.enqueue(enc('retry: 2000\n: connected\n\nevent: order.updated\ndata: {"id":"X","status":"PAID"}\n\nevent: order.updated\ndata: {broken\n\n'));
    streams[0]!.enqueue(enc('event: status.changed\r\ndata: {"warnings":[]}\r\n\r\n'));
    await vi.waitFor(() => expect(b).toHaveLength(1));
    expect(a).toEqual([{ id: 'X', status: 'PAID' }]);
    // the host goes away: the stream ends, one reconnect fails, the next one works and delivers again
    streams[0]!.close();
    await vi.waitFor(() => expect(streams).toHaveLength(2));
    expect(links).toEqual(['up', 'down', 'down', 'up']);
    streams[1]!.enqueue(enc('event: order.updated\ndata: {"id":"Y"}\n\n'));
    await vi.waitFor(() => expect(a).toHaveLength(2));
    offA();
    offA();
    expect(requests.at(-1)?.signal?.aborted).toBe(false);
    offB();
    expect(requests.at(-1)?.signal?.aborted).toBe(true);
    api.onRefundUpdated(() => undefined);
    await vi.waitFor(() => expect(streams).toHaveLength(3));
  });
});

describe('readEventStream', () => {
  it('splits events across any chunking, \r\n and \r line ends, multi-line data, comments', async () => {
    const text = ': hello\r\n\r\nevent: a\r\ndata: 1\r\n\r\nevent: b\rdata: x\rdata: y\r\rdata: 支付\n\nevent: c\ndata\n\n';
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (const chunk of chunks) c.enqueue(chunk);
          c.close();
        },
      });
      const seen: [string, string][] = [];
      await readEventStream(body, (name, data) => seen.push([name, data]));
      expect(seen, `chunks of ${size}`).toEqual([
        ['a', '1'],
        ['b', 'x\ny'],
        ['message', '支付'],
        ['c', ''],
      ]);
    }
  });
});
