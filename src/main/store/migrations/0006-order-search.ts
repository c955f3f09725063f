import type { Migration } from './types';

/**
 * Order search (README "The screens" → 订单): by order number, Alipay trade number, amount, or the last
 * 4+ characters of either, case-insensitively, answered from indexes on a million orders.
 * - `orders_id_tail4` / `orders_trade_tail4`: the last four characters, lower-cased. A tail search of
 *   n ≥ 4 characters looks up its last four here (≈ 1/65,536 of order numbers, ≈ 1/10,000 of trade
 *   numbers) and checks the full tail on those rows only; an exact number is a tail as long as itself.
 *   SQLite has no reverse(), and an app-defined function inside an index would make the file unusable
 *   by any other SQLite tool; substr/lower are built in and deterministic.
 * - `orders_amount`: (amount_fen, created_at, id) for "12.34".
 * - `orders_summary`: (environment, status, method, created_at, amount_fen, refunded_fen), covering 今日's
 *   sums per environment, method and hour, so the day summary reads no table rows and sorts nothing.
 * Indexes only: no data is rewritten. On an existing million-order database it takes a few seconds once.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'order_search',
  up(db) {
    db.exec(`
      CREATE INDEX orders_id_tail4 ON orders (lower(substr(id, -4)));
      CREATE INDEX orders_trade_tail4 ON orders (lower(substr(trade_no, -4)));
      CREATE INDEX orders_amount ON orders (amount_fen, created_at, id);
      CREATE INDEX orders_summary ON orders (environment, status, method, created_at, amount_fen, refunded_fen);
    `);
  },
};
