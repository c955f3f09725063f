import type { OrderDto, OrderStatusDto } from '../../shared/contract';

/** What the cashier reads for each order state. */
export const STATUS_LABELS: Record<OrderStatusDto, string> = {
  AWAITING_PAYMENT: '等待支付',
  PAID: '已支付',
  PARTIALLY_REFUNDED: '部分退款',
  REFUNDED: '已退款',
  CLOSED: '已关闭',
  FAILED: '失败',
};

const RANK: Record<OrderStatusDto, number> = {
  AWAITING_PAYMENT: 0,
  PAID: 1,
  CLOSED: 1,
  FAILED: 1,
  PARTIALLY_REFUNDED: 2,
  REFUNDED: 3,
};

/** "12.34" → 1234 without floats (the server's strings are always two-decimal). */
function fen(yuan: string): number {
  const [whole = '0', fraction = '0'] = yuan.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

/**
 * Order states only move forward (design.md principle 5), but a command's answer and a pushed event
 * can arrive in either order: keep whichever snapshot is further along.
 */
export function newerOrder(current: OrderDto | null, next: OrderDto): OrderDto {
  if (!current || current.id !== next.id) return next;
  const a = RANK[current.status];
  const b = RANK[next.status];
  if (b !== a) return b > a ? next : current;
  if (fen(next.refunded) !== fen(current.refunded)) return fen(next.refunded) > fen(current.refunded) ? next : current;
  // Same state and refunded total: the later snapshot carries the latest refund statuses.
  return next;
}
