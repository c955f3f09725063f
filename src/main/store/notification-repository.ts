import type { Database, Statement } from 'better-sqlite3';

export type NotificationVerdict = 'pending' | 'applied' | 'duplicate' | 'rejected';

/** A row of the raw notification inbox. */
export interface NotificationRow {
  id: number;
  receivedAt: number;
  body: string;
  headers: Record<string, string | string[]>;
  verdict: NotificationVerdict;
  reason: string | null;
  orderId: string | null;
  notifyId: string | null;
  processedAt: number | null;
  /** The provider whose notify path it came to. */
  provider: string;
}

interface RawNotification {
  id: number;
  received_at: number;
  body: string;
  headers: string;
  verdict: string;
  reason: string | null;
  order_id: string | null;
  notify_id: string | null;
  processed_at: number | null;
  provider: string;
}

function toRow(r: RawNotification): NotificationRow {
  return {
    id: r.id,
    receivedAt: r.received_at,
    body: r.body,
    headers: JSON.parse(r.headers) as Record<string, string | string[]>,
    verdict: r.verdict as NotificationVerdict,
    reason: r.reason,
    orderId: r.order_id,
    notifyId: r.notify_id,
    processedAt: r.processed_at,
    provider: r.provider,
  };
}

/**
 * The raw inbox (docs/architecture.md, Invariants: "Record first, act second"): stored before verification,
 * verdict recorded after.
 */
export class NotificationRepository {
  private readonly insertStmt: Statement;
  private readonly verdictStmt: Statement;
  private readonly lastStmt: Statement<[], RawNotification>;
  private readonly allStmt: Statement<[], RawNotification>;

  constructor(db: Database) {
    this.insertStmt = db.prepare("INSERT INTO notifications (received_at, body, headers, verdict, provider) VALUES (?, ?, ?, 'pending', ?)");
    this.verdictStmt = db.prepare(
      `UPDATE notifications SET verdict = @verdict, reason = @reason, order_id = @orderId, notify_id = @notifyId,
         processed_at = @at WHERE id = @id`,
    );
    this.lastStmt = db.prepare("SELECT * FROM notifications WHERE verdict != 'pending' ORDER BY id DESC LIMIT 1");
    this.allStmt = db.prepare('SELECT * FROM notifications ORDER BY id');
  }

  /** Store the raw request as it came to `provider`'s notify path; returns the row id. */
  insertRaw(receivedAt: number, body: string, headers: Record<string, unknown>, provider: string): number {
    return Number(this.insertStmt.run(receivedAt, body, JSON.stringify(headers), provider).lastInsertRowid);
  }

  setVerdict(id: number, v: { verdict: NotificationVerdict; reason: string | null; orderId: string | null; notifyId: string | null; at: number }): void {
    this.verdictStmt.run({ id, ...v });
  }

  last(): NotificationRow | null {
    const r = this.lastStmt.get();
    return r ? toRow(r) : null;
  }

  /** Every stored notification, oldest first (tests and diagnostics). */
  all(): NotificationRow[] {
    return this.allStmt.all().map(toRow);
  }
}
