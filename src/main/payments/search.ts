import { PaymentError } from './api';

/**
 * What an order search box text means (README "The screens" → 订单):
 * - a tail: the last n ≥ 4 characters of the order number or of the Alipay trade number, case-insensitive
 *   (a whole number is its own tail);
 * - an amount: "12.34", "12", "¥12.34", "12.34元" (full-width forms are folded first) → that amount in fen.
 * A text can be both ("1234" = the tail …1234 or ¥1234.00); the orders matching either are listed.
 */
export interface OrderSearch {
  /** lower-cased, spaces removed, ≥ 4 characters; null when shorter */
  tail: string | null;
  amountFen: number | null;
}

export const SEARCH_MIN_TAIL = 4;

const AMOUNT = /^¥?(0|[1-9]\d{0,8})(?:\.(\d{1,2}))?元?$/;

export function parseOrderSearch(q: string): OrderSearch {
  const text = q.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  let amountFen: number | null = null;
  const m = AMOUNT.exec(text);
  if (m) {
    const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
    if (fen > 0) amountFen = fen;
  }
  const tail = text.length >= SEARCH_MIN_TAIL && /^[a-z0-9_-]+$/.test(text) ? text : null;
  if (tail === null && amountFen === null) {
    throw new PaymentError(
      'SEARCH_TOO_SHORT',
      `请输入订单号、交易号、金额（如 12.34）或至少 ${SEARCH_MIN_TAIL} 位尾号 / Enter an order number, a trade number, an amount (like 12.34) or at least the last ${SEARCH_MIN_TAIL} characters`,
    );
  }
  return { tail, amountFen };
}
