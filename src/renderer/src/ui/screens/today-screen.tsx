import { Alert, Button, Input, Spin, Statistic, Table, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { OrderDto, SummaryDto } from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';
import { yuanToFen } from '../lib/amount';
import { orderRow, ordersCsv } from '../lib/csv';
import { dayRange, localDate } from '../lib/format';
import { providerName } from '../lib/provider-name';
import { ProviderLogo, providerColor } from '../components/method-logo';
import { useReloadOnOrders } from '../hooks/use-reload-on-orders';

/** 今日: 实收 (net of refunds), 收款总额, 退款, 笔数, 客单价, the split by provider (支付宝 / 微信), by provider and method, an hourly bar chart, another day, CSV export. */
export function TodayScreen({ active }: { active: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, reportError } = useConsole();
  const [date, setDate] = useState(() => localDate());
  const [summary, setSummary] = useState<SummaryDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const dateRef = useRef(date);
  dateRef.current = date;

  const load = useCallback(async () => {
    const asked = dateRef.current;
    const result = await api.summaryToday({ date: asked });
    if (asked !== dateRef.current) return;
    if (!result.ok) {
      reportError(result.error);
      return setError(errorText(result.error));
    }
    setError(null);
    setSummary(result.value);
  }, [api]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!active) return;
    setSummary((s) => (s && s.date === date ? s : null));
    void load();
  }, [active, date, load]);

  // Live: a payment or refund changes the day's figures.
  useReloadOnOrders(active, load);

  const exportCsv = async (): Promise<void> => {
    setExporting(t('today.exporting'));
    const { from, to } = dayRange(date);
    const all: OrderDto[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await api.ordersList({ from, to, limit: 200, ...(cursor ? { cursor } : {}) });
      if (!page.ok) {
        reportError(page.error);
        setExporting(null);
        return setError(errorText(page.error));
      }
      all.push(...page.value.items);
      if (!page.value.nextCursor) break;
      cursor = page.value.nextCursor;
    }
    const headers = [
      t('orders.time'),
      t('orders.orderNo'),
      t('detail.tradeNo'),
      t('orders.amount'),
      t('orders.refunded'),
      t('today.provider'),
      t('orders.method'),
      t('orders.status'),
      t('detail.subject'),
    ];
    const csv = ordersCsv(all, headers, (o) => orderRow(o, t(`status.${o.status}`), t(`method.${o.method}`), providerName(t, o.provider)));
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `paydesk-${date}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setExporting(t('today.exported', { count: all.length }));
  };

  const maxFen = Math.max(1, ...(summary?.hourly ?? []).map((h) => yuanToFen(h.net)));
  const hours = Array.from({ length: 24 }, (_, hour) => summary?.hourly.find((h) => h.hour === hour) ?? { hour, count: 0, net: '0.00' });

  return (
    <div className="pd-today" data-testid="today-screen" data-date={date}>
      <div className="pd-filters">
        <label className="pd-field-label" htmlFor="pd-today-date">
          {t('today.date')}
        </label>
        <Input
          id="pd-today-date"
          type="date"
          size="large"
          className="pd-date"
          data-testid="today-date"
          value={date}
          max={localDate()}
          onChange={(e) => e.target.value && setDate(e.target.value)}
        />
        <Button size="large" onClick={() => void load()} data-testid="today-refresh">
          {t('common.refresh')}
        </Button>
        <Button type="primary" size="large" data-testid="today-export" loading={exporting === t('today.exporting')} onClick={() => void exportCsv()}>
          {t('today.export')}
        </Button>
        {exporting && exporting !== t('today.exporting') && (
          <span className="pd-muted" data-testid="today-exported">
            {exporting}
          </span>
        )}
      </div>
      {error && (
        <Alert
          type="error"
          showIcon
          className="pd-error"
          title={error}
          data-testid="today-error"
          action={<Button onClick={() => void load()}>{t('app.retry')}</Button>}
        />
      )}
      {!summary && !error && <Spin size="large" className="pd-center" />}
      {summary && (
        <>
          <div className="pd-stats" data-testid="today-stats">
            <div className="pd-card pd-stat pd-stat-main">
              <Statistic title={t('today.net')} prefix="¥" value={summary.net} valueRender={() => <span data-testid="today-net">{summary.net}</span>} />
            </div>
            <div className="pd-card pd-stat">
              <Statistic title={t('today.count')} value={summary.count} valueRender={() => <span data-testid="today-count">{summary.count}</span>} />
            </div>
            <div className="pd-card pd-stat">
              <Statistic
                title={t('today.average')}
                prefix="¥"
                value={summary.average}
                valueRender={() => <span data-testid="today-average">{summary.average}</span>}
              />
            </div>
            <div className="pd-card pd-stat">
              <Statistic title={t('today.gross')} prefix="¥" value={summary.gross} valueRender={() => <span data-testid="today-gross">{summary.gross}</span>} />
            </div>
            <div className="pd-card pd-stat">
              <Statistic
                title={t('today.refunded')}
                prefix="¥"
                value={summary.refunded}
                valueRender={() => <span data-testid="today-refunded">{summary.refunded}</span>}
              />
            </div>
          </div>
          <section className="pd-card pd-chart-card">
            <h3 className="pd-section-title">{t('today.byProvider')}</h3>
            <Table
              data-testid="today-by-provider"
              size="small"
              pagination={false}
              rowKey={(p) => p.provider}
              dataSource={summary.byProvider ?? []}
              locale={{ emptyText: t('today.noSales') }}
              onRow={(p) => ({ 'data-testid': 'provider-row', 'data-provider': p.provider }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                {
                  key: 'provider',
                  title: t('today.provider'),
                  render: (_, p) => (
                    <span className="pd-row-provider" style={{ color: providerColor(p.provider) }}>
                      <ProviderLogo provider={p.provider} size={16} />
                      <span data-testid="provider-name">{providerName(t, p.provider)}</span>
                    </span>
                  ),
                },
                ...moneyColumns<NonNullable<SummaryDto['byProvider']>[number]>(t, 'provider'),
              ]}
            />
          </section>
          <section className="pd-card pd-chart-card">
            <h3 className="pd-section-title">{t('today.byMethod')}</h3>
            <Table
              data-testid="today-by-method"
              size="small"
              pagination={false}
              rowKey={(m) => `${m.provider}:${m.method}`}
              dataSource={summary.byMethod}
              locale={{ emptyText: t('today.noSales') }}
              onRow={(m) => ({ 'data-testid': 'method-row', 'data-method': m.method }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { key: 'provider', title: t('today.provider'), render: (_, m) => providerName(t, m.provider) },
                { key: 'method', title: t('orders.method'), render: (_, m) => t(`method.${m.method}`) },
                ...moneyColumns<SummaryDto['byMethod'][number]>(t, 'method'),
              ]}
            />
          </section>
          <section className="pd-card pd-chart-card">
            <h3 className="pd-section-title">{t('today.hourly')}</h3>
            {summary.count === 0 && (
              <div className="pd-muted" data-testid="today-empty">
                {t('today.noSales')}
              </div>
            )}
            <div className="pd-chart" data-testid="hourly-chart" role="img" aria-label={t('today.hourly')}>
              {hours.map((h) => {
                const fen = yuanToFen(h.net);
                return (
                  <div key={h.hour} className="pd-bar-col" title={`${h.hour}:00 ¥${h.net} (${h.count})`} data-testid={`bar-${h.hour}`} data-net={h.net}>
                    <div className="pd-bar-value">{fen > 0 ? h.net : ''}</div>
                    <div className="pd-bar" style={{ height: `${Math.round((Math.max(0, fen) / maxFen) * 100)}%` }} />
                    <div className="pd-bar-label">{h.hour}</div>
                  </div>
                );
              })}
            </div>
          </section>
        </>
      )}
    </div>
  );
}

/** The money columns of both split tables: 笔数, 收款, 退款, 实收 (yuan strings as main sent them); `prefix`-count and -net carry test ids. */
function moneyColumns<R extends { count: number; gross: string; refunded: string; net: string }>(t: TFunction, prefix: string): TableColumnsType<R> {
  return [
    { key: 'count', title: t('today.count'), align: 'right', render: (_, r) => <span data-testid={`${prefix}-count`}>{r.count}</span> },
    { key: 'gross', title: t('today.gross'), align: 'right', render: (_, r) => <span className="pd-money">¥{r.gross}</span> },
    { key: 'refunded', title: t('today.refunded'), align: 'right', render: (_, r) => <span className="pd-money">¥{r.refunded}</span> },
    {
      key: 'net',
      title: t('today.netShort'),
      align: 'right',
      render: (_, r) => (
        <span className="pd-money" data-testid={`${prefix}-net`}>
          ¥{r.net}
        </span>
      ),
    },
  ];
}
