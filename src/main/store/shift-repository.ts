import type { Database, Statement } from 'better-sqlite3';
import type { OrderMethod } from '../domain';
import type { OrderScope } from './order-repository';

/** A shifts row (交班), camel-cased. `totals` is the ended shift's snapshot as JSON (integer fen); null while open. */
export interface ShiftRow {
  id: string;
  environment: OrderScope['environment'];
  appId: string;
  cashier: string;
  startedAt: number;
  endedAt: number | null;
  endedBy: string | null;
  handedTo: string | null;
  endAuthorization: 'manager_pin' | 'none' | null;
  totals: string | null;
}

/** The environment and app a shift belongs to (the running core's default provider's account). */
export type ShiftScope = Pick<OrderScope, 'environment' | 'appId'>;

interface RawShift {
  id: string;
  environment: string;
  app_id: string;
  cashier: string;
  started_at: number;
  ended_at: number | null;
  ended_by: string | null;
  handed_to: string | null;
  end_authorization: string | null;
  totals: string | null;
}

function toRow(r: RawShift): ShiftRow {
  return {
    id: r.id,
    environment: r.environment as ShiftRow['environment'],
    appId: r.app_id,
    cashier: r.cashier,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by,
    handedTo: r.handed_to,
    endAuthorization: r.end_authorization as ShiftRow['endAuthorization'],
    totals: r.totals,
  };
}

/** One provider-and-method line of paid orders: count and sums in fen. */
export interface PaidTotalsRow {
  provider: string;
  method: OrderMethod;
  count: number;
  grossFen: number;
  refundedFen: number;
}

/**
 * Paid (or since refunded) orders of one environment, app and provider created in [from, to), by method —
 * the day summary's definition (orders_environment_status, migration 0005, narrows to the scope and status).
 */
const PAID_TOTALS_OF_SCOPE_SQL = `SELECT method, count(*) AS count, coalesce(sum(amount_fen), 0) AS grossFen, coalesce(sum(refunded_fen), 0) AS refundedFen
  FROM orders
  WHERE environment = @environment AND app_id = @appId AND provider = @provider
    AND status IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED') AND created_at >= @from AND created_at < @to
  GROUP BY method ORDER BY method`;

/** Repository for shifts (交班). Ending is guarded in SQL: only an open row is ever ended, once. */
export class ShiftRepository {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[string], RawShift>;
  private readonly openStmt: Statement<[string, string], RawShift>;
  private readonly endStmt: Statement;
  private readonly totalsStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO shifts (id, environment, app_id, cashier, started_at) VALUES (@id, @environment, @appId, @cashier, @startedAt)`);
    this.getStmt = db.prepare('SELECT * FROM shifts WHERE id = ?');
    this.openStmt = db.prepare('SELECT * FROM shifts WHERE environment = ? AND app_id = ? AND ended_at IS NULL');
    this.endStmt = db.prepare(
      `UPDATE shifts SET ended_at = @endedAt, ended_by = @endedBy, handed_to = @handedTo, end_authorization = @endAuthorization, totals = @totals
       WHERE id = @id AND ended_at IS NULL`,
    );
    this.totalsStmt = db.prepare(PAID_TOTALS_OF_SCOPE_SQL);
  }

  /** Open a shift. Throws SQLITE_CONSTRAINT_UNIQUE when the scope already has an open one (shifts_one_open). */
  start(row: { id: string; environment: ShiftRow['environment']; appId: string; cashier: string; startedAt: number }): void {
    this.insertStmt.run(row);
  }

  get(id: string): ShiftRow | null {
    const r = this.getStmt.get(id);
    return r ? toRow(r) : null;
  }

  /** The scope's open shift, if any (at most one: shifts_one_open). */
  open(scope: ShiftScope): ShiftRow | null {
    const r = this.openStmt.get(scope.environment, scope.appId);
    return r ? toRow(r) : null;
  }

  /**
   * End shift `id` with its snapshot: true if this call ended it, false if it was already ended (or does
   * not exist) — the `ended_at IS NULL` guard makes two concurrent ends end it exactly once.
   */
  end(id: string, fields: { endedAt: number; endedBy: string; handedTo: string | null; endAuthorization: 'manager_pin' | 'none'; totals: string }): boolean {
    return this.endStmt.run({ id, ...fields }).changes === 1;
  }

  /** The scope's shifts, newest first (started_at DESC, id DESC), keyset-paginated like the order list. */
  list(scope: ShiftScope, after: { startedAt: number; id: string } | undefined, limit: number): ShiftRow[] {
    const rows = after
      ? this.db
          .prepare(
            `SELECT * FROM shifts WHERE environment = @environment AND app_id = @appId
               AND (started_at < @afterAt OR (started_at = @afterAt AND id < @afterId))
             ORDER BY started_at DESC, id DESC LIMIT @limit`,
          )
          .all({ ...scope, afterAt: after.startedAt, afterId: after.id, limit })
      : this.db
          .prepare('SELECT * FROM shifts WHERE environment = @environment AND app_id = @appId ORDER BY started_at DESC, id DESC LIMIT @limit')
          .all({ ...scope, limit });
    return (rows as RawShift[]).map(toRow);
  }

  /** Paid orders of one environment, app and provider created in [from, to), per method (only methods with sales). */
  paidTotals(scope: Required<OrderScope>, from: number, to: number): PaidTotalsRow[] {
    const rows = this.totalsStmt.all({ environment: scope.environment, appId: scope.appId, provider: scope.provider, from, to }) as Omit<
      PaidTotalsRow,
      'provider'
    >[];
    return rows.map((r) => ({ provider: scope.provider, ...r }));
  }
}
