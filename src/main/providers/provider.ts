/**
 * The provider boundary (design.md "Processes and layers"): the payment services speak only this
 * interface, so WeChat Pay can be added later as another implementation. Money is integer fen here;
 * the provider converts to and from its wire format.
 */

/**
 * Every provider call ends in exactly one of three outcomes (design.md principles 4 and 8):
 * - `ok`: the provider answered, signed, and the call did what was asked;
 * - `business`: the provider answered, signed, and refused (the request had no effect);
 * - `unknown`: we cannot know whether it had an effect (timeout, 20000, SYSTEM_ERROR, HTTP 5xx,
 *   unsigned/unverifiable/unparseable body). Resolve by query, never by guessing.
 */
export type ProviderResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'business'; code: string; subCode: string | null; message: string }
  | { kind: 'unknown'; reason: string; message: string };

export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED';

/** What the provider says about a trade. */
export interface TradeFacts {
  status: TradeStatus;
  tradeNo: string | null;
  totalFen: number | null;
  buyerLogonId: string | null;
  /** Epoch ms of the payment, when the provider said it. */
  paidAt: number | null;
}

export interface CreateTradeInput {
  outTradeNo: string;
  amountFen: number;
  subject: string;
  /** Whole minutes, ≥ 1 (Alipay's `timeout_express`). */
  timeoutMinutes: number;
  notifyUrl: string | null;
}

/** Result of a 付款码 payment request. */
export type BarcodeOutcome = { state: 'paid'; facts: TradeFacts } | { state: 'confirming' };

export interface RefundInput {
  outTradeNo: string;
  outRequestNo: string;
  amountFen: number;
  reason: string | null;
}

/** A provider notification, already parsed and schema-checked, not yet matched against an order. */
export interface ProviderNotification {
  notifyId: string | null;
  appId: string;
  sellerId: string | null;
  outTradeNo: string;
  totalFen: number;
  facts: TradeFacts;
  /** Refund fields (partial refund: TRADE_SUCCESS + these; full refund: TRADE_CLOSED + these). */
  refund: { outRequestNo: string | null; cumulativeFen: number; at: number | null } | null;
}

export interface PaymentProvider {
  readonly name: string;
  /** QR checkout (alipay.trade.precreate). */
  precreate(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>>;
  /** 付款码 (alipay.trade.pay). */
  payWithCode(input: CreateTradeInput & { authCode: string }): Promise<ProviderResult<BarcodeOutcome>>;
  /** Pay link (alipay.trade.page.pay GET URL); built locally, no request is sent. */
  pagePayUrl(input: CreateTradeInput): string;
  /** alipay.trade.query. A trade that does not exist yet is `business` with subCode ACQ.TRADE_NOT_EXIST. */
  query(outTradeNo: string): Promise<ProviderResult<TradeFacts>>;
  /** alipay.trade.close. */
  close(outTradeNo: string): Promise<ProviderResult<void>>;
  /** alipay.trade.cancel (撤销; refunds the buyer if the trade was paid meanwhile). */
  cancel(outTradeNo: string): Promise<ProviderResult<{ action: string | null; retry: boolean }>>;
  /** alipay.trade.refund. `fundChange` false = "N": not proof of anything, resolve by query. */
  refund(input: RefundInput): Promise<ProviderResult<{ fundChange: boolean; cumulativeFen: number | null }>>;
  /** alipay.trade.fastpay.refund.query: `succeeded` false = the provider has no successful refund for this number. */
  refundQuery(outTradeNo: string, outRequestNo: string): Promise<ProviderResult<{ succeeded: boolean; amountFen: number | null }>>;
  /**
   * Verify and parse a notification from its form fields (values decoded once). Returns a reason
   * string when the signature or the schema is bad.
   */
  parseNotification(fields: Record<string, string>): { ok: true; value: ProviderNotification } | { ok: false; reason: string };
}
