import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import { STATUS_COLORS } from '../lib/orders';

type TagOrder = Pick<OrderDto, 'status' | 'userPaying'> & Partial<Pick<OrderDto, 'foreign' | 'environment' | 'appId'>>;

/**
 * The order's state as a coloured tag; 用户支付中… while a 付款码 buyer confirms. An order of another
 * environment or app also gets a read-only mark (its gateway is not the one running).
 */
export function OrderStatusTag({ order, testId = 'order-status', large }: { order: TagOrder; testId?: string; large?: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const paying = order.status === 'AWAITING_PAYMENT' && order.userPaying;
  const tag = (
    <Tag
      color={paying ? 'gold' : STATUS_COLORS[order.status]}
      data-testid={testId}
      data-status={order.status}
      data-user-paying={paying ? 'true' : 'false'}
      className={large ? 'pd-tag-large' : undefined}
    >
      {paying ? t('status.userPaying') : t(`status.${order.status}`)}
    </Tag>
  );
  if (!order.foreign) return tag;
  const env = t(`origin.${order.environment ?? 'unknown'}`);
  return (
    <>
      {tag}
      <Tooltip title={t('origin.hint', { env, appId: order.appId || '—' })}>
        <Tag color="default" data-testid="order-foreign" data-environment={order.environment}>
          {t('origin.foreign', { env })}
        </Tag>
      </Tooltip>
    </>
  );
}
