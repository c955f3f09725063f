/**
 * Records of the emulated WeChat Pay (official docs: 查询订单 trade_state, 查询单笔退款 status). Money is
 * integer fen; times are emulated epoch ms (the shared ScaledClock).
 * Not modelled: promotion / discount records, sub-merchants (partner mode).
 */

/** trade_state of 查询订单. */
export type WxTradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'REVOKED' | 'PAYERROR';

/** status of 申请退款 / 查询单笔退款. */
export type WxRefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

/** A WeChat buyer as the merchant sees it (openid under the merchant's appid). */
export interface WxBuyer {
  openid: string;
  name: string;
}

/** One refund. */
export interface WxRefund {
  outRefundNo: string;
  refundId: string;
  status: WxRefundStatus;
  refundFen: number;
  reason?: string;
  notifyUrl?: string;
  fundsAccount?: string;
  createdAt: number;
  /** when status became SUCCESS / CLOSED / ABNORMAL */
  settledAt?: number;
}

/** A transaction (Native or 付款码). */
export interface WxTrade {
  mchid: string;
  appid: string;
  outTradeNo: string;
  transactionId: string;
  kind: 'native' | 'codepay';
  state: WxTradeState;
  /** trade_state_desc of failures (PAYERROR …). */
  stateDesc?: string;
  totalFen: number;
  description: string;
  attach?: string;
  goodsTag?: string;
  notifyUrl?: string;
  /** the `pr` of code_url and the customer page token */
  token: string;
  createdAt: number;
  /** Native: time_expire (default 2 h); payment is refused after it, the state stays NOTPAY. */
  expiresAt: number;
  paidAt?: number;
  closedAt?: number;
  payer?: WxBuyer;
  authCode?: string;
  /** 付款码 USERPAYING: when the buyer confirms (undefined = never). */
  confirmAt?: number;
  /** Native: when the buyer last opened the QR / declined it (the state stays NOTPAY). */
  scannedAt?: number;
  declinedAt?: number;
  /** the request body fingerprint of the creating call (a repeat must match). */
  fingerprint: string;
  refunds: WxRefund[];
}
