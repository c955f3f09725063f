/**
 * The provider port: everything the payment services need from a payment provider, and nothing more.
 * An adapter (src/main/providers/<id>/) implements it; the services never see a provider's wire
 * format, state names or error codes. Money is integer fen; the adapter converts.
 * docs/architecture.md ("The provider port") describes each call's contract.
 */
import type { Environment, OrderMethod, ProviderId } from './order';
import type { ProviderResult, TradeFacts } from './trade';

export interface CreateTradeInput {
  outTradeNo: string;
  amountFen: number;
  subject: string;
  /** How long the trade may be paid, whole minutes, at least 1. */
  timeoutMinutes: number;
  /**
   * The order's own expiry (epoch ms), as stored on the order row: fixed when the order is created, so a
   * request re-sent later (another process, after a restart) states the very same deadline.
   */
  expiresAt: number;
  /** Where the provider should send notifications for this trade; null = poll only. */
  notifyUrl: string | null;
}

/** The outcome of a 付款码 payment request that the provider accepted. */
export type BarcodeOutcome = { state: 'paid'; facts: TradeFacts } | { state: 'confirming' };

/** What cancel (撤销 / reverse) did: `retry` = the provider asks to call again. */
export interface CancelOutcome {
  /** The provider's word for what happened ('close', 'refund', …), for the audit trail; null = none given. */
  action: string | null;
  retry: boolean;
}

export interface RefundInput {
  outTradeNo: string;
  outRequestNo: string;
  amountFen: number;
  /** The order's total, which some providers require beside the refund amount. */
  totalFen: number;
  reason: string | null;
  notifyUrl: string | null;
}

/**
 * A refund request the provider accepted: SUCCESS = the money moved; PENDING = accepted but not yet
 * confirmed (an asynchronous refund, or an answer that proves nothing): resolve it by refundQuery or a
 * notification.
 */
export interface RefundAccepted {
  state: 'SUCCESS' | 'PENDING';
  /** The trade's refunded total after this refund, when the provider says it. */
  cumulativeFen: number | null;
}

/** The provider's view of one refund. FAILED = it will never move money (closed, abnormal). */
export interface RefundFacts {
  state: 'SUCCESS' | 'PENDING' | 'NOT_FOUND' | 'FAILED';
  amountFen: number | null;
}

/** Refund facts carried by a notification. */
export interface RefundNotice {
  /** Our refund number, when the provider echoes it (a refund made elsewhere may have none). */
  outRequestNo: string | null;
  state: 'SUCCESS' | 'FAILED';
  /** This refund's amount, when given. */
  amountFen: number | null;
  /** The trade's refunded total so far, when given. */
  cumulativeFen: number | null;
  at: number | null;
}

/** A notification whose signature, freshness and merchant identity the adapter has verified. */
export interface VerifiedNotification {
  /** The provider's id of the notice, for de-duplication (null when it gives none). */
  notifyId: string | null;
  outTradeNo: string;
  /** The trade total the notice states, checked by the services against the order. */
  totalFen: number | null;
  /** Trade facts, or null when the notice is about a refund only. */
  facts: TradeFacts | null;
  refund: RefundNotice | null;
}

/** The raw HTTP request of a notification, exactly as received. */
export interface NotificationRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: Buffer;
}

/**
 * The result of verifying a notification. A rejection names why (for the stored record and the log);
 * `detail` carries what a cashier may need to fix a setting (e.g. the merchant id the provider sent).
 */
export type NotificationCheck =
  | { ok: true; notification: VerifiedNotification }
  | {
      ok: false;
      reason: string;
      detail?: Record<string, string>;
      /**
       * The merchant order number the notice names, when it could be read (kept on the stored record so
       * a refused notice can be found by order). Added beside `reason`: a notice refused for its
       * merchant identity is still about one of our orders, and the inbox has always recorded which.
       */
      outTradeNo?: string | null;
    };

/**
 * How the services ended with a notification: `accepted` = applied or already known (stop sending);
 * `rejected` = not authentic or does not match (the provider may retry; nothing changed);
 * `retry` = we could not process it now (ask for it again).
 */
export type NotificationVerdict = 'accepted' | 'rejected' | 'retry';

/** The HTTP answer to a notification, in the provider's own format. */
export interface NotificationAck {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface PaymentProvider {
  /** The stable id: the orders.provider value and the `/notify/<id>` path segment. */
  readonly id: ProviderId;
  /** The order methods this provider can carry. */
  readonly methods: readonly OrderMethod[];
  /** The environment and merchant account this adapter talks to: scopes which orders it may touch. */
  readonly environment: Environment;
  readonly accountId: string;
  /** A QR code for the buyer to scan. */
  createQr(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>>;
  /** 付款码: charge the code the cashier scanned. */
  payWithCode(input: CreateTradeInput & { authCode: string }): Promise<ProviderResult<BarcodeOutcome>>;
  /** A pay page URL (only when `methods` has 'link'). */
  createLink(input: CreateTradeInput): Promise<ProviderResult<{ url: string }>>;
  /** A trade the provider does not know is `business` with failure NOT_FOUND. */
  query(outTradeNo: string): Promise<ProviderResult<TradeFacts>>;
  /** Close an unpaid QR or link trade. */
  close(outTradeNo: string): Promise<ProviderResult<void>>;
  /** Cancel (撤销 / reverse) a trade: closes it if unpaid, refunds the buyer if it was paid meanwhile. */
  cancel(outTradeNo: string): Promise<ProviderResult<CancelOutcome>>;
  refund(input: RefundInput): Promise<ProviderResult<RefundAccepted>>;
  refundQuery(outTradeNo: string, outRequestNo: string): Promise<ProviderResult<RefundFacts>>;
  /** Verify a notification (signature, freshness, decryption, merchant identity) and parse it. */
  verifyNotification(request: NotificationRequest): Promise<NotificationCheck>;
  /** The HTTP answer the provider expects for a verdict. */
  ack(verdict: NotificationVerdict): NotificationAck;
}
