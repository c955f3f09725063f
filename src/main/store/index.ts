import type { Database } from 'better-sqlite3';
import { openDatabase } from './db';
import { EventRepository } from './event-repository';
import { NotificationRepository } from './notification-repository';
import { OrderRepository } from './order-repository';
import { RefundRepository } from './refund-repository';
import { ShiftRepository } from './shift-repository';

export { openDatabase } from './db';
export { migrate, MIGRATIONS, LATEST_VERSION } from './migrations';
export type { OrderRow, OrderPatch, OrderListFilter, OrderEnvironment, OrderScope, NewOrderRow } from './order-repository';
export type { RefundRow } from './refund-repository';
export type { NotificationRow, NotificationVerdict } from './notification-repository';
export { OrderRepository, RefundRepository, EventRepository, NotificationRepository };
export type { ShiftRow, ShiftScope, PaidTotalsRow } from './shift-repository';
export { ShiftRepository };

/** The database and one repository per aggregate. */
export interface Store {
  db: Database;
  orders: OrderRepository;
  refunds: RefundRepository;
  events: EventRepository;
  notifications: NotificationRepository;
  /** 交班: shifts and their totals (migration shifts). */
  shifts: ShiftRepository;
  /** Run `fn` in one synchronous transaction (better-sqlite3: BEGIN IMMEDIATE … COMMIT). */
  tx<T>(fn: () => T): T;
  close(): void;
}

/** Open the database at `path` (migrating it) and build the repositories. */
export function openStore(path: string): Store {
  const db = openDatabase(path);
  // One transaction function for every tx() call (better-sqlite3 runs the callback it is given):
  // building a new wrapper per call was measurable on the notify path, which nests one savepoint per
  // notification (README, "Performance"). Nested calls become SAVEPOINTs, as before.
  const run = db.transaction((fn: () => unknown) => fn());
  return {
    db,
    orders: new OrderRepository(db),
    refunds: new RefundRepository(db),
    events: new EventRepository(db),
    notifications: new NotificationRepository(db),
    shifts: new ShiftRepository(db),
    tx: <T>(fn: () => T): T => run.immediate(fn) as T,
    close: () => db.close(),
  };
}
