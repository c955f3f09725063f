import type { OrderRow, Store } from '../store';
import { PaymentError, type DaySummary } from './api';

/** Opaque keyset cursor: base64url of "createdAt:id". */
export function encodeCursor(row: Pick<OrderRow, 'createdAt' | 'id'>): string {
  return Buffer.from(`${row.createdAt}:${row.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{1,16}):(.{1,64})$/s.exec(text);
  if (!m) throw new PaymentError('CURSOR_INVALID', '分页参数无效 / Invalid page cursor');
  return { createdAt: Number(m[1]), id: m[2] as string };
}

/**
 * Day summary by LOCAL calendar day (the shop's day, the machine's time zone): paid orders created that
 * day (PAID, PARTIALLY_REFUNDED, REFUNDED), gross, refunded and net in fen, and 24 local hours.
 */
export function summarize(store: Store, date: string): DaySummary {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new PaymentError('DATE_INVALID', '日期格式应为 YYYY-MM-DD / Date must be YYYY-MM-DD');
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const d = Number(m[3]);
  const from = new Date(y, mo, d).getTime();
  const to = new Date(y, mo, d + 1).getTime(); // DST-safe: the next local midnight
  const check = new Date(from);
  if (check.getFullYear() !== y || check.getMonth() !== mo || check.getDate() !== d) {
    throw new PaymentError('DATE_INVALID', `无效日期 / Invalid date: ${date}`);
  }
  const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, netFen: 0 }));
  let grossFen = 0;
  let refundedFen = 0;
  const rows = store.orders.paidBetween(from, to);
  for (const r of rows) {
    grossFen += r.amountFen;
    refundedFen += r.refundedFen;
    const h = hourly[new Date(r.createdAt).getHours()];
    if (h) {
      h.count += 1;
      h.netFen += r.amountFen - r.refundedFen;
    }
  }
  return { date, count: rows.length, grossFen, refundedFen, netFen: grossFen - refundedFen, hourly };
}
