import type { PaymentProvider } from '../providers/provider';
import type { OrderRow, OrderScope, Store } from '../store';
import { PaymentError, type Clock, type Logger } from './api';
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
  /** The environment and app this core talks to; orders of any other scope are never touched. */
  scope: OrderScope;
}

/** Whether `row` was created in `scope` (same environment and app id). */
export function owns(scope: OrderScope, row: Pick<OrderRow, 'environment' | 'appId'>): boolean {
  return row.environment === scope.environment && row.appId === scope.appId;
}

const ENVIRONMENT_NAMES = {
  demo: '演示',
  sandbox: '沙箱',
  production: '生产',
  unknown: '未知',
} as const;

/** Refusal for an order of another environment or app (bilingual). */
export function foreignOrderError(row: Pick<OrderRow, 'id' | 'environment' | 'appId'>): PaymentError {
  return new PaymentError(
    'ORDER_FOREIGN',
    `订单 ${row.id} 属于${ENVIRONMENT_NAMES[row.environment]}环境${row.appId ? `（AppID ${row.appId}）` : ''}，` +
      `当前环境只能查看，不能取消或退款；请切换回该环境后操作 / Order ${row.id} belongs to the ${row.environment} environment` +
      `${row.appId ? ` (app id ${row.appId})` : ''}: here it is read-only; switch back to that environment to cancel or refund it`,
  );
}

export const MESSAGES = {
  expired: '订单已超时关闭 / Order expired and closed',
  cancelledByCashier: '收银员已取消订单 / Order cancelled by the cashier',
  barcodeTimeout: '顾客未在规定时间内确认付款，已撤销 / The buyer did not confirm in time; payment cancelled',
  declined: '支付未完成，交易已关闭 / Payment not completed, trade closed',
} as const;
