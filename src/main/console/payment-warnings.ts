/**
 * Status-bar warnings that come from the payments themselves (not from settings):
 * - an order paid AFTER PayDesk had cancelled / closed it (a late scan), until it is refunded;
 * - genuine notifications refused only because of the seller id (a blank or wrong PID in Settings).
 */
import { formatFen } from '../../shared/money';
import type { NotificationSeen, OrderStatus, PaymentCore } from '../payments';

/** How long a late payment stays in the status bar when nobody refunds it. */
const LATE_WARNING_MS = 24 * 3600_000;

/** One warning per late-paid order that still holds money (bilingual, Chinese first). */
export function latePaymentWarnings(core: PaymentCore | null, now: number): string[] {
  if (!core) return [];
  const statuses: OrderStatus[] = ['PAID', 'PARTIALLY_REFUNDED'];
  return statuses
    .flatMap((status) => core.listOrders({ status, from: now - LATE_WARNING_MS, limit: 200 }).items)
    .filter((o) => o.latePayment !== null && o.refundedFen < o.amountFen)
    .map((o) => {
      const cancelled = o.latePayment === 'after_cancel';
      const yuan = formatFen(o.amountFen - o.refundedFen);
      return `⚠ 订单 ${o.id} 在${cancelled ? '取消' : '关闭'}后收到付款 ${yuan} 元：请与顾客核对，不需要的请在订单详情中一键退款 / Order ${o.id} was paid ¥${yuan} AFTER it was ${cancelled ? 'cancelled' : 'closed'}: check with the customer, or refund it in one click in the order details`;
    });
}

/** Remembers the seller id of the last genuine notification refused only because of it. */
export class SellerIdWatch {
  private sent: string | null = null;

  /** Feed every notification.received of the running core. */
  seen(n: NotificationSeen): void {
    const sellerIdSent = n.detail?.sellerIdSent;
    if (n.verdict === 'rejected' && n.reason === 'seller_id mismatch' && sellerIdSent !== undefined) {
      this.sent = sellerIdSent;
    } else if (n.verdict === 'applied') {
      this.sent = null; // notifications are accepted again
    }
  }

  /** A new core (other settings): forget. */
  reset(): void {
    this.sent = null;
  }

  /** The warning naming the seller id Alipay sent, or null. */
  warning(configured: string): string | null {
    if (this.sent === null) return null;
    const sent = this.sent || '（空）';
    const ours = configured || '（空）';
    return `支付宝的通知被拒绝：通知中的收款方 PID（seller_id）是 ${sent}，而设置中的 PID 是 ${ours}。请在设置中核对 PID，否则支付只能靠查询确认（较慢） / Alipay's notifications are refused: they name seller id ${this.sent || '(empty)'}, Settings has ${configured || '(empty)'}. Check the seller id (PID) in Settings; until then payments are confirmed by polling (slower)`;
  }
}
