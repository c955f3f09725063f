import { describe, expect, it, vi } from 'vitest';
import { httpApi } from '../../src/renderer/src/api/http-api';
import { CHANNELS, EVENT_NAMES, eventMethodName, methodName, type OrderDto } from '../../src/shared/contract';

class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly listeners = new Map<string, ((e: MessageEvent<string>) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(name: string, fn: (e: MessageEvent<string>) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  close(): void {
    this.closed = true;
  }
  push(name: string, data: string): void {
    for (const fn of this.listeners.get(name) ?? []) fn(new MessageEvent(name, { data }));
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const origin = { origin: 'http://127.0.0.1:4321' };

describe('httpApi', () => {
  it('has one method per channel and one on… per event', () => {
    const api = httpApi(origin, { fetch: vi.fn(), EventSource: FakeEventSource as unknown as typeof EventSource });
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

  it('shares one EventSource between listeners and closes it with the last one', () => {
    FakeEventSource.instances = [];
    const api = httpApi(origin, { fetch: vi.fn(), EventSource: FakeEventSource as unknown as typeof EventSource });
    const a: OrderDto[] = [];
    const b: unknown[] = [];
    const offA = api.onOrderUpdated((o) => a.push(o));
    const offB = api.onStatusChanged((s) => b.push(s));
    expect(FakeEventSource.instances).toHaveLength(1);
    const es = FakeEventSource.instances[0];
    if (!es) throw new Error('no EventSource');
    expect(es.url).toBe('http://127.0.0.1:4321/api/events');
    es.push('order.updated', JSON.stringify({ id: 'X', status: 'PAID' }));
    es.push('order.updated', '{broken');
    es.push('status.changed', JSON.stringify({ warnings: [] }));
    expect(a).toEqual([{ id: 'X', status: 'PAID' }]);
    expect(b).toHaveLength(1);
    offA();
    offA();
    expect(es.closed).toBe(false);
    offB();
    expect(es.closed).toBe(true);
    api.onRefundUpdated(() => undefined);
    expect(FakeEventSource.instances).toHaveLength(2);
  });
});
