import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type OrderRow, type Store } from '../../src/main/store';
import { encodeCursor, decodeCursor, summarize } from '../../src/main/payments/queries';
import { makeTempDir, orderRow } from '../support';

function order(id: string, createdAt: number, patch: Partial<OrderRow> = {}): OrderRow {
  return orderRow(id, { createdAt, environment: 'production', ...patch });
}

describe('store', () => {
  let store: Store | null = null;
  let tmp: ReturnType<typeof makeTempDir> | null = null;
  afterEach(() => {
    store?.close();
    void tmp?.cleanup();
    store = null;
    tmp = null;
  });

  it('opens a file database in WAL mode with foreign keys on', () => {
    tmp = makeTempDir();
    store = openStore(`${tmp.dir}/paydesk.db`);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.orders.insert(order('A', 1));
    expect(store.orders.get('A')?.userPaying).toBe(false);
    store.orders.update('A', { userPaying: true, qrCode: 'q' });
    expect(store.orders.get('A')).toMatchObject({ userPaying: true, qrCode: 'q' });
  });

  it('pages newest-first with a keyset cursor on (created_at, id), filters by status/date/prefix', () => {
    store = openStore(':memory:');
    // 25 orders, several sharing a created_at to exercise the id tie-breaker.
    for (let i = 0; i < 25; i++) {
      store.orders.insert(order(`PD${String(i).padStart(3, '0')}`, 1000 + Math.floor(i / 3), { status: i % 2 ? 'PAID' : 'CLOSED' }));
    }
    const seen: string[] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = store.orders.list({ limit: 7, after });
      seen.push(...page.map((r) => r.id));
      if (page.length < 7) break;
      const last = page[page.length - 1] as OrderRow;
      after = decodeCursor(encodeCursor(last));
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe('PD024');
    expect(store.orders.list({ limit: 100, status: 'PAID' }).every((r) => r.status === 'PAID')).toBe(true);
    expect(store.orders.list({ limit: 100, from: 1002, to: 1004 }).map((r) => r.createdAt)).toEqual([1003, 1003, 1003, 1002, 1002, 1002]);
    expect(
      store.orders
        .list({ limit: 100, prefix: 'PD01' })
        .map((r) => r.id)
        .sort(),
    ).toEqual(['PD010', 'PD011', 'PD012', 'PD013', 'PD014', 'PD015', 'PD016', 'PD017', 'PD018', 'PD019']);
  });

  it('uses indexes for listing by status/date, the sweep and lookup by number (no full scans)', () => {
    store = openStore(':memory:');
    const plan = (sql: string, ...params: unknown[]) =>
      (store as Store).db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
    const list = plan('SELECT * FROM orders WHERE created_at < ? OR (created_at = ? AND id < ?) ORDER BY created_at DESC, id DESC LIMIT 50', 5, 5, 'x');
    expect(list).toMatch(/orders_created/);
    const byStatus = plan(
      "SELECT * FROM orders WHERE status = 'PAID' AND (created_at < 5 OR (created_at = 5 AND id < 'x')) ORDER BY created_at DESC, id DESC LIMIT 50",
    );
    expect(byStatus).toMatch(/orders_status_created/);
    expect(byStatus).not.toMatch(/TEMP B-TREE/);
    expect(plan('SELECT * FROM orders WHERE id = ?', 'x')).toMatch(/PRIMARY KEY|sqlite_autoindex_orders/);
    expect(plan("SELECT * FROM refunds WHERE status IN ('PENDING', 'UNKNOWN')")).toMatch(/refunds_status/);
    expect(plan('SELECT * FROM events WHERE order_id = ? ORDER BY id', 'x')).toMatch(/events_order/);
  });

  it('sums refunds (succeeded / in flight) per order', () => {
    store = openStore(':memory:');
    store.orders.insert(order('A', 1, { status: 'PAID', amountFen: 1000 }));
    const r = (id: string, amountFen: number, status: 'PENDING' | 'SUCCESS' | 'UNKNOWN' | 'FAILED') =>
      (store as Store).refunds.insert({
        id,
        orderId: 'A',
        amountFen,
        reason: null,
        status,
        createdAt: 2,
        updatedAt: 2,
        settledAt: null,
        attempts: 0,
        message: null,
      });
    r('R1', 100, 'SUCCESS');
    r('R2', 200, 'UNKNOWN');
    r('R3', 300, 'FAILED');
    r('R4', 50, 'PENDING');
    expect(store.refunds.totals('A')).toMatchObject({ succeededFen: 100, inflightFen: 250 });
    expect(store.refunds.unsettled({ environment: 'production', appId: 'app' }).map((x) => x.id)).toEqual(['R2', 'R4']);
    // Another environment's or app's unresolved refunds are not this sweep's to resolve.
    expect(store.refunds.unsettled({ environment: 'demo', appId: 'app' })).toEqual([]);
    expect(store.refunds.unsettled({ environment: 'production', appId: 'other' })).toEqual([]);
    expect(() =>
      (store as Store).refunds.insert({
        id: 'R6',
        orderId: 'nope',
        amountFen: 1,
        reason: null,
        status: 'PENDING',
        createdAt: 1,
        updatedAt: 1,
        settledAt: null,
        attempts: 0,
        message: null,
      }),
    ).toThrow(/FOREIGN KEY/);
  });

  it('summarises a local day: paid orders, gross, refunded, net, 24 hours', () => {
    store = openStore(':memory:');
    const at = (h: number, m = 0) => new Date(2026, 10, 22, h, m).getTime();
    store.orders.insert(order('A', at(9), { status: 'PAID', amountFen: 1000 }));
    store.orders.insert(order('B', at(9, 30), { status: 'PARTIALLY_REFUNDED', amountFen: 500, refundedFen: 200 }));
    store.orders.insert(order('C', at(23, 59), { status: 'REFUNDED', amountFen: 300, refundedFen: 300 }));
    store.orders.insert(order('D', at(10), { status: 'CLOSED', amountFen: 9999 }));
    store.orders.insert(order('E', new Date(2026, 10, 23, 0, 0).getTime(), { status: 'PAID', amountFen: 7 }));
    const s = summarize(store, '2026-11-22');
    expect(s).toMatchObject({ date: '2026-11-22', count: 3, grossFen: 1800, refundedFen: 500, netFen: 1300 });
    expect(s.hourly).toHaveLength(24);
    expect(s.hourly[9]).toEqual({ hour: 9, count: 2, netFen: 1300 });
    expect(s.hourly[23]).toEqual({ hour: 23, count: 1, netFen: 0 });
    expect(() => summarize(store as Store, '2026-02-30')).toThrow(/Invalid date/);
    expect(() => summarize(store as Store, '22/11/2026')).toThrow(/YYYY-MM-DD/);
  });

  it("summarises one environment's money: demo payments are not production takings", () => {
    store = openStore(':memory:');
    const at = (h: number) => new Date(2026, 10, 22, h).getTime();
    store.orders.insert(order('P', at(9), { status: 'PAID', amountFen: 1000 }));
    store.orders.insert(order('D', at(10), { status: 'PAID', amountFen: 50, environment: 'demo' }));
    const dst = new Date(2026, 2, 29, 12).getTime(); // a DST day in many zones takes the per-row path
    store.orders.insert(order('Q', dst, { status: 'PAID', amountFen: 70, environment: 'demo' }));
    expect(summarize(store, '2026-11-22', 'production')).toMatchObject({ count: 1, grossFen: 1000 });
    expect(summarize(store, '2026-11-22', 'demo')).toMatchObject({ count: 1, grossFen: 50 });
    expect(summarize(store, '2026-11-22')).toMatchObject({ count: 2, grossFen: 1050 });
    expect(summarize(store, '2026-03-29', 'production')).toMatchObject({ count: 0 });
    expect(summarize(store, '2026-03-29', 'demo')).toMatchObject({ count: 1, grossFen: 70 });
  });
});
