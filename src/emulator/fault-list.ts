/**
 * The fault list both providers share (docs/emulator.md "Faults"): faults are registered with a count,
 * matching one uses up a unit, a fault is gone at zero. API faults are matched by the operation they are
 * limited to (`method`, none = every operation); notification faults are peeked and the notifier
 * consumes them. Each provider passes its own fault kinds and id prefix.
 */

/** What every fault definition has. */
export interface FaultShape<M extends string> {
  kind: string;
  method?: M;
  count: number;
  /** real milliseconds (latency: added delay; hang: when the socket is finally closed). */
  ms?: number;
}

/** A registered fault with its id and remaining count. */
export type Registered<I> = I & { id: string; remaining: number };

/** The fault list; matching consumes one unit of `remaining`. */
export class FaultList<I extends FaultShape<M>, M extends string> {
  private faults: Registered<I>[] = [];
  private seq = 1;

  /**
   * @param idPrefix starts every fault id (`fault-1`, …)
   * @param apiKinds kinds that act on API answers (`latency` is summed, the others answer instead)
   * @param notifyKinds kinds that act on notifications
   */
  constructor(
    private readonly idPrefix: string,
    private readonly apiKinds: readonly string[],
    private readonly notifyKinds: readonly string[],
  ) {}

  /** Register a fault; returns it (with its id). */
  add(input: I): Registered<I> {
    const fault: Registered<I> = { ...input, id: `${this.idPrefix}-${this.seq++}`, remaining: input.count };
    this.faults.push(fault);
    return fault;
  }

  /** Remove every fault. */
  clear(): void {
    this.faults = [];
  }

  /** Current faults (for diagnostics). */
  list(): Registered<I>[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Total latency (real ms) to add to a request of `method`; consumes the latency faults. */
  takeLatency(method: M): number {
    let ms = 0;
    for (const f of [...this.faults]) {
      if (f.kind === 'latency' && this.matches(f, method)) {
        ms += f.ms ?? 1000;
        this.consume(f);
      }
    }
    return ms;
  }

  /** The first non-latency API fault matching `method`, consumed. */
  takeApiFault(method: M): Registered<I> | undefined {
    const f = this.faults.find((x) => x.kind !== 'latency' && this.apiKinds.includes(x.kind) && this.matches(x, method));
    if (f) this.consume(f);
    return f;
  }

  /** The first notification fault (not consumed: the notifier decides, see consume()). */
  peekNotifyFault(): Registered<I> | undefined {
    return this.faults.find((x) => this.notifyKinds.includes(x.kind));
  }

  /** Remove a fault whatever its remaining count. */
  remove(f: Registered<I>): void {
    this.faults = this.faults.filter((x) => x !== f);
  }

  /** Use up one unit of a fault; removed at zero. */
  consume(f: Registered<I>): void {
    f.remaining -= 1;
    if (f.remaining <= 0) this.remove(f);
  }

  private matches(f: Registered<I>, method: M): boolean {
    return f.remaining > 0 && (!f.method || f.method === method);
  }
}
