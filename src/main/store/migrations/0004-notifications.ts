import type { Migration } from './types';

/**
 * The raw notification inbox (docs/architecture.md, Invariants: "Record first, act second"). Every POST is
 * stored with body, headers and time before it is verified; the verdict and reason are filled in afterwards.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'notifications',
  up(db) {
    db.exec(`
      CREATE TABLE notifications (
        id           INTEGER PRIMARY KEY,
        received_at  INTEGER NOT NULL,
        body         TEXT    NOT NULL,
        headers      TEXT    NOT NULL,
        verdict      TEXT    NOT NULL CHECK (verdict IN ('pending', 'applied', 'duplicate', 'rejected')),
        reason       TEXT,
        order_id     TEXT,
        notify_id    TEXT,
        processed_at INTEGER
      ) STRICT;
      CREATE INDEX notifications_received ON notifications (received_at);
      CREATE INDEX notifications_order ON notifications (order_id);
    `);
  },
};
