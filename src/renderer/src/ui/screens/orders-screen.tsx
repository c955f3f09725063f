import { Alert, Button, Empty, Input, Segmented, Select, Space, Table, type InputRef } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto, OrderStatusDto, ProviderIdDto } from '../../../../shared/contract';
import { ORDER_STATUSES, PROVIDER_IDS } from '../../../../shared/contract';
import { ProviderLogo, providerColor } from '../components/method-logo';
import { OrderStatusTag } from '../components/order-status-tag';
import { useConsole, useErrorText } from '../hooks/console-context';
import { yuanToFen } from '../lib/amount';
import { dayRange, formatListTime } from '../lib/format';
import { newerOrder } from '../lib/orders';
import { providerName } from '../lib/provider-name';
import { OrderDrawer } from './order-drawer';

const PAGE = 50;

interface Filters {
  status?: OrderStatusDto;
  provider?: ProviderIdDto;
  from?: string;
  to?: string;
  q?: string;
}

/** The search as main reads it (payments/search.ts): a tail of 4+ characters of either number, or an amount. */
export function matchesSearch(order: Pick<OrderDto, 'id' | 'tradeNo' | 'amount'>, q: string): boolean {
  const text = q.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  const amount = /^¥?(0|[1-9]\d{0,8})(?:\.(\d{1,2}))?元?$/.exec(text);
  if (amount && Number(amount[1]) * 100 + Number((amount[2] ?? '').padEnd(2, '0')) === yuanToFen(order.amount)) return true;
  if (text.length < 4) return false;
  return order.id.toLowerCase().endsWith(text) || (order.tradeNo ?? '').toLowerCase().endsWith(text);
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** Whether a pushed order belongs in the list under the current filters. */
function matches(order: OrderDto, f: Filters): boolean {
  if (f.status && order.status !== f.status) return false;
  if (f.provider && order.provider !== f.provider) return false;
  if (f.q && !matchesSearch(order, f.q)) return false;
  if (f.from && order.createdAt < dayRange(f.from).from) return false;
  if (f.to && order.createdAt >= dayRange(f.to).to) return false;
  return true;
}

/**
 * 订单: filters (status, provider 全部 / 支付宝 / 微信, dates), search, cursor paging ("load more"), live updates, row → detail drawer.
 * Keyboard: / focuses the search; ↓ from the search (or anywhere on the list) moves the highlighted row,
 * ↑ ↓ Home End walk it, Enter opens it; the drawer's Esc brings focus back to the same row.
 */
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
  const [activeRow, setActiveRow] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<InputRef>(null);
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
        ...(f.provider ? { provider: f.provider } : {}),
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

  // A new result set starts at its first row; the highlighted row stays in view.
  useEffect(() => setActiveRow(0), [filters]);
  useEffect(() => {
    listRef.current?.querySelector('[data-row-active="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }, [activeRow]);

  // "/" anywhere on this screen (not while typing) goes to the search.
  useEffect(() => {
    if (!active || openId) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      e.preventDefault();
      searchRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, openId]);

  // Opening 订单 moves the focus here: keys typed next (/, arrows) belong to this screen, not to a field of
  // the screen left behind (a focused amount field on a hidden 收款 would swallow them).
  useEffect(() => {
    if (!active || openId) return;
    const list = listRef.current;
    const screen = list?.closest('[data-testid="orders-screen"]');
    if (list && screen && !screen.contains(document.activeElement)) list.focus();
  }, [active, openId]);

  const focusList = (): void => listRef.current?.focus();
  const onListKey = (e: React.KeyboardEvent): void => {
    if (isEditable(e.target) || rows.length === 0) return;
    const last = rows.length - 1;
    const move = (to: number): void => {
      e.preventDefault();
      setActiveRow(Math.max(0, Math.min(last, to)));
    };
    if (e.key === 'ArrowDown') {
      if (activeRow === last && cursor && !loading) void load(filtersRef.current, cursor);
      move(activeRow + 1);
    } else if (e.key === 'ArrowUp') move(activeRow - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(last);
    else if (e.key === 'PageDown') move(activeRow + 10);
    else if (e.key === 'PageUp') move(activeRow - 10);
    else if (e.key === 'Enter') {
      const row = rows[Math.min(activeRow, last)];
      if (row) {
        e.preventDefault();
        setOpenId(row.id);
      }
    }
  };

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
        <Segmented<ProviderIdDto | 'ALL'>
          size="large"
          data-testid="orders-provider-filter"
          aria-label={t('orders.providerFilter')}
          value={filters.provider ?? 'ALL'}
          onChange={(v) => update({ provider: v === 'ALL' ? undefined : v })}
          options={[
            { value: 'ALL', label: <span data-testid="provider-filter-ALL">{t('orders.allProviders')}</span> },
            ...PROVIDER_IDS.map((p) => ({
              value: p,
              label: (
                <span className="pd-qr-choice" data-testid={`provider-filter-${p}`}>
                  <ProviderLogo provider={p} size={16} />
                  {providerName(t, p)}
                </span>
              ),
            })),
          ]}
        />
        <Input
          size="large"
          type="date"
          aria-label={t('orders.from')}
          title={t('orders.from')}
          data-testid="orders-from"
          value={filters.from ?? ''}
          onChange={(e) => update({ from: e.target.value || undefined })}
        />
        <span>—</span>
        <Input
          size="large"
          type="date"
          aria-label={t('orders.to')}
          title={t('orders.to')}
          data-testid="orders-to"
          value={filters.to ?? ''}
          onChange={(e) => update({ to: e.target.value || undefined })}
        />
        <Input.Search
          ref={searchRef}
          size="large"
          allowClear
          aria-label={t('orders.search')}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && rows.length > 0) {
              e.preventDefault();
              focusList();
            }
          }}
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
        <Alert
          type="error"
          showIcon
          className="pd-error"
          data-testid="orders-error"
          title={error}
          action={<Button onClick={() => void load(filters, null)}>{t('app.retry')}</Button>}
        />
      )}
      <div
        ref={listRef}
        tabIndex={0}
        className="pd-orders-list"
        data-testid="orders-list"
        aria-label={t('orders.listLabel')}
        aria-activedescendant={rows[activeRow] ? `pd-row-${rows[activeRow].id}` : undefined}
        onKeyDown={onListKey}
      >
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
          rowClassName={(_, i) => (i === activeRow ? 'pd-row-active' : '')}
          onRow={(o, i) =>
            ({
              onClick: () => (setActiveRow(i ?? 0), setOpenId(o.id)),
              id: `pd-row-${o.id}`,
              'aria-selected': i === activeRow,
              'data-row-active': i === activeRow ? 'true' : 'false',
              'data-testid': 'order-row',
              'data-order-id': o.id,
              'data-status': o.status,
            }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            { key: 'time', title: t('orders.time'), width: 170, render: (_, o) => formatListTime(o.createdAt) },
            { key: 'id', title: t('orders.orderNo'), dataIndex: 'id', render: (id: string) => <span className="pd-mono">{id}</span> },
            {
              key: 'amount',
              title: t('orders.amount'),
              align: 'right',
              width: 120,
              render: (_, o) => (
                <span className="pd-money" data-testid="row-amount">
                  ¥{o.amount}
                </span>
              ),
            },
            {
              key: 'method',
              title: t('orders.method'),
              width: 170,
              render: (_, o) => (
                <span className="pd-row-provider" data-provider={o.provider} style={{ color: providerColor(o.provider) }}>
                  <ProviderLogo provider={o.provider} size={16} />
                  <span data-testid="row-method">
                    {providerName(t, o.provider)} · {t(`method.${o.method}`)}
                  </span>
                </span>
              ),
            },
            { key: 'status', title: t('orders.status'), width: 130, render: (_, o) => <OrderStatusTag order={o} testId="row-status" /> },
            { key: 'refunded', title: t('orders.refunded'), align: 'right', width: 110, render: (_, o) => (o.refunded === '0.00' ? '—' : `¥${o.refunded}`) },
          ]}
        />
      </div>
      <div className="pd-more">
        <span className="pd-muted" data-testid="orders-count">
          {t('orders.count', { count: rows.length })}
        </span>
        {cursor ? (
          <Button size="large" loading={loading} data-testid="orders-more" onClick={() => void load(filtersRef.current, cursor)}>
            {t('orders.loadMore')}
          </Button>
        ) : (
          rows.length > 0 && <span className="pd-muted">{t('orders.noMore')}</span>
        )}
      </div>
      <OrderDrawer
        orderId={openId}
        onOpen={setOpenId}
        onClose={() => {
          setOpenId(null);
          setTimeout(focusList, 0); // back to the same row
        }}
      />
    </div>
  );
}
