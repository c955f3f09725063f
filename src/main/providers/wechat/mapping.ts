/**
 * Every translation between WeChat Pay v3 and the provider port, in one place: the answer schemas we rely
 * on (zod), trade_state → TradeState, error codes → FailureReason, refund status → refund facts, and
 * times. A change of the port is followed here.
 */
import { z } from 'zod';
import type { FailureReason, ProviderResult, RefundFacts, TradeFacts, TradeState } from '../../domain';
import type { WxReply } from './client';
import { UNKNOWN_MESSAGES, wechatMessage } from './messages';

const fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** 查询订单 / 付款码支付 (paid) / TRANSACTION.SUCCESS resource: the fields we use. */
export const transactionSchema = z.object({
  appid: z.string().min(1),
  mchid: z.string().min(1),
  out_trade_no: z.string().min(1),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.enum(['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR']),
  success_time: z.string().optional(),
  payer: z.object({ openid: z.string().optional() }).optional(),
  amount: z.object({ total: fen, payer_total: fen.optional() }),
});
export type WxTransaction = z.infer<typeof transactionSchema>;

/** 申请退款 / 查询单笔退款 answers. */
export const refundSchema = z.object({
  out_refund_no: z.string().min(1),
  out_trade_no: z.string().min(1),
  status: z.enum(['SUCCESS', 'PROCESSING', 'CLOSED', 'ABNORMAL']),
  amount: z.object({ refund: fen, total: fen }),
});

/** The REFUND.* notification resource (退款结果通知). */
export const refundResourceSchema = z.object({
  mchid: z.string().min(1),
  out_trade_no: z.string().min(1),
  out_refund_no: z.string().min(1),
  refund_status: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']),
  success_time: z.string().optional(),
  amount: z.object({ total: fen, refund: fen }),
});

export const nativeSchema = z.object({ code_url: z.string().min(1) });
export const errorSchema = z.object({ code: z.string().min(1), message: z.string().optional() });

const TRADE_STATES: Record<WxTransaction['trade_state'], TradeState> = {
  SUCCESS: 'PAID',
  REFUND: 'REFUNDED',
  NOTPAY: 'WAITING',
  USERPAYING: 'USER_PAYING',
  CLOSED: 'CLOSED',
  REVOKED: 'CLOSED',
  PAYERROR: 'CLOSED',
};

/** Epoch ms of an RFC 3339 time (`2026-12-01T16:18:12+08:00`); null when absent or malformed. */
export function parseTime(text: string | undefined): number | null {
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** RFC 3339 in Beijing time, as WeChat writes it (time_expire). */
export function rfc3339(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

export function tradeFacts(t: WxTransaction): TradeFacts {
  return {
    state: TRADE_STATES[t.trade_state],
    tradeNo: t.transaction_id ?? null,
    totalFen: t.amount.total,
    buyerLogonId: t.payer?.openid ?? null,
    paidAt: parseTime(t.success_time),
  };
}

/** Refund status of an answer → the port's refund facts state. */
export function refundState(status: 'SUCCESS' | 'PROCESSING' | 'CLOSED' | 'ABNORMAL'): RefundFacts['state'] {
  if (status === 'SUCCESS') return 'SUCCESS';
  return status === 'PROCESSING' ? 'PENDING' : 'FAILED';
}

/** Which call an error came from: some codes mean different things per call. */
export type WxCall = 'native' | 'codepay' | 'query' | 'close' | 'reverse' | 'refund' | 'refund-query';

/** Codes whose outcome is unknown: the request may have been processed. */
const UNKNOWN_CODES = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'BANK_ERROR', 'BANKERROR']);

/** Error code (+ WeChat's message) → the port's failure reason. */
export function failureOf(call: WxCall, code: string, message: string): FailureReason {
  switch (code) {
    case 'ORDER_NOT_EXIST':
    case 'ORDERNOTEXIST':
    case 'RESOURCE_NOT_EXISTS':
      return 'NOT_FOUND';
    case 'ORDERPAID':
      return 'PAID_ALREADY';
    case 'ORDERCLOSED':
    case 'ORDER_CLOSED':
    case 'ORDERREVERSED':
      return 'CLOSED_ALREADY';
    case 'NOTENOUGH':
    case 'NOT_ENOUGH':
      return 'INSUFFICIENT_FUNDS';
    case 'AUTH_CODE_INVALID':
    case 'AUTHCODEEXPIRE':
    case 'AUTH_CODE_ERROR':
      return 'CODE_INVALID';
    case 'TRADE_ERROR':
    case 'RULE_LIMIT':
    case 'BUYER_MISMATCH':
      return call === 'codepay' ? 'DECLINED' : 'UNKNOWN';
    case 'PARAM_ERROR':
      // A malformed 付款码 is refused as a parameter error on /body/payer/auth_code.
      return call === 'codepay' && message.includes('auth_code') ? 'CODE_INVALID' : 'UNKNOWN';
    case 'INVALID_REQUEST':
      // v3 reports these business rules as INVALID_REQUEST and says which in the message.
      if (call === 'codepay' && message.includes('付款码')) return 'CODE_INVALID';
      if (call === 'refund' && /退款金额|可退金额|超过/.test(message)) return 'REFUND_EXCEEDS';
      if ((call === 'refund' || call === 'reverse') && /撤销|关闭/.test(message)) return 'CLOSED_ALREADY';
      return 'UNKNOWN';
    default:
      return 'UNKNOWN';
  }
}

/**
 * A reply that is not the expected success: a signed error answer → `business` (or `unknown` for
 * SYSTEM_ERROR, BANK_ERROR and any 5xx); no trustworthy answer → `unknown`.
 */
export function notOk(call: WxCall, reply: WxReply): ProviderResult<never> {
  if (reply.kind === 'failed') {
    return { kind: 'unknown', reason: reply.failure, message: UNKNOWN_MESSAGES[reply.failure] };
  }
  const err = errorSchema.safeParse(reply.body);
  if (!err.success) return malformed();
  const { code } = err.data;
  const message = err.data.message ?? '';
  if (reply.status >= 500 || UNKNOWN_CODES.has(code)) {
    return { kind: 'unknown', reason: code, message: wechatMessage(code, message || null) };
  }
  return { kind: 'business', failure: failureOf(call, code, message), code, subCode: null, message: wechatMessage(code, message || null) };
}

export function malformed(): ProviderResult<never> {
  return { kind: 'unknown', reason: 'malformed', message: UNKNOWN_MESSAGES.malformed };
}

/** Is this reply a signed error answer with this code? */
export function hasCode(reply: WxReply, code: string): boolean {
  if (reply.kind !== 'answer' || reply.status < 400) return false;
  const err = errorSchema.safeParse(reply.body);
  return err.success && err.data.code === code;
}
