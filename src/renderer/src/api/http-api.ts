/**
 * The ConsoleApi over HTTP, for the browser host (src/main/web). Derived from the contract table like the
 * preload: one method per channel (`POST /api/<channel>`), one `on…` per event, all sharing a single
 * event stream (`GET /api/events` read through fetch(), reconnecting on its own). Every request carries
 * the token as `Authorization: Bearer` and never a cookie (`credentials: 'omit'`). Once the server
 * refuses the token it is dead for good (the host makes a new one at every start): nothing more is sent
 * with it, and `onLink('unauthorized')` lets the page say to reopen it from the new URL.
 */
import { z } from 'zod';
import {
  CHANNELS,
  EVENT_NAMES,
  eventMethodName,
  methodName,
  type Channel,
  type CommandInput,
  type CommandOutput,
  type ConsoleApi,
  type ConsoleEvents,
  type ErrorInfo,
  type EventName,
  type Result,
} from '../../../shared/contract';
import { readEventStream } from './event-stream';
import type { LinkState } from './link';

/** What comes back must at least be a Result envelope (zod at every boundary). */
const resultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

export interface HttpApiOptions {
  /** Sent as `Authorization: Bearer` with every request; without it everything is refused (401). */
  token?: string;
  fetch?: typeof fetch;
  /** Per-request timeout (default 90 s: a 付款码 payment may wait for the buyer's confirmation). */
  timeoutMs?: number;
  /** Event stream reconnects: first delay, doubling up to the max (defaults 1 s and 10 s). */
  retryMs?: number;
  retryMaxMs?: number;
  /** Told whether the service answers (`up`), cannot be reached (`down`) or refused the token. */
  onLink?: (state: LinkState) => void;
}

const NETWORK_MESSAGE = '无法连接 PayDesk 服务 / Cannot reach the PayDesk service';
const UNAUTHORIZED_MESSAGE =
  '访问令牌无效或已过期：请从 PayDesk 启动时打印的链接重新打开 / The access token is missing or expired: reopen the URL PayDesk printed at start-up';

/** Build the ConsoleApi for the server at `location.origin`. */
export function httpApi(location: Pick<Location, 'origin'>, options: HttpApiOptions = {}): ConsoleApi {
  const base = `${location.origin}/api`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 90_000;
  const retryMs = options.retryMs ?? 1_000;
  const retryMaxMs = options.retryMaxMs ?? 10_000;
  const onLink = options.onLink ?? (() => undefined);
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  let refused: ErrorInfo | null = null;

  function refuse(message: string): void {
    refused ??= { code: 'UNAUTHORIZED', message };
    onLink('unauthorized');
  }

  async function call<C extends Channel>(channel: C, input: CommandInput<C>): Promise<Result<CommandOutput<C>>> {
    if (refused) return { ok: false, error: refused };
    let response: Response;
    try {
      response = await doFetch(`${base}/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...auth },
        body: JSON.stringify(input ?? {}),
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      onLink('down');
      return { ok: false, error: { code: 'NETWORK', message: NETWORK_MESSAGE } };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const parsed = resultSchema.safeParse(body);
    if (response.status === 401) {
      refuse(parsed.success && !parsed.data.ok ? parsed.data.error.message : UNAUTHORIZED_MESSAGE);
      return { ok: false, error: refused ?? { code: 'UNAUTHORIZED', message: UNAUTHORIZED_MESSAGE } };
    }
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'BAD_RESPONSE', message: `服务返回了无法识别的响应 / Unexpected response (HTTP ${response.status})` },
      };
    }
    if (response.ok) onLink('up');
    // The value's shape is the server's side of the same contract (src/main/console.ts builds it).
    return parsed.data as Result<CommandOutput<C>>;
  }

  /* One event stream for every listener; opened with the first, closed with the last. */
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let stream: AbortController | null = null;
  let count = 0;

  function deliver(name: string, data: string): void {
    const set = listeners.get(name as EventName);
    if (!set) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const listener of [...set]) listener(payload);
  }

  /** Connect, read until the stream ends, wait, reconnect — until aborted or the token is refused. */
  async function runStream(signal: AbortSignal): Promise<void> {
    let delay = retryMs;
    while (!signal.aborted && !refused) {
      try {
        const response = await doFetch(`${base}/events`, {
          method: 'GET',
          headers: { Accept: 'text/event-stream', ...auth },
          credentials: 'omit',
          cache: 'no-store',
          signal,
        });
        if (response.status === 401) {
          refuse(UNAUTHORIZED_MESSAGE);
          await response.body?.cancel().catch(() => undefined);
          return;
        }
        if (response.ok && response.body) {
          onLink('up');
          delay = retryMs;
          await readEventStream(response.body, deliver);
        } else {
          await response.body?.cancel().catch(() => undefined);
        }
      } catch {
        // the service went away (or we aborted): reconnect below
      }
      if (signal.aborted) return;
      onLink('down');
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, delay);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolveWait()), { once: true });
      });
      delay = Math.min(delay * 2, retryMaxMs);
    }
  }

  function subscribe<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
    const entry = listener as (payload: unknown) => void;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(entry);
    count += 1;
    if (!stream) {
      stream = new AbortController();
      void runStream(stream.signal);
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      count -= 1;
      if (count === 0 && stream) {
        stream.abort();
        stream = null;
      }
    };
  }

  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    api[methodName(channel)] = (input: CommandInput<typeof channel>) => call(channel, input);
  }
  for (const event of EVENT_NAMES) {
    api[eventMethodName(event)] = (listener: (payload: ConsoleEvents[typeof event]) => void) => subscribe(event, listener);
  }
  // Built from CHANNELS / EVENT_NAMES with methodName / eventMethodName, so every key of ConsoleApi is
  // present (test/renderer/http-api.test.ts checks it at run time).
  return api as ConsoleApi;
}
