import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrations';

/**
 * Open (or create) the PayDesk database: WAL for concurrent readers and crash safety, foreign keys on,
 * a busy timeout so a second connection (e.g. a benchmark or a restarted core) waits instead of failing,
 * then migrations. `:memory:` works for tests.
 */
export function openDatabase(path: string): Database {
  // Under Electron the main process sets PAYDESK_SQLITE_BINDING to a better-sqlite3 built for
  // Electron's ABI (scripts/ensure-electron.mjs); plain Node (tests, browser host) uses the default.
  const nativeBinding = process.env['PAYDESK_SQLITE_BINDING'];
  const db = new BetterSqlite3(path, nativeBinding ? { nativeBinding } : {});
  try {
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    // FULL: a committed out_request_no must survive a power loss, or a retry after the crash could
    // mint a second refund number for the same intent (docs/architecture.md, Invariants:
    // "Idempotency keys before the call").
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
