/**
 * The ConsoleApi over HTTP + Server-Sent Events, for the browser host (src/main/web). Derived from the
 * contract table like the preload: one method per channel (`POST /api/<channel>`), one `on…` per event,
 * all sharing a single EventSource on `/api/events`. Authentication is the HttpOnly cookie the page got
 * from `/?token=…` (same-origin requests carry it); a `token` option sends a Bearer header instead.
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
  type EventName,
  type Result,
} from '../../../shared/contract';

/** What comes back must at least be a Result envelope (zod at every boundary). */
const resultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

export interface HttpApiOptions {
  /** Sent as `Authorization: Bearer`; without it the same-origin cookie authenticates. */
  token?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Per-request timeout (default 90 s: a 付款码 payment may wait for the buyer's confirmation). */
  timeoutMs?: number;
}

const NETWORK_MESSAGE = '无法连接 PayDesk 服务 / Cannot reach the PayDesk service';

/** Build the ConsoleApi for the server at `location.origin`. */
export function httpApi(location: Pick<Location, 'origin'>, options: HttpApiOptions = {}): ConsoleApi {
  const base = `${location.origin}/api`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  const timeoutMs = options.timeoutMs ?? 90_000;

  async function call<C extends Channel>(channel: C, input: CommandInput<C>): Promise<Result<CommandOutput<C>>> {
    let response: Response;
    try {
      response = await doFetch(`${base}/${channel}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      return { ok: false, error: { code: 'NETWORK', message: NETWORK_MESSAGE } };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const parsed = resultSchema.safeParse(body);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'BAD_RESPONSE', message: `服务返回了无法识别的响应 / Unexpected response (HTTP ${response.status})` },
      };
    }
    // The value's shape is the server's side of the same contract (src/main/console.ts builds it).
    return parsed.data as Result<CommandOutput<C>>;
  }

  /* One EventSource for every listener; opened with the first, closed with the last. */
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  let count = 0;

  function open(): EventSource {
    const es = new EventSourceImpl(`${base}/events`, { withCredentials: false });
    for (const event of EVENT_NAMES) {
      es.addEventListener(event, (message: MessageEvent<string>) => {
        let payload: unknown;
        try {
          payload = JSON.parse(message.data);
        } catch {
          return;
        }
        for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
      });
    }
    return es;
  }

  function subscribe<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
    const entry = listener as (payload: unknown) => void;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(entry);
    count += 1;
    source ??= open();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      count -= 1;
      if (count === 0 && source) {
        source.close();
        source = null;
      }
    };
  }

  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    api[methodName(channel)] = (input: CommandInput<typeof channel>) => call(channel, input);
  }
  for (const event of EVENT_NAMES) {
    api[eventMethodName(event)] = (listener: (payload: ConsoleEvents[typeof event]) => void) =>
      subscribe(event, listener);
  }
  // Built from CHANNELS / EVENT_NAMES with methodName / eventMethodName, so every key of ConsoleApi is
  // present (test/renderer/http-api.test.ts checks it at run time).
  return api as ConsoleApi;
}
