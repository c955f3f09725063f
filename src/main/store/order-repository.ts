import type { Database, Statement } from 'better-sqlite3';
import type { OrderMethod, OrderStatus } from '../domain';

/** An orders row, camel-cased. Money in integer fen. */
export interface OrderRow {
  id: string;
  method: OrderMethod;
  status: OrderStatus;
  amountFen: number;
  refundedFen: number;
  subject: string;
  qrCode: string | null;
  payUrl: string | null;
  tradeNo: string | null;
  buyerLogonId: string | null;
  notifyUrl: string | null;
  createdAt: number;
  updatedAt: number;
  paidAt: number | null;
  expiresAt: number | null;
  closedAt: number | null;
  userPaying: boolean;
  message: string | null;
  /** Where the order was created: it is only ever polled, cancelled or refunded there (migration 0005). */
  environment: OrderEnvironment;
  /** The app id it was created with ('' for rows older than migration 0005). */
  appId: string;
  /** 'alipay' */
  provider: string;
  /** 双码: the other order of the same sale (migration 0008); null for an ordinary order. */
  pairedWith: string | null;
}

/** demo = the embedded emulator; 'unknown' = created before environments were recorded. */
/**
 * 今日's sums of one environment, provider and method over [from, to) (parameters in that order), answered
 * from the covering index orders_summary (migration 0009). Exported so a test can check its query plan.
 */
export const PAID_TOTALS_SQL = `SELECT count(*) AS count, coalesce(sum(amount_fen), 0) AS grossFen, coalesce(sum(refunded_fen), 0) AS refundedFen
  FROM orders
  WHERE environment = ? AND status IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED') AND provider = ? AND method = ? AND created_at >= ? AND created_at < ?`;

/**
 * The providers with paid (or since refunded) orders in one environment and status: a skip-scan of
 * orders_summary, one index seek per distinct provider (a handful), whatever the number of orders.
 */
export const PAID_PROVIDERS_SQL = `WITH RECURSIVE p(provider) AS (
    SELECT (SELECT min(provider) FROM orders WHERE environment = @environment AND status = @status)
    UNION ALL
    SELECT (SELECT min(provider) FROM orders WHERE environment = @environment AND status = @status AND provider > p.provider)
      FROM p WHERE p.provider IS NOT NULL
  )
  SELECT provider FROM p WHERE provider IS NOT NULL`;

/**
 * 双码 orders created since ? that are paid or since refunded, at most ? of them: the partial index
 * orders_paired (migration 0008) reads only the paired rows (named: without statistics SQLite would walk
 * every order of the window through orders_created instead).
 * Exported so a test can check its query plan.
 */
export const PAIRED_PAID_SINCE_SQL = `SELECT * FROM orders INDEXED BY orders_paired WHERE paired_with IS NOT NULL AND created_at >= ?
  AND status IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED') ORDER BY created_at, id LIMIT ?`;

/** Every value of orders.environment (migration 0005). */
export const ORDER_ENVIRONMENTS = ['demo', 'sandbox', 'production', 'unknown'] as const;
export type OrderEnvironment = (typeof ORDER_ENVIRONMENTS)[number];

/**
 * The environment and app (account) a provider adapter runs against: the core touches only orders of
 * exactly this scope. `provider` narrows it to one provider's orders (absent: any provider).
 */
export interface OrderScope {
  environment: Exclude<OrderEnvironment, 'unknown'>;
  appId: string;
  provider?: string;
}

/** An insert may leave the scope out (tests of the store alone): such a row is 'unknown', i.e. foreign. */
export type NewOrderRow = Omit<OrderRow, 'environment' | 'appId' | 'provider' | 'pairedWith'> &
  Partial<Pick<OrderRow, 'environment' | 'appId' | 'provider' | 'pairedWith'>>;

/** Columns that may change after creation (status changes go through the transition logic). */
export type OrderPatch = Partial<Omit<OrderRow, 'id' | 'method' | 'amountFen' | 'subject' | 'createdAt' | 'environment' | 'appId' | 'provider' | 'pairedWith'>>;

export interface OrderListFilter {
  status?: OrderStatus;
  /** One provider's orders: the index orders_provider_created (migration 0009) keeps it a range walk. */
  provider?: string;
  from?: number;
  to?: number;
  /** Order-number prefix: a range scan on the primary key. */
  prefix?: string;
  /**
   * Search (payments/search.ts): the tail (lower-case, ≥ 4 chars) of the order or trade number, and/or
   * an amount. Indexed by migration 0006 (orders_id_tail4, orders_trade_tail4, orders_amount).
   */
  search?: { tail: string | null; amountFen: number | null };
  /** Keyset cursor: rows strictly "older" than (createdAt, id) in (created_at DESC, id DESC) order. */
  after?: { createdAt: number; id: string };
  limit: number;
}

interface RawOrder {
  id: string;
  method: string;
  status: string;
  amount_fen: number;
  refunded_fen: number;
  subject: string;
  qr_code: string | null;
  pay_url: string | null;
  trade_no: string | null;
  buyer_logon_id: string | null;
  notify_url: string | null;
  created_at: number;
  updated_at: number;
  paid_at: number | null;
  expires_at: number | null;
  closed_at: number | null;
  user_paying: number;
  message: string | null;
  environment: string;
  app_id: string;
  provider: string;
  paired_with: string | null;
}

const COLUMNS: Record<keyof OrderPatch, string> = {
  status: 'status',
  refundedFen: 'refunded_fen',
  qrCode: 'qr_code',
  payUrl: 'pay_url',
  tradeNo: 'trade_no',
  buyerLogonId: 'buyer_logon_id',
  notifyUrl: 'notify_url',
  updatedAt: 'updated_at',
  paidAt: 'paid_at',
  expiresAt: 'expires_at',
  closedAt: 'closed_at',
  userPaying: 'user_paying',
  message: 'message',
};

function toRow(r: RawOrder): OrderRow {
  return {
    id: r.id,
    method: r.method as OrderMethod,
    status: r.status as OrderStatus,
    amountFen: r.amount_fen,
    refundedFen: r.refunded_fen,
    subject: r.subject,
    qrCode: r.qr_code,
    payUrl: r.pay_url,
    tradeNo: r.trade_no,
    buyerLogonId: r.buyer_logon_id,
    notifyUrl: r.notify_url,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    paidAt: r.paid_at,
    expiresAt: r.expires_at,
    closedAt: r.closed_at,
    userPaying: r.user_paying === 1,
    message: r.message,
    environment: r.environment as OrderEnvironment,
    appId: r.app_id,
    provider: r.provider,
    pairedWith: r.paired_with,
  };
}

/** Repository for the orders aggregate. Statements are prepared once (the notify path is hot). */
export class OrderRepository {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[string], RawOrder>;
  private readonly updateStmts = new Map<string, Statement>();
  private paidTotalsStmt: Statement | null = null;
  private paidProvidersStmt: Statement | null = null;
  private tradeHolderStmt: Statement<{ provider: string; tradeNo: string; tail4: string; exceptId: string }, { id: string }> | null = null;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO orders (id, method, status, amount_fen, refunded_fen, subject, qr_code, pay_url, trade_no,
        buyer_logon_id, notify_url, created_at, updated_at, paid_at, expires_at, closed_at, user_paying, message,
        environment, app_id, provider, paired_with)
      VALUES (@id, @method, @status, @amountFen, @refundedFen, @subject, @qrCode, @payUrl, @tradeNo,
        @buyerLogonId, @notifyUrl, @createdAt, @updatedAt, @paidAt, @expiresAt, @closedAt, @userPaying, @message,
        @environment, @appId, @provider, @pairedWith)`);
    this.getStmt = db.prepare('SELECT * FROM orders WHERE id = ?');
  }

  insert(row: NewOrderRow): void {
    this.insertStmt.run({
      environment: 'unknown',
      appId: '',
      provider: 'alipay',
      pairedWith: null,
      ...row,
      userPaying: row.userPaying ? 1 : 0,
    });
  }

  get(id: string): OrderRow | null {
    const r = this.getStmt.get(id);
    return r ? toRow(r) : null;
  }

  /**
   * Another order of this provider that already carries the provider's trade number, if any (a trade
   * pays one order only). Uses the trade-number tail index of the order search; `+trade_no` keeps SQLite
   * from substituting the equality into the indexed expression, which would turn the search into a scan.
   */
  otherWithTradeNo(provider: string, tradeNo: string, exceptId: string): string | null {
    this.tradeHolderStmt ??= this.db.prepare(
      `SELECT id FROM orders WHERE lower(substr(trade_no, -4)) = @tail4 AND +trade_no = @tradeNo
         AND provider = @provider AND id <> @exceptId LIMIT 1`,
    );
    return this.tradeHolderStmt.get({ provider, tradeNo, tail4: tradeNo.slice(-4).toLowerCase(), exceptId })?.id ?? null;
  }

  /** Update the given columns. The statement for each distinct column set is prepared once. */
  update(id: string, patch: OrderPatch): void {
    const keys = (Object.keys(patch) as (keyof OrderPatch)[]).filter((k) => patch[k] !== undefined).sort();
    if (keys.length === 0) return;
    const sig = keys.join(',');
    let stmt = this.updateStmts.get(sig);
    if (!stmt) {
      const sets = keys.map((k) => `${COLUMNS[k]} = @${k}`).join(', ');
      stmt = this.db.prepare(`UPDATE orders SET ${sets} WHERE id = @id`);
      this.updateStmts.set(sig, stmt);
    }
    const params: Record<string, unknown> = { id };
    for (const k of keys) {
      const v = patch[k];
      params[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    stmt.run(params);
  }

  /**
   * Newest first, keyset-paginated on (created_at, id): the cost of a page does not grow with the page
   * number, and rows inserted meanwhile do not shift later pages.
   */
  list(filter: OrderListFilter): OrderRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    // With a search, the search indexes pick the (few) rows; a unary + keeps SQLite from walking the
    // status or date index instead (without statistics it would, reading every PAID order of 1M).
    const c = (column: string): string => (filter.search ? `+${column}` : column);
    if (filter.status) {
      where.push(`${c('status')} = @status`);
      params.status = filter.status;
    }
    if (filter.provider) {
      where.push(`${c('provider')} = @provider`);
      params.provider = filter.provider;
    }
    if (filter.from !== undefined) {
      where.push(`${c('created_at')} >= @from`);
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      where.push(`${c('created_at')} < @to`);
      params.to = filter.to;
    }
    if (filter.prefix) {
      // Range on the primary key instead of LIKE (LIKE is case-insensitive and cannot use the index).
      where.push('id >= @prefixLo AND id < @prefixHi');
      params.prefixLo = filter.prefix;
      params.prefixHi = `${filter.prefix}\u{10FFFF}`;
    }
    if (filter.search) {
      const any: string[] = [];
      const { tail, amountFen } = filter.search;
      if (tail !== null && tail.length >= 4) {
        // The index expressions must be written exactly as in the migration for SQLite to use them.
        any.push('(lower(substr(id, -4)) = @tail4 AND lower(substr(id, -@tailLen)) = @tail)');
        any.push('(lower(substr(trade_no, -4)) = @tail4 AND lower(substr(trade_no, -@tailLen)) = @tail)');
        params.tail4 = tail.slice(-4);
        params.tail = tail;
        params.tailLen = tail.length;
      }
      if (amountFen !== null) {
        any.push('amount_fen = @amountFen');
        params.amountFen = amountFen;
      }
      where.push(any.length > 0 ? `(${any.join(' OR ')})` : '0');
    }
    if (filter.after) {
      where.push(`(${c('created_at')} < @afterAt OR (${c('created_at')} = @afterAt AND ${c('id')} < @afterId))`);
      params.afterAt = filter.after.createdAt;
      params.afterId = filter.after.id;
    }
    const sql = `SELECT * FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as RawOrder[]).map(toRow);
  }

  /** Orders of one environment and app in a given status, oldest first (the start-up sweep). */
  listByStatus(status: OrderStatus, scope: OrderScope, limit = 10_000): OrderRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM orders WHERE environment = ? AND app_id = ? AND status = ? AND (? IS NULL OR provider = ?)
           ORDER BY created_at, id LIMIT ?`,
        )
        .all(scope.environment, scope.appId, status, scope.provider ?? null, scope.provider ?? null, limit) as RawOrder[]
    ).map(toRow);
  }

  /**
   * 双码 orders created since `from` that are paid (or since refunded), oldest first: the start-up sweep
   * finishes their pair's work. Read through the partial index orders_paired (migration 0008).
   */
  pairedPaidSince(from: number, limit = 5_000): OrderRow[] {
    return (this.db.prepare(PAIRED_PAID_SINCE_SQL).all(from, limit) as RawOrder[]).map(toRow);
  }

  /** How many orders each environment and app holds (start-up: does this data dir hold real money?). */
  scopes(): { environment: OrderEnvironment; appId: string; count: number }[] {
    return this.db.prepare('SELECT environment, app_id AS appId, count(*) AS count FROM orders GROUP BY environment, app_id').all() as {
      environment: OrderEnvironment;
      appId: string;
      count: number;
    }[];
  }

  /** Give the rows older than migration 0005 ('unknown') to `scope` (only `scope.provider`'s, when given); returns how many. */
  adoptUnknown(scope: OrderScope): number {
    return this.db
      .prepare("UPDATE orders SET environment = ?, app_id = ? WHERE environment = 'unknown' AND (? IS NULL OR provider = ?)")
      .run(scope.environment, scope.appId, scope.provider ?? null, scope.provider ?? null).changes;
  }

  /**
   * The providers that have paid (or since refunded) orders in `environment` (every environment: null),
   * sorted: the rows 今日 splits by. Index-only (PAID_PROVIDERS_SQL).
   */
  paidProviders(environment: OrderEnvironment | null = null): string[] {
    this.paidProvidersStmt ??= this.db.prepare(PAID_PROVIDERS_SQL);
    const found = new Set<string>();
    for (const env of environment === null ? ORDER_ENVIRONMENTS : [environment]) {
      for (const status of ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const) {
        for (const r of this.paidProvidersStmt.all({ environment: env, status }) as { provider: string }[]) found.add(r.provider);
      }
    }
    return [...found].sort();
  }

  /**
   * Count and sums of one provider's paid (or since refunded) orders of one method created in [from, to):
   * 今日's split by provider and method, answered from the covering index orders_summary (migration 0009)
   * without reading the table.
   */
  paidTotals(
    provider: string,
    method: OrderMethod,
    from: number,
    to: number,
    environment: OrderEnvironment | null = null,
  ): { count: number; grossFen: number; refundedFen: number } {
    if (environment === null) {
      // Every environment: the sum of each one's index range (the index leads with the environment).
      const sum = { count: 0, grossFen: 0, refundedFen: 0 };
      for (const env of ORDER_ENVIRONMENTS) {
        const t = this.paidTotals(provider, method, from, to, env);
        sum.count += t.count;
        sum.grossFen += t.grossFen;
        sum.refundedFen += t.refundedFen;
      }
      return sum;
    }
    this.paidTotalsStmt ??= this.db.prepare(PAID_TOTALS_SQL);
    return this.paidTotalsStmt.get(environment, provider, method, from, to) as { count: number; grossFen: number; refundedFen: number };
  }

  /** Paid (or since refunded) orders created in [from, to) (of one environment, if given): the day summary. */
  paidBetween(from: number, to: number, environment: OrderEnvironment | null = null): Pick<OrderRow, 'createdAt' | 'amountFen' | 'refundedFen'>[] {
    return (
      this.db
        .prepare(
          `SELECT created_at, amount_fen, refunded_fen FROM orders
           WHERE created_at >= @from AND created_at < @to AND status IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED')
             AND (@environment IS NULL OR environment = @environment)`,
        )
        .all({ from, to, environment }) as { created_at: number; amount_fen: number; refunded_fen: number }[]
    ).map((r) => ({ createdAt: r.created_at, amountFen: r.amount_fen, refundedFen: r.refunded_fen }));
  }
}
