/**
 * How PayDesk tells a corrupt order database from a healthy one without making the cashier wait:
 * - startupCheck(): cheap, synchronous, bounded work on the start path (a few page reads, independent of
 *   the database size): the SQLite header, page size × page count against the file size (allowing for the
 *   WAL), the schema and the tables the app needs, and the first and last entry of every table and index;
 * - quickCheckInWorker(): the full `PRAGMA quick_check` (reads every page: tens of seconds on a 2 GB
 *   database) on a worker thread with its own read-only connection, so the main thread (IPC, the notify
 *   server) never waits for it;
 * - isCorruptionError(): a SQLITE_CORRUPT / SQLITE_NOTADB error thrown by any later store call.
 * The words for the cashier are in corruptMessage(): the same bilingual DATABASE_CORRUPT everywhere.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../kernel';

/** The tables every PayDesk database has (src/main/store/migrations). */
export const REQUIRED_TABLES = ['orders', 'refunds', 'events', 'notifications'] as const;

/** The bilingual DATABASE_CORRUPT message for `file` (start-up, background check and runtime errors). */
export function corruptMessage(file: string | null, detail: string): string {
  return (
    `订单数据库${file ? ` ${file} ` : ''}已损坏（${detail}），PayDesk 不会在损坏的数据库上收款或退款：请从备份恢复该文件，` +
    `或将其移走后重启以新建空数据库 / The order database${file ? ` ${file}` : ''} is corrupt (${detail}). PayDesk will not take ` +
    `payments or refunds on it: restore the file from a backup, or move it away and restart to start an empty one`
  );
}

/** better-sqlite3 errors whose code says the file is damaged or not a database (incl. extended codes). */
export function isCorruptionError(err: unknown): err is Error & { code: string } {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * The SQLite file header (first 100 bytes): magic string and page size. Returns a problem or null.
 * A new, still empty file (0 bytes) is fine: SQLite writes the header on the first write.
 */
function headerProblem(file: string): string | null {
  const size = statSync(file).size;
  if (size === 0) return null;
  if (size < 100) return `file too short for a SQLite header: ${size} bytes`;
  const buf = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (!buf.subarray(0, 16).equals(HEADER)) return 'not a SQLite database (bad header)';
  const raw = buf.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `bad page size in the header: ${raw}`;
  if (size % pageSize !== 0) return `file size ${size} is not a multiple of the page size ${pageSize} (truncated?)`;
  return null;
}

/**
 * The cheap start-up checks on an open connection (after headerProblem). Throws the SQLite error or
 * returns a problem in words; null when the database looks usable. Cost: a handful of page reads.
 */
function structureProblem(db: Database, file: string): string | null {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  const size = statSync(file).size;
  const wal = `${file}-wal`;
  const walBytes = existsSync(wal) ? statSync(wal).size : 0;
  // Pages the header counts must be in the file or (not yet checkpointed) in the WAL; trailing bytes past
  // the last page are harmless (SQLite ignores them), so only missing pages are damage.
  if (pageCount * pageSize > size + walBytes) {
    return `page_count ${pageCount} × page_size ${pageSize} does not match the file size ${size} (WAL ${walBytes} bytes): truncated?`;
  }
  const names = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  if (names.size === 0) return null; // a new database: migrations create the tables
  const missing = REQUIRED_TABLES.filter((t) => !names.has(t));
  // A database from before a table existed gets it from the migrations; one missing `orders` is not ours.
  if (missing.includes('orders')) return `missing tables: ${missing.join(', ')}`;
  for (const table of REQUIRED_TABLES.filter((t) => names.has(t))) {
    // First and last row of the table's b-tree: root, the interior pages on both edges and two leaves.
    db.prepare(`SELECT * FROM "${table}" ORDER BY rowid ASC LIMIT 1`).all();
    db.prepare(`SELECT * FROM "${table}" ORDER BY rowid DESC LIMIT 1`).all();
    const indexes = db.prepare(`SELECT name, partial FROM pragma_index_list('${table}')`).all() as { name: string; partial: number }[];
    for (const index of indexes) {
      const first = db.prepare('SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno LIMIT 1').get(index.name) as
        { name: string | null } | undefined;
      // Expression and partial indexes cannot be named in a plain ORDER BY: the background check covers them.
      if (!first?.name || index.partial) continue;
      for (const dir of ['ASC', 'DESC']) {
        db.prepare(`SELECT "${first.name}" FROM "${table}" INDEXED BY "${index.name}" ORDER BY "${first.name}" ${dir} LIMIT 1`).all();
      }
    }
  }
  return null;
}

/** The start-up checks: header, size, schema, the edges of every table and index. Null = usable. */
export function startupCheck(file: string, open: () => Database): { problem: string | null; db: Database | null } {
  const header = headerProblem(file);
  if (header) return { problem: header, db: null };
  const db = open();
  try {
    const problem = structureProblem(db, file);
    if (problem) db.close();
    return { problem, db: problem ? null : db };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** What the background check found: null = ok, else the first lines quick_check reported (or its error). */
export type QuickCheckResult = { ok: true } | { ok: false; detail: string };

/** Runs the full check off the start path; returns a way to stop it (console close). */
export type BackgroundChecker = (dbPath: string) => { result: Promise<QuickCheckResult>; stop(): Promise<void> };

/*
 * The worker's code, as a string: it works the same under tsx (tests, `npm run serve`) and from the
 * electron-vite main bundle (no separate worker file to bundle or locate). It loads better-sqlite3 from the
 * path the main thread resolved, with the same native binding (Electron's ABI under Electron).
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  const Database = require(workerData.driverPath);
  db = new Database(workerData.dbPath, {
    readonly: true,
    fileMustExist: true,
    ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}),
  });
  db.pragma('busy_timeout = 5000');
  const rows = db.pragma('quick_check');
  const lines = rows.map((r) => String(r.quick_check));
  parentPort.postMessage(lines.length === 1 && lines[0] === 'ok' ? { ok: true } : { ok: false, detail: lines.slice(0, 3).join('; ') });
} catch (err) {
  const code = err && typeof err.code === 'string' ? err.code : '';
  parentPort.postMessage({ ok: false, error: true, code, detail: err && err.message ? String(err.message) : String(err) });
} finally {
  if (db) db.close();
}
`;

/**
 * The default BackgroundChecker: `PRAGMA quick_check` on a worker thread (node:worker_threads) with its
 * own read-only connection. A worker that cannot load the driver reports an error that is NOT taken as
 * corruption (only SQLite's corrupt/not-a-database codes are): the start-up checks already passed.
 */
export const quickCheckInWorker: BackgroundChecker = (dbPath) => {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const nativeBinding = process.env['PAYDESK_SQLITE_BINDING'] ?? null;
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driverPath, dbPath, nativeBinding } });
  worker.unref(); // a check still running never keeps a closing process alive
  let stopped = false;
  const result = new Promise<QuickCheckResult>((resolve, reject) => {
    worker.once('message', (raw: unknown) => {
      const m = raw as { ok: boolean; error?: boolean; code?: string; detail?: string };
      if (m.ok) resolve({ ok: true });
      else if (!m.error || m.code?.startsWith('SQLITE_CORRUPT') || m.code === 'SQLITE_NOTADB') resolve({ ok: false, detail: m.detail ?? '' });
      else reject(new Error(`quick_check could not run: ${m.detail ?? ''}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(stopped ? new Error('quick_check stopped') : new Error(`quick_check worker exited (${code}) without a result`));
    });
  });
  return {
    result,
    async stop() {
      stopped = true;
      await worker.terminate();
    },
  };
};

/**
 * Run `check` once, `delayMs` after start-up (the first screen does not share the disk and the CPU with
 * it). Damage goes to `onCorrupt`; a check that could not run is only logged (start-up checks passed).
 */
export function scheduleBackgroundCheck(o: {
  check: BackgroundChecker;
  dbFile: string;
  delayMs: number;
  logger: Logger;
  onCorrupt: (detail: string) => void;
}): { stop(): Promise<void> } {
  let stopped = false;
  let run: ReturnType<BackgroundChecker> | null = null;
  const timer = setTimeout(() => {
    run = o.check(o.dbFile);
    run.result.then(
      (r) => {
        if (stopped) return;
        if (r.ok) o.logger.info('database quick_check ok', { dbFile: o.dbFile });
        else o.onCorrupt(r.detail);
      },
      (err: unknown) => {
        if (!stopped) o.logger.warn('database quick_check could not run', { dbFile: o.dbFile, error: err instanceof Error ? err.message : String(err) });
      },
    );
  }, o.delayMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await run?.stop();
    },
  };
}
