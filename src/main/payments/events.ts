import type { Logger, PaymentCoreEvents } from './api';

type Listener<K extends keyof PaymentCoreEvents> = (payload: PaymentCoreEvents[K]) => void;

/**
 * The in-process event stream. Emitted only after the change is committed. A throwing listener is
 * logged and does not break the payment flow or the other listeners.
 */
export class EventStream {
  private readonly listeners = new Map<keyof PaymentCoreEvents, Set<Listener<never>>>();

  constructor(private readonly logger: Logger) {}

  on<K extends keyof PaymentCoreEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<K extends keyof PaymentCoreEvents>(event: K, payload: PaymentCoreEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as Listener<K>)(payload);
      } catch (err) {
        this.logger.error('event listener failed', { event, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}
