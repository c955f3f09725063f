import type { PaymentProvider } from '../providers/provider';
import type { Store } from '../store';
import type { Clock, Logger } from './api';
import type { Ledger } from './ledger';

/** Resolved timing settings (PaymentCoreConfig with defaults applied). */
export interface Settings {
  orderExpiryMs: number;
  barcodePollMs: number;
  barcodeMaxWaitMs: number;
  pollInitialMs: number;
  pollMaxMs: number;
  refundMinGapMs: number;
  /** How long after the provider's own expiry a closed order is still watched for a late payment. */
  lateWatchMarginMs: number;
}

/** What the payment services share. */
export interface Context {
  store: Store;
  ledger: Ledger;
  provider: PaymentProvider;
  clock: Clock;
  logger: Logger;
  settings: Settings;
  /** Orders currently driven by an in-process flow (付款码 confirmation, a cancel): the tracker skips them. */
  busy: Set<string>;
  /** True once close() was called: loops stop. */
  isClosed(): boolean;
}

export const MESSAGES = {
  expired: '订单已超时关闭 / Order expired and closed',
  cancelledByCashier: '收银员已取消订单 / Order cancelled by the cashier',
  barcodeTimeout: '顾客未在规定时间内确认付款，已撤销 / The buyer did not confirm in time; payment cancelled',
  declined: '支付未完成，交易已关闭 / Payment not completed, trade closed',
} as const;
