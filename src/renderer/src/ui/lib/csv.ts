import type { OrderDto } from '../../../../shared/contract';
import { formatDateTime } from './format';

const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The day's orders as CSV, UTF-8 with a BOM so Excel shows Chinese. */
export function ordersCsv(orders: OrderDto[], headers: string[], label: (o: OrderDto) => string[]): string {
  const rows = [headers, ...orders.map(label)];
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Default columns: time, order no, trade no, amount, refunded, method, status, subject. */
export function orderRow(o: OrderDto, status: string, method: string): string[] {
  return [formatDateTime(o.createdAt), o.id, o.tradeNo ?? '', o.amount, o.refunded, method, status, o.subject];
}
