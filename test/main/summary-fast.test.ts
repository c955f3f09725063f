/**
 * summarize() aggregates in SQLite, one query per local hour. It must give exactly what the
 * per-row computation gives (every paid/refunded order bucketed by its local getHours()), including
 * orders at the exact hour and day boundaries and orders of other statuses and days. Orders of two
 * providers are mixed: each is counted for the provider that carried it.
 */
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/main/payments/queries';
import type { DaySummary, MethodTotals, OrderMethod, OrderStatus } from '../../src/main/payments/api';
import { openStore } from '../../src/main/store';

type Row = { createdAt: number; amountFen: number; refundedFen: number; method: OrderMethod; provider: string };

function reference(rows: Row[], date: string): DaySummary {
  const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, netFen: 0 }));
  let grossFen = 0;
  let refundedFen = 0;
  for (const r of rows) {
    grossFen += r.amountFen;
    refundedFen += r.refundedFen;
    const h = hourly[new Date(r.createdAt).getHours()]!;
    h.count += 1;
    h.netFen += r.amountFen - r.refundedFen;
  }
  const byMethod: MethodTotals[] = [];
  for (const provider of ['alipay', 'wechat']) {
    for (const method of ['code', 'link', 'qr'] as const) {
      const mine = rows.filter((r) => r.method === method && r.provider === provider);
      if (mine.length === 0) continue;
      const g = mine.reduce((s, r) => s + r.amountFen, 0);
      const rf = mine.reduce((s, r) => s + r.refundedFen, 0);
      byMethod.push({ provider, method, count: mine.length, grossFen: g, refundedFen: rf, netFen: g - rf });
    }
  }
  return { date, count: rows.length, grossFen, refundedFen, netFen: grossFen - refundedFen, hourly, byMethod };
}

describe('day summary (SQLite aggregates) = per-row computation', () => {
  // Ordinary days and the US/EU DST change days (the per-row path in a DST zone, e.g. TZ=America/New_York).
  it.each([
    [2026, 10, 21],
    [2026, 10, 1],
    [2026, 2, 8],
    [2026, 2, 29],
    [2026, 9, 25],
  ])('agrees on random orders around and inside %i-%i-%i (month 0-based)', (y, m, d) => {
    const store = openStore(':memory:');
    try {
      const from = new Date(y, m, d).getTime();
      const to = new Date(y, m, d + 1).getTime();
      const statuses: OrderStatus[] = ['AWAITING_PAYMENT', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CLOSED', 'FAILED'];
      let seed = 7;
      const r = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const times = [from - 1, from, from + 3_600_000 - 1, from + 3_600_000, to - 1, to, to + 5];
      for (let i = 0; i < 3000; i++) times.push(Math.floor(from - 3_600_000 + r() * (to - from + 7_200_000)));
      const paid: Row[] = [];
      const methods: OrderMethod[] = ['qr', 'code', 'link'];
      times.forEach((t, i) => {
        const status = statuses[Math.floor(r() * statuses.length)] as OrderStatus;
        const amountFen = 1 + Math.floor(r() * 100_000);
        const refundedFen = status === 'REFUNDED' ? amountFen : status === 'PARTIALLY_REFUNDED' ? Math.floor(amountFen / 3) : 0;
        const method = methods[i % 3] as OrderMethod;
        // WeChat Pay carries no pay links; every fifth order is a WeChat one otherwise.
        const provider = method !== 'link' && r() < 0.2 ? 'wechat' : 'alipay';
        if (t >= from && t < to && (status === 'PAID' || status === 'PARTIALLY_REFUNDED' || status === 'REFUNDED')) {
          paid.push({ createdAt: t, amountFen, refundedFen, method, provider });
        }
        store.orders.insert({
          id: `PD${i}`,
          method,
          status,
          amountFen,
          refundedFen,
          subject: 's',
          qrCode: null,
          payUrl: null,
          tradeNo: null,
          buyerLogonId: null,
          notifyUrl: null,
          createdAt: t,
          updatedAt: t,
          paidAt: null,
          expiresAt: null,
          closedAt: null,
          userPaying: false,
          message: null,
          provider,
        });
      });
      const date = `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      expect(summarize(store, date)).toEqual(reference(paid, date));
      expect(summarize(store, date).byMethod.map((m) => `${m.provider}/${m.method}`)).toEqual([
        'alipay/code',
        'alipay/link',
        'alipay/qr',
        'wechat/code',
        'wechat/qr',
      ]);
      // An empty day: zeros, not nulls.
      expect(summarize(store, '2020-01-01')).toEqual(reference([], '2020-01-01'));
    } finally {
      store.close();
    }
  });
});
