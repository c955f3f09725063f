/**
 * Fault injection (docs/emulator.md "Faults"): gateway faults that change how one request is answered,
 * and notification faults that change how notices are delivered.
 */
import { z } from 'zod';

/** Faults that act on gateway.do answers. */
export const GATEWAY_FAULT_KINDS = [
  'latency',
  'http500',
  'hang',
  'unsigned-error',
  'unknown-error',
  'system-error',
  'tamper',
] as const;

/** Faults that act on async notifications. */
export const NOTIFY_FAULT_KINDS = ['notify-drop', 'notify-duplicate', 'notify-reorder'] as const;

/** Every fault kind. */
export type FaultKind = (typeof GATEWAY_FAULT_KINDS)[number] | (typeof NOTIFY_FAULT_KINDS)[number];

/** Body of `POST {control}/faults`. */
export const faultInputSchema = z.object({
  kind: z.enum([...GATEWAY_FAULT_KINDS, ...NOTIFY_FAULT_KINDS]),
  method: z.string().min(1).optional(),
  count: z.number().int().positive().default(1),
  /** real milliseconds (latency: added delay; hang: when the socket is finally closed, default 60 s). */
  ms: z.number().int().nonnegative().optional(),
  apply: z.boolean().default(false),
});

/** A parsed fault definition. */
export type FaultInput = z.infer<typeof faultInputSchema>;

/** A registered fault with its remaining count. */
export interface Fault extends FaultInput {
  id: string;
  remaining: number;
}

/** The fault list; matching consumes one unit of `remaining`. */
export class FaultRegistry {
  private faults: Fault[] = [];
  private seq = 1;

  /** Register a fault; returns it (with its id). */
  add(input: FaultInput): Fault {
    const fault: Fault = { ...input, id: `fault-${this.seq++}`, remaining: input.count };
    this.faults.push(fault);
    return fault;
  }

  /** Remove every fault. */
  clear(): void {
    this.faults = [];
  }

  /** Current faults (for diagnostics). */
  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Total latency (real ms) to add to a gateway request of `method`; consumes the latency faults. */
  takeLatency(method: string): number {
    let ms = 0;
    for (const f of this.faults) {
      if (f.kind === 'latency' && this.matches(f, method)) {
        ms += f.ms ?? 1000;
        this.consume(f);
      }
    }
    return ms;
  }

  /** The first non-latency gateway fault matching `method`, consumed. */
  takeGatewayFault(method: string): Fault | undefined {
    const f = this.faults.find(
      (x) => x.kind !== 'latency' && (GATEWAY_FAULT_KINDS as readonly string[]).includes(x.kind) && this.matches(x, method),
    );
    if (f) this.consume(f);
    return f;
  }

  /** The first notification fault (not consumed: the notifier decides, see consume()). */
  peekNotifyFault(): Fault | undefined {
    return this.faults.find((x) => (NOTIFY_FAULT_KINDS as readonly string[]).includes(x.kind));
  }

  /** Remove a fault whatever its remaining count. */
  remove(f: Fault): void {
    this.faults = this.faults.filter((x) => x !== f);
  }

  /** Use up one unit of a fault; removed at zero. */
  consume(f: Fault): void {
    f.remaining -= 1;
    if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
  }

  private matches(f: Fault, method: string): boolean {
    return f.remaining > 0 && (!f.method || f.method === method);
  }
}
