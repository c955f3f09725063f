/**
 * Notify endpoint policy (README, "The notify URL"): maps the Settings notify mode to the public base URL that
 * new orders get as notify_url, and to a reachability the status bar shows.
 *   loopback    (demo)  → the notify server's own URL, reachable (the embedded emulator is local)
 *   custom              → the merchant's URL (domain / reverse proxy → notify server), probed
 *   localtunnel         → the tunnel manager's URL while online, probed
 *   none                → null: poll only, reachability disabled
 * Whatever it says, polling in the payment core keeps every order converging.
 */
import type { NotifyMode } from '../../shared/contract';
import { validateCustomNotifyUrl, type UrlCheck } from '../../shared/notify-urls';
import type { Clock, Logger } from '../kernel';
import { createProber, joinUrl, type ProbeEndpoint, type Prober } from './probe';
import { defaultClock, silentLogger, type BackoffOptions } from './timing';
import { createTunnelManager, type TunnelManager, type TunnelManagerOptions, type TunnelStatus } from './tunnel-manager';
import type { OpenTunnel } from './localtunnel-opener';
import type { TunnelLocal } from '../http/notify-server';

export type Reachability = 'reachable' | 'unreachable' | 'unknown' | 'disabled';

/** = StatusDto['notify'] */
export interface NotifyEndpointState {
  mode: NotifyMode;
  /** public base URL forwarding to the notify server (the core appends its notify path); null = poll only */
  url: string | null;
  reachability: Reachability;
  detail: string | null;
}

export interface NotifyEndpoint {
  start(): void;
  stop(): Promise<void>;
  current(): NotifyEndpointState;
  on(event: 'change', listener: (state: NotifyEndpointState) => void): () => void;
}

export const DEFAULT_TUNNEL_HOST = 'https://localtunnel.me';

export interface NotifyEndpointOptions {
  mode: NotifyMode;
  /** the local notify server's base URL, e.g. http://127.0.0.1:PORT */
  loopbackUrl: string;
  /**
   * localtunnel mode: the notify server's tunnel listener (held idle sockets; see notify-server.ts).
   * The tunnel client connects there (else to loopbackUrl), and a troubled request seen there makes
   * the reachability probe run again soon.
   */
  tunnelLocal?: TunnelLocal | null;
  /** custom mode: the merchant's public base URL */
  customUrl?: string;
  tunnel?: {
    host?: string;
    subdomain?: string;
    backoff?: BackoffOptions;
    openTimeoutMs?: number;
    openTunnel?: OpenTunnel;
    /** least wait before reconnecting with a requested subdomain (tunnel-manager.ts); default 2 s */
    subdomainReleaseMs?: number;
  };
  /** reachability self-test; without it custom/localtunnel report 'unknown' */
  probe?: {
    endpoint: ProbeEndpoint;
    intervalMs?: number; // default 5 min
    timeoutMs?: number; // default 10 s
    /** next probe after a failed delivery through the tunnel; default 3 s */
    soonMs?: number;
    prober?: Prober;
  };
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** injectable for tests */
  createTunnelManager?: (opts: TunnelManagerOptions) => TunnelManager;
}

export type CustomUrlCheck = UrlCheck;
export { validateCustomNotifyUrl };

/** Creates the endpoint for one mode; the console makes a new one when Settings change the mode. */
export function createNotifyEndpoint(opts: NotifyEndpointOptions): NotifyEndpoint {
  const clock = opts.clock ?? defaultClock;
  const log = opts.logger ?? silentLogger;
  const listeners = new Set<(s: NotifyEndpointState) => void>();
  const intervalMs = opts.probe?.intervalMs ?? 5 * 60_000;
  const timeoutMs = opts.probe?.timeoutMs ?? 10_000;
  const prober: Prober | null = opts.probe?.prober ?? (opts.probe ? createProber({ endpoint: opts.probe.endpoint, timeoutMs, clock }) : null);

  const initial = (): NotifyEndpointState => {
    switch (opts.mode) {
      case 'loopback':
        return {
          mode: 'loopback',
          url: opts.loopbackUrl.replace(/\/+$/, ''),
          reachability: 'reachable',
          detail: '演示模式：使用本机通知地址 / Demo mode: loopback notify URL',
        };
      case 'none':
        return {
          mode: 'none',
          url: null,
          reachability: 'disabled',
          detail: '未启用异步通知，仅轮询 / Notifications off: polling only',
        };
      case 'custom': {
        const check = validateCustomNotifyUrl(opts.customUrl ?? '');
        return check.ok
          ? { mode: 'custom', url: check.url, reachability: 'unknown', detail: prober ? '正在检测可达性 / Checking reachability' : null }
          : { mode: 'custom', url: null, reachability: 'unreachable', detail: check.message };
      }
      case 'localtunnel':
        return { mode: 'localtunnel', url: null, reachability: 'unknown', detail: '隧道未启动 / Tunnel not started' };
    }
  };

  let state = initial();
  let running = false;
  let gen = 0;
  let timer: unknown = null;
  let tunnel: TunnelManager | null = null;
  let unsubscribe: (() => void) | null = null;
  let troubleOff: (() => void) | null = null;

  const set = (next: NotifyEndpointState): void => {
    if (next.url === state.url && next.reachability === state.reachability && next.detail === state.detail && next.mode === state.mode) {
      return;
    }
    state = next;
    for (const l of [...listeners]) {
      try {
        l(next);
      } catch (err) {
        log.error('notify endpoint listener failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  const fromTunnel = (s: TunnelStatus): NotifyEndpointState => ({
    mode: 'localtunnel',
    url: s.state === 'online' ? s.url : null,
    reachability: s.reachability,
    detail: s.detail,
  });

  /** custom mode: probe now, then every intervalMs. */
  const probeCustom = (my: number, url: string): void => {
    if (!prober) return;
    // Fire and forget: the probe loop schedules itself; a failed probe is a result, not a rejection.
    void prober
      .probe(url)
      .catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }))
      .then((r) => {
        if (my !== gen || !running) return;
        set({
          mode: 'custom',
          url,
          reachability: r.ok ? 'reachable' : 'unreachable',
          detail: r.ok ? null : r.detail,
        });
        timer = clock.setTimeout(() => {
          timer = null;
          probeCustom(my, url);
        }, intervalMs);
      });
  };

  return {
    start() {
      if (running) return;
      running = true;
      const my = ++gen;
      state = initial();
      if (opts.mode === 'custom' && state.url) {
        probeCustom(my, state.url);
      } else if (opts.mode === 'localtunnel') {
        const make = opts.createTunnelManager ?? createTunnelManager;
        const local = new URL(opts.tunnelLocal?.url ?? opts.loopbackUrl);
        tunnel = make({
          localPort: Number(local.port || (local.protocol === 'https:' ? 443 : 80)),
          localHost: local.hostname,
          host: opts.tunnel?.host ?? DEFAULT_TUNNEL_HOST,
          ...(opts.tunnel?.subdomain ? { subdomain: opts.tunnel.subdomain } : {}),
          clock,
          logger: log,
          ...(opts.random ? { random: opts.random } : {}),
          backoff: opts.tunnel?.backoff ?? { initialMs: 1_000, maxMs: 60_000 },
          ...(opts.tunnel?.openTimeoutMs ? { openTimeoutMs: opts.tunnel.openTimeoutMs } : {}),
          ...(opts.tunnel?.openTunnel ? { openTunnel: opts.tunnel.openTunnel } : {}),
          ...(opts.tunnel?.subdomainReleaseMs !== undefined ? { subdomainReleaseMs: opts.tunnel.subdomainReleaseMs } : {}),
          probe: {
            intervalMs,
            timeoutMs,
            ...(opts.probe?.soonMs !== undefined ? { soonMs: opts.probe.soonMs } : {}),
            ...(prober ? { prober } : {}),
          },
        });
        unsubscribe = tunnel.on('status', (s) => set(fromTunnel(s)));
        const t = tunnel;
        troubleOff = opts.tunnelLocal?.onTrouble(() => t.recheckSoon()) ?? null;
        tunnel.start();
        set(fromTunnel(tunnel.status()));
      }
    },
    async stop() {
      if (!running) return;
      running = false;
      gen += 1;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
      troubleOff?.();
      troubleOff = null;
      const t = tunnel;
      tunnel = null;
      if (t) {
        await t.stop();
        set(fromTunnel(t.status()));
      }
    },
    current: () => state,
    on(_event, listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The notify_url an order would get from this endpoint's base URL (the core's `/notify/<provider>` path). */
export function notifyUrlFor(base: string | null, notifyPath: string): string | null {
  return base === null ? null : joinUrl(base, notifyPath);
}
