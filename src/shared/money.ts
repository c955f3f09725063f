/**
 * Money is integer fen end to end (design.md principle 2). Yuan strings such as "12.34" exist only at
 * the edges: what the cashier types, what the provider sends and receives, what the screen shows.
 * Parsing is strict and never goes through a float: "1e3", " 12", "1.001", "-1" are refused.
 */

/** Alipay's limits for total_amount / refund_amount: [0.01, 100000000] yuan (protocols.md C). */
export const MIN_FEN = 1;
export const MAX_FEN = 100_000_000_00;

/** A bilingual, cashier-readable reason why an amount string was refused. */
export class AmountError extends Error {
  constructor(
    readonly code: 'AMOUNT_FORMAT' | 'AMOUNT_TOO_SMALL' | 'AMOUNT_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'AmountError';
  }
}

const YUAN_PATTERN = /^(0|[1-9][0-9]{0,8})(?:\.([0-9]{1,2}))?$/;

/**
 * Parse a yuan string ("12", "12.3", "12.34") into integer fen, strictly.
 * Throws AmountError for anything else, for 0 and for amounts above 100,000,000.00.
 */
export function parseYuan(input: string): number {
  const match = typeof input === 'string' ? YUAN_PATTERN.exec(input) : null;
  if (!match) {
    throw new AmountError(
      'AMOUNT_FORMAT',
      `金额格式不正确：请输入如 12.34 的数字，最多两位小数 / Invalid amount "${String(input).slice(0, 32)}": use digits like 12.34, at most 2 decimals`,
    );
  }
  const whole = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const fen = whole * 100 + Number(fraction);
  if (fen < MIN_FEN) {
    throw new AmountError('AMOUNT_TOO_SMALL', '金额必须大于 0.00 元 / Amount must be at least 0.01');
  }
  if (fen > MAX_FEN) {
    throw new AmountError(
      'AMOUNT_TOO_LARGE',
      '金额不能超过 100000000.00 元 / Amount must not exceed 100000000.00',
    );
  }
  return fen;
}

/** Like parseYuan but also accepts "0" / "0.00" (for amounts reported by a provider, e.g. 10003). */
export function parseYuanAllowZero(input: string): number {
  if (typeof input === 'string' && /^0(?:\.0{1,2})?$/.test(input)) return 0;
  return parseYuan(input);
}

/** Format integer fen as a yuan string with exactly two decimals: 1234 → "12.34". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be a safe integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${yuan}.${rest.toString().padStart(2, '0')}`;
}
