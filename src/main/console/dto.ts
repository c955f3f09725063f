/**
 * The payment core's records (integer fen) → the contract's DTOs (yuan strings). Only here do core
 * types meet the renderer's: the notify URL and anything else internal are dropped.
 */
import type { OrderDetailDto, OrderDto, OrderEventDto, RefundDto, SummaryDto } from '../../shared/contract';
import { formatFen } from '../../shared/money';
import type { Order, OrderEvent, Refund } from '../domain';
import type { DaySummary } from '../payments/api';

export function toRefundDto(refund: Refund): RefundDto {
  return {
    id: refund.id,
    orderId: refund.orderId,
    amount: formatFen(refund.amountFen),
    reason: refund.reason,
    status: refund.status,
    createdAt: refund.createdAt,
    settledAt: refund.settledAt,
    message: refund.message,
  };
}

/**
 * What can still be refunded: the amount minus succeeded refunds minus refunds still in flight
 * (PENDING / UNKNOWN may yet succeed — counting them prevents a second refund of the same money).
 * Zero unless the order is paid.
 */
export function refundableFen(order: Order): number {
  if (order.status !== 'PAID' && order.status !== 'PARTIALLY_REFUNDED') return 0;
  const inFlight = order.refunds.filter((r) => r.status === 'PENDING' || r.status === 'UNKNOWN').reduce((sum, r) => sum + r.amountFen, 0);
  return Math.max(0, order.amountFen - order.refundedFen - inFlight);
}

export function toOrderDto(order: Order): OrderDto {
  return {
    id: order.id,
    provider: order.provider,
    method: order.method,
    status: order.status,
    amount: formatFen(order.amountFen),
    refunded: formatFen(order.refundedFen),
    refundable: formatFen(refundableFen(order)),
    subject: order.subject,
    qrCode: order.qrCode,
    payUrl: order.payUrl,
    tradeNo: order.tradeNo,
    buyerLogonId: order.buyerLogonId,
    createdAt: order.createdAt,
    paidAt: order.paidAt,
    expiresAt: order.expiresAt,
    closedAt: order.closedAt,
    userPaying: order.userPaying,
    message: order.message,
    latePayment: order.latePayment,
    refunds: order.refunds.map(toRefundDto),
    environment: order.environment,
    appId: order.appId,
    foreign: order.foreign,
    // 双码 only: an ordinary order leaves it out (absent = null in the contract).
    ...(order.pairedWith ? { pairedWith: order.pairedWith } : {}),
  };
}

export function toOrderEventDto(event: OrderEvent): OrderEventDto {
  return { id: event.id, source: event.source, kind: event.kind, payload: event.payload, at: event.at };
}

export function toOrderDetailDto(order: Order, events: OrderEvent[]): OrderDetailDto {
  return { ...toOrderDto(order), events: events.map(toOrderEventDto) };
}

/** Average ticket in integer fen, rounded half away from zero — money is never a float. */
export function averageFen(netFen: number, count: number): number {
  if (count <= 0) return 0;
  const sign = netFen < 0 ? -1 : 1;
  const abs = Math.abs(netFen);
  return sign * Math.floor((2 * abs + count) / (2 * count));
}

export function toSummaryDto(summary: DaySummary): SummaryDto {
  return {
    date: summary.date,
    count: summary.count,
    gross: formatFen(summary.grossFen),
    refunded: formatFen(summary.refundedFen),
    net: formatFen(summary.netFen),
    average: formatFen(averageFen(summary.netFen, summary.count)),
    hourly: summary.hourly.map((h) => ({ hour: h.hour, count: h.count, net: formatFen(h.netFen) })),
    ...splitDto(summary.byMethod),
  };
}

/** The split by provider and method, and by provider alone, as yuan strings (今日 and 交班 alike). */
export function splitDto(rows: readonly MethodRow[]): Pick<SummaryDto, 'byMethod' | 'byProvider'> {
  const money = (r: { count: number; grossFen: number; refundedFen: number; netFen: number }) => ({
    count: r.count,
    gross: formatFen(r.grossFen),
    refunded: formatFen(r.refundedFen),
    net: formatFen(r.netFen),
  });
  return {
    byMethod: rows.map((m) => ({ provider: m.provider, method: m.method, ...money(m) })),
    byProvider: byProvider(rows).map((p) => ({ provider: p.provider, ...money(p) })),
  };
}

type MethodRow = DaySummary['byMethod'][number];

/** The day's rows per provider: the provider's methods added up (integer fen), in first-seen order. */
export function byProvider(rows: readonly MethodRow[]): { provider: string; count: number; grossFen: number; refundedFen: number; netFen: number }[] {
  const out = new Map<string, { provider: string; count: number; grossFen: number; refundedFen: number; netFen: number }>();
  for (const m of rows) {
    const p = out.get(m.provider) ?? { provider: m.provider, count: 0, grossFen: 0, refundedFen: 0, netFen: 0 };
    p.count += m.count;
    p.grossFen += m.grossFen;
    p.refundedFen += m.refundedFen;
    p.netFen += m.netFen;
    out.set(m.provider, p);
  }
  return [...out.values()];
}

/** Today's local date as YYYY-MM-DD (the summary's default). */
export function localDate(now: Date): string {
  const pad = (n: number): string => n.toString().padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
