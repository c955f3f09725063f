import { notifyPath, startNotifyServer, type NotifyServer } from '../http/notify-server';
import { openStore } from '../store';
import {
  PaymentError,
  type DaySummary,
  type ListOrdersQuery,
  type OrderPage,
  type PaymentCore,
  type PaymentCoreConfig,
  type PaymentProvider,
  type ProviderId,
} from './api';
import { stderrLogger, systemClock } from '../kernel';
import { owns, type Context, type Settings } from './context';
import { NotificationIngest } from './ingest';
import { EventStream } from './events';
import { Ledger } from './ledger';
import { decodeCursor, encodeCursor, summarize } from './queries';
import { parseOrderSearch } from './search';
import { OrderService } from './orders';
import { PairService } from './pairs';
import { RefundService } from './refunds';
import { Tracker } from './tracker';

/** The hosted providers by id, checked: at least one, unique ids, one environment. */
function hostedProviders(list: readonly PaymentProvider[]): ReadonlyMap<ProviderId, PaymentProvider> {
  const first = list[0];
  if (!first) throw new PaymentError('PROVIDER_MISSING', '未配置支付机构 / No payment provider configured');
  const map = new Map<ProviderId, PaymentProvider>();
  for (const p of list) {
    if (map.has(p.id)) throw new PaymentError('PROVIDER_DUPLICATE', `支付机构重复：${p.id} / Payment provider given twice: ${p.id}`);
    if (p.environment !== first.environment) {
      throw new PaymentError('PROVIDER_ENVIRONMENT', '所有支付机构须在同一环境 / Every payment provider must run in the same environment');
    }
    map.set(p.id, p);
  }
  return map;
}

/**
 * Build the payment core. Opens (and migrates) the database right away so reads work before start();
 * start() opens the notify server, sweeps unsettled orders/refunds and resumes tracking.
 */
export function createPaymentCore(config: PaymentCoreConfig): PaymentCore {
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
  const providers = hostedProviders(config.providers);
  const defaultProvider = config.providers[0] as PaymentProvider;
  const environment = defaultProvider.environment;
  const store = openStore(config.dbPath);
  const stream = new EventStream(logger);
  const ledger = new Ledger(store, clock, stream, logger, (row) => owns({ providers }, row));
  let closed = false;
  let started = false;
  let server: NotifyServer | null = null;

  let publicBase: string | null | undefined = config.notify.publicUrl;
  const notifyUrl = (provider: ProviderId = defaultProvider.id): string | null => {
    const pub = publicBase;
    if (pub === null) return null; // poll only
    const base = pub ?? server?.baseUrl;
    return base ? `${base.replace(/\/+$/, '')}${notifyPath(provider)}` : null;
  };
  const ctx: Context = { store, ledger, providers, notifyUrl, clock, logger, settings, busy: new Set(), isClosed: () => closed };
  const tracker = new Tracker(ctx);
  const refunds = new RefundService(ctx);
  const ingest = new NotificationIngest({
    store,
    ledger,
    providers,
    clock,
    logger,
    onSeen: (seen) => stream.emit('notification.received', seen),
  });
  const orders = new OrderService(ctx, tracker);
  const pairs = new PairService(ctx, refunds, tracker);
  // 双码: whatever made an order of a pair paid (notification, poll, sweep, late watch), settle its pair.
  stream.on('order.updated', (order) => pairs.onOrderUpdated(order));
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
    async createPair(input) {
      ensureOpen();
      if (!started) throw new PaymentError('NOT_STARTED', '支付服务尚未启动 / Payment service not started');
      return op(pairs.create(input));
    },
    providers: () => [...providers.keys()],
    getOrder: (id) => ledger.getOrder(id),
    listOrders(query: ListOrdersQuery): OrderPage {
      const limit = Math.max(1, Math.min(Math.trunc(query.limit ?? 50), 200));
      const rows = store.orders.list({
        status: query.status,
        provider: query.provider,
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
    summary: (date: string): DaySummary => summarize(store, date, environment),
    notifyUrl,
    localNotifyBase: () => server?.baseUrl ?? null,
    tunnelLocal: () => server?.tunnel ?? null,
    setNotifyBase(base) {
      if (base === publicBase) return;
      publicBase = base;
      logger.info('notify URL for new orders changed', { notifyUrl: notifyUrl() });
    },
    lastNotification: () => ingest.lastSeen(),
    on: (event, listener) => stream.on(event, listener),
    async start() {
      ensureOpen();
      if (started) return;
      server = await startNotifyServer({
        port: config.notify.port ?? 0,
        hosts: (id) => ingest.hosts(id),
        submit: (provider, rawBody, headers) => ingest.submit({ provider, rawBody, headers }),
        drain: () => ingest.drain(),
        logger,
        ...(config.notify.routes ? { routes: config.notify.routes } : {}),
        ...(config.notify.headersTimeoutMs !== undefined ? { headersTimeoutMs: config.notify.headersTimeoutMs } : {}),
        ...(config.notify.requestTimeoutMs !== undefined ? { requestTimeoutMs: config.notify.requestTimeoutMs } : {}),
        ...(config.notify.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: config.notify.keepAliveTimeoutMs } : {}),
      });
      started = true;
      const scopes = [...providers.values()].map((p) => ({ environment: p.environment, appId: p.accountId, provider: p.id }));
      if (config.adoptUnknownOrders) {
        for (const scope of scopes) {
          const adopted = store.orders.adoptUnknown(scope);
          if (adopted > 0) logger.info('orders from before environments were recorded adopted', { adopted, ...scope });
        }
      }
      logger.info('payment core started', { notifyUrl: notifyUrl(), scopes });
      // The sweep runs in the background: start() must not wait on a slow or unreachable gateway.
      spawn(tracker.sweep(), 'order sweep');
      spawn(refunds.sweep(), 'refund sweep');
      spawn(pairs.sweep(), '双码 pair sweep');
    },
    async close() {
      if (closed) return;
      closed = true;
      await server?.close();
      await Promise.allSettled([...inFlight]);
      await tracker.stopAll();
      await pairs.stopAll();
      await refunds.stopAll();
      await Promise.allSettled([...background]);
      store.close();
    },
  };
}
