import type { Migration } from './types';

/**
 * Orders. `id` is the out_trade_no (≤ 64 chars, Alipay's limit). Money is integer fen (docs/architecture.md,
 * Invariants); CHECKs keep impossible rows out even if a bug slips through the service layer.
 * Indexes: (created_at, id) for keyset pagination of the order list, (status, created_at, id) for
 * listing by status and for the start-up sweep of AWAITING_PAYMENT orders. Lookup by number = PK.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'orders',
  up(db) {
    db.exec(`
      CREATE TABLE orders (
        id             TEXT    PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        method         TEXT    NOT NULL CHECK (method IN ('qr', 'code', 'link')),
        status         TEXT    NOT NULL CHECK (status IN ('AWAITING_PAYMENT', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CLOSED', 'FAILED')),
        amount_fen     INTEGER NOT NULL CHECK (amount_fen BETWEEN 1 AND 10000000000),
        refunded_fen   INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
        subject        TEXT    NOT NULL,
        qr_code        TEXT,
        pay_url        TEXT,
        trade_no       TEXT,
        buyer_logon_id TEXT,
        notify_url     TEXT,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        paid_at        INTEGER,
        expires_at     INTEGER,
        closed_at      INTEGER,
        user_paying    INTEGER NOT NULL DEFAULT 0 CHECK (user_paying IN (0, 1)),
        message        TEXT
      ) STRICT;
      CREATE INDEX orders_created ON orders (created_at, id);
      CREATE INDEX orders_status_created ON orders (status, created_at, id);
    `);
  },
};
