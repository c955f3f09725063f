/**
 * The data directory at start-up, before anything runs on it:
 * - the directory is private to the OS user (0700) and its files are 0600 (the database and its WAL
 *   files, settings, vault, marker);
 * - a database that vanished (the marker `database.json` says one was created here) is an error, never a
 *   silently recreated empty one: the orders, refunds and audit trail would be gone without a word;
 * - cheap checks on the existing database (header, size against page count, schema, the first and last
 *   entry of every table and index: a few page reads whatever the size, see db-integrity.ts): a database
 *   that fails them is an error at start-up, in words, not INTERNAL on every command later. The full
 *   `PRAGMA quick_check` reads every page (tens of seconds on 1M orders), so the console runs it in the
 *   background on a worker thread after start-up and disables payments if it finds damage;
 * - which environments and apps its orders belong to (does this data dir hold real money?).
 */
import { chmodSync, closeSync, existsSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../store';
import type { OrderEnvironment } from '../store';
import { corruptMessage, isCorruptionError, startupCheck } from './db-integrity';

export const DB_FILE = 'paydesk.db';
/** Written once a database exists in the directory; its presence without the database means it vanished. */
export const DB_MARKER = 'database.json';

/** Start-up refused because the database cannot be used safely (bilingual message). */
export class DataDirError extends Error {
  constructor(
    readonly code: 'DATABASE_MISSING' | 'DATABASE_CORRUPT',
    message: string,
  ) {
    super(message);
    this.name = 'DataDirError';
  }
}

export interface DatabaseFacts {
  /** The environments and app ids the orders belong to ('unknown': created before environments were recorded). */
  scopes: { environment: OrderEnvironment; appId: string }[];
}

/** Create the data directory (0700) or tighten an existing one. */
export async function secureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
}

/**
 * Check (and if new, create) the database file. Throws DataDirError for a vanished or corrupt database;
 * otherwise brings it to the latest schema and says which environments its orders belong to.
 */
export function inspectDatabase(dataDir: string): DatabaseFacts {
  const file = join(dataDir, DB_FILE);
  const marker = join(dataDir, DB_MARKER);
  if (!existsSync(file)) {
    if (existsSync(marker)) {
      throw new DataDirError(
        'DATABASE_MISSING',
        `订单数据库 ${file} 不见了（此目录曾有数据库）。为免丢失订单和退款记录，PayDesk 不会新建空数据库：` +
          `请从备份恢复该文件；若确定要从空数据库开始，请删除 ${marker} 后重启 / ` +
          `The order database ${file} is missing (this directory had one). PayDesk will not silently start an empty one: ` +
          `restore the file from a backup, or delete ${marker} and restart to start with an empty database`,
      );
    }
    // A new database: created empty with 0600 (SQLite gives its -wal/-shm files the same mode).
    closeSync(openSync(file, 'a', 0o600));
  }
  tightenFiles(dataDir);
  const facts = checkAndRead(file);
  if (!existsSync(marker)) {
    writeFileSync(marker, `${JSON.stringify({ database: DB_FILE, createdAt: new Date().toISOString() })}\n`, { mode: 0o600 });
  }
  return facts;
}

function checkAndRead(file: string): DatabaseFacts {
  const corrupt = (detail: string): DataDirError => new DataDirError('DATABASE_CORRUPT', corruptMessage(file, detail));
  const nativeBinding = process.env['PAYDESK_SQLITE_BINDING'];
  let db: BetterSqlite3.Database | null;
  try {
    const checked = startupCheck(file, () => new BetterSqlite3(file, { ...(nativeBinding ? { nativeBinding } : {}), fileMustExist: true }));
    if (checked.problem) throw corrupt(checked.problem);
    db = checked.db;
  } catch (err) {
    throw err instanceof DataDirError ? err : corrupt(errorText(err));
  }
  if (!db) throw corrupt('unreadable');
  try {
    migrate(db);
    return { scopes: distinctScopes(db) };
  } catch (err) {
    throw isCorruptionError(err) ? corrupt(errorText(err)) : err;
  } finally {
    db.close();
  }
}

/**
 * The distinct (environment, app id) pairs by skipping along the orders_environment_status index: one
 * index seek per pair, not a scan of every order (a GROUP BY over 1M orders took ~250 ms of the start-up).
 */
function distinctScopes(db: BetterSqlite3.Database): DatabaseFacts['scopes'] {
  // Two single-column seeks ((a, b) > (?, ?) would walk every entry of the current pair).
  const nextEnv = db.prepare('SELECT environment FROM orders WHERE environment > ? ORDER BY environment LIMIT 1').pluck();
  const nextApp = db.prepare('SELECT app_id FROM orders WHERE environment = ? AND app_id > ? ORDER BY environment, app_id LIMIT 1').pluck();
  const scopes: DatabaseFacts['scopes'] = [];
  for (let env = nextEnv.get('') as OrderEnvironment | undefined; env !== undefined; env = nextEnv.get(env) as OrderEnvironment | undefined) {
    // app_id '' (orders from before app ids were recorded) sorts first: look for it on its own.
    const empty = db.prepare("SELECT 1 FROM orders WHERE environment = ? AND app_id = '' LIMIT 1").pluck().get(env);
    if (empty !== undefined) scopes.push({ environment: env, appId: '' });
    for (let app = nextApp.get(env, '') as string | undefined; app !== undefined; app = nextApp.get(env, app) as string | undefined) {
      scopes.push({ environment: env, appId: app });
    }
  }
  return scopes;
}

/** Every file directly in the data dir and in its emulator state dir: 0600. */
function tightenFiles(dataDir: string): void {
  for (const dir of [dataDir, join(dataDir, 'emulator')]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        if (statSync(path).isFile()) chmodSync(path, 0o600);
      } catch {
        // vanished meanwhile or not ours to change: the modes test shows what PayDesk itself creates
      }
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
