/**
 * Tunnel manager (README, "The notify URL"): keeps a localtunnel open to the local notify server, reconnects
 * with exponential backoff + jitter, and self-tests reachability through the public URL. Electron-free.
 *
 * States: connecting → online (url) → offline (reason) → connecting … A tunnel is declared dead on
 * the client's 'error' (the localtunnel client emits "connection refused" when the server is gone) or
 * 'close', and also after `deadAfterFailures` failed probes in a row (a half-dead tunnel whose sockets
 * stay up but which no longer forwards). Polling in the payment core never depends on any of this.
 */
import { TUNNEL_SUBDOMAIN_MESSAGE, TUNNEL_SUBDOMAIN_RE, validateTunnelHost } from '../../shared/notify-urls';
import type { Clock, Logger } from '../kernel';
import { openLocaltunnel, type OpenTunnel, type TunnelHandle } from './localtunnel-opener';
import type { ProbeEndpoint, Prober } from './probe';
import { createProber } from './probe';
import { backoffDelay, defaultClock, silentLogger, type BackoffOptions } from './timing';

export type TunnelState = 'connecting' | 'online' | 'offline';

export interface TunnelStatus {
  state: TunnelState;
  /** public base URL while online, else null */
  url: string | null;
  reachability: 'reachable' | 'unreachable' | 'unknown';
  /** bilingual (中文 / English) reason or note */
  detail: string | null;
}

export interface TunnelManagerOptions {
  /** the local notify server */
  localPort: number;
  /** default 127.0.0.1 (the notify server binds 127.0.0.1 only; 'localhost' may resolve to ::1) */
  localHost?: string;
  /** tunnel server, e.g. https://localtunnel.me or a self-hosted localtunnel server */
  host: string;
  subdomain?: string;
  clock?: Clock;
  logger?: Logger;
  /** [0, 1) — injectable for deterministic jitter in tests */
  random?: () => number;
  backoff: BackoffOptions;
  /** Give up on one open attempt after this long. Default 15 s. */
  openTimeoutMs?: number;
  probe: {
    intervalMs: number;
    timeoutMs: number;
    /** the notify server's probe endpoint (used to build the default prober) */
    endpoint?: ProbeEndpoint;
    prober?: Prober;
    /** consecutive failed probes that mark the tunnel dead and reconnect. Default 3. */
    deadAfterFailures?: number;
    /** next probe after a failed one (confirm or clear quickly). Default min(intervalMs, 15 s). */
    retryMs?: number;
    /** next probe after recheckSoon() (a delivery through the tunnel failed). Default min(intervalMs, 3 s). */
    soonMs?: number;
  };
  /**
   * With a requested subdomain, the least wait before reconnecting: localtunnel-server frees a
   * subdomain 1 s after the tunnel's last socket closed, and gives a random one to anyone asking
   * sooner. Default 2 s (the grace period plus a margin for the sockets' close to reach the server).
   */
  subdomainReleaseMs?: number;
  openTunnel?: OpenTunnel;
}

export interface TunnelManager {
  start(): void;
  stop(): Promise<void>;
  status(): TunnelStatus;
  /** A delivery through the tunnel failed: probe again soon instead of at the next interval. */
  recheckSoon(): void;
  on(event: 'status', listener: (status: TunnelStatus) => void): () => void;
}

/** localtunnel-server's rule for requested subdomains (src/shared/notify-urls.ts). */
export const SUBDOMAIN_RE = TUNNEL_SUBDOMAIN_RE;

/** Validates the tunnel server host (an http(s) origin) and subdomain; null when fine. */
export function tunnelConfigError(host: string, subdomain?: string): string | null {
  const h = validateTunnelHost(host);
  if (!h.ok) return h.message;
  if (subdomain && !TUNNEL_SUBDOMAIN_RE.test(subdomain)) return TUNNEL_SUBDOMAIN_MESSAGE;
  return null;
}

const NOT_STARTED: TunnelStatus = {
  state: 'offline',
  url: null,
  reachability: 'unknown',
  detail: '隧道未启动 / Tunnel not started',
};

/** Creates the manager; nothing happens until start(). */
export function createTunnelManager(opts: TunnelManagerOptions): TunnelManager {
  const clock = opts.clock ?? defaultClock;
  const log = opts.logger ?? silentLogger;
  const random = opts.random ?? Math.random;
  const open = opts.openTunnel ?? openLocaltunnel;
  const openTimeoutMs = opts.openTimeoutMs ?? 15_000;
  const deadAfter = Math.max(1, opts.probe.deadAfterFailures ?? 3);
  const prober: Prober | null =
    opts.probe.prober ?? (opts.probe.endpoint ? createProber({ endpoint: opts.probe.endpoint, timeoutMs: opts.probe.timeoutMs, clock }) : null);
  const listeners = new Set<(s: TunnelStatus) => void>();

  let current: TunnelStatus = NOT_STARTED;
  let running = false;
  /** Bumped on every (re)connect and on stop: callbacks of an older generation are ignored. */
  let gen = 0;
  let attempt = 0;
  let tunnel: TunnelHandle | null = null;
  let timer: unknown = null;
  let probeFailures = 0;
  /** online: the URL being probed, whether a probe is running, when the next one is due */
  let onlineUrl: string | null = null;
  /** the generation whose probe is running, if any */
  let probingGen: number | null = null;
  let recheckAfterProbe = false;
  let nextProbeAt = 0;
  /** bilingual note when the server granted another subdomain than the one asked for */
  let grantNote: string | null = null;
  const soonMs = opts.probe.soonMs ?? Math.min(opts.probe.intervalMs, 3_000);
  const releaseMs = opts.subdomainReleaseMs ?? 2_000;
  const withNote = (detail: string | null): string | null => (grantNote ? (detail ? joinBilingual(detail, grantNote) : grantNote) : detail);

  const set = (next: TunnelStatus): void => {
    if (next.state === current.state && next.url === current.url && next.reachability === current.reachability && next.detail === current.detail) {
      return;
    }
    current = next;
    for (const l of [...listeners]) {
      try {
        l(next);
      } catch (err) {
        log.error('tunnel status listener failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  const clearTimer = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };

  const closeTunnel = (): void => {
    const t = tunnel;
    tunnel = null;
    if (!t) return;
    try {
      t.close();
    } catch (err) {
      log.warn('tunnel close failed', { error: err instanceof Error ? err.message : String(err) });
    }
  };

  const connect = (): void => {
    if (!running) return;
    clearTimer();
    const my = ++gen;
    probeFailures = 0;
    onlineUrl = null;
    grantNote = null;
    set({
      state: 'connecting',
      url: null,
      reachability: 'unknown',
      detail: `正在连接隧道服务器 ${opts.host} / Connecting to tunnel server ${opts.host}`,
    });
    let timedOut = false;
    const openTimer = clock.setTimeout(() => {
      timedOut = true;
      down(my, `${(openTimeoutMs / 1000).toFixed(1)} 秒内未建立 / not established within ${(openTimeoutMs / 1000).toFixed(1)}s`);
    }, openTimeoutMs);
    let attemptPromise: Promise<TunnelHandle>;
    try {
      attemptPromise = open({
        port: opts.localPort,
        host: opts.host,
        ...(opts.subdomain ? { subdomain: opts.subdomain } : {}),
        local_host: opts.localHost ?? '127.0.0.1',
        timeoutMs: openTimeoutMs,
      });
    } catch (err) {
      attemptPromise = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    attemptPromise.then(
      (t) => {
        clock.clearTimeout(openTimer);
        if (my !== gen || !running || timedOut) {
          // A late tunnel from an abandoned attempt: close it, never leave it open.
          safeClose(t);
          return;
        }
        tunnel = t;
        t.on('error', (err: Error) => down(my, err.message));
        t.on('close', () => down(my, '隧道已关闭 / tunnel closed'));
        grantNote = grantedNote(opts.subdomain, t);
        log.info('tunnel online', { url: t.url, ...(grantNote ? { requested: opts.subdomain } : {}) });
        if (!prober) attempt = 0;
        onlineUrl = t.url;
        set({
          state: 'online',
          url: t.url,
          reachability: 'unknown',
          detail: withNote(prober ? '正在检测可达性 / Checking reachability' : null),
        });
        if (prober) runProbe(my, t.url);
      },
      (err: unknown) => {
        clock.clearTimeout(openTimer);
        down(my, err instanceof Error ? err.message : String(err));
      },
    );
  };

  const safeClose = (t: TunnelHandle): void => {
    try {
      t.on('error', () => undefined);
      t.close();
    } catch {
      /* ignore */
    }
  };

  /** The tunnel of generation `my` is gone: go offline and schedule the next attempt. */
  const down = (my: number, reason: string): void => {
    if (my !== gen || !running) return;
    gen += 1; // invalidate every callback of the dead generation (incl. our own close's 'close')
    clearTimer();
    closeTunnel();
    // a requested subdomain is given to us again only once the server has let go of it
    const delay = Math.max(backoffDelay(opts.backoff, attempt, random), opts.subdomain ? releaseMs : 0);
    attempt += 1;
    onlineUrl = null;
    const secs = (delay / 1000).toFixed(1);
    log.warn('tunnel offline', { reason, retryInMs: delay, attempt });
    set({
      state: 'offline',
      url: null,
      reachability: 'unreachable',
      detail: `隧道离线（${reason}），${secs} 秒后重连 / Tunnel offline (${reason}); reconnecting in ${secs}s`,
    });
    timer = clock.setTimeout(() => {
      timer = null;
      connect();
    }, delay);
  };

  const scheduleProbe = (my: number, url: string, ms: number): void => {
    clearTimer();
    nextProbeAt = clock.now() + ms;
    timer = clock.setTimeout(() => {
      timer = null;
      if (my === gen && running) runProbe(my, url);
    }, ms);
  };

  const runProbe = (my: number, url: string): void => {
    if (!prober) return;
    probingGen = my;
    recheckAfterProbe = false;
    // Fire and forget: the probe loop schedules itself; a failed probe is a result, not a rejection.
    void prober
      .probe(url)
      .catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }))
      .then((r) => {
        if (probingGen === my) probingGen = null;
        if (my !== gen || !running) return;
        if (r.ok) {
          probeFailures = 0;
          attempt = 0; // a tunnel that carried a request is healthy: next outage starts from initialMs
          set({ state: 'online', url, reachability: 'reachable', detail: withNote(null) });
        } else {
          probeFailures += 1;
          if (probeFailures >= deadAfter) {
            down(my, `连续 ${probeFailures} 次探测失败 / ${probeFailures} probes failed in a row`);
            return;
          }
          set({ state: 'online', url, reachability: 'unreachable', detail: withNote(r.detail) });
        }
        const next = probeFailures > 0 ? (opts.probe.retryMs ?? Math.min(opts.probe.intervalMs, 15_000)) : opts.probe.intervalMs;
        scheduleProbe(my, url, recheckAfterProbe ? Math.min(next, soonMs) : next);
      });
  };

  return {
    start() {
      if (running) return;
      const bad = tunnelConfigError(opts.host, opts.subdomain);
      if (bad) {
        set({ state: 'offline', url: null, reachability: 'unreachable', detail: bad });
        return;
      }
      running = true;
      attempt = 0;
      connect();
    },
    async stop() {
      if (!running) return;
      running = false;
      gen += 1;
      clearTimer();
      closeTunnel();
      set({ state: 'offline', url: null, reachability: 'unknown', detail: '隧道已停止 / Tunnel stopped' });
    },
    status: () => current,
    recheckSoon() {
      if (!running || !prober || onlineUrl === null) return;
      if (probingGen === gen) {
        recheckAfterProbe = true; // the running probe may have started before the failure
        return;
      }
      if (nextProbeAt <= clock.now() + soonMs) return; // one is due soon anyway (debounces a burst)
      log.info('tunnel delivery failed: re-checking reachability soon', { inMs: soonMs });
      scheduleProbe(gen, onlineUrl, soonMs);
    },
    on(_event, listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** Bilingual note when the server granted a different subdomain than the one requested, else null. */
function grantedNote(requested: string | undefined, t: TunnelHandle): string | null {
  if (!requested) return null;
  let granted = t.clientId ?? '';
  if (!granted) {
    try {
      granted = new URL(t.url).hostname.split('.')[0] ?? '';
    } catch {
      granted = '';
    }
  }
  if (granted === requested) return null;
  const got = granted || t.url;
  return `请求的子域名 ${requested} 未获分配（可能仍被占用），当前为 ${got} / Requested subdomain ${requested} was not granted (probably still taken); got ${got}`;
}

/** "甲 / A" + "乙 / B" → "甲；乙 / A; B" (the renderer shows the side before or after the first " / "). */
function joinBilingual(a: string, b: string): string {
  const split = (m: string): [string, string] => {
    const at = m.indexOf(' / ');
    return at < 0 ? [m, m] : [m.slice(0, at), m.slice(at + 3)];
  };
  const [za, ea] = split(a);
  const [zb, eb] = split(b);
  return `${za}；${zb} / ${ea}; ${eb}`;
}
