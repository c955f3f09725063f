import type { Logger } from './logger';

type Listener<P> = (payload: P) => void;

/**
 * A typed in-process event emitter. A throwing listener is logged and does not break the emitter or
 * the other listeners; listeners added or removed during an emit take effect from the next one.
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly logger: Logger) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as Listener<Events[K]>)(payload);
      } catch (err) {
        this.logger.error('event listener failed', { event: String(event), error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}
