/**
 * The payment core's public surface, used by the console (the composition root). Electron-free.
 * Money is integer fen here; yuan strings appear only in the shared contract and its DTOs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../kernel';
import type { TunnelLocal } from '../http/notify-server';
import type { Order, OrderEvent, OrderMethod, OrderStatus, PaymentProvider, ProviderId, Refund, RefundAuthorization } from '../domain';

export type { Clock, Logger } from '../kernel';
export { PaymentError } from '../kernel';
export * from '../domain';

export interface ListOrdersQuery {
  status?: OrderStatus;
  /** one provider's orders only (its id, e.g. 'wechat') */
  provider?: ProviderId;
  /** createdAt range, epoch ms, [from, to). */
  from?: number;
  to?: number;
  /** search: order or trade number (whole, or its last 4+ characters, any case) or an amount ("12.34"); payments/search.ts */
  q?: string;
  /** opaque keyset cursor from a previous page. */
  cursor?: string;
  /** default 50, max 200. */
  limit?: number;
}

export interface OrderPage {
  items: Order[];
  nextCursor: string | null;
}

export interface DaySummary {
  /** local date YYYY-MM-DD */
  date: string;
  /** paid orders created that day (PAID, PARTIALLY_REFUNDED, REFUNDED). */
  count: number;
  grossFen: number;
  refundedFen: number;
  netFen: number;
  /** 24 entries, hour 0..23 local. */
  hourly: { hour: number; count: number; netFen: number }[];
  /** The same paid orders split by provider and method (only rows with sales). */
  byMethod: MethodTotals[];
}

export interface MethodTotals {
  provider: string;
  method: OrderMethod;
  count: number;
  grossFen: number;
  refundedFen: number;
  netFen: number;
}

export interface NotificationSeen {
  at: number;
  verdict: 'applied' | 'duplicate' | 'rejected';
  reason: string | null;
  orderId: string | null;
  /** The provider whose `/notify/<id>` path it came to. */
  provider?: ProviderId;
  /**
   * What the provider's adapter said a cashier may need to fix a setting, when it refused a validly
   * signed notice (e.g. `sellerIdSent`: the merchant id the notice named).
   */
  detail?: Record<string, string>;
}

export interface PaymentCoreEvents {
  'order.updated': Order;
  'refund.updated': Refund;
  'notification.received': NotificationSeen;
}

export interface PaymentCore {
  /** Validates (amountFen 1..10^10), commits the order, then calls the provider. For `code` it resolves
   *  once the outcome is definite (paid / declined / cancelled), emitting order.updated on the way. */
  createOrder(input: {
    amountFen: number;
    subject?: string;
    method: OrderMethod;
    authCode?: string;
    /** QR / link orders: how long the order may be paid (whole minutes, 1–120); default orderExpiryMs. */
    expiryMs?: number;
    /** Which hosted provider carries it (default: the first of PaymentCoreConfig.providers). */
    provider?: ProviderId;
  }): Promise<Order>;
  /**
   * 双码: one sale, a QR of each of two providers, as two linked orders (`pairedWith`) for one amount and
   * subject. Resolves with both (in the order of `providers`) once both QRs are issued; if either cannot
   * be created, the other is closed and it rejects (PAIR_CREATE_FAILED). The first paid wins and the
   * other is closed; if both are paid, the later is refunded in full automatically (payments/pairs.ts).
   */
  createPair(input: { amountFen: number; subject?: string; expiryMs?: number; providers: readonly [ProviderId, ProviderId] }): Promise<[Order, Order]>;
  /** The ids of the providers this core hosts, the default (new orders' carrier) first. Read-only. */
  providers(): ProviderId[];
  getOrder(id: string): Order | null;
  listOrders(query: ListOrdersQuery): OrderPage;
  /** Cashier cancels a waiting order (the provider's close; cancel for 付款码). */
  cancelOrder(id: string): Promise<Order>;
  /** `authorization` is recorded on the refund_requested event: 'manager_pin' when the console checked the manager PIN. */
  refund(input: { orderId: string; amountFen: number; reason?: string; authorization?: RefundAuthorization }): Promise<Refund>;
  /** The audit trail of one order, oldest first. */
  events(orderId: string): OrderEvent[];
  summary(date: string): DaySummary;
  /** notify_url given to new orders of `provider` (default: the first provider; null = poll only). */
  notifyUrl(provider?: ProviderId): string | null;
  /** http://127.0.0.1:PORT of the local notify server once started, else null. */
  localNotifyBase(): string | null;
  /** The notify server's listener for a tunnel client (held idle sockets, trouble reports) once started, else null. */
  tunnelLocal(): TunnelLocal | null;
  /**
   * Change the public base URL new orders get (tunnel came online / went away, custom URL changed):
   * a base URL, null = poll only, undefined = the local notify server. Existing orders keep theirs.
   */
  setNotifyBase(base: string | null | undefined): void;
  lastNotification(): NotificationSeen | null;
  on<K extends keyof PaymentCoreEvents>(event: K, listener: (payload: PaymentCoreEvents[K]) => void): () => void;
  /** Migrations, notify server, start-up sweep, trackers for waiting orders. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface PaymentCoreConfig {
  dbPath: string;
  /**
   * The providers this core hosts (at least one; ids unique; one environment for all). An order is
   * polled, swept, cancelled or refunded only when its provider is hosted here and it was created in
   * that adapter's environment with its account; every other order is read-only (foreign). The first
   * provider carries new orders unless createOrder names another.
   */
  providers: readonly PaymentProvider[];
  /** Give orders older than the environment columns ('unknown') to the hosted provider of their row at start. */
  adoptUnknownOrders?: boolean;
  notify: {
    /** Port of the local notify server (0 = any). */
    port?: number;
    /** Public base URL that forwards to the notify server (tunnel/custom); default = the loopback URL. null = poll only. */
    publicUrl?: string | null;
    /** Extra routes on the notify server (the reachability probe): return true when handled. */
    routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
    /** Slow-client limits of the notify server (defaults 10 s / 15 s; keep-alive 5 s). */
    headersTimeoutMs?: number;
    requestTimeoutMs?: number;
    keepAliveTimeoutMs?: number;
  };
  orderExpiryMs?: number; // default 5 min
  barcode?: { pollIntervalMs?: number; maxWaitMs?: number }; // 2 s, 30 s
  poll?: { initialMs?: number; maxMs?: number }; // 2 s → 10 s
  refundMinGapMs?: number; // 3 s (some providers refuse refunds of one trade closer together)
  /** A closed order is watched for a late payment until the provider's expiry + this (default 10 min). */
  lateWatchMarginMs?: number;
  clock?: Clock;
  logger?: Logger;
}
