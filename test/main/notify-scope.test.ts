/**
 * A notification changes only an order of the core's own environment and app: one about an order that
 * another environment created (same number space, same database) is kept raw and rejected.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerifiedNotification } from '../../src/main/domain';
import { systemClock } from '../../src/main/kernel';
import { EventStream } from '../../src/main/payments/events';
import { NotificationIngest } from '../../src/main/payments/ingest';
import { Ledger } from '../../src/main/payments/ledger';
import { openStore, type OrderEnvironment, type Store } from '../../src/main/store';
import { FakeProvider } from './fake-provider';
import { makeTempDir, memoryLogger, orderRow } from '../support';

const APP = { appId: '2021000000000001', sellerId: '2088000000000001' };

describe('notification ingest: orders of another environment', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it("rejects a validly parsed notification about another environment's order and leaves the order alone", async () => {
    const tmp = makeTempDir();
    const store: Store = openStore(join(tmp.dir, 'paydesk.db'));
    cleanups.push(() => {
      store.close();
      void tmp.cleanup();
    });
    const logger = memoryLogger();
    const notice = (out: string): VerifiedNotification => ({
      notifyId: `n-${out}`,
      outTradeNo: out,
      totalFen: 100,
      facts: { state: 'PAID', tradeNo: `T${out}`, totalFen: 100, buyerLogonId: null, paidAt: null },
      refund: null,
    });
    const provider = new FakeProvider((req) => ({ ok: true, notification: notice(new URLSearchParams(req.rawBody.toString('utf8')).get('out') as string) }), {
      environment: 'production',
      accountId: APP.appId,
    });
    const ledger = new Ledger(store, systemClock, new EventStream(logger), logger, (row) => row.environment === 'production');
    const ingest = new NotificationIngest({
      store,
      ledger,
      providers: [provider],
      clock: systemClock,
      logger,
      onSeen: () => undefined,
    });
    const handler = {
      submit: (body: string, headers: Record<string, string>) => ingest.submit({ provider: 'alipay', rawBody: Buffer.from(body), headers }),
    };
    const now = Date.now();
    const insert = (id: string, environment: OrderEnvironment) =>
      store.orders.insert(orderRow(id, { createdAt: now, expiresAt: now + 60_000, environment, appId: APP.appId }));
    insert('PDDEMO', 'demo');
    insert('PDPROD', 'production');

    const demo = await handler.submit('out=PDDEMO', { 'content-type': 'application/x-www-form-urlencoded' });
    const prod = await handler.submit('out=PDPROD', { 'content-type': 'application/x-www-form-urlencoded' });
    expect([demo.body, prod.body]).toEqual(['fail', 'success']);
    expect(store.orders.get('PDDEMO')?.status).toBe('AWAITING_PAYMENT');
    expect(store.orders.get('PDPROD')?.status).toBe('PAID');
    expect(store.notifications.all().map((r) => [r.verdict, r.reason])).toEqual([
      ['rejected', 'order of another environment or app'],
      ['applied', null],
    ]);
  });
});
