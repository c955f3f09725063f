import type { Clock, Logger } from '../kernel';
import type { NotificationVerdict as StoredVerdict, Store } from '../store';
import type { EventSource, NotificationAck, NotificationCheck, NotificationSeen, NotificationVerdict, PaymentProvider, ProviderId } from './api';
import { owns } from './context';
import { Changes, type Ledger } from './ledger';
import { applyTradeFactsTx } from './reconcile';

/** Upper bound of one group commit: bounds the latency one notification can add to the others. */
export const MAX_BATCH = 256;

/** A notification as the HTTP layer received it. */
export interface IncomingNotification {
  provider: ProviderId;
  rawBody: Buffer;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

interface Incoming extends IncomingNotification {
  resolve: (ack: NotificationAck) => void;
}
interface Stored extends Incoming {
  rowId: number;
  receivedAt: number;
}
interface Verified extends Stored {
  check: NotificationCheck;
}
interface Verdict {
  verdict: StoredVerdict;
  reason: string | null;
  orderId: string | null;
  notifyId: string | null;
  /** From a rejection by the adapter: what a cashier may need to fix a setting. */
  detail?: Record<string, string>;
}

/**
 * Ingests provider notifications, whichever provider sent them:
 * 1. store it raw (provider, body, headers, time) and commit — before anything else;
 * 2. let that provider's adapter verify it (signature, freshness, decryption, merchant identity) and
 *    parse it into neutral facts;
 * 3. check it against our records: our order, of this provider, in its environment and account, at
 *    our amount;
 * 4. apply it in ONE transaction together with the verdict; answer (the adapter's `ack`) only after
 *    that commit.
 * A failed check keeps the raw row with verdict `rejected` and its reason, changes no order, and is
 * answered with the adapter's rejection (the provider may retry).
 *
 * Group commit (`submit`): with synchronous=FULL every commit is an fsync, and two commits per
 * notification would cap ingest at a fraction of the verification rate. So each event-loop turn runs
 * ONE transaction that (a) applies the notifications whose raw rows an earlier turn committed and
 * whose verification has finished, and (b) stores the raw rows of the requests that arrived since.
 * One fsync per turn then serves both batches, and every guarantee above still holds per
 * notification: its raw row is durable one commit BEFORE it is verified or applied, and its answer is
 * sent only after the commit that holds its effect and verdict. Each notification is applied in its
 * own SAVEPOINT, so one that throws is rolled back alone (verdict `rejected: internal error`, the
 * provider retries) without failing the others. At low load batches are of one and nothing changes.
 */
export class NotificationIngest {
  private last: NotificationSeen | null = null;
  /** Arrived, not stored yet. */
  private incoming: Incoming[] = [];
  /** Raw rows committed and verified, to be applied by the next turn. */
  private verified: Verified[] = [];
  /** Verifications in progress (raw rows committed). */
  private readonly verifying = new Set<Promise<void>>();
  private scheduled = false;
  private readonly providers: ReadonlyMap<ProviderId, PaymentProvider>;

  constructor(
    private readonly deps: {
      store: Store;
      ledger: Ledger;
      /** The hosted providers: a notification is verified and answered by the adapter its path names. */
      providers: ReadonlyMap<ProviderId, PaymentProvider> | readonly PaymentProvider[];
      clock: Clock;
      logger: Logger;
      onSeen: (seen: NotificationSeen) => void;
    },
  ) {
    this.providers = Array.isArray(deps.providers)
      ? new Map((deps.providers as readonly PaymentProvider[]).map((p) => [p.id, p]))
      : (deps.providers as ReadonlyMap<ProviderId, PaymentProvider>);
    const row = deps.store.notifications.last();
    if (row && row.verdict !== 'pending') {
      this.last = { at: row.receivedAt, verdict: row.verdict, reason: row.reason, orderId: row.orderId, provider: row.provider };
    }
  }

  lastSeen(): NotificationSeen | null {
    return this.last;
  }

  /** Whether `/notify/<id>` names a hosted provider (anything else is answered 404 and not stored). */
  hosts(id: string): boolean {
    return this.providers.has(id);
  }

  /** Queue one notification; resolves with the provider's answer once its verdict is committed. */
  submit(n: IncomingNotification): Promise<NotificationAck> {
    const provider = this.providers.get(n.provider);
    if (!provider) return Promise.reject(new Error(`no provider ${n.provider}`));
    return new Promise((resolve) => {
      this.incoming.push({ ...n, resolve });
      this.schedule();
    });
  }

  /** Run turns until nothing is queued or being verified (the server awaits it when closing, before the store closes). */
  async drain(): Promise<void> {
    for (;;) {
      this.turn();
      if (this.verifying.size > 0) {
        await Promise.all([...this.verifying]);
        continue;
      }
      if (this.incoming.length === 0 && this.verified.length === 0) return;
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  private ack(provider: ProviderId, verdict: NotificationVerdict): NotificationAck {
    const p = this.providers.get(provider);
    return p ? p.ack(verdict) : { status: 500, headers: {}, body: '' };
  }

  private turn(): void {
    const { store, ledger, clock, logger } = this.deps;
    const toApply = this.verified;
    this.verified = [];
    const toStore = this.incoming.splice(0, MAX_BATCH);
    if (toApply.length === 0 && toStore.length === 0) return;
    const changes = new Changes();
    const receivedAt = clock.now();
    let verdicts: Verdict[];
    let rowIds: number[];
    try {
      [verdicts, rowIds] = store.tx(() => [
        this.applyAll(toApply, changes),
        toStore.map((it) => store.notifications.insertRaw(receivedAt, it.rawBody.toString('utf8'), { ...it.headers }, it.provider)),
      ]);
    } catch (err) {
      // The commit failed (disk full, I/O error, closed database): nothing of this turn is committed.
      // Raw rows of `toApply` stay `pending`; `toStore` was not stored. The provider retries both.
      logger.error('notify batch failed', { error: err instanceof Error ? err.message : String(err), batch: toApply.length + toStore.length });
      for (const it of [...toApply, ...toStore]) it.resolve(this.ack(it.provider, 'retry'));
      if (this.incoming.length > 0) this.schedule();
      return;
    }
    ledger.publish(changes);
    const stored = toStore.map((it, i): Stored => ({ ...it, rowId: rowIds[i] as number, receivedAt }));
    if (stored.length > 0) this.verify(stored);
    const acks = this.finish(toApply, verdicts);
    toApply.forEach((it, i) => it.resolve(acks[i] as NotificationAck));
    if (this.verified.length > 0 || this.incoming.length > 0) this.schedule();
  }

  /** Step 2, after the raw rows are committed and outside any transaction: each adapter verifies its own. */
  private verify(items: readonly Stored[]): void {
    const { logger } = this.deps;
    const p = Promise.all(
      items.map(async (it): Promise<Verified> => {
        const provider = this.providers.get(it.provider) as PaymentProvider;
        try {
          return { ...it, check: await provider.verifyNotification({ headers: it.headers, rawBody: it.rawBody }) };
        } catch (err) {
          logger.error('notify verification failed', { provider: it.provider, error: err instanceof Error ? err.message : String(err) });
          return { ...it, check: { ok: false, reason: 'internal error', outTradeNo: null } };
        }
      }),
    ).then((done) => {
      this.verified.push(...done);
      this.verifying.delete(p);
      this.schedule();
    });
    this.verifying.add(p);
  }

  /** Inside the caller's transaction: each notification in its own savepoint. */
  private applyAll(items: readonly Verified[], changes: Changes): Verdict[] {
    const { store, clock, logger } = this.deps;
    return items.map((it) => {
      try {
        return store.tx(() => this.apply(it, changes));
      } catch (err) {
        // Unexpected (e.g. a constraint): this one's savepoint is rolled back; keep the raw row, let
        // the provider retry later.
        logger.error('notify processing failed', { rowId: it.rowId, error: err instanceof Error ? err.message : String(err) });
        const v = { verdict: 'rejected' as const, reason: 'internal error', orderId: null, notifyId: null };
        store.notifications.setVerdict(it.rowId, { ...v, at: clock.now() });
        return v;
      }
    });
  }

  /** After the commit: remember, emit notification.received, and map verdicts to the provider's answers. */
  private finish(items: readonly Verified[], verdicts: readonly Verdict[]): NotificationAck[] {
    return verdicts.map((verdict, i) => {
      const it = items[i] as Verified;
      const seen: NotificationSeen = {
        at: it.receivedAt,
        verdict: verdict.verdict === 'pending' ? 'rejected' : verdict.verdict,
        reason: verdict.reason,
        orderId: verdict.orderId,
        provider: it.provider,
        ...(verdict.detail !== undefined ? { detail: verdict.detail } : {}),
      };
      this.last = seen;
      this.deps.onSeen(seen);
      if (verdict.verdict === 'rejected') {
        this.deps.logger.warn('notification rejected', { rowId: it.rowId, provider: it.provider, reason: verdict.reason, orderId: verdict.orderId });
        return this.ack(it.provider, 'rejected');
      }
      return this.ack(it.provider, 'accepted');
    });
  }

  /** Step 3, inside the batch transaction: the checks against our records, then the state change. */
  private apply(it: Verified, ch: Changes): Verdict {
    const { store, ledger, clock } = this.deps;
    const reject = (reason: string, orderId: string | null = null, notifyId: string | null = null): Verdict => {
      const v = { verdict: 'rejected' as const, reason, orderId, notifyId };
      store.notifications.setVerdict(it.rowId, { ...v, at: clock.now() });
      return v;
    };
    const c = it.check;
    if (!c.ok) {
      const v = reject(c.reason, c.outTradeNo ?? null);
      return c.detail !== undefined ? { ...v, detail: c.detail } : v;
    }
    const n = c.notification;
    // Authentic is not enough: it must be about OUR order, of THIS provider and scope, at OUR amount.
    const order = store.orders.get(n.outTradeNo);
    if (!order) return reject('unknown out_trade_no', null, n.notifyId);
    if (order.provider !== it.provider || !owns({ providers: this.providers }, order)) {
      return reject('order of another environment or app', order.id, n.notifyId);
    }
    if (n.totalFen !== null && n.totalFen !== order.amountFen) return reject('total_amount mismatch', order.id, n.notifyId);
    // A trade pays one order: an authentic payment of another order presented under this number is refused.
    if (n.facts?.tradeNo && store.orders.otherWithTradeNo(order.provider, n.facts.tradeNo, order.id)) {
      return reject('trade number already belongs to another order', order.id, n.notifyId);
    }

    const source: EventSource = 'notify';
    const changed = applyTradeFactsTx(store, ledger, ch, order.id, n.facts, n.refund, source);
    const v = { verdict: changed ? ('applied' as const) : ('duplicate' as const), reason: null, orderId: order.id, notifyId: n.notifyId };
    store.notifications.setVerdict(it.rowId, { ...v, at: clock.now() });
    return v;
  }
}
