/** Store rows for tests that write the database directly: every field given, the test names what matters. */
import type { OrderRow } from '../../src/main/store';

/** A waiting QR order of 1.00 in demo, app 'app', provider 'alipay', created now; `patch` overrides. */
export function orderRow(id: string, patch: Partial<OrderRow> = {}): OrderRow {
  const createdAt = patch.createdAt ?? Date.now();
  return {
    id,
    method: 'qr',
    status: 'AWAITING_PAYMENT',
    amountFen: 100,
    refundedFen: 0,
    subject: 's',
    qrCode: null,
    payUrl: null,
    tradeNo: null,
    buyerLogonId: null,
    notifyUrl: null,
    createdAt,
    updatedAt: createdAt,
    paidAt: null,
    expiresAt: null,
    closedAt: null,
    userPaying: false,
    message: null,
    environment: 'demo',
    appId: 'app',
    provider: 'alipay',
    pairedWith: null,
    ...patch,
  };
}
