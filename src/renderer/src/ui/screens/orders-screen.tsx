import { Alert, Button, Empty, Input, Select, Space, Table } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto, OrderStatusDto } from '../../../../shared/contract';
import { ORDER_STATUSES } from '../../../../shared/contract';
import { OrderStatusTag } from '../components/order-status-tag';
import { useConsole, useErrorText } from '../hooks/console-context';
import { dayRange, formatListTime } from '../lib/format';
import { newerOrder } from '../lib/orders';
import { OrderDrawer } from './order-drawer';

const PAGE = 50;

interface Filters {
  status?: OrderStatusDto;
  from?: string;
  to?: string;
  q?: string;
}

/** Whether a pushed order belongs in the list under the current filters. */
function matches(order: OrderDto, f: Filters): boolean {
  if (f.status && order.status !== f.status) return false;
  if (f.q && !order.id.toLowerCase().includes(f.q.toLowerCase())) return false;
  if (f.from && order.createdAt < dayRange(f.from).from) return false;
  if (f.to && order.createdAt >= dayRange(f.to).to) return false;
  return true;
}

/** 订单: filters, search, cursor paging ("load more"), live updates, row → detail drawer. */
export function OrdersScreen({ active }: { active: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, reportError } = useConsole();
  const [filters, setFilters] = useState<Filters>({});
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<OrderDto[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const generation = useRef(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const load = useCallback(
    async (f: Filters, after: string | null): Promise<void> => {
      const gen = after ? generation.current : ++generation.current;
      setLoading(true);
      const result = await api.ordersList({
        limit: PAGE,
        ...(f.status ? { status: f.status } : {}),
        ...(f.from ? { from: dayRange(f.from).from } : {}),
        ...(f.to ? { to: dayRange(f.to).to } : {}),
        ...(f.q ? { q: f.q } : {}),
        ...(after ? { cursor: after } : {}),
      });
      if (gen !== generation.current) return; // a newer filter won
      setLoading(false);
      if (!result.ok) {
        reportError(result.error);
        return setError(errorText(result.error));
      }
      setError(null);
      setRows((prev) => (after ? [...prev, ...result.value.items.filter((o) => !prev.some((p) => p.id === o.id))] : result.value.items));
      setCursor(result.value.nextCursor);
    },
    [api], // eslint-disable-line react-hooks/exhaustive-deps
  );

  useEffect(() => {
    if (active) void load(filters, null);
  }, [active, filters, load]);

  useEffect(
    () =>
      api.onOrderUpdated((order) => {
        setRows((prev) => {
          const at = prev.findIndex((o) => o.id === order.id);
          if (at >= 0) return prev.map((o, i) => (i === at ? newerOrder(o, order) : o));
          return matches(order, filtersRef.current) ? [order, ...prev] : prev;
        });
      }),
    [api],
  );

  const update = (patch: Partial<Filters>): void => setFilters((f) => ({ ...f, ...patch }));

  return (
    <div className="pd-orders" data-testid="orders-screen">
      <Space wrap className="pd-filters">
        <Select<OrderStatusDto | 'ALL'>
          data-testid="orders-status-filter"
          className="pd-status-select"
          size="large"
          value={filters.status ?? 'ALL'}
          onChange={(v) => update({ status: v === 'ALL' ? undefined : v })}
          options={[
            { value: 'ALL', label: t('orders.allStatus') },
            ...ORDER_STATUSES.map((s) => ({ value: s, label: <span data-testid={`status-option-${s}`}>{t(`status.${s}`)}</span> })),
          ]}
        />
        <Input size="large" type="date" aria-label={t('orders.from')} title={t('orders.from')} data-testid="orders-from" value={filters.from ?? ''} onChange={(e) => update({ from: e.target.value || undefined })} />
        <span>—</span>
        <Input size="large" type="date" aria-label={t('orders.to')} title={t('orders.to')} data-testid="orders-to" value={filters.to ?? ''} onChange={(e) => update({ to: e.target.value || undefined })} />
        <Input.Search
          size="large"
          allowClear
          className="pd-search"
          data-testid="orders-search"
          placeholder={t('orders.search')}
          value={search}
          maxLength={64}
          onChange={(e) => {
            setSearch(e.target.value);
            if (e.target.value === '') update({ q: undefined });
          }}
          onSearch={(v) => update({ q: v.trim() || undefined })}
        />
        <Button size="large" data-testid="orders-reset" onClick={() => (setSearch(''), setFilters({}))}>
          {t('orders.reset')}
        </Button>
      </Space>
      {error && (
        <Alert type="error" showIcon className="pd-error" data-testid="orders-error" title={error} action={<Button onClick={() => void load(filters, null)}>{t('app.retry')}</Button>} />
      )}
      <Table<OrderDto>
        className="pd-orders-table"
        data-testid="orders-table"
        rowKey="id"
        size="middle"
        dataSource={rows}
        loading={loading && rows.length === 0}
        pagination={false}
        scroll={{ x: 760 }}
        locale={{ emptyText: <Empty description={<span data-testid="orders-empty">{t('orders.empty')}</span>} /> }}
        onRow={(o) => ({ onClick: () => setOpenId(o.id), 'data-testid': 'order-row', 'data-order-id': o.id, 'data-status': o.status }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'time', title: t('orders.time'), width: 170, render: (_, o) => formatListTime(o.createdAt) },
          { key: 'id', title: t('orders.orderNo'), dataIndex: 'id', render: (id: string) => <span className="pd-mono">{id}</span> },
          { key: 'amount', title: t('orders.amount'), align: 'right', width: 120, render: (_, o) => <span className="pd-money" data-testid="row-amount">¥{o.amount}</span> },
          { key: 'method', title: t('orders.method'), width: 110, render: (_, o) => t(`method.${o.method}`) },
          { key: 'status', title: t('orders.status'), width: 130, render: (_, o) => <OrderStatusTag order={o} testId="row-status" /> },
          { key: 'refunded', title: t('orders.refunded'), align: 'right', width: 110, render: (_, o) => (o.refunded === '0.00' ? '—' : `¥${o.refunded}`) },
        ]}
      />
      <div className="pd-more">
        <span className="pd-muted" data-testid="orders-count">{t('orders.count', { count: rows.length })}</span>
        {cursor ? (
          <Button size="large" loading={loading} data-testid="orders-more" onClick={() => void load(filtersRef.current, cursor)}>
            {t('orders.loadMore')}
          </Button>
        ) : (
          rows.length > 0 && <span className="pd-muted">{t('orders.noMore')}</span>
        )}
      </div>
      <OrderDrawer orderId={openId} onClose={() => setOpenId(null)} />
    </div>
  );
}
