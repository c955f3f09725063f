/**
 * shift.*: 交班 (shift handover). The cashier on duty opens a shift; ending it needs the manager PIN
 * (checked here, in main, like a refund: a wrong PIN counts toward the lockout) and stores the shift's
 * totals in the payment core's database (payments/shifts.ts). docs/architecture.md, "Shift handover (交班)".
 */
import { checkCashierName } from '../../../shared/cashier';
import type { ShiftDto } from '../../../shared/contract';
import { formatFen } from '../../../shared/money';
import type { Shift } from '../../payments/api';
import { splitDto } from '../dto';
import { ConsoleError } from '../errors';
import type { Runtime } from '../runtime';
import type { Handlers } from './types';

type ShiftChannel = 'shift.current' | 'shift.start' | 'shift.end' | 'shift.list';

/** A cashier's name, trimmed; CASHIER_INVALID (bilingual) otherwise. */
function cashierName(raw: string): string {
  const verdict = checkCashierName(raw);
  if (!verdict.ok) throw new ConsoleError('CASHIER_INVALID', verdict.message);
  return verdict.name;
}

export function toShiftDto(shift: Shift): ShiftDto {
  const t = shift.totals;
  return {
    id: shift.id,
    cashier: shift.cashier,
    startedAt: shift.startedAt,
    endedAt: shift.endedAt,
    endedBy: shift.endedBy,
    handedTo: shift.handedTo,
    authorization: shift.authorization,
    totals: {
      count: t.count,
      gross: formatFen(t.grossFen),
      refunded: formatFen(t.refundedFen),
      net: formatFen(t.netFen),
      ...splitDto(t.byMethod),
    },
  };
}

export function shiftHandlers(rt: Runtime): Handlers<ShiftChannel> {
  return {
    'shift.current': async () => {
      const open = rt.requireCore().shifts.current();
      return open ? toShiftDto(open) : null;
    },
    'shift.start': async ({ cashier }) => {
      const name = cashierName(cashier);
      rt.requireSoundDatabase();
      return toShiftDto(rt.requireCore().shifts.start(name));
    },
    'shift.end': async ({ id, pin, nextCashier }) => {
      // Bad input first: it changes nothing and costs no PIN try.
      const next = nextCashier === undefined ? undefined : cashierName(nextCashier);
      rt.requireSoundDatabase();
      const shifts = rt.requireCore().shifts;
      const shift = shifts.get(id);
      if (!shift) throw new ConsoleError('SHIFT_NOT_FOUND', `找不到班次 ${id} / Shift ${id} not found`);
      if (shift.endedAt !== null) {
        throw new ConsoleError('SHIFT_ALREADY_ENDED', `班次 ${id} 已经交班，不能再次交班 / Shift ${id} has already been ended`);
      }
      // Enforced here, in main: the renderer is not a trust boundary.
      const checked = await rt.managerPin.authorize(pin, 'shift');
      // Two ends that both got this far: the core's guarded UPDATE lets exactly one through.
      const { ended, next: started } = shifts.end({
        id,
        authorization: checked ? 'manager_pin' : 'none',
        ...(next !== undefined ? { nextCashier: next } : {}),
      });
      return { ended: toShiftDto(ended), next: started ? toShiftDto(started) : null };
    },
    'shift.list': async ({ cursor, limit }) => {
      const page = rt.requireCore().shifts.list({ ...(cursor !== undefined ? { cursor } : {}), ...(limit !== undefined ? { limit } : {}) });
      return { items: page.items.map(toShiftDto), nextCursor: page.nextCursor };
    },
  };
}
