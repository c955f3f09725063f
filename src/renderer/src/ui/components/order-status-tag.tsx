import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import { STATUS_COLORS } from '../lib/orders';

/** The order's state as a coloured tag; 用户支付中… while a 付款码 buyer confirms. */
export function OrderStatusTag({ order, testId = 'order-status', large }: { order: Pick<OrderDto, 'status' | 'userPaying'>; testId?: string; large?: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const paying = order.status === 'AWAITING_PAYMENT' && order.userPaying;
  return (
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
}
