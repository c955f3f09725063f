import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProbeEndpoint, createProber, joinUrl, PROBE_PATH_PREFIX } from '../../src/main/tunnel/probe';
import { manualClock, startStandIn, type StandIn } from './helpers';

let local: StandIn;
let other: Server | null = null;
beforeEach(async () => {
  local = await startStandIn();
});
afterEach(async () => {
  await local.close();
  if (other) await new Promise<void>((r) => other!.close(() => r()));
  other = null;
});

/** Some other web server that answers 200 to anything (a custom URL pointing at the wrong place). */
async function startOther(): Promise<string> {
  other = createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => other!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
}

const nonce = 'a'.repeat(32);

describe('probe endpoint', () => {
  it('handles only its path: GET/HEAD with a well-formed nonce → 200, else 404/405; other paths untouched', async () => {
    expect((await fetch(`${local.url}${PROBE_PATH_PREFIX}${nonce}`)).status).toBe(200);
    expect((await fetch(`${local.url}${PROBE_PATH_PREFIX}${nonce}`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${local.url}${PROBE_PATH_PREFIX}short`)).status).toBe(404);
    expect((await fetch(`${local.url}${PROBE_PATH_PREFIX}${'b'.repeat(32)}`, { method: 'POST', body: 'x' })).status).toBe(405);
    const other = await fetch(`${local.url}/notify/alipay`, { method: 'POST', body: 'x=1' });
    expect(await other.text()).toBe('success'); // fell through to the rest of the server
  });

  it('waitFor resolves true on arrival (also for an arrival just before), false on timeout', async () => {
    const waiting = local.probe.waitFor('c'.repeat(20), 2_000);
    await fetch(`${local.url}${PROBE_PATH_PREFIX}${'c'.repeat(20)}?t=1`);
    expect(await waiting).toBe(true);
    await fetch(`${local.url}${PROBE_PATH_PREFIX}${'d'.repeat(20)}`);
    expect(await local.probe.waitFor('d'.repeat(20), 50)).toBe(true);
    expect(await local.probe.waitFor('e'.repeat(20), 30)).toBe(false);
  });

  it('keeps a bounded number of unclaimed arrivals (anyone can hit the path)', async () => {
    const clock = manualClock();
    const ep = createProbeEndpoint({ maxRecent: 3, clock });
    const server = createServer((req, res) => void ep.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const c of 'fghij') await fetch(`${base}${PROBE_PATH_PREFIX}${c.repeat(16)}`);
    const p1 = ep.waitFor('f'.repeat(16), 1_000); // evicted
    expect(await ep.waitFor('j'.repeat(16), 1_000)).toBe(true);
    clock.advance(1_000);
    expect(await p1).toBe(false);
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe('prober', () => {
  it('reports reachable when the nonce arrives at our endpoint', async () => {
    const prober = createProber({ endpoint: local.probe, timeoutMs: 2_000 });
    expect(await prober.probe(local.url)).toEqual({ ok: true, detail: null });
    expect(await prober.probe(`${local.url}/`)).toEqual({ ok: true, detail: null });
  });

  it('reports unreachable when another server answers 200 (the nonce never arrived) — without waiting for the timeout', async () => {
    const base = await startOther();
    const prober = createProber({ endpoint: local.probe, timeoutMs: 5_000 });
    const t0 = Date.now();
    const r = await prober.probe(base);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/HTTP 200/);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('reports unreachable with the network error when nothing listens', async () => {
    const base = await startOther();
    await new Promise<void>((r) => other!.close(() => r()));
    other = null;
    const r = await createProber({ endpoint: local.probe, timeoutMs: 2_000 }).probe(base);
    expect(r).toMatchObject({ ok: false });
    expect(r.detail).toMatch(/ECONNREFUSED/);
  });

  it('times out on a server that never answers, and sends Bypass-Tunnel-Reminder', async () => {
    const seen: string[] = [];
    other = createServer((req) => {
      seen.push(String(req.headers['bypass-tunnel-reminder']));
      /* never answers */
    });
    await new Promise<void>((r) => other!.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const r = await createProber({ endpoint: local.probe, timeoutMs: 300 }).probe(base);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/0\.3s/);
    expect(seen).toEqual(['paydesk']);
    other.closeAllConnections();
  });

  it('joinUrl handles trailing slashes and base paths', () => {
    expect(joinUrl('https://a.example/pay/', '/notify/x')).toBe('https://a.example/pay/notify/x');
    expect(joinUrl('https://a.example', 'notify/x')).toBe('https://a.example/notify/x');
  });
});
