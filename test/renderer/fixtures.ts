/**
 * Orders as the main process sends them to the renderer (OrderDto / OrderDetailDto), for the renderer
 * tests. Each test passes what matters to it as a patch; the rest is a plain demo-app QR order.
 */
import type { OrderDetailDto, OrderDto } from '../../src/shared/contract';

/** A paid 10.00 QR order of the demo app, created and paid just now, unless patched. */
export function orderDto(patch: Partial<OrderDto> = {}): OrderDto {
  const now = Date.now();
  return {
    id: 'PD000001',
    provider: 'alipay',
    method: 'qr',
    status: 'PAID',
    amount: '10.00',
    refunded: '0.00',
    refundable: '10.00',
    subject: 'PayDesk',
    qrCode: null,
    payUrl: null,
    tradeNo: null,
    buyerLogonId: null,
    createdAt: now,
    paidAt: now,
    expiresAt: null,
    closedAt: null,
    userPaying: false,
    message: null,
    refunds: [],
    environment: 'demo',
    appId: '2021000000000001',
    foreign: false,
    ...patch,
  };
}

/** A 12.34 QR order waiting for the buyer (its QR shown, expiring in 15 minutes), unless patched. */
export function waitingOrderDto(patch: Partial<OrderDto> = {}): OrderDto {
  return orderDto({
    status: 'AWAITING_PAYMENT',
    amount: '12.34',
    refundable: '0.00',
    qrCode: 'http://127.0.0.1:1/qr/abc',
    paidAt: null,
    expiresAt: Date.now() + 15 * 60_000,
    ...patch,
  });
}

/** The drawer's view of an order: orderDto() with an empty timeline, unless patched. */
export function orderDetailDto(patch: Partial<OrderDetailDto> = {}): OrderDetailDto {
  return { ...orderDto(), events: [], ...patch };
}
