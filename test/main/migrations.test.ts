import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../src/main/store/migrations';
import { PAIRED_PAID_SINCE_SQL } from '../../src/main/store/order-repository';

function tables(db: BetterSqlite3.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

function indexes(db: BetterSqlite3.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  /** Migrations 1–4 each create the table they are named after; later ones alter tables (tested below). */
  const TABLE_MIGRATIONS = MIGRATIONS.filter((m) => m.version <= 4);
  it.each(TABLE_MIGRATIONS.map((m) => [m.version, m.name] as const))('migration %i (%s) applies alone on :memory: and sets user_version', (version, name) => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, version - 1);
    expect(db.pragma('user_version', { simple: true })).toBe(version - 1);
    const before = tables(db);
    const beforeIndexes = indexes(db);
    migrate(db, version);
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    const added = tables(db).filter((t) => !before.includes(t));
    if (added.length === 0) {
      // An index-only migration (order search): it must add indexes.
      expect(indexes(db).length).toBeGreaterThan(beforeIndexes.length);
    } else {
      expect(added).toContain(name);
      // Every table is STRICT: SQLite then refuses a value of the wrong type.
      const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;
      expect(sql).toMatch(/\)\s*STRICT$/);
    }
    db.close();
  });

  it('brings an empty database to the latest version and is idempotent', () => {
    const db = new BetterSqlite3(':memory:');
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(tables(db)).toEqual(expect.arrayContaining(['orders', 'refunds', 'events', 'notifications']));
    db.close();
  });

  it('rolls a failing migration back entirely (transaction)', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, 1);
    db.exec('CREATE TABLE refunds (x INTEGER) STRICT'); // makes migration 2 fail half-way
    expect(() => migrate(db)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'refunds_order'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database from a newer build', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer/);
    db.close();
  });

  it('keeps events append-only and money columns integer-checked', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    db.prepare("INSERT INTO events (order_id, source, kind, payload, at) VALUES ('o', 'user', 'k', '{}', 1)").run();
    expect(() => db.prepare("UPDATE events SET kind = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    const insert = db.prepare(`INSERT INTO orders (id, method, status, amount_fen, subject, created_at, updated_at) VALUES (?, 'qr', 'PAID', ?, 's', 1, 1)`);
    expect(() => insert.run('a', 12.34)).toThrow(); // STRICT: a float is not an INTEGER
    expect(() => insert.run('b', 0)).toThrow(); // CHECK amount ≥ 1 fen
    expect(() => insert.run('c', '1234')).not.toThrow(); // STRICT coerces a lossless numeric text
    db.close();
  });

  it('migration 5 (order_environment) applies alone: existing orders become environment unknown, provider alipay; the column is checked', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, 4);
    db.prepare(`INSERT INTO orders (id, method, status, amount_fen, subject, created_at, updated_at) VALUES ('old', 'qr', 'PAID', 1000, 's', 1, 1)`).run();
    migrate(db, 5);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare("SELECT environment, app_id AS appId, provider FROM orders WHERE id = 'old'").get()).toEqual({
      environment: 'unknown',
      appId: '',
      provider: 'alipay',
    });
    const insert = db.prepare(
      `INSERT INTO orders (id, method, status, amount_fen, subject, created_at, updated_at, environment, app_id)
       VALUES (?, 'qr', 'PAID', 100, 's', 1, 1, ?, '2021000000000001')`,
    );
    expect(() => insert.run('p', 'production')).not.toThrow();
    expect(() => insert.run('x', 'staging')).toThrow(/CHECK/);
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'orders'").get() as { sql: string }).sql;
    expect(sql).toMatch(/\)\s*STRICT$/);
    db.close();
  });

  it('migration 7 (notification_provider) applies alone: stored notifications came to the Alipay path; the column is checked', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, 6);
    db.prepare("INSERT INTO notifications (received_at, body, headers, verdict) VALUES (1, 'a=1', '{}', 'applied')").run();
    migrate(db, 7);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare('SELECT provider FROM notifications').all()).toEqual([{ provider: 'alipay' }]);
    const insert = db.prepare("INSERT INTO notifications (received_at, body, headers, verdict, provider) VALUES (2, 'x', '{}', 'pending', ?)");
    expect(() => insert.run('toy')).not.toThrow();
    expect(() => insert.run('')).toThrow(/CHECK/);
    expect(() => insert.run('p'.repeat(33))).toThrow(/CHECK/);
    db.close();
  });

  it('migration 8 (order_pair) applies alone: existing orders are not paired; the link is checked and indexed for the sweep', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, 7);
    db.prepare(`INSERT INTO orders (id, method, status, amount_fen, subject, created_at, updated_at) VALUES ('old', 'qr', 'PAID', 1000, 's', 1, 1)`).run();
    migrate(db, 8);
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(db.prepare("SELECT paired_with AS pairedWith FROM orders WHERE id = 'old'").get()).toEqual({ pairedWith: null });
    const insert = db.prepare(
      `INSERT INTO orders (id, method, status, amount_fen, subject, created_at, updated_at, paired_with) VALUES (?, 'qr', 'PAID', 100, 's', 2, 2, ?)`,
    );
    expect(() => insert.run('a', 'b')).not.toThrow();
    expect(() => insert.run('c', '')).toThrow(/CHECK/);
    // The start-up sweep's query reads the partial index and sorts nothing.
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${PAIRED_PAID_SINCE_SQL}`).all(0, 10) as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual([expect.stringMatching(/orders_paired/)]);
    db.close();
  });

  it('migration 9 (order_provider_indexes) applies alone over existing orders: 今日 and the provider filter get their indexes, no row changes', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, 8);
    db.prepare(
      `INSERT INTO orders (id, method, status, amount_fen, subject, created_at, updated_at, environment, app_id, provider)
       VALUES ('a', 'qr', 'PAID', 100, 's', 1, 1, 'demo', 'x', 'wechat')`,
    ).run();
    migrate(db, 9);
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    const cols = (name: string): string[] => (db.prepare(`PRAGMA index_info(${name})`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('orders_summary')).toEqual(['environment', 'status', 'provider', 'method', 'created_at', 'amount_fen', 'refunded_fen']);
    expect(cols('orders_provider_created')).toEqual(['provider', 'created_at', 'id']);
    expect(db.prepare('SELECT id, provider, amount_fen FROM orders').all()).toEqual([{ id: 'a', provider: 'wechat', amount_fen: 100 }]);
    db.close();
  });
});
