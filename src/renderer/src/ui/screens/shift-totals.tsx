import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ShiftTotalsDto } from '../../../../shared/contract';
import { providerName } from '../lib/provider-name';

/** A shift's figures: 笔数, 收款, 退款, 实收, then the split by provider and method (yuan strings as main sent them). */
export function ShiftTotals({ totals, testId }: { totals: ShiftTotalsDto; testId: string }): React.JSX.Element {
  const { t } = useTranslation();
  const rows = totals.byProvider.flatMap((p) => [
    { key: p.provider, label: providerName(t, p.provider), count: p.count, gross: p.gross, refunded: p.refunded, net: p.net, sub: false },
    ...totals.byMethod
      .filter((m) => m.provider === p.provider)
      .map((m) => ({
        key: `${p.provider}-${m.method}`,
        label: t(`method.${m.method}`),
        count: m.count,
        gross: m.gross,
        refunded: m.refunded,
        net: m.net,
        sub: true,
      })),
  ]);
  return (
    <div data-testid={testId}>
      <div className="pd-shift-figures">
        <Figure label={t('today.count')} value={String(totals.count)} testId={`${testId}-count`} />
        <Figure label={t('shift.gross')} value={`¥${totals.gross}`} testId={`${testId}-gross`} />
        <Figure label={t('shift.refunded')} value={`¥${totals.refunded}`} testId={`${testId}-refunded`} />
        <Figure label={t('today.netShort')} value={`¥${totals.net}`} testId={`${testId}-net`} main />
      </div>
      {rows.length > 0 && (
        <Table
          size="small"
          pagination={false}
          rowKey="key"
          dataSource={rows}
          rowClassName={(r) => (r.sub ? 'pd-shift-sub' : '')}
          columns={[
            { title: t('today.provider'), dataIndex: 'label', render: (v: string, r) => (r.sub ? <span className="pd-shift-indent">{v}</span> : <b>{v}</b>) },
            { title: t('today.count'), dataIndex: 'count', align: 'right' },
            { title: t('shift.gross'), dataIndex: 'gross', align: 'right' },
            { title: t('shift.refunded'), dataIndex: 'refunded', align: 'right' },
            { title: t('today.netShort'), dataIndex: 'net', align: 'right' },
          ]}
        />
      )}
    </div>
  );
}

function Figure({ label, value, testId, main }: { label: string; value: string; testId: string; main?: boolean }): React.JSX.Element {
  return (
    <div className={main ? 'pd-shift-figure pd-shift-figure-main' : 'pd-shift-figure'}>
      <div className="pd-muted">{label}</div>
      <div className="pd-shift-figure-value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
