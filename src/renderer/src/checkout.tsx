import { useEffect, useState } from 'react';
import type { ConsoleApi, ErrorInfo, OrderDto } from '../../shared/contract';
import { newerOrder, STATUS_LABELS } from './order-status';
import { QrImage } from './qr-image';

/**
 * The minimal counter: amount → 收款 (a QR order), the order turning 已支付 when the pushed
 * order.updated arrives (no polling here), and a refund of part or all of it.
 */
export function Checkout({ api }: { api: ConsoleApi }): React.JSX.Element {
  const [amount, setAmount] = useState('');
  const [refundAmount, setRefundAmount] = useState('');
  const [order, setOrder] = useState<OrderDto | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState<'charge' | 'refund' | null>(null);

  useEffect(() => api.onOrderUpdated((next) => setOrder((current) => (current?.id === next.id ? newerOrder(current, next) : current))), [api]);

  async function charge(event: React.FormEvent): Promise<void> {
    event.preventDefault();
    setBusy('charge');
    setError(null);
    const result = await api.ordersCreate({ amount: amount.trim(), method: 'qr' });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setOrder(result.value);
    setRefundAmount('');
  }

  async function refund(event: React.FormEvent): Promise<void> {
    event.preventDefault();
    if (!order) return;
    setBusy('refund');
    setError(null);
    const result = await api.ordersRefund({ id: order.id, amount: refundAmount.trim() });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setOrder((current) => newerOrder(current, result.value));
    setRefundAmount('');
  }

  const refundable = order && (order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED');
  return (
    <section className="checkout">
      <form className="charge" onSubmit={(e) => void charge(e)}>
        <label htmlFor="amount">金额（元） / Amount (CNY)</label>
        <div className="row">
          <input
            id="amount"
            data-testid="amount-input"
            inputMode="decimal"
            autoComplete="off"
            placeholder="0.00"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <button type="submit" data-testid="charge-button" disabled={busy !== null || amount.trim() === ''}>
            收款
          </button>
        </div>
      </form>

      {error && (
        <p className="error" role="alert" data-testid="error" data-code={error.code}>
          {error.message}
        </p>
      )}

      {order && (
        <div className="order" data-testid="order-panel" data-order-id={order.id}>
          {order.status === 'AWAITING_PAYMENT' && order.qrCode && <QrImage text={order.qrCode} />}
          <dl>
            <dt>订单号 / Order</dt>
            <dd data-testid="order-id">{order.id}</dd>
            <dt>金额 / Amount</dt>
            <dd data-testid="order-amount">¥{order.amount}</dd>
            <dt>状态 / Status</dt>
            <dd>
              <span data-testid="order-status" data-status={order.status} className={`status status-${order.status.toLowerCase()}`}>
                {STATUS_LABELS[order.status]}
              </span>
            </dd>
            {order.refunded !== '0.00' && (
              <>
                <dt>已退 / Refunded</dt>
                <dd data-testid="order-refunded">¥{order.refunded}</dd>
              </>
            )}
            {order.message && (
              <>
                <dt>说明 / Note</dt>
                <dd data-testid="order-message">{order.message}</dd>
              </>
            )}
          </dl>
          {refundable && (
            <form className="refund" onSubmit={(e) => void refund(e)}>
              <label htmlFor="refund-amount">退款金额（可退 ¥{order.refundable}） / Refund (up to ¥{order.refundable})</label>
              <div className="row">
                <input
                  id="refund-amount"
                  data-testid="refund-amount-input"
                  inputMode="decimal"
                  autoComplete="off"
                  placeholder={order.refundable}
                  value={refundAmount}
                  onChange={(e) => setRefundAmount(e.target.value)}
                />
                <button type="submit" data-testid="refund-button" disabled={busy !== null || refundAmount.trim() === ''}>
                  退款
                </button>
              </div>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
