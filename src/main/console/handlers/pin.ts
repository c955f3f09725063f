/** pin.*: the manager PIN (refunds above a threshold, settings and keys need it). */
import { parseYuanAllowZero } from '../../../shared/money';
import type { ParsedInput } from '../../../shared/contract';
import type { Runtime } from '../runtime';
import type { Handlers } from './types';

export function pinHandlers(rt: Runtime): Handlers<'pin.status' | 'pin.set' | 'pin.refundThreshold'> {
  const pin = rt.managerPin;
  return {
    'pin.status': async () => pin.status(),
    'pin.set': rt.serialized(async ({ current, next }: ParsedInput<'pin.set'>) => pin.set({ current, next })),
    'pin.refundThreshold': rt.serialized(async ({ refundAbove, pin: entered }: ParsedInput<'pin.refundThreshold'>) =>
      pin.setRefundThreshold({ pin: entered, refundAboveFen: parseYuanAllowZero(refundAbove) }),
    ),
  };
}
