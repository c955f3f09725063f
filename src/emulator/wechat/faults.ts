/**
 * Fault injection for the WeChat Pay side (docs/emulator.md "WeChat Pay → Faults"): the same shape as the
 * Alipay faults (`{kind, method?, count?, ms?, apply?}`), with WeChat's failure modes. `method` is an
 * operation name (WX_OPERATIONS). The list itself is the shared FaultList. `reset` and `idle-close` act on the
 * connection: no answer at all (TCP RST), or the answer then the next request on that kept-alive socket reset.
 * Not modelled: faults on the control API or the buyer page.
 */
import { z } from 'zod';
import { FaultList, type Registered } from '../fault-list';

/** API operations a fault can be limited to. */
export const WX_OPERATIONS = ['native', 'codepay', 'query', 'query-id', 'close', 'reverse', 'refund', 'refund-query', 'certificates'] as const;
export type WxOperation = (typeof WX_OPERATIONS)[number];

/** Faults on API answers. */
export const WX_API_FAULT_KINDS = [
  'latency',
  'http500',
  'hang',
  'reset',
  'idle-close',
  'system-error',
  'frequency-limited',
  'tamper',
  'sign-probe',
  'skew',
] as const;
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
export type WxFault = Registered<WxFaultInput>;

/** The WeChat fault list (`method` is an operation, ids `wxfault-N`). */
export class WxFaultRegistry extends FaultList<WxFaultInput, WxOperation> {
  constructor() {
    super('wxfault', WX_API_FAULT_KINDS, WX_NOTIFY_FAULT_KINDS);
  }
}
