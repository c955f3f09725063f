/**
 * Fault injection for the WeChat Pay side (docs/emulator.md "WeChat Pay → Faults"): the same shape as the
 * Alipay faults (`{kind, method?, count?, ms?, apply?}`), with WeChat's failure modes. `method` is an
 * operation name (WX_OPERATIONS).
 * Not modelled: faults on the control API or the buyer page.
 */
import { z } from 'zod';

/** API operations a fault can be limited to. */
export const WX_OPERATIONS = ['native', 'codepay', 'query', 'query-id', 'close', 'reverse', 'refund', 'refund-query', 'certificates'] as const;
export type WxOperation = (typeof WX_OPERATIONS)[number];

/** Faults on API answers. */
export const WX_API_FAULT_KINDS = ['latency', 'http500', 'hang', 'system-error', 'frequency-limited', 'tamper', 'sign-probe', 'skew'] as const;
/** Faults on notifications. */
export const WX_NOTIFY_FAULT_KINDS = ['notify-drop', 'notify-duplicate', 'notify-reorder'] as const;

/** Body of `POST {control}/wechat/faults`. */
export const wxFaultInputSchema = z.object({
  kind: z.enum([...WX_API_FAULT_KINDS, ...WX_NOTIFY_FAULT_KINDS]),
  method: z.enum(WX_OPERATIONS).optional(),
  count: z.number().int().positive().default(1),
  ms: z.number().int().nonnegative().optional(),
  apply: z.boolean().default(false),
});

export type WxFaultInput = z.infer<typeof wxFaultInputSchema>;

/** A registered fault. */
export interface WxFault extends WxFaultInput {
  id: string;
  remaining: number;
}

/** The fault list; matching consumes one unit of `remaining`. */
export class WxFaultRegistry {
  private faults: WxFault[] = [];
  private seq = 1;

  add(input: WxFaultInput): WxFault {
    const f: WxFault = { ...input, id: `wxfault-${this.seq++}`, remaining: input.count };
    this.faults.push(f);
    return f;
  }

  clear(): void {
    this.faults = [];
  }

  list(): WxFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Total latency (real ms) for `op`, consumed. */
  takeLatency(op: WxOperation): number {
    let ms = 0;
    for (const f of [...this.faults]) {
      if (f.kind === 'latency' && this.matches(f, op)) {
        ms += f.ms ?? 1000;
        this.consume(f);
      }
    }
    return ms;
  }

  /** The first other API fault for `op`, consumed. */
  takeApiFault(op: WxOperation): WxFault | undefined {
    const f = this.faults.find((x) => x.kind !== 'latency' && (WX_API_FAULT_KINDS as readonly string[]).includes(x.kind) && this.matches(x, op));
    if (f) this.consume(f);
    return f;
  }

  /** The first notification fault (the notifier consumes it). */
  peekNotifyFault(): WxFault | undefined {
    return this.faults.find((x) => (WX_NOTIFY_FAULT_KINDS as readonly string[]).includes(x.kind));
  }

  remove(f: WxFault): void {
    this.faults = this.faults.filter((x) => x !== f);
  }

  consume(f: WxFault): void {
    f.remaining -= 1;
    if (f.remaining <= 0) this.remove(f);
  }

  private matches(f: WxFault, op: WxOperation): boolean {
    return f.remaining > 0 && (!f.method || f.method === op);
  }
}
