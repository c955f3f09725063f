import type { OrderDto } from '../../../../shared/contract';
import { formatDateTime } from './format';

/**
 * One CSV cell, for Excel, WPS, LibreOffice Calc and Numbers opening the file by double-click:
 * - Long digit strings (Alipay's 28-digit trade numbers; any all-digit cell of 12+ digits) are written
 *   as ="…": every one of those programs evaluates it to the TEXT, so all digits show. Bare, they become
 *   numbers (2.02612E+27, and Excel keeps only 15 significant digits — the rest are lost on save). The
 *   other common tricks are worse: a leading apostrophe is shown literally when a CSV is opened (it only
 *   works when typed), and a leading tab keeps the digits but puts a tab into the value, so a copied or
 *   searched number no longer matches. Only PayDesk's own all-digit values take this form: the content
 *   between the quotes is digits only, so it cannot carry anything else.
 * - Formula injection: text from people (the subject, a reason) starting with = + - @, a tab or a
 *   carriage return would be run as a formula. Such cells get a leading ' (OWASP's advice): shown as
 *   text, never evaluated.
 * - Then RFC 4180 quoting for commas, quotes and line breaks.
 */
export function csvCell(value: string): string {
  if (/^\d{12,}$/.test(value)) return `="${value}"`;
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The day's orders as CSV, UTF-8 with a BOM so Excel shows Chinese. */
export function ordersCsv(orders: OrderDto[], headers: string[], label: (o: OrderDto) => string[]): string {
  const rows = [headers, ...orders.map(label)];
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Default columns: time, order no, trade no, amount, refunded, provider (支付宝 / 微信支付), method, status, subject. */
export function orderRow(o: OrderDto, status: string, method: string, provider: string): string[] {
  return [formatDateTime(o.createdAt), o.id, o.tradeNo ?? '', o.amount, o.refunded, provider, method, status, o.subject];
}
