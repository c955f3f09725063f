import type { OrderRow, Store } from '../store';
import { PaymentError, type Clock, type Logger, type PaymentProvider, type ProviderId } from './api';
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
  /** The hosted providers by id; the first one is the default for new orders. */
  providers: ReadonlyMap<ProviderId, PaymentProvider>;
  /** The notify_url a provider's new trades and refunds get (null = poll only). */
  notifyUrl(provider: ProviderId): string | null;
  clock: Clock;
  logger: Logger;
  settings: Settings;
  /** Orders currently driven by an in-process flow (付款码 confirmation, a cancel): the tracker skips them. */
  busy: Set<string>;
  /** True once close() was called: loops stop. */
  isClosed(): boolean;
}

type Scoped = Pick<OrderRow, 'environment' | 'appId' | 'provider'>;

/**
 * The adapter that may touch `row`: its provider is hosted here and the row was created in that
 * adapter's environment with its account. Any other order is foreign: shown, never touched.
 */
export function providerOf(providers: ReadonlyMap<ProviderId, PaymentProvider>, row: Scoped): PaymentProvider | null {
  const p = providers.get(row.provider);
  return p && row.environment === p.environment && row.appId === p.accountId ? p : null;
}

/** Whether this core may poll, sweep, cancel or refund `row`. */
export function owns(ctx: Pick<Context, 'providers'>, row: Scoped): boolean {
  return providerOf(ctx.providers, row) !== null;
}

/** The adapter of an order this core owns (callers checked `owns` or filtered by scope). */
export function providerFor(ctx: Pick<Context, 'providers'>, row: Scoped): PaymentProvider {
  const p = providerOf(ctx.providers, row);
  if (!p) throw new PaymentError('ORDER_FOREIGN', `订单不属于当前环境 / Order does not belong to this environment`);
  return p;
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
