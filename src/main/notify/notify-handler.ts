import type { AlipayConfig, Clock, EventSource, Logger, NotificationSeen } from '../payments/api';
import type { Ledger } from '../payments/ledger';
import { applyTradeFactsTx } from '../payments/reconcile';
import type { PaymentProvider } from '../providers/provider';
import type { NotificationVerdict, Store } from '../store';

/** What the HTTP layer answers. Alipay retries unless the body is exactly `success` (protocols.md D). */
export interface NotifyAnswer {
  status: number;
  body: 'success' | 'fail';
}

/**
 * Ingests one provider notification (issue 3 "Notify server", design.md principles 3 and 6):
 * 1. store it raw (body, headers, time) — before anything else;
 * 2. verify the signature with the Alipay public key (checkNotifySignV2) and zod-check the fields;
 * 3. check app_id, out_trade_no (ours), total_amount (= the order's), seller_id;
 * 4. apply in ONE transaction together with the verdict, then answer `success`.
 * A failed check keeps the raw row with verdict `rejected` and its reason, changes no order, answers `fail`.
 */
export class NotifyHandler {
  private last: NotificationSeen | null = null;

  constructor(
    private readonly deps: {
      store: Store;
      ledger: Ledger;
      provider: PaymentProvider;
      alipay: Pick<AlipayConfig, 'appId' | 'sellerId'>;
      clock: Clock;
      logger: Logger;
      onSeen: (seen: NotificationSeen) => void;
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

  handle(body: string, headers: Record<string, unknown>): NotifyAnswer {
    const { store, clock } = this.deps;
    const receivedAt = clock.now();
    const rowId = store.notifications.insertRaw(receivedAt, body, headers);
    let verdict: { verdict: NotificationVerdict; reason: string | null; orderId: string | null; notifyId: string | null };
    try {
      verdict = this.process(rowId, body);
    } catch (err) {
      // Unexpected (e.g. the database is busy): keep the raw row, let Alipay retry later.
      this.deps.logger.error('notify processing failed', { rowId, error: err instanceof Error ? err.message : String(err) });
      verdict = { verdict: 'rejected', reason: 'internal error', orderId: null, notifyId: null };
      store.notifications.setVerdict(rowId, { ...verdict, at: clock.now() });
    }
    const seen: NotificationSeen = {
      at: receivedAt,
      verdict: verdict.verdict === 'pending' ? 'rejected' : verdict.verdict,
      reason: verdict.reason,
      orderId: verdict.orderId,
    };
    this.last = seen;
    this.deps.onSeen(seen);
    if (verdict.verdict === 'rejected') {
      this.deps.logger.warn('notification rejected', { rowId, reason: verdict.reason, orderId: verdict.orderId });
      return { status: 200, body: 'fail' };
    }
    return { status: 200, body: 'success' };
  }

  private process(rowId: number, body: string) {
    const { store, ledger, provider, alipay, clock } = this.deps;
    const reject = (reason: string, orderId: string | null = null, notifyId: string | null = null) => {
      const v = { verdict: 'rejected' as const, reason, orderId, notifyId };
      store.notifications.setVerdict(rowId, { ...v, at: clock.now() });
      return v;
    };
    const fields = parseForm(body);
    if (!fields) return reject('malformed form body');
    const parsed = provider.parseNotification(fields);
    if (!parsed.ok) return reject(parsed.reason, typeof fields.out_trade_no === 'string' ? fields.out_trade_no.slice(0, 64) : null);
    const n = parsed.value;
    // Signed by Alipay is not enough: it must be about OUR app, OUR order, at OUR amount, for OUR seller.
    if (n.appId !== alipay.appId) return reject('app_id mismatch', n.outTradeNo, n.notifyId);
    const order = store.orders.get(n.outTradeNo);
    if (!order) return reject('unknown out_trade_no', null, n.notifyId);
    if (n.totalFen !== order.amountFen) return reject('total_amount mismatch', order.id, n.notifyId);
    if (n.sellerId !== alipay.sellerId) return reject('seller_id mismatch', order.id, n.notifyId);

    const source: EventSource = 'notify';
    return ledger.run((ch) => {
      const changed = applyTradeFactsTx(store, ledger, ch, order.id, n.facts, n.refund, source);
      const v = { verdict: changed ? ('applied' as const) : ('duplicate' as const), reason: null, orderId: order.id, notifyId: n.notifyId };
      store.notifications.setVerdict(rowId, { ...v, at: clock.now() });
      return v;
    });
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
