import type { Migration } from './types';

/**
 * The audit trail (docs/architecture.md, Invariants: "Monotonic states and the audit trail"): append-only.
 * Triggers refuse UPDATE and DELETE so that even a buggy caller cannot rewrite history.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'events',
  up(db) {
    db.exec(`
      CREATE TABLE events (
        id       INTEGER PRIMARY KEY,
        order_id TEXT    NOT NULL,
        source   TEXT    NOT NULL CHECK (source IN ('user', 'notify', 'poll', 'sweep', 'system')),
        kind     TEXT    NOT NULL,
        payload  TEXT    NOT NULL,
        at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX events_order ON events (order_id, id);
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `);
  },
};
