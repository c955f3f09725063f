import type { Database } from 'better-sqlite3';
import { migration0001 } from './0001-orders';
import { migration0002 } from './0002-refunds';
import { migration0003 } from './0003-events';
import { migration0004 } from './0004-notifications';
import { migration0005 } from './0005-order-environment';
import { migration0006 } from './0006-order-search';
import { migration0007 } from './0007-notification-provider';
import { migration0008 } from './0008-order-pair';
import { migration0009 } from './0009-order-provider-indexes';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every migration, in order. Append only: never edit a released migration, add a new file. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
];

/** The schema version this build expects. */
export const LATEST_VERSION = MIGRATIONS.length;

/**
 * Bring `db` up to `target` (default: latest). Each migration runs in its own transaction together with
 * its `PRAGMA user_version` bump (user_version is stored in the database header and is transactional),
 * so a crash leaves the database at a consistent version. Refuses a database newer than this build.
 */
export function migrate(db: Database, target: number = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new Error(`database schema version ${current} is newer than this build (${LATEST_VERSION})`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
