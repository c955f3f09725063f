/**
 * JSON bodies as WeChat Pay v3 returns them (official docs: 查询订单 / 付款码支付 应答参数, 申请退款 /
 * 查询单笔退款 应答参数, 退款结果通知 resource). Keys in ASCII order like real answers; amounts integer fen.
 * Not modelled: promotion_detail contents (always []), scene_info / device_id echoes, refund goods_detail.
 */
import { rfc3339 } from './crypto';
import { WxEngine } from './engine';
import type { WxRefund, WxTrade } from './types';

/** JSON text with object keys in ASCII order (arrays keep their order). */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const DESC: Record<string, string> = {
  SUCCESS: '支付成功',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REFUND: '订单发生过退款',
  USERPAYING: '需要用户输入支付密码',
  REVOKED: '已撤销',
  PAYERROR: '支付失败',
};

/** A transaction as 查询订单 (and the TRANSACTION.SUCCESS resource, and a paid 付款码 answer) shows it. */
export function transactionJson(t: WxTrade): Record<string, unknown> {
  const paid = t.paidAt !== undefined;
  const body: Record<string, unknown> = {
    appid: t.appid,
    mchid: t.mchid,
    out_trade_no: t.outTradeNo,
    trade_type: t.kind === 'native' ? 'NATIVE' : 'MICROPAY',
    trade_state: t.state,
    trade_state_desc: t.stateDesc ?? DESC[t.state],
    amount: paid
      ? { total: t.totalFen, payer_total: t.totalFen, currency: 'CNY', payer_currency: 'CNY' }
      : { total: t.totalFen, currency: 'CNY', payer_currency: 'CNY' },
    promotion_detail: [],
  };
  if (WxEngine.hasTransactionId(t)) body.transaction_id = t.transactionId;
  if (paid) {
    body.bank_type = 'OTHERS';
    body.success_time = rfc3339(t.paidAt as number);
    // attach is returned once paid (付款码支付: 实际情况下只有支付完成状态才会返回该字段).
    body.attach = t.attach ?? '';
  } else if (t.kind === 'native' && t.attach !== undefined) {
    body.attach = t.attach;
  }
  if (t.payer && (paid || t.state === 'USERPAYING')) body.payer = { openid: t.payer.openid };
  return body;
}

function refundAmount(t: WxTrade, r: WxRefund): Record<string, unknown> {
  return {
    total: t.totalFen,
    refund: r.refundFen,
    from: [],
    payer_total: t.totalFen,
    payer_refund: r.refundFen,
    settlement_refund: r.refundFen,
    settlement_total: t.totalFen,
    discount_refund: 0,
    currency: 'CNY',
    refund_fee: 0,
  };
}

/** A refund as 申请退款 / 查询单笔退款 show it. */
export function refundJson(t: WxTrade, r: WxRefund): Record<string, unknown> {
  const body: Record<string, unknown> = {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: t.transactionId,
    out_trade_no: t.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    create_time: rfc3339(r.createdAt),
    status: r.status,
    funds_account: r.fundsAccount ?? 'AVAILABLE',
    amount: refundAmount(t, r),
    promotion_detail: [],
  };
  if (r.status === 'SUCCESS' && r.settledAt !== undefined) body.success_time = rfc3339(r.settledAt);
  return body;
}

/** The decrypted resource of a REFUND.* notification (退款结果通知). */
export function refundNoticeJson(t: WxTrade, r: WxRefund): Record<string, unknown> {
  const body: Record<string, unknown> = {
    mchid: t.mchid,
    out_trade_no: t.outTradeNo,
    transaction_id: t.transactionId,
    out_refund_no: r.outRefundNo,
    refund_id: r.refundId,
    refund_status: r.status,
    user_received_account: '支付用户零钱',
    amount: { total: t.totalFen, refund: r.refundFen, payer_total: t.totalFen, payer_refund: r.refundFen },
  };
  if (r.status === 'SUCCESS' && r.settledAt !== undefined) body.success_time = rfc3339(r.settledAt);
  return body;
}
