import type { OrderScope } from './order-repository';
import type { Database, Statement } from 'better-sqlite3';
import type { RefundStatus } from '../domain';

/** A refunds row, camel-cased. `id` = out_request_no. */
export interface RefundRow {
  id: string;
  orderId: string;
  amountFen: number;
  reason: string | null;
  status: RefundStatus;
  createdAt: number;
  updatedAt: number;
  settledAt: number | null;
  attempts: number;
  message: string | null;
}

interface RawRefund {
  id: string;
  order_id: string;
  amount_fen: number;
  reason: string | null;
  status: string;
  created_at: number;
  updated_at: number;
  settled_at: number | null;
  attempts: number;
  message: string | null;
}

function toRow(r: RawRefund): RefundRow {
  return {
    id: r.id,
    orderId: r.order_id,
    amountFen: r.amount_fen,
    reason: r.reason,
    status: r.status as RefundStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    settledAt: r.settled_at,
    attempts: r.attempts,
    message: r.message,
  };
}

/** Repository for refunds (a child aggregate of an order, but with its own lifecycle and sweep). */
export class RefundRepository {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[string], RawRefund>;
  private readonly byOrderStmt: Statement<[string], RawRefund>;
  private readonly setStatusStmt: Statement;
  private readonly attemptStmt: Statement;
  private readonly totalsStmt: Statement<[string], { succeeded: number | null; inflight: number | null; last: number | null }>;

  constructor(db: Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO refunds (id, order_id, amount_fen, reason, status, created_at, updated_at, settled_at, attempts, message)
      VALUES (@id, @orderId, @amountFen, @reason, @status, @createdAt, @updatedAt, @settledAt, @attempts, @message)`);
    this.getStmt = db.prepare('SELECT * FROM refunds WHERE id = ?');
    this.byOrderStmt = db.prepare('SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, id');
    this.setStatusStmt = db.prepare('UPDATE refunds SET status = @status, updated_at = @at, settled_at = @settledAt, message = @message WHERE id = @id');
    this.attemptStmt = db.prepare('UPDATE refunds SET attempts = attempts + 1, updated_at = ? WHERE id = ?');
    this.totalsStmt = db.prepare(`
      SELECT SUM(CASE WHEN status = 'SUCCESS' THEN amount_fen END) AS succeeded,
             SUM(CASE WHEN status IN ('PENDING', 'UNKNOWN') THEN amount_fen END) AS inflight,
             MAX(updated_at) AS last
      FROM refunds WHERE order_id = ?`);
  }

  insert(row: RefundRow): void {
    this.insertStmt.run(row);
  }

  get(id: string): RefundRow | null {
    const r = this.getStmt.get(id);
    return r ? toRow(r) : null;
  }

  byOrder(orderId: string): RefundRow[] {
    return this.byOrderStmt.all(orderId).map(toRow);
  }

  setStatus(id: string, status: RefundStatus, at: number, message: string | null): void {
    const settledAt = status === 'SUCCESS' || status === 'FAILED' ? at : null;
    this.setStatusStmt.run({ id, status, at, settledAt, message });
  }

  /** Count one more request sent for this out_request_no (the first send and every same-number retry). */
  countAttempt(id: string, at: number): void {
    this.attemptStmt.run(at, id);
  }

  /** Succeeded and in-flight (PENDING/UNKNOWN) sums for an order, in fen. */
  totals(orderId: string): { succeededFen: number; inflightFen: number; lastActivityAt: number | null } {
    const r = this.totalsStmt.get(orderId);
    return { succeededFen: r?.succeeded ?? 0, inflightFen: r?.inflight ?? 0, lastActivityAt: r?.last ?? null };
  }

  /** Refunds of one environment's and app's orders whose outcome is not known yet: the start-up sweep resolves them. */
  unsettled(scope: OrderScope): RefundRow[] {
    return (
      this.getStmt.database
        .prepare(
          `SELECT r.* FROM refunds r JOIN orders o ON o.id = r.order_id
           WHERE r.status IN ('PENDING', 'UNKNOWN') AND o.environment = ? AND o.app_id = ?
             AND (? IS NULL OR o.provider = ?)
           ORDER BY r.created_at, r.id`,
        )
        .all(scope.environment, scope.appId, scope.provider ?? null, scope.provider ?? null) as RawRefund[]
    ).map(toRow);
  }
}
