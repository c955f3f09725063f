import type { Clock, Logger } from '../kernel';
import type { AlipayConfig, EventSource, NotificationSeen } from '../payments/api';
import { Changes, type Ledger } from '../payments/ledger';
import { applyTradeFactsTx } from '../payments/reconcile';
import type { PaymentProvider, ProviderNotification } from '../providers/provider';
import type { NotificationVerdict, OrderScope, Store } from '../store';
import { owns } from '../payments/context';

/** What the HTTP layer answers. Alipay retries unless the body is exactly `success` (protocols.md D). */
export interface NotifyAnswer {
  status: number;
  body: 'success' | 'fail';
}

/** Upper bound of one group commit: bounds the latency one notification can add to the others. */
export const MAX_BATCH = 256;

interface Incoming {
  body: string;
  headers: Record<string, unknown>;
  resolve: (answer: NotifyAnswer) => void;
}
interface Stored {
  rowId: number;
  receivedAt: number;
  body: string;
}
type Parsed = { ok: true; value: ProviderNotification } | { ok: false; reason: string; orderId: string | null };
interface Verdict {
  verdict: NotificationVerdict;
  reason: string | null;
  orderId: string | null;
  notifyId: string | null;
  /** Set when a validly signed notice about our order and amount was refused ONLY for its seller_id. */
  sellerIdSent?: string;
}

/**
 * Ingests provider notifications (issue 3 "Notify server", design.md principles 3 and 6):
 * 1. store it raw (body, headers, time) and commit — before anything else;
 * 2. verify the signature with the Alipay public key (checkNotifySignV2-equivalent) and zod-check the fields;
 * 3. check app_id, out_trade_no (ours), total_amount (= the order's), seller_id;
 * 4. apply in ONE transaction together with the verdict; answer `success` only after that commit.
 * A failed check keeps the raw row with verdict `rejected` and its reason, changes no order, answers `fail`.
 *
 * Group commit (issue 8, `submit`): with synchronous=FULL every commit is an fsync, and two commits per
 * notification capped ingest at a fraction of the verification rate. `submit` pipelines instead: each
 * event-loop turn runs ONE transaction that (a) applies the notifications whose raw rows were committed
 * by the previous turn and (b) stores the raw rows of the requests that arrived since. One fsync per
 * turn then serves both batches, and every guarantee above still holds per notification: its raw row
 * is durable one commit BEFORE it is verified or applied, and its answer is sent only after the commit
 * that holds its effect and verdict. Each notification is applied in its own SAVEPOINT, so one that
 * throws is rolled back alone (verdict `rejected: internal error`, Alipay retries) without failing
 * the others. Trade-off: a notification waits for two commits as before, plus the others of its batch
 * (≤ MAX_BATCH); at low load batches are of one and nothing changes.
 */
export class NotifyHandler {
  private last: NotificationSeen | null = null;
  /** Arrived, not stored yet. */
  private incoming: Incoming[] = [];
  /** Raw rows committed, to be applied by the next turn. */
  private stored: (Stored & Pick<Incoming, 'resolve'>)[] = [];
  private scheduled = false;

  constructor(
    private readonly deps: {
      store: Store;
      ledger: Ledger;
      provider: PaymentProvider;
      alipay: Pick<AlipayConfig, 'appId' | 'sellerId'>;
      clock: Clock;
      logger: Logger;
      onSeen: (seen: NotificationSeen) => void;
      /** The core's environment and app: a notification about an order of another scope changes nothing. */
      scope?: OrderScope;
    },
  ) {
    const row = deps.store.notifications.last();
    if (row && row.verdict !== 'pending') {
      this.last = { at: row.receivedAt, verdict: row.verdict, reason: row.reason, orderId: row.orderId };
    }
  }

  lastSeen(): NotificationSeen | null {
    return this.last;
  }

  /** One notification, synchronously: commit the raw row, then verify, check and apply in a second commit. */
  handle(body: string, headers: Record<string, unknown>): NotifyAnswer {
    const { store, ledger, clock } = this.deps;
    const receivedAt = clock.now();
    const rowId = store.notifications.insertRaw(receivedAt, body, headers);
    const item: Stored = { rowId, receivedAt, body };
    const parsed = [this.parse(body)];
    const changes = new Changes();
    const verdicts = store.tx(() => this.applyAll([item], parsed, changes));
    ledger.publish(changes);
    return this.finish([item], verdicts)[0] as NotifyAnswer;
  }

  /** The group-commit path the notify server uses (see the class comment). */
  submit(body: string, headers: Record<string, unknown>): Promise<NotifyAnswer> {
    return new Promise((resolve) => {
      this.incoming.push({ body, headers, resolve });
      this.schedule();
    });
  }

  /** Run turns until nothing is queued (the server calls it when closing, before the store closes). */
  drain(): void {
    while (this.incoming.length > 0 || this.stored.length > 0) this.turn();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  private turn(): void {
    const { store, ledger, clock, logger } = this.deps;
    const toApply = this.stored;
    this.stored = [];
    const toStore = this.incoming.splice(0, MAX_BATCH);
    if (toApply.length === 0 && toStore.length === 0) return;
    const parsed = toApply.map((it) => this.parse(it.body)); // signatures: CPU only, outside the transaction
    const changes = new Changes();
    const receivedAt = clock.now();
    let verdicts: Verdict[];
    let rowIds: number[];
    try {
      [verdicts, rowIds] = store.tx(() => [
        this.applyAll(toApply, parsed, changes),
        toStore.map((it) => store.notifications.insertRaw(receivedAt, it.body, it.headers)),
      ]);
    } catch (err) {
      // The commit failed (disk full, I/O error, closed database): nothing of this turn is committed.
      // Raw rows of `toApply` stay `pending`; `toStore` was not stored. Alipay retries both.
      logger.error('notify batch failed', { error: err instanceof Error ? err.message : String(err), batch: toApply.length + toStore.length });
      for (const it of [...toApply, ...toStore]) it.resolve({ status: 500, body: 'fail' });
      if (this.incoming.length > 0) this.schedule();
      return;
    }
    this.stored = toStore.map((it, i) => ({ rowId: rowIds[i] as number, receivedAt, body: it.body, resolve: it.resolve }));
    ledger.publish(changes);
    const answers = this.finish(toApply, verdicts);
    toApply.forEach((it, i) => it.resolve(answers[i] as NotifyAnswer));
    if (this.stored.length > 0 || this.incoming.length > 0) this.schedule();
  }

  /** Inside the caller's transaction: each notification in its own savepoint. */
  private applyAll(items: readonly Stored[], parsed: readonly Parsed[], changes: Changes): Verdict[] {
    const { store, clock, logger } = this.deps;
    return items.map((it, i) => {
      try {
        return store.tx(() => this.apply(it.rowId, parsed[i] as Parsed, changes));
      } catch (err) {
        // Unexpected (e.g. a constraint): this one's savepoint is rolled back; keep the raw row, let
        // Alipay retry later.
        logger.error('notify processing failed', { rowId: it.rowId, error: err instanceof Error ? err.message : String(err) });
        const v = { verdict: 'rejected' as const, reason: 'internal error', orderId: null, notifyId: null };
        store.notifications.setVerdict(it.rowId, { ...v, at: clock.now() });
        return v;
      }
    });
  }

  /** After the commit: remember, emit notification.received, and map verdicts to answers. */
  private finish(items: readonly Stored[], verdicts: readonly Verdict[]): NotifyAnswer[] {
    return verdicts.map((verdict, i) => {
      const seen: NotificationSeen = {
        at: (items[i] as Stored).receivedAt,
        verdict: verdict.verdict === 'pending' ? 'rejected' : verdict.verdict,
        reason: verdict.reason,
        orderId: verdict.orderId,
        ...(verdict.sellerIdSent !== undefined ? { sellerIdSent: verdict.sellerIdSent } : {}),
      };
      this.last = seen;
      this.deps.onSeen(seen);
      if (verdict.verdict === 'rejected') {
        this.deps.logger.warn('notification rejected', { rowId: (items[i] as Stored).rowId, reason: verdict.reason, orderId: verdict.orderId });
        return { status: 200, body: 'fail' };
      }
      return { status: 200, body: 'success' };
    });
  }

  /** Step 2: form → verified, schema-checked notification (no database access). */
  private parse(body: string): Parsed {
    try {
      const fields = parseForm(body);
      if (!fields) return { ok: false, reason: 'malformed form body', orderId: null };
      const parsed = this.deps.provider.parseNotification(fields);
      if (!parsed.ok) {
        return { ok: false, reason: parsed.reason, orderId: typeof fields.out_trade_no === 'string' ? fields.out_trade_no.slice(0, 64) : null };
      }
      return parsed;
    } catch (err) {
      this.deps.logger.error('notify parsing failed', { error: err instanceof Error ? err.message : String(err) });
      return { ok: false, reason: 'internal error', orderId: null };
    }
  }

  /** Step 3, inside the batch transaction: the checks against our records, then the state change. */
  private apply(rowId: number, p: Parsed, ch: Changes): Verdict {
    const { store, ledger, alipay, clock } = this.deps;
    const reject = (reason: string, orderId: string | null = null, notifyId: string | null = null): Verdict => {
      const v = { verdict: 'rejected' as const, reason, orderId, notifyId };
      store.notifications.setVerdict(rowId, { ...v, at: clock.now() });
      return v;
    };
    if (!p.ok) return reject(p.reason, p.orderId);
    const n = p.value;
    // Signed by Alipay is not enough: it must be about OUR app, OUR order, at OUR amount, for OUR seller.
    if (n.appId !== alipay.appId) return reject('app_id mismatch', n.outTradeNo, n.notifyId);
    const order = store.orders.get(n.outTradeNo);
    if (!order) return reject('unknown out_trade_no', null, n.notifyId);
    if (this.deps.scope && !owns(this.deps.scope, order)) return reject('order of another environment or app', order.id, n.notifyId);
    if (n.totalFen !== order.amountFen) return reject('total_amount mismatch', order.id, n.notifyId);
    if (n.sellerId !== alipay.sellerId) {
      // Signature, app_id, order and amount are right: most likely the seller id in Settings is blank or
      // wrong, and every genuine notification is refused. Say which seller id Alipay sent (console status).
      return { ...reject('seller_id mismatch', order.id, n.notifyId), sellerIdSent: n.sellerId ?? '' };
    }

    const source: EventSource = 'notify';
    const changed = applyTradeFactsTx(store, ledger, ch, order.id, n.facts, n.refund, source);
    const v = { verdict: changed ? ('applied' as const) : ('duplicate' as const), reason: null, orderId: order.id, notifyId: n.notifyId };
    store.notifications.setVerdict(rowId, { ...v, at: clock.now() });
    return v;
  }
}

/**
 * Parse an x-www-form-urlencoded body, decoding each value once (URLSearchParams: '+' → space, %XX).
 * A repeated key is refused: the signature covers one value per key, and picking one would let an
 * attacker smuggle a second, unsigned value past a lenient consumer.
 */
export function parseForm(body: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (Object.prototype.hasOwnProperty.call(out, k)) return null;
    out[k] = v;
  }
  return Object.keys(out).length ? out : null;
}
