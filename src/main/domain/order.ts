/**
 * The domain: what an order and a refund are, whichever provider carries them. No I/O, no provider
 * names; money is integer fen. docs/architecture.md explains the states and who may change them.
 */

/** A payment provider's stable id: the `/notify/<id>` path segment and the orders.provider column. */
export type ProviderId = string;

/** Where the money is real: the embedded emulator (demo), a provider's sandbox, or production. */
export type Environment = 'demo' | 'sandbox' | 'production';

export type OrderStatus = 'AWAITING_PAYMENT' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'CLOSED' | 'FAILED';

/** qr = a QR code the buyer scans; code = 付款码, the cashier scans the buyer's code; link = a pay page URL. */
export type OrderMethod = 'qr' | 'code' | 'link';

/** PENDING = committed, request not yet answered; UNKNOWN = outcome unknown, being resolved by query. */
export type RefundStatus = 'PENDING' | 'SUCCESS' | 'UNKNOWN' | 'FAILED';

export type EventSource = 'user' | 'notify' | 'poll' | 'sweep' | 'system';

/** How a refund was authorised: the manager PIN was given and checked, or none was needed. */
export type RefundAuthorization = 'manager_pin' | 'none';

export interface Refund {
  /** The refund number sent to the provider: committed before the call and reused by every retry. */
  id: string;
  orderId: string;
  amountFen: number;
  reason: string | null;
  status: RefundStatus;
  createdAt: number;
  settledAt: number | null;
  /** Bilingual, cashier-readable; set when FAILED (or while UNKNOWN, the last reason). */
  message: string | null;
}

export interface Order {
  /** The merchant order number sent to the provider (out_trade_no), at most 32 characters. */
  id: string;
  method: OrderMethod;
  status: OrderStatus;
  amountFen: number;
  refundedFen: number;
  subject: string;
  qrCode: string | null;
  payUrl: string | null;
  tradeNo: string | null;
  buyerLogonId: string | null;
  /** The notify_url this order was created with (a later tunnel URL applies to new orders only). */
  notifyUrl: string | null;
  createdAt: number;
  paidAt: number | null;
  expiresAt: number | null;
  closedAt: number | null;
  /** 付款码 only: true while the buyer is confirming on the phone (10003) — UI shows 用户支付中…. */
  userPaying: boolean;
  /** Bilingual reason for FAILED / CLOSED (declined, cancelled, expired…). */
  message: string | null;
  /** Paid after PayDesk had cancelled / closed it (a late scan): warn loudly and offer the refund. */
  latePayment: 'after_cancel' | 'after_close' | null;
  refunds: Refund[];
  /** The environment and app the order was created with ('unknown' / '' before they were recorded). */
  environment: 'demo' | 'sandbox' | 'production' | 'unknown';
  appId: string;
  /** The provider that carries the trade ('alipay', 'wechat', …; a ProviderId). */
  provider: ProviderId;
  /** True when it belongs to another environment or app than this core's: shown, never touched. */
  foreign: boolean;
  /** 双码: the other order of the same sale (the other provider's QR); null for an ordinary order. */
  pairedWith: string | null;
}

export interface OrderEvent {
  id: number;
  orderId: string;
  source: EventSource;
  kind: string;
  payload: Record<string, unknown>;
  at: number;
}
