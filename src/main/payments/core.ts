import { NotifyHandler } from '../notify/notify-handler';
import { NOTIFY_PATH, startNotifyServer, type NotifyServer } from '../notify/notify-server';
import { AlipayProvider } from '../providers/alipay-provider';
import type { PaymentProvider } from '../providers/provider';
import { openStore, type OrderScope } from '../store';
import {
  PaymentError,
  type DaySummary,
  type ListOrdersQuery,
  type OrderPage,
  type PaymentCore,
  type PaymentCoreConfig,
} from './api';
import { stderrLogger, systemClock } from '../kernel';
import type { Context, Settings } from './context';
import { EventStream } from './events';
import { Ledger } from './ledger';
import { decodeCursor, encodeCursor, summarize } from './queries';
import { parseOrderSearch } from './search';
import { OrderService } from './orders';
import { RefundService } from './refunds';
import { Tracker } from './tracker';

/**
 * Build the payment core. Opens (and migrates) the database right away so reads work before start();
 * start() opens the notify server, sweeps unsettled orders/refunds and resumes tracking.
 * `provider` is for tests and future providers; by default the Alipay provider is built from config.
 */
export function createPaymentCore(config: PaymentCoreConfig, provider?: PaymentProvider): PaymentCore {
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? stderrLogger;
  const settings: Settings = {
    orderExpiryMs: config.orderExpiryMs ?? 5 * 60_000,
    barcodePollMs: config.barcode?.pollIntervalMs ?? 2_000,
    barcodeMaxWaitMs: config.barcode?.maxWaitMs ?? 30_000,
    pollInitialMs: config.poll?.initialMs ?? 2_000,
    pollMaxMs: config.poll?.maxMs ?? 10_000,
    refundMinGapMs: config.refundMinGapMs ?? 3_000,
    lateWatchMarginMs: config.lateWatchMarginMs ?? 10 * 60_000,
  };
  const scope: OrderScope = { environment: config.environment ?? 'demo', appId: config.alipay.appId };
  const store = openStore(config.dbPath);
  const stream = new EventStream(logger);
  const ledger = new Ledger(store, clock, stream, logger, scope);
  const prov = provider ?? new AlipayProvider(config.alipay, logger);
  let closed = false;
  let started = false;
  let server: NotifyServer | null = null;
  const ctx: Context = { store, ledger, provider: prov, clock, logger, settings, busy: new Set(), isClosed: () => closed, scope };
  const tracker = new Tracker(ctx);
  const refunds = new RefundService(ctx);
  const handler = new NotifyHandler({
    store,
    ledger,
    provider: prov,
    alipay: config.alipay,
    clock,
    logger,
    onSeen: (seen) => stream.emit('notification.received', seen),
    scope,
  });

  let publicBase: string | null | undefined = config.notify.publicUrl;
  const notifyUrl = (): string | null => {
    const pub = publicBase;
    if (pub === null) return null; // poll only
    const base = pub ?? server?.baseUrl;
    return base ? `${base.replace(/\/+$/, '')}${NOTIFY_PATH}` : null;
  };
  const orders = new OrderService(ctx, tracker, notifyUrl);
  const background = new Set<Promise<unknown>>();
  const spawn = (p: Promise<unknown>, what: string) => {
    const q = p
      .catch((err: unknown) => logger.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => background.delete(q));
    background.add(q);
  };
  // Calls in flight (a 付款码 confirmation can take barcodeMaxWaitMs): close() waits for them so that
  // no flow touches the database after it is closed.
  const inFlight = new Set<Promise<unknown>>();
  const op = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.then(
      () => inFlight.delete(p),
      () => inFlight.delete(p),
    );
    return p;
  };
  const ensureOpen = () => {
    if (closed) throw new PaymentError('CLOSED', '支付服务已关闭 / Payment service is closed');
  };

  return {
    async createOrder(input) {
      ensureOpen();
      if (!started) throw new PaymentError('NOT_STARTED', '支付服务尚未启动 / Payment service not started');
      return op(orders.create(input));
    },
    getOrder: (id) => ledger.getOrder(id),
    listOrders(query: ListOrdersQuery): OrderPage {
      const limit = Math.max(1, Math.min(Math.trunc(query.limit ?? 50), 200));
      const rows = store.orders.list({
        status: query.status,
        from: query.from,
        to: query.to,
        search: query.q?.trim() ? parseOrderSearch(query.q) : undefined,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ledger.toOrder(r)),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },
    async cancelOrder(id) {
      ensureOpen();
      return op(orders.cancel(id));
    },
    async refund(input) {
      ensureOpen();
      return op(refunds.refund(input));
    },
    events: (orderId) => store.events.byOrder(orderId),
    // 今日 adds up this environment's money only (demo payments are not takings).
    summary: (date: string): DaySummary => summarize(store, date, scope.environment),
    notifyUrl,
    localNotifyBase: () => server?.baseUrl ?? null,
    tunnelLocal: () => server?.tunnel ?? null,
    setNotifyBase(base) {
      if (base === publicBase) return;
      publicBase = base;
      logger.info('notify URL for new orders changed', { notifyUrl: notifyUrl() });
    },
    lastNotification: () => handler.lastSeen(),
    on: (event, listener) => stream.on(event, listener),
    async start() {
      ensureOpen();
      if (started) return;
      server = await startNotifyServer({
        port: config.notify.port ?? 0,
        handle: (body, headers) => handler.handle(body, headers),
        submit: (body, headers) => handler.submit(body, headers),
        drain: () => handler.drain(),
        logger,
        ...(config.notify.routes ? { routes: config.notify.routes } : {}),
        ...(config.notify.headersTimeoutMs !== undefined ? { headersTimeoutMs: config.notify.headersTimeoutMs } : {}),
        ...(config.notify.requestTimeoutMs !== undefined ? { requestTimeoutMs: config.notify.requestTimeoutMs } : {}),
        ...(config.notify.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: config.notify.keepAliveTimeoutMs } : {}),
      });
      started = true;
      if (config.adoptUnknownOrders) {
        const adopted = store.orders.adoptUnknown(scope);
        if (adopted > 0) logger.info('orders from before environments were recorded adopted', { adopted, ...scope });
      }
      logger.info('payment core started', { notifyUrl: notifyUrl(), ...scope });
      // The sweep runs in the background: start() must not wait on a slow or unreachable gateway.
      spawn(tracker.sweep(), 'order sweep');
      spawn(refunds.sweep(), 'refund sweep');
    },
    async close() {
      if (closed) return;
      closed = true;
      await server?.close();
      await Promise.allSettled([...inFlight]);
      await tracker.stopAll();
      await refunds.stopAll();
      await Promise.allSettled([...background]);
      store.close();
    },
  };
}
