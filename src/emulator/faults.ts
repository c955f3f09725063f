/**
 * Fault injection (docs/emulator.md "Faults"): gateway faults that change how one request is answered,
 * and notification faults that change how notices are delivered. The list itself is the shared FaultList.
 */
import { z } from 'zod';
import { FaultList, type Registered } from './fault-list';

/** Faults that act on gateway.do answers. */
export const GATEWAY_FAULT_KINDS = ['latency', 'http500', 'hang', 'unsigned-error', 'unknown-error', 'system-error', 'tamper'] as const;

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
export type Fault = Registered<FaultInput>;

/** The Alipay fault list (`method` is a gateway method name, ids `fault-N`). */
export class FaultRegistry extends FaultList<FaultInput, string> {
  constructor() {
    super('fault', GATEWAY_FAULT_KINDS, NOTIFY_FAULT_KINDS);
  }

  /** The first non-latency gateway fault matching `method`, consumed. */
  takeGatewayFault(method: string): Fault | undefined {
    return this.takeApiFault(method);
  }
}
