/**
 * The notification ingest's group commit: notifications that arrive together share commits, and for
 * EACH of them the record-first guarantees still hold:
 * - its raw row is committed (visible to another connection) BEFORE it is verified or applied;
 * - its answer comes only after the commit holding its effect and verdict;
 * - one that throws while being applied is rolled back alone, kept raw with `rejected: internal error`.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationCheck, VerifiedNotification } from '../../src/main/domain';
import { systemClock } from '../../src/main/kernel';
import { EventStream } from '../../src/main/payments/events';
import { NotificationIngest } from '../../src/main/payments/ingest';
import { Ledger } from '../../src/main/payments/ledger';
import type { NotificationSeen } from '../../src/main/payments/api';
import { openStore, type Store } from '../../src/main/store';
import { FakeProvider } from './fake-provider';
import { makeTempDir, memoryLogger, orderRow } from '../support';

const APP = { appId: '2021000000000001', sellerId: '2088000000000001' };

/** A test's stand-in for an adapter's verification: the form fields of the raw body → a verdict. */
type Parse = (fields: Record<string, string>) => NotificationCheck;

describe('notification ingest: group commit keeps record-first and success-after-commit', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  function setup(parse: Parse) {
    const tmp = makeTempDir();
    const dbPath = join(tmp.dir, 'paydesk.db');
    const store: Store = openStore(dbPath);
    const other = new BetterSqlite3(dbPath, { readonly: true }); // a second connection sees only committed data
    cleanups.push(() => {
      other.close();
      store.close();
      void tmp.cleanup();
    });
    const logger = memoryLogger();
    const stream = new EventStream(logger);
    const ledger = new Ledger(store, systemClock, stream, logger);
    const seen: NotificationSeen[] = [];
    const provider = new FakeProvider((req) => parse(Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')))), { accountId: APP.appId });
    const ingest = new NotificationIngest({
      store,
      ledger,
      providers: [provider],
      clock: systemClock,
      logger,
      onSeen: (s) => seen.push(s),
    });
    const now = Date.now();
    for (let i = 0; i < 30; i++) {
      store.orders.insert(orderRow(`PD${i}`, { amountFen: 100 + i, createdAt: now, expiresAt: now + 60_000, appId: APP.appId }));
    }
    const committedRaw = (body: string) => (other.prepare('SELECT count(*) AS n FROM notifications WHERE body = ?').get(body) as { n: number }).n;
    const committedStatus = (id: string) => (other.prepare('SELECT status FROM orders WHERE id = ?').get(id) as { status: string }).status;
    // The HTTP layer's call: the raw body as received, to the provider its path names.
    const handler = {
      submit: (body: string, headers: Record<string, string>) => ingest.submit({ provider: 'alipay', rawBody: Buffer.from(body), headers }),
      drain: () => ingest.drain(),
    };
    return { store, handler, seen, committedRaw, committedStatus, stream };
  }

  /** A notification body "out=PD3&amount=103" parsed by a fake provider (the signature is not the point here). */
  const notice = (fields: Record<string, string>): VerifiedNotification => ({
    notifyId: fields.nid ?? null,
    outTradeNo: fields.out as string,
    totalFen: Number(fields.amount),
    facts: { state: 'PAID', tradeNo: `T${fields.out}`, totalFen: Number(fields.amount), buyerLogonId: null, paidAt: null },
    refund: null,
  });

  it('stores every raw row durably before verifying it, answers only after the commit, one verdict each', async () => {
    const verifiedWhileCommitted: boolean[] = [];
    const env: ReturnType<typeof setup> = setup((fields) => {
      // "Verification" time: the raw row of this very notification must already be committed.
      verifiedWhileCommitted.push(env.committedRaw(new URLSearchParams(fields).toString()) >= 1);
      if (fields.forged) return { ok: false, reason: 'signature verification failed' };
      return { ok: true, notification: notice(fields) };
    });
    const bodies = [
      ...Array.from({ length: 20 }, (_, i) => `out=PD${i}&amount=${100 + i}&nid=n${i}`),
      'out=PD3&amount=103&nid=n3', // duplicate of one in the same batch
      'out=PD21&amount=121&forged=1', // forged
      'out=PD22&amount=999', // wrong amount
    ];
    const answers = await Promise.all(
      bodies.map(async (b) => {
        const a = await env.handler.submit(b, { 'content-type': 'application/x-www-form-urlencoded' });
        const out = new URLSearchParams(b).get('out') as string;
        // When the answer exists, the effect is committed (visible to the other connection).
        return { a, committedStatus: env.committedStatus(out) };
      }),
    );
    expect(verifiedWhileCommitted).toHaveLength(bodies.length);
    expect(verifiedWhileCommitted.every(Boolean)).toBe(true);
    expect(answers.slice(0, 21).map((x) => x.a.body)).toEqual(Array(21).fill('success'));
    expect(answers.slice(0, 21).every((x) => x.committedStatus === 'PAID')).toBe(true);
    expect(answers.slice(21).map((x) => x.a.body)).toEqual(['fail', 'fail']);
    expect(answers.slice(21).map((x) => x.committedStatus)).toEqual(['AWAITING_PAYMENT', 'AWAITING_PAYMENT']);
    const rows = env.store.notifications.all();
    expect(rows).toHaveLength(bodies.length);
    expect(rows.map((r) => r.verdict)).toEqual([...Array(20).fill('applied'), 'duplicate', 'rejected', 'rejected']);
    expect(rows.slice(21).map((r) => r.reason)).toEqual(['signature verification failed', 'total_amount mismatch']);
    expect(env.seen).toHaveLength(bodies.length);
    // One audit event per payment, none for the duplicate.
    expect(env.store.events.byOrder('PD3').filter((e) => e.kind === 'paid')).toHaveLength(1);
  });

  it('a notification that throws while being applied is rolled back alone and kept raw', async () => {
    const env = setup((fields) => {
      const n = notice(fields);
      if (fields.boom) {
        // Throws inside the apply step (in its savepoint), after the checks passed.
        Object.defineProperty(n, 'facts', {
          get: () => {
            throw new Error('boom');
          },
        });
      }
      return { ok: true, notification: n };
    });
    const answers = await Promise.all([
      env.handler.submit('out=PD1&amount=101', {}),
      env.handler.submit('out=PD2&amount=102&boom=1', {}),
      env.handler.submit('out=PD3&amount=103', {}),
    ]);
    expect(answers.map((a) => a.body)).toEqual(['success', 'fail', 'success']);
    expect(['PD1', 'PD2', 'PD3'].map((id) => env.committedStatus(id))).toEqual(['PAID', 'AWAITING_PAYMENT', 'PAID']);
    const rows = env.store.notifications.all();
    expect(rows.map((r) => [r.verdict, r.reason])).toEqual([
      ['applied', null],
      ['rejected', 'internal error'],
      ['applied', null],
    ]);
    expect(rows[1]?.body).toBe('out=PD2&amount=102&boom=1');
  });

  it('drain() finishes everything queued (the server awaits it on close)', async () => {
    const env = setup((fields) => ({ ok: true, notification: notice(fields) }));
    const p = env.handler.submit('out=PD5&amount=105', {});
    await env.handler.drain();
    expect(env.committedStatus('PD5')).toBe('PAID');
    expect((await p).body).toBe('success');
  });

  it('events are published only after the commit', async () => {
    const atEmit: string[] = [];
    const env: ReturnType<typeof setup> = setup((fields) => ({ ok: true, notification: notice(fields) }));
    env.stream.on('order.updated', (o) => atEmit.push(`${o.id}:${env.committedStatus(o.id)}`));
    await Promise.all([env.handler.submit('out=PD7&amount=107', {}), env.handler.submit('out=PD8&amount=108', {})]);
    expect(atEmit.sort()).toEqual(['PD7:PAID', 'PD8:PAID']);
  });
});
