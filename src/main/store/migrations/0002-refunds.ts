import type { Migration } from './types';

/**
 * Refunds. `id` is the out_request_no, committed before alipay.trade.refund is sent and reused by every
 * retry (docs/architecture.md, Invariants: "Idempotency keys before the call"; Alipay's 统一收单交易退款接口:
 * a retry reuses the same out_request_no).
 */
export const migration0002: Migration = {
  version: 2,
  name: 'refunds',
  up(db) {
    db.exec(`
      CREATE TABLE refunds (
        id           TEXT    PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        order_id     TEXT    NOT NULL REFERENCES orders (id),
        amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
        reason       TEXT,
        status       TEXT    NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'UNKNOWN', 'FAILED')),
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        settled_at   INTEGER,
        attempts     INTEGER NOT NULL DEFAULT 0,
        message      TEXT
      ) STRICT;
      CREATE INDEX refunds_order ON refunds (order_id, created_at);
      CREATE INDEX refunds_status ON refunds (status);
    `);
  },
};
