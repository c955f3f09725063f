import type { Database } from 'better-sqlite3';

/** One schema step. `up` runs inside a transaction together with the `PRAGMA user_version` bump. */
export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; versions are 1, 2, 3… without gaps. */
  version: number;
  name: string;
  up(db: Database): void;
}
