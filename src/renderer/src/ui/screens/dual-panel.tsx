import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import { ProviderLogo, providerColor } from '../components/method-logo';
import { OrderStatusTag } from '../components/order-status-tag';
import { QrCode } from '../components/qr-code';
import { useConsole } from '../hooks/console-context';
import { useNow } from '../hooks/use-now';
import { providerName } from '../lib/provider-name';
import { OrderStateSide } from './order-panel';

/** 双码's QR side: smaller than a single QR so both fit side by side at 1024×768. */
export const DUAL_QR_SIZE = 240;

/** 双码 while waiting: one sale, one amount, one countdown, one cancel; a QR of each provider side by side. */
export function DualPanel({ orders, onCancel, cancelling }: { orders: [OrderDto, OrderDto]; onCancel: () => void; cancelling: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const { status } = useConsole();
  const demo = status?.environment === 'demo';
  const [first] = orders;
  const expiries = orders.map((o) => o.expiresAt).filter((e): e is number => e !== null);
  const expiresAt = expiries.length > 0 ? Math.min(...expiries) : null;
  const now = useNow(expiresAt !== null);
  const left = expiresAt !== null ? expiresAt - now : null;
  // Alipay on the left, WeChat Pay on the right, whichever order main answered first.
  const sides = [...orders].sort((a, b) => (a.provider === b.provider ? 0 : a.provider === 'alipay' ? -1 : 1));
  return (
    <div className="pd-order-panel pd-dual" data-testid="order-panel" data-order-id={first.id} data-dual="true">
      <div className="pd-order-head">
        <ProviderLogo provider="alipay" />
        <ProviderLogo provider="wechat" />
        <span className="pd-order-method" data-testid="order-method">
          {t('qrChoice.dual')}
        </span>
        <span className="pd-order-no">
          {t('checkout.orderNo')} <span data-testid="order-id">{first.id}</span>
        </span>
      </div>
      <div className="pd-order-state">
        <div className="pd-order-amount" data-testid="order-amount">
          ¥{first.amount}
        </div>
        <OrderStateSide order={first} left={left} />
      </div>
      <div className="pd-dual-title">{t('checkout.dualTitle')}</div>
      <div className="pd-dual-qrs">
        {sides.map((o) => {
          const color = providerColor(o.provider);
          const name = providerName(t, o.provider);
          const open = o.status === 'AWAITING_PAYMENT';
          const customerUrl = o.customerUrl ?? o.qrCode;
          return (
            <div
              key={o.id}
              className={`pd-dual-side${open ? '' : ' pd-dual-side-closed'}`}
              data-testid="dual-side"
              data-provider={o.provider}
              data-order-id={o.id}
              data-status={o.status}
              style={{ borderColor: color }}
            >
              <div className="pd-dual-side-head" style={{ color }}>
                <ProviderLogo provider={o.provider} size={22} />
                <span data-testid="dual-provider">{name}</span>
              </div>
              {open && o.qrCode ? (
                <QrCode text={o.qrCode} size={DUAL_QR_SIZE} alt={t('checkout.scanWith', { provider: name })} />
              ) : (
                <div className="pd-qr-closed" style={{ width: DUAL_QR_SIZE, height: DUAL_QR_SIZE }} data-testid="dual-closed">
                  <OrderStatusTag order={o} testId="dual-side-status" large />
                </div>
              )}
              <div className="pd-qr-caption" data-testid="qr-caption" style={{ background: open ? color : '#bfbfbf' }}>
                {t('checkout.scanWith', { provider: name })}
              </div>
              {demo && open && customerUrl && (
                <Button
                  type="primary"
                  data-testid="simulate-scan"
                  data-provider={o.provider}
                  style={{ background: color, borderColor: color }}
                  onClick={() => window.open(customerUrl, '_blank')}
                >
                  {t('checkout.simulate')}
                </Button>
              )}
            </div>
          );
        })}
      </div>
      <Space wrap className="pd-gap pd-order-actions">
        <Button danger size="large" loading={cancelling} data-testid="cancel-button" onClick={onCancel}>
          {t('checkout.cancel')}
        </Button>
      </Space>
      {demo && <div className="pd-demo-hint">{t('checkout.demoHint')}</div>}
    </div>
  );
}
