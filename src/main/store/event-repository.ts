import type { Database, Statement } from 'better-sqlite3';
import type { EventSource, OrderEvent } from '../domain';

interface RawEvent {
  id: number;
  order_id: string;
  source: string;
  kind: string;
  payload: string;
  at: number;
}

/**
 * The append-only audit trail. Callers append inside the same transaction as the state change they describe
 * (docs/architecture.md, Invariants: "Monotonic states and the audit trail"), so an event exists if and only if
 * the change was committed.
 */
export class EventRepository {
  private readonly appendStmt: Statement;
  private readonly byOrderStmt: Statement<[string], RawEvent>;

  constructor(db: Database) {
    this.appendStmt = db.prepare('INSERT INTO events (order_id, source, kind, payload, at) VALUES (?, ?, ?, ?, ?)');
    this.byOrderStmt = db.prepare('SELECT * FROM events WHERE order_id = ? ORDER BY id');
  }

  append(orderId: string, source: EventSource, kind: string, payload: Record<string, unknown>, at: number): void {
    this.appendStmt.run(orderId, source, kind, JSON.stringify(payload), at);
  }

  /** Oldest first. */
  byOrder(orderId: string): OrderEvent[] {
    return this.byOrderStmt.all(orderId).map((r) => ({
      id: r.id,
      orderId: r.order_id,
      source: r.source as EventSource,
      kind: r.kind,
      payload: JSON.parse(r.payload) as Record<string, unknown>,
      at: r.at,
    }));
  }
}
