/**
 * Counter safety in main (the renderer is not a trust boundary): the largest sale the merchant allows,
 * and the same 付款码 never charged twice within a minute (a double scan). The per-sale confirmation
 * threshold is kept here with the maximum; the renderer asks for the confirmation.
 */
import { z } from 'zod';
import { SCAN_GAP_MS } from '../../shared/contract';
import { formatFen, MAX_FEN, parseYuan } from '../../shared/money';
import { ConsoleError } from './errors';

/**
 * Defaults (README "Confirmation threshold and maximum per sale"): a small shop's tickets are ¥5–¥100, so ¥500 is rare enough that a
 * confirmation costs little, and low enough that the classic slips (an extra "00", a 付款码 read as an
 * amount) of any sale over ¥5 land above it. ¥5,000 as one sale is far beyond a small counter.
 */
export const DEFAULT_CONFIRM_ABOVE_FEN = 500_00;
export const DEFAULT_MAX_PER_SALE_FEN = 5_000_00;
/** How long a 付款码 cannot be charged again. */
export const DUPLICATE_CODE_MS = 60_000;

/** The settings.json fields (integer fen), spread into the settings schema. */
export const saleLimitFields = {
  scanMaxGapMs: z.number().int().min(SCAN_GAP_MS.min).max(SCAN_GAP_MS.max).default(SCAN_GAP_MS.default),
  confirmAboveFen: z.number().int().min(1).max(MAX_FEN).default(DEFAULT_CONFIRM_ABOVE_FEN),
  maxPerSaleFen: z.number().int().min(1).max(MAX_FEN).default(DEFAULT_MAX_PER_SALE_FEN),
};

export interface SaleLimits {
  confirmAboveFen: number;
  maxPerSaleFen: number;
}

/** settings.update's yuan strings → fen (strict; AmountError otherwise), checked against each other. */
export function saleLimitsPatch(patch: { confirmAbove?: string | undefined; maxPerSale?: string | undefined }, current: SaleLimits): Partial<SaleLimits> {
  const out: Partial<SaleLimits> = {};
  if (patch.confirmAbove !== undefined) out.confirmAboveFen = parseYuan(patch.confirmAbove);
  if (patch.maxPerSale !== undefined) out.maxPerSaleFen = parseYuan(patch.maxPerSale);
  const confirm = out.confirmAboveFen ?? current.confirmAboveFen;
  const max = out.maxPerSaleFen ?? current.maxPerSaleFen;
  if (confirm > max) {
    throw new ConsoleError(
      'INVALID_INPUT',
      `确认金额（${formatFen(confirm)} 元）不能高于单笔上限（${formatFen(max)} 元） / The confirmation threshold (${formatFen(confirm)}) must not exceed the maximum per sale (${formatFen(max)})`,
    );
  }
  return out;
}

/** Refuse a sale above the maximum, before anything is stored or sent. */
export function checkMaxPerSale(amountFen: number, limits: SaleLimits): void {
  if (amountFen > limits.maxPerSaleFen) {
    const max = formatFen(limits.maxPerSaleFen);
    throw new ConsoleError(
      'AMOUNT_OVER_LIMIT',
      `金额 ${formatFen(amountFen)} 元超过单笔上限 ${max} 元（可在「设置」中修改） / ${formatFen(amountFen)} exceeds the maximum per sale of ${max} (see Settings)`,
    );
  }
}

type Outcome = 'in-flight' | 'charged' | 'failed';

/**
 * The same 付款码 twice within a minute is refused — unless the first attempt failed (a refused code
 * cannot be charged, so trying it again cannot charge twice). In memory: after a restart a minute has
 * passed anyway.
 */
export function createDuplicateCodeGuard(now: () => number = Date.now, windowMs = DUPLICATE_CODE_MS) {
  const seen = new Map<string, { at: number; outcome: Outcome }>();
  const prune = (t: number): void => {
    for (const [code, entry] of seen) if (t - entry.at >= windowMs) seen.delete(code);
  };
  return {
    /** Call before charging; throws DUPLICATE_AUTH_CODE. Returns a function to report the outcome. */
    begin(code: string): (outcome: 'charged' | 'failed') => void {
      const t = now();
      prune(t);
      const prior = seen.get(code);
      if (prior && prior.outcome !== 'failed') {
        const left = Math.ceil((windowMs - (t - prior.at)) / 1000);
        throw new ConsoleError(
          'DUPLICATE_AUTH_CODE',
          `这个付款码刚刚已扫过（${prior.outcome === 'charged' ? '已收款或在等待付款' : '正在处理'}），请顾客刷新付款码；${left} 秒内不会再次收取 / This payment code was just scanned (${prior.outcome === 'charged' ? 'charged or awaiting the buyer' : 'still in progress'}); ask the buyer to refresh it. It is refused for another ${left} s`,
        );
      }
      const entry = { at: t, outcome: 'in-flight' as Outcome };
      seen.set(code, entry);
      return (outcome) => {
        entry.outcome = outcome;
      };
    },
  };
}
