import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type OrderRow, type Store } from '../../src/main/store';
import { PAID_PROVIDERS_SQL, PAID_TOTALS_SQL } from '../../src/main/store/order-repository';
import { PaymentError } from '../../src/main/payments/api';
import { decodeCursor, encodeCursor } from '../../src/main/payments/queries';
import { parseOrderSearch } from '../../src/main/payments/search';
import { orderRow } from '../support';

function order(id: string, createdAt: number, patch: Partial<OrderRow> = {}): OrderRow {
  return orderRow(id, { createdAt, status: 'PAID', ...patch });
}

describe('order search', () => {
  let store: Store | null = null;
  afterEach(() => {
    store?.close();
    store = null;
  });

  function seed(): Store {
    const s = openStore(':memory:');
    s.orders.insert(order('PD20261201093000a1b2c3d4e5', 1, { tradeNo: '2026120122001400000000001234', amountFen: 1234 }));
    s.orders.insert(order('PD20261201093100ffee001234', 2, { tradeNo: '2026120122001400000000009999', amountFen: 500 }));
    s.orders.insert(order('PD20261201093200deadbeef77', 3, { status: 'CLOSED', amountFen: 1234 }));
    s.orders.insert(order('PD20261201093300cafe005678', 4, { tradeNo: '2026120122001400000000005678', amountFen: 123400 }));
    return s;
  }
  const ids = (q: string, extra: { status?: 'PAID' | 'CLOSED' } = {}): string[] =>
    (store as Store).orders.list({ limit: 50, search: parseOrderSearch(q), ...extra }).map((r) => r.id);

  it('finds an order by its whole order number in any case, and by its last 4+ characters', () => {
    store = seed();
    expect(ids('PD20261201093000A1B2C3D4E5')).toEqual(['PD20261201093000a1b2c3d4e5']);
    expect(ids('pd20261201093000a1b2c3d4e5')).toEqual(['PD20261201093000a1b2c3d4e5']);
    expect(ids('D4E5')).toEqual(['PD20261201093000a1b2c3d4e5']);
    expect(ids('beef77')).toEqual(['PD20261201093200deadbeef77']);
    // a tail must be a tail: the same characters elsewhere do not match
    expect(ids('a1b2')).toEqual([]);
  });

  it('finds by the Alipay trade number (whole or last digits) and by amount, newest first', () => {
    store = seed();
    expect(ids('2026120122001400000000009999')).toEqual(['PD20261201093100ffee001234']);
    // "1234" is the tail …1234 of one order number and one trade number, and ¥1234.00 of a third
    expect(ids('1234')).toEqual(['PD20261201093300cafe005678', 'PD20261201093100ffee001234', 'PD20261201093000a1b2c3d4e5']);
    expect(ids('12.34')).toEqual(['PD20261201093200deadbeef77', 'PD20261201093000a1b2c3d4e5']);
    expect(ids('¥12.34')).toEqual(ids('12.34'));
    expect(ids('12.34元')).toEqual(ids('12.34'));
    expect(ids('１２.３４')).toEqual(ids('12.34'));
    expect(ids('12.34', { status: 'CLOSED' })).toEqual(['PD20261201093200deadbeef77']);
  });

  it('pages a search with the keyset cursor', () => {
    store = openStore(':memory:');
    for (let i = 0; i < 7; i++) store.orders.insert(order(`PD00${i}`, 10 + i, { amountFen: 999 }));
    const search = parseOrderSearch('9.99');
    const p1 = store.orders.list({ limit: 4, search });
    const p2 = store.orders.list({ limit: 4, search, after: decodeCursor(encodeCursor(p1[3] as OrderRow)) });
    expect([...p1, ...p2].map((r) => r.id)).toEqual(['PD006', 'PD005', 'PD004', 'PD003', 'PD002', 'PD001', 'PD000']);
  });

  it('refuses a text that is neither an amount nor 4+ characters, with a bilingual message', () => {
    expect(() => parseOrderSearch('ab')).toThrow(PaymentError);
    expect(() => parseOrderSearch('ab')).toThrow(/至少 4 位尾号 \/ .*last 4 characters/);
    expect(() => parseOrderSearch('12.3.4')).toThrow(/SEARCH|订单号/);
    expect(parseOrderSearch('12')).toEqual({ tail: null, amountFen: 1200 });
  });

  it('answers from the search indexes, never by walking the status or date index', () => {
    store = openStore(':memory:');
    const plan = store.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM orders WHERE ((lower(substr(id, -4)) = 'abcd' AND lower(substr(id, -5)) = 'xabcd')
         OR (lower(substr(trade_no, -4)) = 'abcd' AND lower(substr(trade_no, -5)) = 'xabcd') OR amount_fen = 1)
         AND +status = 'PAID' AND +created_at >= 1 ORDER BY created_at DESC, id DESC LIMIT 51`,
      )
      .all()
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    expect(plan).toMatch(/orders_id_tail4/);
    expect(plan).toMatch(/orders_trade_tail4/);
    expect(plan).toMatch(/orders_amount/);
    expect(plan).not.toMatch(/orders_status_created|SCAN orders/);
  });

  it('the day summary per provider, method and hour reads only the covering index (no table rows, no sort)', () => {
    store = openStore(':memory:');
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN ${PAID_TOTALS_SQL}`)
      .all('demo', 'wechat', 'qr', 1, 2)
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    expect(plan).toMatch(/COVERING INDEX orders_summary/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    // The providers of the paid orders: index seeks on the same index, never a walk of the table.
    const providers = store.db
      .prepare(`EXPLAIN QUERY PLAN ${PAID_PROVIDERS_SQL}`)
      .all({ environment: 'demo', status: 'PAID' })
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    expect(providers).toMatch(/COVERING INDEX orders_summary/);
    expect(providers).not.toMatch(/SCAN orders/);
  });

  it("lists one provider's orders newest first from its own index (no sort, no walk of the other providers)", () => {
    store = openStore(':memory:');
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM orders WHERE provider = 'wechat' ORDER BY created_at DESC, id DESC LIMIT 51`)
      .all()
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    expect(plan).toMatch(/orders_provider_created/);
    expect(plan).not.toMatch(/TEMP B-TREE|SCAN orders$/);
    for (const [i, provider] of ['alipay', 'wechat', 'alipay', 'wechat'].entries()) {
      store.orders.insert(order(`PD${i}`, 1000 + i, { provider }));
    }
    expect(store.orders.list({ provider: 'wechat', limit: 10 }).map((r) => r.id)).toEqual(['PD3', 'PD1']);
    expect(store.orders.list({ provider: 'alipay', status: 'PAID', limit: 10 }).map((r) => r.id)).toEqual(['PD2', 'PD0']);
  });
});
