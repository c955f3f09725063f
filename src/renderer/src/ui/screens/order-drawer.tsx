import { Alert, Button, Descriptions, Drawer, Empty, List, Spin, Tag, Timeline } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { OrderDetailDto, PinStatusDto, RefundDto } from '../../../../shared/contract';
import { MethodLogo, providerColor } from '../components/method-logo';
import { OrderStatusTag } from '../components/order-status-tag';
import { RefundForm, type RefundFailure } from '../components/refund-form';
import { useConsole, useErrorText } from '../hooks/console-context';
import { ReceiptButtons } from '../receipt/receipt-buttons';
import { formatDateTime } from '../lib/format';
import { isRefundable } from '../lib/orders';
import { tableLabel } from '../lib/i18n-table';
import { providerName } from '../lib/provider-name';

const REFUND_COLORS: Record<RefundDto['status'], string> = { PENDING: 'processing', UNKNOWN: 'processing', SUCCESS: 'success', FAILED: 'error' };

/** Row → detail: fields (双码: the paired order, one click away), the event timeline (who changed what), refunds and the 退款 form. */
export function OrderDrawer({
  orderId,
  onClose,
  onOpen,
}: {
  orderId: string | null;
  onClose: () => void;
  /** open another order in the drawer (双码: the paired order) */
  onOpen?: (id: string) => void;
}): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, reportError } = useConsole();
  const [detail, setDetail] = useState<OrderDetailDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lateBusy, setLateBusy] = useState(false);

  const refresh = useCallback(
    async (id: string) => {
      const result = await api.ordersGet({ id });
      if (!result.ok) {
        reportError(result.error);
        return setError(errorText(result.error));
      }
      setError(null);
      setDetail((prev) => (prev && prev.id === id && prev.events.length > result.value.events.length ? prev : result.value));
    },
    [api], // eslint-disable-line react-hooks/exhaustive-deps
  );

  useEffect(() => {
    setDetail(null);
    setError(null);
    if (orderId) void refresh(orderId);
  }, [orderId, refresh]);

  // Live: the order or one of its refunds changed (notify, poll, a refund in UNKNOWN settling).
  useEffect(() => {
    if (!orderId) return;
    const offOrder = api.onOrderUpdated((o) => o.id === orderId && void refresh(orderId));
    const offRefund = api.onRefundUpdated((r) => r.orderId === orderId && void refresh(orderId));
    return () => {
      offOrder();
      offRefund();
    };
  }, [api, orderId, refresh]);

  // The manager PIN's state, so the refund confirmation asks for it when main will (main enforces it).
  const [pin, setPin] = useState<PinStatusDto | null>(null);
  useEffect(() => {
    if (orderId) void api.pinStatus({}).then((r) => setPin(r.ok ? r.value : null));
  }, [api, orderId]);

  const refund = async (amount: string, reason: string | undefined, managerPin?: string): Promise<RefundFailure | null> => {
    if (!detail) return null;
    const result = await api.ordersRefund({ id: detail.id, amount, ...(reason ? { reason } : {}), ...(managerPin ? { pin: managerPin } : {}) });
    if (!result.ok) {
      reportError(result.error);
      if (result.error.code === 'PIN_REQUIRED' || result.error.code === 'PIN_LOCKED') void api.pinStatus({}).then((r) => r.ok && setPin(r.value));
      return result.error;
    }
    await refresh(detail.id);
    return null;
  };

  // R (outside a text field) jumps to the refund amount: a refund without the mouse.
  useEffect(() => {
    if (!orderId) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key.toLowerCase() !== 'r' || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      const input = document.getElementById('pd-refund-amount') as HTMLInputElement | null;
      if (!input || input.disabled) return;
      e.preventDefault();
      input.focus();
      input.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [orderId]);

  const d = detail;
  return (
    <Drawer
      open={orderId !== null}
      onClose={onClose}
      size="large"
      title={t('detail.title')}
      destroyOnHidden
      data-testid="order-drawer"
      rootClassName="pd-drawer"
    >
      {error && <Alert type="error" showIcon title={error} data-testid="detail-error" />}
      {!d && !error && <Spin size="large" className="pd-center" />}
      {d && (
        <div data-testid="order-detail" data-order-id={d.id} data-status={d.status}>
          <div className="pd-detail-head">
            <MethodLogo method={d.method} provider={d.provider} />
            <span className="pd-detail-amount" data-testid="detail-amount">
              ¥{d.amount}
            </span>
            <OrderStatusTag order={d} testId="detail-status" large />
          </div>
          {d.latePayment && isRefundable(d) && (
            // Paid after PayDesk had cancelled / closed it: say so first, and offer the full refund in one click.
            <Alert
              type="error"
              showIcon
              className="pd-gap"
              data-testid="late-payment"
              title={t(d.latePayment === 'after_cancel' ? 'detail.lateAfterCancel' : 'detail.lateAfterClose', {
                amount: d.refundable,
                provider: providerName(t, d.provider),
              })}
              action={
                <Button
                  danger
                  type="primary"
                  loading={lateBusy}
                  data-testid="late-refund"
                  onClick={() => {
                    setLateBusy(true);
                    void refund(d.refundable, t('detail.lateRefundReason')).finally(() => setLateBusy(false));
                  }}
                >
                  {t('detail.lateRefund', { amount: d.refundable })}
                </Button>
              }
            />
          )}
          <Descriptions column={1} size="small" bordered className="pd-gap">
            <Descriptions.Item label={t('orders.orderNo')}>
              <span className="pd-mono" data-testid="detail-id">
                {d.id}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('orders.method')}>
              <span data-testid="detail-provider" style={{ color: providerColor(d.provider) }}>
                {providerName(t, d.provider)}
              </span>{' '}
              · {t(`method.${d.method}`)}
            </Descriptions.Item>
            {d.pairedWith && (
              <Descriptions.Item label={t('detail.pairedWith')}>
                <span className="pd-mono" data-testid="detail-paired">
                  {d.pairedWith}
                </span>{' '}
                <Button size="small" type="link" data-testid="detail-open-paired" onClick={() => onOpen?.(d.pairedWith ?? '')}>
                  {t('detail.openPaired')}
                </Button>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('detail.subject')}>{d.subject}</Descriptions.Item>
            <Descriptions.Item label={tableLabel(t, 'detail.tradeNoBy', d.provider) ?? t('detail.tradeNo')}>
              <span className="pd-mono" data-testid="detail-trade-no">
                {d.tradeNo ?? '—'}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('detail.buyer')}>{d.buyerLogonId ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('detail.createdAt')}>{formatDateTime(d.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('detail.paidAt')}>{formatDateTime(d.paidAt)}</Descriptions.Item>
            {d.closedAt !== null && <Descriptions.Item label={t('detail.closedAt')}>{formatDateTime(d.closedAt)}</Descriptions.Item>}
            <Descriptions.Item label={t('orders.refunded')}>
              <span data-testid="detail-refunded">¥{d.refunded}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('detail.refundable')}>
              <span data-testid="detail-refundable">¥{d.refundable}</span>
            </Descriptions.Item>
            {d.message && <Descriptions.Item label={t('detail.message')}>{errorText(d.message)}</Descriptions.Item>}
          </Descriptions>
          <ReceiptButtons order={d} />

          <h3 className="pd-section-title">{t('detail.refunds')}</h3>
          {d.refunds.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('detail.noRefunds')} />
          ) : (
            <List
              size="small"
              bordered
              dataSource={d.refunds}
              renderItem={(r) => (
                <List.Item data-testid="refund-row" data-status={r.status}>
                  <span className="pd-money">¥{r.amount}</span>
                  <Tag color={REFUND_COLORS[r.status]} data-testid="refund-status">
                    {t(`refundStatus.${r.status}`)}
                  </Tag>
                  <span className="pd-muted">{formatDateTime(r.createdAt)}</span>
                  {(r.reason || r.message) && <span className="pd-muted">{r.message ? errorText(r.message) : r.reason}</span>}
                </List.Item>
              )}
            />
          )}

          {isRefundable(d) && (
            <>
              <h3 className="pd-section-title">{t('refund.title')}</h3>
              <RefundForm order={d} onRefund={refund} pin={pin} />
            </>
          )}

          <h3 className="pd-section-title">{t('detail.timeline')}</h3>
          <Timeline
            data-testid="timeline"
            items={d.events.map((e) => ({
              key: e.id,
              content: (
                <div data-testid="timeline-event" data-source={e.source}>
                  <Tag>{sourceLabel(t, e.source, d.provider)}</Tag>
                  <span data-kind={e.kind}>{tableLabel(t, 'detail.kind', e.kind) ?? e.kind}</span>{' '}
                  {e.payload['authorization'] === 'manager_pin' && (
                    <Tag color="gold" data-testid="event-pin">
                      {t('pin.authorized')}
                    </Tag>
                  )}
                  <span className="pd-muted">{formatDateTime(e.at)}</span>
                </div>
              ),
            }))}
          />
        </div>
      )}
    </Drawer>
  );
}

/** Who changed the order: a notification is named by the order's provider (支付宝通知 / 微信支付通知), else generic. */
function sourceLabel(t: TFunction, source: string, provider: string): string {
  if (source === 'notify') return tableLabel(t, 'detail.notifyBy', provider) ?? t('detail.source.notify');
  return tableLabel(t, 'detail.source', source) ?? source;
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}
