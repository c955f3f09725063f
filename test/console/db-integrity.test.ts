/**
 * The database's integrity without a slow start: start-up only runs the cheap checks, the full
 * `PRAGMA quick_check` runs afterwards on a worker thread, and damage it finds (or a store call runs
 * into) disables payments with a bilingual DATABASE_CORRUPT reason instead of INTERNAL on every call.
 * The damage is real: pages of a real SQLite file overwritten on disk.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsole, type ConsoleDeps, type EmulatorHandle } from '../../src/main/console';
import type { ConsoleHost } from '../../src/main/console-host';
import { quickCheckInWorker, type QuickCheckResult } from '../../src/main/console/db-integrity';
import { toErrorInfo } from '../../src/main/console/errors';
import { openStore } from '../../src/main/store';
import { cleanupStack, fakeEmulatorHandle, ok } from './helpers';
import { makeTempDir, memoryLogger, type LogEntry, waitFor } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

const CORRUPT = /订单数据库.*已损坏.* \/ .*database.*corrupt/;

const fakeEmulator = async (): Promise<EmulatorHandle> => fakeEmulatorHandle();

async function dataDir(): Promise<string> {
  const { dir, cleanup } = makeTempDir('paydesk-integrity-');
  cleanups.push(cleanup);
  return dir;
}

/** Paid orders with long subjects: the orders table spans many leaf pages. */
function seed(dir: string, n: number): void {
  const store = openStore(join(dir, 'paydesk.db'));
  const insert = store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const at = 1_700_000_000_000 + i;
      store.orders.insert({
        id: `PD${String(i).padStart(6, '0')}`,
        method: 'qr',
        status: 'PAID',
        amountFen: 1000 + i,
        refundedFen: 0,
        subject: '商品 goods '.repeat(8),
        qrCode: null,
        payUrl: null,
        tradeNo: `T${i}`,
        buyerLogonId: null,
        notifyUrl: null,
        createdAt: at,
        updatedAt: at,
        paidAt: at,
        expiresAt: null,
        closedAt: null,
        userPaying: false,
        message: null,
        environment: 'demo',
        appId: '2021000000000001',
      });
    }
  });
  insert();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}

/** The leaf pages of the orders table, in key order (dbstat), and the page size. */
function orderLeaves(file: string): { pages: number[]; pageSize: number } {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const pages = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'orders' AND pagetype = 'leaf' ORDER BY path").all() as { pageno: number }[]).map(
      (r) => r.pageno,
    );
    return { pages, pageSize: db.pragma('page_size', { simple: true }) as number };
  } finally {
    db.close();
  }
}

/** Overwrite whole pages (1-based numbers) with garbage, as a failing disk would. */
async function smash(file: string, pages: number[], pageSize: number): Promise<void> {
  const f = await open(file, 'r+');
  for (const p of pages) await f.write(Buffer.alloc(pageSize, 0x5a), 0, pageSize, (p - 1) * pageSize);
  await f.close();
}

async function start(dir: string, deps: Partial<ConsoleDeps> = {}): Promise<{ host: ConsoleHost; logs: LogEntry[] }> {
  const logger = memoryLogger();
  const lines = logger.entries;
  const host = await createConsole(
    { dataDir: dir, vault: { kind: 'file', env: {} }, tuning: { integrityCheckDelayMs: 0 } },
    { logger, startEmulator: fakeEmulator, ...deps },
  );
  cleanups.push(() => host.close());
  return { host, logs: lines };
}

/** A checker the test controls: start-up must not wait for it. */
function heldChecker(): { deps: Partial<ConsoleDeps>; calls: string[]; finish(r: QuickCheckResult): void; stopped: () => boolean } {
  const calls: string[] = [];
  let finish: (r: QuickCheckResult) => void = () => undefined;
  let stopped = false;
  const result = new Promise<QuickCheckResult>((resolve) => (finish = resolve));
  return {
    deps: {
      checkDatabase: (path) => {
        calls.push(path);
        return { result, stop: async () => void (stopped = true) };
      },
    },
    calls,
    finish: (r) => finish(r),
    stopped: () => stopped,
  };
}

describe('the full check runs after start-up, not on the start path', () => {
  it('start-up and payments do not wait for the check; damage it reports disables new orders and refunds in words', async () => {
    const dir = await dataDir();
    seed(dir, 20);
    const held = heldChecker();
    const { host, logs } = await start(dir, held.deps);
    await waitFor(() => held.calls.length > 0, 'the background check to start');
    expect(held.calls).toEqual([join(dir, 'paydesk.db')]);
    // The check has not answered: the counter works meanwhile.
    expect((await ok(host.dispatch('status.get', {}))).warnings).toEqual([]);
    await ok(host.dispatch('orders.create', { amount: '1.00', method: 'link' }));

    held.finish({ ok: false, detail: 'Tree 2 page 7 cell 0: invalid page number 1515870810' });
    const status = await waitFor(
      async () => {
        const s = await ok(host.dispatch('status.get', {}));
        return s.warnings.some((w) => CORRUPT.test(w)) ? s : null;
      },
      'the corrupt database in the status',
      2_000,
    );
    expect(status.notify.reachability).toBe('disabled');
    const created = await host.dispatch('orders.create', { amount: '1.00', method: 'link' });
    expect(created).toMatchObject({ ok: false, error: { code: 'DATABASE_CORRUPT' } });
    expect(!created.ok && created.error.message).toMatch(CORRUPT);
    const refund = await host.dispatch('orders.refund', { id: 'PD000001', amount: '1.00' });
    expect(refund).toMatchObject({ ok: false, error: { code: 'DATABASE_CORRUPT' } });
    // Looking up orders still works (the cashier can see what was taken).
    expect((await ok(host.dispatch('orders.list', {}))).items.length).toBeGreaterThan(0);
    expect(logs.some((l) => l.level === 'error' && /corrupt/.test(l.message))).toBe(true);
    await host.close();
    expect(held.stopped()).toBe(true);
  });

  it('a damaged page inside the orders table (header, schema and edges intact) starts, then the worker finds it', async () => {
    const dir = await dataDir();
    seed(dir, 3000);
    const file = join(dir, 'paydesk.db');
    const { pages, pageSize } = orderLeaves(file);
    expect(pages.length).toBeGreaterThan(20);
    await smash(file, [pages[Math.floor(pages.length / 2)]!], pageSize);

    const { host, logs } = await start(dir); // the real worker
    // createConsole returned before the worker could answer (its answer is a later event).
    expect(logs.filter((l) => /quick_check|corrupt/.test(l.message))).toEqual([]);
    const status = await waitFor(
      async () => {
        const s = await ok(host.dispatch('status.get', {}));
        return s.warnings.some((w) => CORRUPT.test(w)) ? s : null;
      },
      'the background check to report the damage',
      10_000,
    );
    expect(status.warnings.find((w) => CORRUPT.test(w))).toContain(file);
    expect(await host.dispatch('orders.create', { amount: '2.00', method: 'qr' })).toMatchObject({ ok: false, error: { code: 'DATABASE_CORRUPT' } });
    expect(logs.some((l) => l.level === 'error' && l.message.includes('corrupt') && l.fields?.['source'] === 'quick_check')).toBe(true);
  });
});

describe('the quick_check worker', () => {
  it('answers ok for a healthy database and names the damage of a broken one, from its own thread', async () => {
    const dir = await dataDir();
    seed(dir, 3000);
    const file = join(dir, 'paydesk.db');
    // The main thread keeps running while the worker reads every page.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const healthy = quickCheckInWorker(file);
    await expect(healthy.result).resolves.toEqual({ ok: true });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);

    const { pages, pageSize } = orderLeaves(file);
    await smash(file, [pages[10]!], pageSize);
    const broken = await quickCheckInWorker(file).result;
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.detail).toMatch(/page|malformed/i);
  });
});

describe('a damaged database found by a store call', () => {
  it('is DATABASE_CORRUPT in words (not INTERNAL) and disables payments', async () => {
    const dir = await dataDir();
    seed(dir, 3000);
    const file = join(dir, 'paydesk.db');
    const { host, logs } = await start(dir, heldChecker().deps);
    const { pages, pageSize } = orderLeaves(file);
    await smash(file, pages, pageSize); // while running: every row of the orders table is unreadable now

    const got = await host.dispatch('orders.get', { id: 'PD001500' });
    expect(got).toMatchObject({ ok: false, error: { code: 'DATABASE_CORRUPT' } });
    expect(!got.ok && got.error.message).toMatch(CORRUPT);
    expect((await ok(host.dispatch('status.get', {}))).warnings.some((w) => CORRUPT.test(w))).toBe(true);
    expect(await host.dispatch('orders.create', { amount: '1.00', method: 'link' })).toMatchObject({ ok: false, error: { code: 'DATABASE_CORRUPT' } });
    expect(logs.some((l) => l.level === 'error' && l.fields?.['source'] === 'orders.get')).toBe(true);
  });

  it('any other caller of the error mapping gets DATABASE_CORRUPT too', () => {
    const err = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const notDb = Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' });
    const logger = memoryLogger();
    expect(toErrorInfo(err, logger, {})).toMatchObject({ code: 'DATABASE_CORRUPT', message: expect.stringMatching(CORRUPT) });
    expect(toErrorInfo(notDb, logger, {}).code).toBe('DATABASE_CORRUPT');
  });
});
