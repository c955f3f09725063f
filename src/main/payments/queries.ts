import type { OrderEnvironment, OrderRow, Store } from '../store';
import { PaymentError, type DaySummary, type MethodTotals } from './api';

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
export function summarize(store: Store, date: string, environment: OrderEnvironment | null = null): DaySummary {
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
  // Fast path: SQLite aggregates (method × local hour) instead of every row as a JS object —
  // taken when every local hour of the day starts exactly h × 3,600,000 ms after local midnight (any
  // day without a DST change, whatever the UTC offset); a DST day takes the per-row path below.
  let uniform = to - from === 24 * 3_600_000;
  for (let h = 1; uniform && h < 24; h++) uniform = new Date(y, mo, d, h).getTime() === from + h * 3_600_000;
  if (uniform) {
    // One read transaction: 24 hours × provider × method, each an index-only range of the covering index
    // orders_summary (migration 0009) — every paid row of the day is read once, nothing is sorted.
    const methods = store.db.transaction(() => {
      const rows = totalsRows(store.orders.paidProviders(environment));
      for (const m of rows) {
        for (const h of hourly) {
          const t = store.orders.paidTotals(m.provider, m.method, from + h.hour * 3_600_000, from + (h.hour + 1) * 3_600_000, environment);
          h.count += t.count;
          h.netFen += t.grossFen - t.refundedFen;
          m.count += t.count;
          m.grossFen += t.grossFen;
          m.refundedFen += t.refundedFen;
        }
      }
      return rows;
    })();
    const count = methods.reduce((n, m) => n + m.count, 0);
    grossFen = methods.reduce((n, m) => n + m.grossFen, 0);
    refundedFen = methods.reduce((n, m) => n + m.refundedFen, 0);
    return { date, count, grossFen, refundedFen, netFen: grossFen - refundedFen, hourly, byMethod: methodTotals(methods) };
  }
  const { methods, rows } = store.db.transaction(() => {
    const all = totalsRows(store.orders.paidProviders(environment));
    for (const m of all) Object.assign(m, store.orders.paidTotals(m.provider, m.method, from, to, environment));
    return { methods: all, rows: store.orders.paidBetween(from, to, environment) };
  })();
  for (const r of rows) {
    grossFen += r.amountFen;
    refundedFen += r.refundedFen;
    const h = hourly[new Date(r.createdAt).getHours()];
    if (h) {
      h.count += 1;
      h.netFen += r.amountFen - r.refundedFen;
    }
  }
  return { date, count: rows.length, grossFen, refundedFen, netFen: grossFen - refundedFen, hourly, byMethod: methodTotals(methods) };
}

const ORDER_METHODS: readonly MethodTotals['method'][] = ['code', 'link', 'qr'];

type TotalsRow = { provider: string; method: MethodTotals['method']; count: number; grossFen: number; refundedFen: number };

/** One empty row per provider and method, providers sorted, methods in ORDER_METHODS order. */
function totalsRows(providers: readonly string[]): TotalsRow[] {
  return providers.flatMap((provider) => ORDER_METHODS.map((method) => ({ provider, method, count: 0, grossFen: 0, refundedFen: 0 })));
}

/** The rows with sales, each labelled with the provider that carried its orders. */
function methodTotals(rows: TotalsRow[]): MethodTotals[] {
  return rows.filter((r) => r.count > 0).map((r) => ({ ...r, netFen: r.grossFen - r.refundedFen }));
}
