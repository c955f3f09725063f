import { z } from 'zod';
import { parseYuan, parseYuanAllowZero } from '../../shared/money';
import { parseAlipayTime, tradeFactsFrom } from './alipay-parse';
import type { ProviderNotification } from './provider';

const yuan = z.string().regex(/^\d{1,9}(\.\d{1,2})?$/);

/**
 * The notify fields PayDesk relies on (protocols.md D). Everything else in the form is ignored (but was
 * signed and is kept in the raw inbox).
 */
const notifySchema = z.object({
  notify_id: z.string().max(128).optional(),
  app_id: z.string().min(1).max(64),
  seller_id: z.string().max(64).optional(),
  out_trade_no: z.string().min(1).max(64),
  trade_no: z.string().max(64).optional(),
  trade_status: z.enum(['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED']),
  total_amount: yuan,
  buyer_logon_id: z.string().max(100).optional(),
  gmt_payment: z.string().optional(),
  refund_fee: yuan.optional(),
  out_biz_no: z.string().max(64).optional(),
  gmt_refund: z.string().optional(),
});

/**
 * Verify (signature first, with the Alipay public key) and parse an Alipay async notification.
 * `verify` is alipay-sdk's `checkNotifySignV2` (or its proven-equivalent, alipay-notify-verify.ts) — on raw values (the form decoded once), not
 * `checkNotifySign`, which decodes twice and throws on '%' (protocols.md D, SDK issue #45).
 */
export function parseAlipayNotification(
  fields: Record<string, string>,
  verify: (fields: Record<string, string>) => boolean,
): { ok: true; value: ProviderNotification } | { ok: false; reason: string } {
  if (!fields.sign) return { ok: false, reason: 'unsigned notification' };
  let verified = false;
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
      notifyId: f.notify_id ?? null,
      appId: f.app_id,
      sellerId: f.seller_id ?? null,
      outTradeNo: f.out_trade_no,
      totalFen,
      facts: tradeFactsFrom(f),
      refund:
        refundFen !== null && refundFen > 0
          ? { outRequestNo: f.out_biz_no ?? null, cumulativeFen: refundFen, at: parseAlipayTime(f.gmt_refund) }
          : null,
    },
  };
}
