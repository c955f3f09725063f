import { parseYuanAllowZero } from '../../../shared/money';
import type { TradeFacts, TradeState } from '../../domain';

/** Alipay's trade_status values. */
export const ALIPAY_TRADE_STATUSES = ['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED'] as const;
export type AlipayTradeStatus = (typeof ALIPAY_TRADE_STATUSES)[number];

/**
 * Alipay's trade_status in the neutral words: TRADE_FINISHED is paid and no longer refundable, still a
 * payment; TRADE_CLOSED is unpaid-and-closed, or (with refund fields) a paid trade refunded in full.
 */
const STATE: Readonly<Record<AlipayTradeStatus, TradeState>> = {
  WAIT_BUYER_PAY: 'WAITING',
  TRADE_SUCCESS: 'PAID',
  TRADE_FINISHED: 'PAID',
  TRADE_CLOSED: 'CLOSED',
};

/** Yuan string from Alipay → fen, or null when absent/unparseable (strict: no floats, money.ts). */
export function fenOrNull(yuan: string | undefined): number | null {
  if (yuan === undefined || yuan === '') return null;
  try {
    return parseYuanAllowZero(yuan);
  } catch {
    return null;
  }
}

const ALIPAY_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/**
 * Alipay times (`gmt_payment`, `send_pay_date`, `gmt_refund`: `yyyy-MM-dd HH:mm:ss[.S]`) are Beijing
 * time (UTC+8) with no zone marker. Returns epoch ms or null.
 */
export function parseAlipayTime(s: string | undefined): number | null {
  if (!s) return null;
  const m = ALIPAY_TIME.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se, ms] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h) - 8, Number(mi), Number(se), Number((ms ?? '0').padEnd(3, '0')));
  return Number.isFinite(utc) ? utc : null;
}

/** Build TradeFacts from a query response / notification (snake_case Alipay fields). */
export function tradeFactsFrom(f: {
  trade_status: AlipayTradeStatus;
  trade_no?: string | undefined;
  total_amount?: string | undefined;
  buyer_logon_id?: string | undefined;
  send_pay_date?: string | undefined;
  gmt_payment?: string | undefined;
}): TradeFacts {
  return {
    state: STATE[f.trade_status],
    tradeNo: f.trade_no || null,
    totalFen: fenOrNull(f.total_amount),
    buyerLogonId: f.buyer_logon_id || null,
    paidAt: parseAlipayTime(f.gmt_payment ?? f.send_pay_date),
  };
}
