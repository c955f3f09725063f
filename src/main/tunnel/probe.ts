/**
 * Reachability self-test (README, "The notify URL"). The notify server mounts a probe endpoint (`GET
 * /notify/__probe/<nonce>`) that records the nonce; the prober GETs `<publicUrl>/notify/__probe/<nonce>`
 * and reports "reachable" only when THAT nonce arrived here. An HTTP 200 alone proves nothing: a wrong
 * custom URL may point at some other server that answers 200 to anything.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../kernel';
import { defaultClock } from './timing';

export const PROBE_PATH_PREFIX = '/notify/__probe/';
const NONCE_RE = /^[A-Za-z0-9_-]{16,64}$/;

export interface ProbeEndpoint {
  readonly pathPrefix: string;
  /** Handles `GET|HEAD <pathPrefix><nonce>`; returns false (and touches nothing) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Resolves true once `nonce` has arrived (also if it arrived just before), false after timeoutMs. */
  waitFor(nonce: string, timeoutMs: number): Promise<boolean>;
}

export interface ProbeEndpointOptions {
  pathPrefix?: string;
  clock?: Clock;
  /** Arrivals nobody waits for yet are kept briefly (bounded: anyone on the internet can hit the path). */
  maxRecent?: number;
  recentTtlMs?: number;
}

/**
 * The probe handler, standalone so the notify server mounts it with one line:
 * `if (probe.handle(req, res)) return;`. It answers a bare "ok" and keeps nothing but nonces.
 */
export function createProbeEndpoint(opts: ProbeEndpointOptions = {}): ProbeEndpoint {
  const pathPrefix = opts.pathPrefix ?? PROBE_PATH_PREFIX;
  const clock = opts.clock ?? defaultClock;
  const maxRecent = opts.maxRecent ?? 64;
  const recentTtlMs = opts.recentTtlMs ?? 60_000;
  const waiters = new Map<string, Set<(arrived: boolean) => void>>();
  const recent = new Map<string, number>();

  const record = (nonce: string): void => {
    const ws = waiters.get(nonce);
    if (ws) {
      waiters.delete(nonce);
      for (const w of ws) w(true);
      return;
    }
    recent.delete(nonce);
    recent.set(nonce, clock.now());
    while (recent.size > maxRecent) {
      const oldest = recent.keys().next().value;
      if (oldest === undefined) break;
      recent.delete(oldest);
    }
  };

  return {
    pathPrefix,
    handle(req, res) {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (!path.startsWith(pathPrefix)) return false;
      req.resume();
      const nonce = path.slice(pathPrefix.length);
      const reply = (status: number, body: string, extra: Record<string, string> = {}): void => {
        if (res.headersSent) return;
        res.writeHead(status, {
          'content-type': 'text/plain; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'cache-control': 'no-store',
          ...extra,
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        reply(405, 'method not allowed', { allow: 'GET, HEAD' });
        return true;
      }
      if (!NONCE_RE.test(nonce)) {
        reply(404, 'not found');
        return true;
      }
      record(nonce); // before answering: a response that comes back implies the nonce is recorded
      reply(200, 'ok');
      return true;
    },
    waitFor(nonce, timeoutMs) {
      const at = recent.get(nonce);
      if (at !== undefined) {
        recent.delete(nonce);
        if (clock.now() - at <= recentTtlMs) return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => {
        let set = waiters.get(nonce);
        if (!set) {
          set = new Set();
          waiters.set(nonce, set);
        }
        const done = (arrived: boolean): void => {
          clock.clearTimeout(timer);
          resolve(arrived);
        };
        set.add(done);
        const timer = clock.setTimeout(() => {
          const s = waiters.get(nonce);
          s?.delete(done);
          if (s && s.size === 0) waiters.delete(nonce);
          resolve(false);
        }, timeoutMs);
      });
    },
  };
}

export interface ProbeResult {
  ok: boolean;
  /** Bilingual reason when not ok. */
  detail: string | null;
}

export interface Prober {
  /** Probes `<baseUrl><pathPrefix><nonce>`; never rejects. */
  probe(baseUrl: string): Promise<ProbeResult>;
}

export interface ProberOptions {
  endpoint: ProbeEndpoint;
  timeoutMs: number;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
}

/** Joins a public base URL (with or without a trailing slash or a path) and an absolute path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * The prober. Sends `Bypass-Tunnel-Reminder` (loca.lt shows an interstitial page to requests without
 * it) and a non-browser User-Agent; follows no redirect (Alipay would not either).
 */
export function createProber(opts: ProberOptions): Prober {
  const clock = opts.clock ?? defaultClock;
  const doFetch = opts.fetch ?? globalThis.fetch;
  return {
    async probe(baseUrl) {
      const nonce = randomBytes(16).toString('hex');
      const started = clock.now();
      const arrived = opts.endpoint.waitFor(nonce, opts.timeoutMs);
      const ctrl = new AbortController();
      const abortTimer = clock.setTimeout(() => ctrl.abort(), opts.timeoutMs);
      type Outcome = { kind: 'arrived'; value: boolean } | { kind: 'http'; status: number } | { kind: 'error'; message: string };
      const request: Promise<Outcome> = (async () => {
        try {
          const res = await doFetch(joinUrl(baseUrl, opts.endpoint.pathPrefix + nonce), {
            method: 'GET',
            headers: { 'bypass-tunnel-reminder': 'paydesk', 'user-agent': 'PayDesk-notify-probe/1' },
            redirect: 'manual',
            signal: ctrl.signal,
          });
          await res.body?.cancel().catch(() => undefined);
          return { kind: 'http', status: res.status };
        } catch (err) {
          return { kind: 'error', message: describeError(err) };
        }
      })();
      try {
        const first = await Promise.race([arrived.then((value): Outcome => ({ kind: 'arrived', value })), request]);
        if (first.kind === 'arrived') {
          return first.value ? { ok: true, detail: null } : timeoutResult(opts.timeoutMs);
        }
        // The answer came back first. The endpoint records before it answers, so if the nonce is not
        // here a moment later, the answer came from someone else (or the request failed).
        const grace = Math.max(0, Math.min(250, opts.timeoutMs - (clock.now() - started)));
        const late = await Promise.race([arrived, sleep(clock, grace).then(() => false)]);
        if (late) return { ok: true, detail: null };
        if (first.kind === 'http') {
          return {
            ok: false,
            detail: `探测请求未到达本机（HTTP ${first.status}） / Probe did not reach this PC (HTTP ${first.status})`,
          };
        }
        return { ok: false, detail: `探测请求失败：${first.message} / Probe request failed: ${first.message}` };
      } finally {
        clock.clearTimeout(abortTimer);
        ctrl.abort();
      }
    },
  };
}

function timeoutResult(timeoutMs: number): ProbeResult {
  const s = (timeoutMs / 1000).toFixed(1);
  return { ok: false, detail: `探测请求 ${s} 秒内未到达本机 / Probe did not arrive within ${s}s` };
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}

/** A short, cashier-safe description of a network error (fetch wraps the real one in `cause`). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    if (err.name === 'AbortError') return 'timed out';
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return typeof code === 'string' ? code : cause.message;
    }
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}` : err.message;
  }
  return String(err);
}
