import type { Migration } from './types';

/**
 * 双码 (one sale, two QRs): the two orders of one sale, one per provider, name each other in
 * `paired_with` (null for every ordinary order, and for every row written before this migration).
 * `orders_paired` lists the paired orders by creation time for the start-up sweep, which finishes a
 * pair's work (close the other, refund a duplicate payment) after a crash; ordinary orders are not in it.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'order_pair',
  up(db) {
    db.exec(`
      ALTER TABLE orders ADD COLUMN paired_with TEXT NULL CHECK (paired_with IS NULL OR length(paired_with) BETWEEN 1 AND 64);
      CREATE INDEX orders_paired ON orders (created_at, id) WHERE paired_with IS NOT NULL;
    `);
  },
};
