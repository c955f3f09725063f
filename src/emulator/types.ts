/**
 * Shared record types of the emulator (trades, refunds, apps, buyers). Money is integer fen
 * (docs/architecture.md, Invariants: "Money is integer fen"); times are emulated epoch ms (see clock.ts).
 */
import type { SignType } from './signing';

/** Alipay's trade_status values (统一收单交易查询, alipay.trade.query). */
export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';

/** How the trade was created: precreate QR, 付款码 (trade.pay) or page.pay link. */
export type TradeKind = 'precreate' | 'pay' | 'page';

/** A test buyer (the customer's Alipay account). */
export interface Buyer {
  /** buyer_id / buyer_user_id, 2088… */
  id: string;
  /** masked login shown to merchants, e.g. `159****5620`. */
  logonId: string;
  /** display name for the cashier pages. */
  name: string;
}

/** One refund of a trade. */
export interface RefundRecord {
  outRequestNo: string;
  refundFen: number;
  reason?: string;
  /** emulated epoch ms (gmt_refund_pay). */
  at: number;
}

/** A trade as the emulated Alipay keeps it. */
export interface TradeRecord {
  appId: string;
  outTradeNo: string;
  tradeNo: string;
  /** opaque token of the customer pages (/qr/<token>, /cashier/<token>). */
  token: string;
  kind: TradeKind;
  status: TradeStatus;
  /**
   * A precreate trade exists for query/close only once the buyer scanned it (before that Alipay answers
   * ACQ.TRADE_NOT_EXIST); trade.pay trades are scanned from the start.
   */
  scanned: boolean;
  /** Expired before anyone scanned it: to the merchant it never existed. */
  expired: boolean;
  totalFen: number;
  subject: string;
  body?: string;
  storeId?: string;
  operatorId?: string;
  terminalId?: string;
  passbackParams?: string;
  productCode?: string;
  timeoutExpress: string;
  notifyUrl?: string;
  returnUrl?: string;
  /** sign_type of the creating request: notifications and return params are signed with it. */
  signType: SignType;
  createdAt: number;
  expiresAt: number;
  scannedAt?: number;
  paidAt?: number;
  closedAt?: number;
  buyer?: Buyer;
  refunds: RefundRecord[];
  refundFen: number;
  authCode?: string;
  /** 付款码 confirm behaviour: confirm after a delay, or never (test codes 282/283). */
  confirm?: 'delayed' | 'never';
  /** Cancelled by alipay.trade.cancel (action close|refund). */
  cancelled?: 'close' | 'refund';
}

/** A registered merchant app. */
export interface AppRecord {
  appId: string;
  sellerId: string;
  /** SPKI PEM of the app public key (verifies request signatures). */
  publicKeyPem: string;
  /** Only for the default app: the key the emulator generated for it (handed out in the credentials). */
  privateKeyPem?: string;
}
