/** A scripted ConsoleApi for component tests: answers per channel, and a way to push events. */
import type { Channel, CommandInput, CommandOutput, ConsoleApi, ConsoleEvents, EventName, Result } from '../../src/shared/contract';
import { CHANNELS, EVENT_NAMES, eventMethodName, methodName } from '../../src/shared/contract';

type Handler<C extends Channel> = (input: CommandInput<C>) => Result<CommandOutput<C>> | Promise<Result<CommandOutput<C>>>;

export interface FakeApi {
  api: ConsoleApi;
  calls: { channel: Channel; input: unknown }[];
  handle<C extends Channel>(channel: C, handler: Handler<C>): void;
  emit<E extends EventName>(event: E, payload: ConsoleEvents[E]): void;
  listenerCount(event: EventName): number;
}

export function createFakeApi(): FakeApi {
  const handlers = new Map<Channel, (input: unknown) => unknown>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    api[methodName(channel)] = async (input: unknown) => {
      calls.push({ channel, input });
      const h = handlers.get(channel);
      if (!h) return { ok: false, error: { code: 'NOT_SCRIPTED', message: `未模拟 / ${channel} not scripted` } };
      return h(input);
    };
  }
  for (const event of EVENT_NAMES) {
    api[eventMethodName(event)] = (listener: (p: unknown) => void) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    };
  }
  return {
    api: api as ConsoleApi,
    calls,
    handle(channel, handler) {
      handlers.set(channel, handler as (input: unknown) => unknown);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}
