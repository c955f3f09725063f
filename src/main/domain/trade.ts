/**
 * What a provider says about a trade, in words every provider can be translated into. The payment
 * services decide on these alone; each provider adapter maps its own states and error codes onto them
 * (docs/architecture.md, "The provider port").
 */

/**
 * The state of one trade at the provider.
 * - NOT_FOUND: the provider has no such trade (nobody scanned the QR yet, or it never reached it);
 * - WAITING: created, not paid;
 * - USER_PAYING: a 付款码 payment the buyer is still confirming on the phone;
 * - PAID: the money moved to the merchant (also "finished": paid and no longer refundable);
 * - CLOSED: will never be paid (closed, expired, cancelled, failed) — or, with refund facts, a paid
 *   trade that was refunded in full (some providers report a fully refunded trade as closed);
 * - REFUNDED: paid, then refunded (in part or in full) — a refund implies a payment.
 */
export type TradeState = 'NOT_FOUND' | 'WAITING' | 'USER_PAYING' | 'PAID' | 'CLOSED' | 'REFUNDED';

/** What the provider says about a trade. */
export interface TradeFacts {
  state: TradeState;
  /** The provider's own trade number, once it has one. */
  tradeNo: string | null;
  totalFen: number | null;
  /** A masked buyer account or id the provider shows the merchant, when it gives one. */
  buyerLogonId: string | null;
  /** Epoch ms of the payment, when the provider said it. */
  paidAt: number | null;
}

/**
 * Why a provider refused a request (it answered, signed, and the request had no effect).
 * - NOT_FOUND: no such trade / refund at the provider;
 * - PAID_ALREADY: the trade is paid (a close or a cancel came too late);
 * - CLOSED_ALREADY: the trade is closed or cancelled;
 * - INSUFFICIENT_FUNDS: the buyer (付款码) or the merchant (refund) has not enough money;
 * - CODE_INVALID: the 付款码 is expired, used or not a code of this provider;
 * - REFUND_EXCEEDS: the refund is more than is left to refund;
 * - DECLINED: any other definite refusal of a payment (risk control, limits, the buyer said no);
 * - UNKNOWN: a refusal the adapter has no word for (the message says what it was).
 */
export type FailureReason = 'NOT_FOUND' | 'PAID_ALREADY' | 'CLOSED_ALREADY' | 'INSUFFICIENT_FUNDS' | 'CODE_INVALID' | 'REFUND_EXCEEDS' | 'DECLINED' | 'UNKNOWN';

/**
 * Every provider call ends in exactly one of three outcomes:
 * - `ok`: the provider answered, the answer is authentic, and the call did what was asked;
 * - `business`: the provider answered, authentic, and refused: the request had no effect;
 * - `unknown`: we cannot know whether it had an effect (timeout, a system error, HTTP 5xx, an
 *   unsigned, unverifiable or unparseable body). Resolve it by query, never by guessing.
 * `code` and `subCode` are the provider's own codes, kept for the audit trail and the log only.
 */
export type ProviderResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'business'; failure: FailureReason; code: string; subCode: string | null; message: string }
  | { kind: 'unknown'; reason: string; message: string };
