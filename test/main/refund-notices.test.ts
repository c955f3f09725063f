/**
 * Refund notices as different providers say them, applied by the ledger: with the trade's cumulative
 * refunded amount (e.g. Alipay's refund_fee), with this refund's own amount and a per-refund
 * SUCCESS / FAILED (e.g. WeChat Pay), and as a refund-only notice without trade facts.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RefundNotice } from '../../src/main/domain';
import { systemClock } from '../../src/main/kernel';
import { EventStream } from '../../src/main/payments/events';
import { Ledger } from '../../src/main/payments/ledger';
import { applyTradeFactsTx } from '../../src/main/payments/reconcile';
import { openStore, type Store } from '../../src/main/store';
import { makeTempDir, memoryLogger, orderRow } from '../support';

describe('refund notices', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  function setup(status: 'AWAITING_PAYMENT' | 'PAID' = 'PAID') {
    const tmp = makeTempDir();
    const store: Store = openStore(join(tmp.dir, 'paydesk.db'));
    cleanups.push(() => {
      store.close();
      void tmp.cleanup();
    });
    const logger = memoryLogger();
    const ledger = new Ledger(store, systemClock, new EventStream(logger), logger, () => true);
    const now = Date.now();
    store.orders.insert(
      orderRow('PD1', { status, amountFen: 1000, createdAt: now, paidAt: status === 'PAID' ? now : null, expiresAt: now + 60_000, provider: 'toy' }),
    );
    const ownRefund = (id: string, amountFen: number) =>
      store.refunds.insert({
        id,
        orderId: 'PD1',
        amountFen,
        reason: null,
        status: 'UNKNOWN',
        createdAt: now,
        updatedAt: now,
        settledAt: null,
        attempts: 1,
        message: 'x',
      });
    const notice = (n: Partial<RefundNotice>): RefundNotice => ({ outRequestNo: null, state: 'SUCCESS', amountFen: null, cumulativeFen: null, at: null, ...n });
    const apply = (refund: RefundNotice) => ledger.run((ch) => applyTradeFactsTx(store, ledger, ch, 'PD1', null, refund, 'notify'));
    return { store, ownRefund, notice, apply };
  }

  it('FAILED for our own refund marks it FAILED (money never moved) and leaves the order paid', () => {
    const { store, ownRefund, notice, apply } = setup();
    ownRefund('RF1', 300);
    expect(apply(notice({ outRequestNo: 'RF1', state: 'FAILED', amountFen: 300 }))).toBe(true);
    expect(store.refunds.get('RF1')).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/退款失败 \/ .*refund failed/) });
    expect(store.orders.get('PD1')).toMatchObject({ status: 'PAID', refundedFen: 0 });
  });

  it("this refund's amount without a cumulative total: a refund made elsewhere is recorded once, under its number", () => {
    const { store, notice, apply } = setup();
    expect(apply(notice({ outRequestNo: 'PORTAL-1', amountFen: 250 }))).toBe(true);
    expect(store.refunds.get('PORTAL-1')).toMatchObject({ status: 'SUCCESS', amountFen: 250 });
    expect(store.orders.get('PD1')).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 250 });
    expect(apply(notice({ outRequestNo: 'PORTAL-1', amountFen: 250 }))).toBe(false); // sent again
    expect(apply(notice({ outRequestNo: 'PORTAL-2', state: 'FAILED', amountFen: 100 }))).toBe(false); // moved nothing
    expect(store.orders.get('PD1')).toMatchObject({ refundedFen: 250 });
  });

  it('a cumulative total still works as before; neither amount nor number → noted, never guessed', () => {
    const { store, ownRefund, notice, apply } = setup();
    expect(apply(notice({ cumulativeFen: 400 }))).toBe(true);
    expect(store.orders.get('PD1')).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 400 });
    expect(apply(notice({ cumulativeFen: 400 }))).toBe(false);
    ownRefund('RF2', 100); // unresolved: an unattributable notice must wait for it
    expect(apply(notice({ cumulativeFen: 500 }))).toBe(false);
    expect(apply(notice({ amountFen: 100 }))).toBe(false);
    expect(store.events.byOrder('PD1').filter((e) => e.kind === 'refund_notice_unmatched')).toHaveLength(2);
    expect(store.orders.get('PD1')).toMatchObject({ refundedFen: 400 });
  });

  it('a refund-only notice about an order we still think is waiting: a refund implies a payment', () => {
    const { store, ownRefund, notice, apply } = setup('AWAITING_PAYMENT');
    ownRefund('RF3', 1000);
    expect(apply(notice({ outRequestNo: 'RF3', amountFen: 1000 }))).toBe(true);
    expect(store.orders.get('PD1')).toMatchObject({ status: 'REFUNDED', refundedFen: 1000 });
    expect(store.events.byOrder('PD1').map((e) => e.kind)).toEqual(['paid', 'refund_succeeded', 'refunded']);
  });
});
