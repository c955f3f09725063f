import { Alert, Button, Input, Result, Space, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import { MethodLogo, providerColor } from '../components/method-logo';
import { OrderStatusTag } from '../components/order-status-tag';
import { QrCode } from '../components/qr-code';
import { useConsole, useErrorText } from '../hooks/console-context';
import { useNow } from '../hooks/use-now';
import { formatCountdown } from '../lib/format';
import { providerName } from '../lib/provider-name';

export interface OrderPanelProps {
  order: OrderDto;
  onCancel: () => void;
  onNext: () => void;
  cancelling: boolean;
  /** 双码: the other order of the same sale (shown under a finished sale: 已关闭, or refunded after a race). */
  other?: OrderDto | null;
}

/**
 * The order at the counter: big QR in its provider's colour / pay link, amount, live state, countdown,
 * cancel, 模拟顾客扫码 (the order's customerUrl in demo; else the QR / link itself).
 */
export function OrderPanel({ order, onCancel, onNext, cancelling, other = null }: OrderPanelProps): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { status } = useConsole();
  const waiting = order.status === 'AWAITING_PAYMENT';
  const now = useNow(waiting && order.expiresAt !== null);
  const [linkAsQr, setLinkAsQr] = useState(false);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const customerUrl = order.customerUrl ?? (order.method === 'link' ? order.payUrl : order.qrCode);
  const provider = providerName(t, order.provider);
  const color = providerColor(order.provider);
  /** A pay link as a QR: the short redirect URL when the notify endpoint is reachable (a small, easy code). */
  const qrText = order.method === 'link' ? (order.shortUrl ?? order.payUrl) : order.qrCode;
  const demo = status?.environment === 'demo';

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(order.payUrl ?? '');
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  };

  const header = (
    <div className="pd-order-head">
      <MethodLogo method={order.method} provider={order.provider} />
      <span className="pd-order-provider" data-testid="order-provider" style={{ color }}>
        {provider}
      </span>
      <span className="pd-order-method" data-testid="order-method">
        {t(`method.${order.method}`)}
      </span>
      <span className="pd-order-no">
        {t('checkout.orderNo')} <span data-testid="order-id">{order.id}</span>
      </span>
    </div>
  );
  const amount = (
    <div className="pd-order-amount" data-testid="order-amount">
      ¥{order.amount}
    </div>
  );

  const otherLine = other && (
    <div className="pd-pair-other" data-testid="pair-other" data-provider={other.provider} data-status={other.status}>
      <MethodLogo method={other.method} provider={other.provider} size={18} />
      <span>{t('checkout.pairOther', { provider: providerName(t, other.provider) })}</span>
      <OrderStatusTag order={other} testId="pair-other-status" />
    </div>
  );

  if (order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED' || order.status === 'REFUNDED') {
    return (
      <div className="pd-order-panel pd-order-done" data-testid="order-panel" data-order-id={order.id}>
        {header}
        {amount}
        <Result
          className="pd-result"
          status="success"
          title={<span className="pd-result-title">{t('checkout.paidTitle')}</span>}
          subTitle={
            <span className="pd-result-sub" data-testid="paid-sub">
              {t('checkout.paidSub', { amount: order.amount, provider })}
            </span>
          }
          extra={
            <Space orientation="vertical" align="center">
              <OrderStatusTag order={order} large />
              {otherLine}
              <Button type="primary" size="large" data-testid="next-button" onClick={onNext}>
                {t('checkout.next')} (Esc)
              </Button>
            </Space>
          }
        />
      </div>
    );
  }

  if (!waiting) {
    return (
      <div className="pd-order-panel" data-testid="order-panel" data-order-id={order.id}>
        {header}
        <Result
          status={order.status === 'FAILED' ? 'error' : 'info'}
          title={<span className="pd-result-title">{t(order.status === 'FAILED' ? 'checkout.failedTitle' : 'checkout.closedTitle')}</span>}
          subTitle={
            <span data-testid="order-message" className="pd-result-sub">
              ¥{order.amount}
              {order.message ? ` — ${errorText(order.message)}` : ''}
            </span>
          }
          extra={
            <Space orientation="vertical" align="center">
              <OrderStatusTag order={order} large />
              {otherLine}
              <Button type="primary" size="large" data-testid="next-button" onClick={onNext}>
                {t('checkout.next')} (Esc)
              </Button>
            </Space>
          }
        />
      </div>
    );
  }

  const left = order.expiresAt !== null ? order.expiresAt - now : null;
  const showQr = order.method === 'qr' || (order.method === 'link' && linkAsQr);
  return (
    <div className="pd-order-panel" data-testid="order-panel" data-order-id={order.id}>
      {header}
      <div className="pd-order-state">
        {amount}
        <OrderStateSide order={order} left={left} />
      </div>
      {order.method === 'code' && (
        <div className="pd-paying" data-testid="code-waiting">
          <Spin size="large" />
          <div className="pd-paying-text">{order.userPaying ? t('status.userPaying') : t('checkout.paying')}</div>
        </div>
      )}
      {showQr && qrText && (
        <div className="pd-qr-wrap" data-provider={order.provider} style={order.method === 'qr' ? { borderColor: color } : undefined}>
          <QrCode text={qrText} size={300} alt={order.method === 'qr' ? t('checkout.scanWith', { provider }) : t('method.qr')} />
          {order.method === 'qr' && (
            <div className="pd-qr-caption" data-testid="qr-caption" style={{ background: color }}>
              {t('checkout.scanWith', { provider })}
            </div>
          )}
        </div>
      )}
      {order.method === 'link' &&
        order.payUrl &&
        (order.shortUrl ? (
          linkAsQr && (
            <div className="pd-muted" data-testid="link-short">
              {t('counter.linkShort')}
              <div className="pd-short-link">{order.shortUrl}</div>
            </div>
          )
        ) : (
          <Alert type="warning" showIcon className="pd-gap" title={<span data-testid="link-no-short">{t('counter.linkNoShort')}</span>} />
        ))}
      {order.method === 'link' && order.payUrl && (
        <div className="pd-link">
          {!linkAsQr && <Input.TextArea readOnly autoSize={{ minRows: 2, maxRows: 4 }} value={order.payUrl} data-testid="pay-link" />}
          <Space wrap className="pd-gap">
            <Button size="large" data-testid="copy-link" onClick={() => void copy()}>
              {t('checkout.copyLink')}
            </Button>
            <Button size="large" data-testid="toggle-link-qr" onClick={() => setLinkAsQr((v) => !v)}>
              {linkAsQr ? t('checkout.showLink') : t('checkout.showQr')}
            </Button>
            {copied && <span data-testid="copy-result">{t(copied === 'ok' ? 'checkout.copied' : 'checkout.copyFailed')}</span>}
          </Space>
        </div>
      )}
      <Space wrap className="pd-gap pd-order-actions">
        {demo && customerUrl && (
          <Button
            type="primary"
            size="large"
            data-testid="simulate-scan"
            style={order.method === 'qr' ? { background: color, borderColor: color } : undefined}
            onClick={() => window.open(customerUrl, '_blank')}
          >
            {t('checkout.simulate')}
          </Button>
        )}
        <Button danger size="large" loading={cancelling} data-testid="cancel-button" onClick={onCancel}>
          {t('checkout.cancel')}
        </Button>
      </Space>
      {demo && customerUrl && <div className="pd-demo-hint">{t('checkout.demoHint')}</div>}
    </div>
  );
}

/** The order's status and, while it can still be paid, the time left (one order, or a 双码 pair's first). */
export function OrderStateSide({ order, left }: { order: OrderDto; left: number | null }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <div className="pd-order-state-side">
      <OrderStatusTag order={order} large />
      {left !== null && (
        <span className="pd-countdown" data-testid="countdown">
          {left > 0 ? t('checkout.expiresIn', { time: formatCountdown(left) }) : t('checkout.expired')}
        </span>
      )}
    </div>
  );
}
