import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenTunnel, TunnelHandle } from '../../src/main/tunnel/localtunnel-opener';
import { backoffDelay } from '../../src/main/tunnel/timing';
import { createTunnelManager, type TunnelManager, type TunnelStatus } from '../../src/main/tunnel/tunnel-manager';
import { startLocaltunnelServer } from '../fixtures/localtunnel-server';
import { flush, manualClock, startStandIn, type StandIn } from './helpers';
import { waitFor } from '../support';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  fixtureOpts: Parameters<typeof startLocaltunnelServer>[0] = {},
  extra: { subdomain?: string; deadAfterFailures?: number; intervalMs?: number; subdomainReleaseMs?: number } = {},
) {
  const fx = await startLocaltunnelServer({ graceMs: 500, ...fixtureOpts });
  cleanups.push(() => fx.stop());
  const local: StandIn = await startStandIn();
  cleanups.push(() => local.close());
  const mgr = createTunnelManager({
    localPort: local.port,
    host: fx.host,
    ...(extra.subdomain ? { subdomain: extra.subdomain } : {}),
    ...(extra.subdomainReleaseMs !== undefined ? { subdomainReleaseMs: extra.subdomainReleaseMs } : {}),
    backoff: { initialMs: 50, maxMs: 400 },
    openTimeoutMs: 2_000,
    probe: { intervalMs: extra.intervalMs ?? 5_000, timeoutMs: 1_000, endpoint: local.probe, deadAfterFailures: extra.deadAfterFailures ?? 3 },
  });
  cleanups.push(() => mgr.stop());
  const seen: TunnelStatus[] = [];
  mgr.on('status', (s) => seen.push(s));
  return { fx, local, mgr, seen };
}

const reachable = (m: TunnelManager) => () => m.status().reachability === 'reachable' && m.status();

describe('tunnel manager against a localtunnel-protocol server (real client)', () => {
  it('comes online, carries a POST to the local server, and probes reachable', async () => {
    const { fx, local, mgr, seen } = await setup();
    expect(mgr.status()).toMatchObject({ state: 'offline', reachability: 'unknown' });
    mgr.start();
    expect(mgr.status().state).toBe('connecting');
    const s = await waitFor(reachable(mgr), 'reachable');
    expect(s).toMatchObject({ state: 'online', detail: null });
    expect(s.url).toMatch(new RegExp(`^http://[a-z0-9-]+\\.localhost:${fx.port}$`));
    expect(seen.map((x) => `${x.state}/${x.reachability}`)).toEqual(['connecting/unknown', 'online/unknown', 'online/reachable']);

    const res = await fetch(`${s.url}/notify/alipay`, { method: 'POST', body: 'out_trade_no=T1&trade_status=TRADE_SUCCESS' });
    expect(await res.text()).toBe('success');
    expect(local.posts.at(-1)).toMatchObject({ path: '/notify/alipay', body: 'out_trade_no=T1&trade_status=TRADE_SUCCESS' });
  });

  it('sends Bypass-Tunnel-Reminder on probes (a server showing the reminder to everyone still probes reachable)', async () => {
    const { mgr } = await setup({ reminder: 'all' });
    mgr.start();
    await waitFor(reachable(mgr), 'reachable');
  });

  it('uses a requested subdomain', async () => {
    const { fx, mgr } = await setup({}, { subdomain: 'counter-01' });
    mgr.start();
    const s = await waitFor(reachable(mgr), 'reachable');
    expect(s.url).toBe(fx.publicUrl('counter-01'));
    expect(s.detail).toBeNull();
  });

  it('server killed → offline with a reason; server back → reconnects → reachable again', async () => {
    const { fx, mgr, seen } = await setup();
    mgr.start();
    const first = await waitFor(reachable(mgr), 'reachable');
    await fx.stop();
    const off = await waitFor(() => mgr.status().state === 'offline' && mgr.status(), 'offline');
    expect(off).toMatchObject({ url: null, reachability: 'unreachable' });
    expect(off.detail).toMatch(/隧道离线.*\/ Tunnel offline \(connection refused/);
    // while the server is down, attempts keep failing fast and back off
    await waitFor(() => seen.filter((x) => x.state === 'offline').length >= 3, 'several failed attempts');
    expect(seen.some((x) => /tunnel server unreachable \(ECONNREFUSED\)/.test(x.detail ?? ''))).toBe(true);
    await fx.start();
    const again = await waitFor(reachable(mgr), 'reachable again');
    expect(again.state).toBe('online');
    expect(again.url).not.toBe(first.url); // the server forgot the old tunnel: new URL, for new orders
  });

  it('detects a half-dead tunnel (sockets up, nothing forwarded) by failing probes and reconnects', async () => {
    const { fx, mgr, seen } = await setup({}, { deadAfterFailures: 2, intervalMs: 100 });
    mgr.start();
    const first = await waitFor(reachable(mgr), 'reachable');
    const id = new URL(first.url!).hostname.split('.')[0]!;
    fx.setBlackhole(id, true);
    await waitFor(() => seen.some((x) => x.state === 'online' && x.reachability === 'unreachable'), 'unreachable');
    await waitFor(() => seen.some((x) => x.state === 'offline' && /2 probes failed/.test(x.detail ?? '')), 'offline after probes');
    const again = await waitFor(() => mgr.status().reachability === 'reachable' && mgr.status().url !== first.url && mgr.status(), 'new tunnel');
    expect(again.url).not.toBe(first.url);
  });

  it('says so when the server grants another subdomain than the one asked for (still taken)', async () => {
    const { fx, mgr } = await setup({}, { subdomain: 'counter-01' });
    // someone else holds counter-01 on this server
    const other = await fetch(`${fx.host}/counter-01`);
    const held = (await other.json()) as { id: string; port: number };
    expect(held.id).toBe('counter-01');
    const sock = connect(held.port, '127.0.0.1');
    sock.on('error', () => undefined);
    cleanups.push(() => sock.destroy());
    mgr.start();
    const s = await waitFor(reachable(mgr), 'reachable');
    expect(s.url).not.toBe(fx.publicUrl('counter-01'));
    const granted = new URL(s.url!).hostname.split('.')[0]!;
    expect(s.detail).toBe(
      `请求的子域名 counter-01 未获分配（可能仍被占用），当前为 ${granted} / Requested subdomain counter-01 was not granted (probably still taken); got ${granted}`,
    );
    // while a probe fails, both reasons, each language on its side of the one " / "
    const id = granted;
    fx.setBlackhole(id, true);
    const down = await waitFor(() => mgr.status().reachability === 'unreachable' && mgr.status(), 'unreachable');
    const [zh, en] = down.detail!.split(' / ');
    expect(down.detail!.split(' / ')).toHaveLength(2);
    expect(zh).toMatch(/^探测请求未到达本机（HTTP 502）；请求的子域名 counter-01 未获分配/);
    expect(en).toMatch(/^Probe did not reach this PC \(HTTP 502\); Requested subdomain counter-01 was not granted/);
  });

  it("a probe-triggered reconnect waits out the server's 1 s grace period and gets the requested subdomain back", async () => {
    // the real server's grace (1 s); backoff alone would retry after 50 ms
    const { fx, mgr, seen } = await setup({ graceMs: 1_000 }, { subdomain: 'counter-02', deadAfterFailures: 1, intervalMs: 100 });
    mgr.start();
    const first = await waitFor(reachable(mgr), 'reachable');
    expect(first.url).toBe(fx.publicUrl('counter-02'));
    fx.setBlackhole('counter-02', true);
    const off = await waitFor(() => seen.find((x) => x.state === 'offline'), 'offline after a failed probe', 5_000);
    fx.setBlackhole('counter-02', false);
    expect(off.detail).toMatch(/reconnecting in 2\.0s/);
    const again = await waitFor(() => seen.filter((x) => x.reachability === 'reachable').length >= 2 && mgr.status(), 'reachable again', 8_000);
    expect(again).toMatchObject({ url: fx.publicUrl('counter-02'), detail: null });
  });

  it('an invalid subdomain is reported and never sent', async () => {
    const { fx, mgr } = await setup({}, { subdomain: 'Bad_Name' });
    mgr.start();
    expect(mgr.status()).toMatchObject({ state: 'offline', reachability: 'unreachable' });
    expect(mgr.status().detail).toMatch(/Subdomain must be/);
    expect(fx.assignments).toBe(0);
  });

  it('stop() closes the tunnel and goes quiet', async () => {
    const { fx, mgr, seen } = await setup();
    mgr.start();
    await waitFor(reachable(mgr), 'reachable');
    await mgr.stop();
    expect(mgr.status()).toMatchObject({ state: 'offline', url: null, detail: '隧道已停止 / Tunnel stopped' });
    await waitFor(() => fx.tunnels().every((t) => t.sockets === 0), 'sockets closed');
    const n = seen.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(n);
  });
});

/* ── Deterministic: injected opener + manual clock ─────────────────────────────────────────── */

function fakeTunnel(url: string): TunnelHandle & { emitter: EventEmitter; closed: boolean } {
  const emitter = new EventEmitter();
  const t = {
    url,
    emitter,
    closed: false,
    on: (e: string, l: (...a: never[]) => void) => emitter.on(e, l as (...a: unknown[]) => void),
    close() {
      t.closed = true;
      emitter.emit('close');
    },
  };
  return t;
}

describe('reconnect backoff', () => {
  it('grows exponentially with jitter and is capped at maxMs', () => {
    const b = { initialMs: 100, maxMs: 1_000, jitter: 0.2 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(b, n, () => 0))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect([0, 1, 4, 10].map((n) => backoffDelay(b, n, () => 0.999))).toEqual([80, 160, 800, 800]);
    for (let i = 0; i < 200; i++) expect(backoffDelay(b, 50)).toBeLessThanOrEqual(1_000);
  });

  it('the manager waits backoffDelay between failed attempts, resets after a reachable tunnel', async () => {
    const clock = manualClock();
    let calls = 0;
    let succeed = false;
    const tunnels: ReturnType<typeof fakeTunnel>[] = [];
    const open: OpenTunnel = async () => {
      calls += 1;
      if (!succeed) throw new Error('tunnel server unreachable (ECONNREFUSED)');
      const t = fakeTunnel(`https://t${calls}.example`);
      tunnels.push(t);
      return t;
    };
    const mgr = createTunnelManager({
      localPort: 1,
      host: 'http://127.0.0.1:9',
      clock,
      random: () => 0,
      backoff: { initialMs: 100, maxMs: 800 },
      openTimeoutMs: 5_000,
      openTunnel: open,
      probe: { intervalMs: 60_000, timeoutMs: 1_000, prober: { probe: async () => ({ ok: true, detail: null }) } },
    });
    mgr.start();
    const retryDelays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await flush();
      expect(mgr.status().state).toBe('offline');
      const m = /reconnecting in ([\d.]+)s/.exec(mgr.status().detail ?? '');
      retryDelays.push(Math.round(Number(m![1]) * 1000));
      clock.advance(retryDelays.at(-1)!);
    }
    expect(retryDelays).toEqual([100, 200, 400, 800, 800, 800]);
    expect(calls).toBe(7);
    succeed = true;
    await flush(); // attempt 7 fails → retry scheduled in 800 ms
    clock.advance(800);
    await flush();
    expect(calls).toBe(8);
    expect(mgr.status()).toMatchObject({ state: 'online', reachability: 'reachable' });
    // the client reports the server gone: back to the initial delay, since that tunnel was healthy
    tunnels.at(-1)!.emitter.emit('error', new Error('connection refused: 127.0.0.1:1234'));
    expect(mgr.status().detail).toMatch(/connection refused.*reconnecting in 0\.1s/);
    expect(tunnels.at(-1)!.closed).toBe(true);
    await mgr.stop();
    expect(clock.pending()).toBe(0);
  });

  it('recheckSoon(): after a failed delivery the next probe comes in soonMs, not at the interval; a burst makes one probe', async () => {
    const clock = manualClock();
    let probes = 0;
    let release: (() => void) | null = null;
    let hold = false;
    const mgr = createTunnelManager({
      localPort: 1,
      host: 'http://127.0.0.1:9',
      clock,
      random: () => 0,
      backoff: { initialMs: 100, maxMs: 800 },
      openTunnel: async () => fakeTunnel('https://t.example'),
      probe: {
        intervalMs: 300_000,
        timeoutMs: 1_000,
        soonMs: 3_000,
        prober: {
          probe: async () => {
            probes += 1;
            if (hold) await new Promise<void>((r) => (release = r));
            return { ok: true, detail: null };
          },
        },
      },
    });
    mgr.start();
    await flush();
    expect(probes).toBe(1);
    clock.advance(60_000);
    expect(probes).toBe(1); // the next regular probe is 5 min away
    for (let i = 0; i < 5; i++) mgr.recheckSoon();
    clock.advance(2_999);
    expect(probes).toBe(1);
    clock.advance(1);
    await flush();
    expect(probes).toBe(2);
    clock.advance(10_000);
    await flush();
    expect(probes).toBe(2); // back to the interval
    // a failure reported while a probe is running: one more probe soon after it
    hold = true;
    clock.advance(300_000);
    await flush();
    expect(probes).toBe(3);
    mgr.recheckSoon();
    hold = false;
    release!();
    await flush();
    clock.advance(3_000);
    await flush();
    expect(probes).toBe(4);
    await mgr.stop();
  });

  it('gives up on an attempt after openTimeoutMs and closes a tunnel that arrives late', async () => {
    const clock = manualClock();
    const late: Array<(t: TunnelHandle) => void> = [];
    const mgr = createTunnelManager({
      localPort: 1,
      host: 'http://127.0.0.1:9',
      clock,
      random: () => 0,
      backoff: { initialMs: 100, maxMs: 800 },
      openTimeoutMs: 3_000,
      openTunnel: () => new Promise((resolve) => late.push(resolve)),
      probe: { intervalMs: 60_000, timeoutMs: 1_000 },
    });
    mgr.start();
    clock.advance(2_999);
    expect(mgr.status().state).toBe('connecting');
    clock.advance(1);
    expect(mgr.status().detail).toMatch(/not established within 3\.0s/);
    const stray = fakeTunnel('https://late.example');
    late[0]!(stray);
    await flush();
    expect(stray.closed).toBe(true);
    expect(mgr.status().state).toBe('offline');
    await mgr.stop();
  });

  it('never lets a throwing opener or listener escape', async () => {
    const clock = manualClock();
    const mgr = createTunnelManager({
      localPort: 1,
      host: 'http://127.0.0.1:9',
      clock,
      backoff: { initialMs: 100, maxMs: 800 },
      openTunnel: () => {
        throw new Error('boom');
      },
      probe: { intervalMs: 60_000, timeoutMs: 1_000 },
    });
    mgr.on('status', () => {
      throw new Error('listener bug');
    });
    mgr.start();
    await flush();
    expect(mgr.status().detail).toMatch(/boom/);
    await mgr.stop();
  });
});
