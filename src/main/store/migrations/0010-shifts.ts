import type { Migration } from './types';

/**
 * 交班 (shift handover): one row per shift of the counter. A shift belongs to an environment and app (the
 * running core's default provider's account), like an order; `ended_at` is null while it is open, and the
 * ended row holds the snapshot of its totals (`totals`, JSON, integer fen) and who ended it. The partial
 * unique index `shifts_one_open` allows at most one open shift per environment and app, whatever the
 * callers do; `shifts_scope` lists a scope's shifts newest first. docs/architecture.md, "Shift handover (交班)".
 */
export const migrationShifts: Migration = {
  version: 10,
  name: 'shifts',
  up(db) {
    db.exec(`
      CREATE TABLE shifts (
        id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        environment TEXT NOT NULL CHECK (environment IN ('demo', 'sandbox', 'production')),
        app_id TEXT NOT NULL CHECK (length(app_id) <= 64),
        cashier TEXT NOT NULL CHECK (length(cashier) BETWEEN 1 AND 32),
        started_at INTEGER NOT NULL,
        ended_at INTEGER NULL CHECK (ended_at IS NULL OR ended_at >= started_at),
        ended_by TEXT NULL CHECK (ended_by IS NULL OR length(ended_by) BETWEEN 1 AND 32),
        handed_to TEXT NULL CHECK (handed_to IS NULL OR length(handed_to) BETWEEN 1 AND 32),
        end_authorization TEXT NULL CHECK (end_authorization IS NULL OR end_authorization IN ('manager_pin', 'none')),
        totals TEXT NULL,
        CHECK ((ended_at IS NULL) = (totals IS NULL) AND (ended_at IS NULL) = (ended_by IS NULL) AND (ended_at IS NULL) = (end_authorization IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX shifts_one_open ON shifts (environment, app_id) WHERE ended_at IS NULL;
      CREATE INDEX shifts_scope ON shifts (environment, app_id, started_at, id);
    `);
  },
};
