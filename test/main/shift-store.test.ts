/**
 * The shifts table (交班) on a real SQLite file: the guards hold in SQL, whoever writes — two connections
 * (two PayDesk processes on one data directory) that both saw the shift open end it exactly once, and a
 * second open shift of one environment and app is refused by the database itself.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store';
import { makeTempDir } from '../support';

let dir: string;
let cleanup: () => void | Promise<void>;
const stores: Store[] = [];
beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('paydesk-shift-store-'));
});
afterEach(async () => {
  for (const s of stores.splice(0)) s.close();
  await cleanup();
});
const open = (): Store => {
  const s = openStore(join(dir, 'paydesk.db'));
  stores.push(s);
  return s;
};
const scope = { environment: 'production', appId: '2021000000000001' } as const;
const snapshot = (net: number) => JSON.stringify({ v: 1, count: 1, grossFen: net, refundedFen: 0, netFen: net, byMethod: [] });

describe('shifts table', () => {
  it('two connections that both saw the shift open: exactly one ends it, the other changes nothing', () => {
    const a = open();
    const b = open();
    a.shifts.start({ id: 'S1', ...scope, cashier: '张三', startedAt: 1000 });
    expect(a.shifts.get('S1')?.endedAt).toBeNull();
    expect(b.shifts.get('S1')?.endedAt).toBeNull();
    const fields = { endedBy: '张三', handedTo: null, endAuthorization: 'manager_pin' as const };
    expect(a.shifts.end('S1', { ...fields, endedAt: 2000, totals: snapshot(100) })).toBe(true);
    expect(b.shifts.end('S1', { ...fields, endedAt: 3000, totals: snapshot(999) })).toBe(false);
    expect(b.shifts.get('S1')).toMatchObject({ endedAt: 2000, totals: snapshot(100) });
  });

  it('one open shift per environment and app, enforced by the database; other scopes and ended shifts do not count', () => {
    const a = open();
    const b = open();
    a.shifts.start({ id: 'S1', ...scope, cashier: '张三', startedAt: 1000 });
    expect(() => b.shifts.start({ id: 'S2', ...scope, cashier: '李四', startedAt: 1001 })).toThrow(/UNIQUE/);
    b.shifts.start({ id: 'S3', environment: 'demo', appId: scope.appId, cashier: '演示', startedAt: 1001 });
    b.shifts.start({ id: 'S4', ...scope, appId: '2021000000000002', cashier: '王五', startedAt: 1001 });
    a.shifts.end('S1', { endedAt: 2000, endedBy: '张三', handedTo: null, endAuthorization: 'none', totals: snapshot(0) });
    b.shifts.start({ id: 'S5', ...scope, cashier: '李四', startedAt: 2000 });
    expect(a.shifts.open(scope)?.id).toBe('S5');
    expect(a.shifts.list(scope, undefined, 10).map((s) => s.id)).toEqual(['S5', 'S1']);
  });

  it('refuses an ended row without its snapshot, a name over 32 characters, an end before the start', () => {
    const a = open();
    const insert = a.db.prepare(
      `INSERT INTO shifts (id, environment, app_id, cashier, started_at, ended_at, ended_by, end_authorization, totals) VALUES (?, 'demo', '', ?, 10, ?, ?, ?, ?)`,
    );
    expect(() => insert.run('x1', '张三', 20, '张三', 'none', null)).toThrow(/CHECK/);
    expect(() => insert.run('x2', '名'.repeat(33), null, null, null, null)).toThrow(/CHECK/);
    expect(() => insert.run('x3', '张三', 5, '张三', 'none', '{}')).toThrow(/CHECK/);
    expect(() => insert.run('x4', '名'.repeat(32), 20, '名'.repeat(32), 'none', '{}')).not.toThrow();
  });
});
