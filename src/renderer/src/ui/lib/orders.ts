import type { OrderDto, OrderStatusDto } from '../../../../shared/contract';
import { yuanToFen } from './amount';

const RANK: Record<OrderStatusDto, number> = {
  AWAITING_PAYMENT: 0,
  PAID: 1,
  CLOSED: 1,
  FAILED: 1,
  PARTIALLY_REFUNDED: 2,
  REFUNDED: 3,
};

/**
 * Order states only move forward (docs/architecture.md, Invariants: "Monotonic states and the audit trail"),
 * but a command's answer and a pushed event can arrive in either order: keep whichever snapshot is further
 * along.
 */
export function newerOrder<T extends OrderDto>(current: T | null, next: T): T {
  if (!current || current.id !== next.id) return next;
  const a = RANK[current.status];
  const b = RANK[next.status];
  if (b !== a) return b > a ? next : current;
  const ra = yuanToFen(current.refunded);
  const rb = yuanToFen(next.refunded);
  if (ra !== rb) return rb > ra ? next : current;
  if (current.userPaying && !next.userPaying && a === 0) return current;
  return next;
}

/** The antd Tag colour of each state. */
export const STATUS_COLORS: Record<OrderStatusDto, string> = {
  AWAITING_PAYMENT: 'processing',
  PAID: 'success',
  PARTIALLY_REFUNDED: 'warning',
  REFUNDED: 'default',
  CLOSED: 'default',
  FAILED: 'error',
};

/** Whether the order can still be refunded. */
export function isRefundable(order: OrderDto): boolean {
  // Another environment's or app's order is read-only here (its gateway is not this one).
  if (order.foreign) return false;
  return (order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED') && yuanToFen(order.refundable) > 0;
}
