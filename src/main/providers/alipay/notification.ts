import { z } from 'zod';
import { parseYuan, parseYuanAllowZero } from '../../../shared/money';
import type { VerifiedNotification } from '../../domain';
import { ALIPAY_TRADE_STATUSES, parseAlipayTime, tradeFactsFrom } from './parse';

const yuan = z.string().regex(/^\d{1,9}(\.\d{1,2})?$/);

/**
 * The notify fields PayDesk relies on (Alipay 异步通知参数). Everything else in the form is ignored (but
 * was signed and is kept in the raw inbox).
 */
const notifySchema = z.object({
  notify_id: z.string().max(128).optional(),
  app_id: z.string().min(1).max(64),
  seller_id: z.string().max(64).optional(),
  out_trade_no: z.string().min(1).max(64),
  trade_no: z.string().max(64).optional(),
  trade_status: z.enum(ALIPAY_TRADE_STATUSES),
  total_amount: yuan,
  buyer_logon_id: z.string().max(100).optional(),
  gmt_payment: z.string().optional(),
  refund_fee: yuan.optional(),
  out_biz_no: z.string().max(64).optional(),
  gmt_refund: z.string().optional(),
});

/** A verified Alipay notification, with the merchant identity it names (checked by the adapter). */
export interface AlipayNotification {
  appId: string;
  sellerId: string | null;
  notification: VerifiedNotification;
}

/**
 * Verify (signature first, with the Alipay public key) and parse an Alipay async notification.
 * `verify` is alipay-sdk's `checkNotifySignV2` (or its proven equivalent, notify-verify.ts) — on raw
 * values (the form decoded once), not `checkNotifySign`, which decodes twice and throws on '%'.
 * A refund notice carries `refund_fee`, the trade's CUMULATIVE refunded amount, and `out_biz_no`, the
 * refund's number (partial refund: TRADE_SUCCESS + these; full refund: TRADE_CLOSED + these).
 */
export function parseAlipayNotification(
  fields: Record<string, string>,
  verify: (fields: Record<string, string>) => boolean,
): { ok: true; value: AlipayNotification } | { ok: false; reason: string } {
  if (!fields.sign) return { ok: false, reason: 'unsigned notification' };
  let verified: boolean;
  try {
    verified = verify(fields);
  } catch {
    verified = false; // a malformed signature or key makes node:crypto throw: same verdict
  }
  if (!verified) return { ok: false, reason: 'signature verification failed' };
  const p = notifySchema.safeParse(fields);
  if (!p.success) {
    const where = p.error.issues.map((i) => i.path.join('.')).join(', ');
    return { ok: false, reason: `malformed notification (${where})` };
  }
  const f = p.data;
  let totalFen: number;
  let refundFen: number | null = null;
  try {
    totalFen = parseYuan(f.total_amount);
    if (f.refund_fee !== undefined) refundFen = parseYuanAllowZero(f.refund_fee);
  } catch {
    return { ok: false, reason: 'malformed notification (amount)' };
  }
  return {
    ok: true,
    value: {
      appId: f.app_id,
      sellerId: f.seller_id ?? null,
      notification: {
        notifyId: f.notify_id ?? null,
        outTradeNo: f.out_trade_no,
        totalFen,
        facts: tradeFactsFrom(f),
        refund:
          refundFen !== null && refundFen > 0
            ? {
                outRequestNo: f.out_biz_no ?? null,
                state: 'SUCCESS',
                amountFen: null,
                cumulativeFen: refundFen,
                at: parseAlipayTime(f.gmt_refund),
              }
            : null,
      },
    },
  };
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
