import { Alert, App as AntApp, Button, Input, Modal, Space, Spin, Table } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo, ShiftDto } from '../../../../shared/contract';
import { usePinPrompt } from '../components/pin-prompt';
import { useConsole, useErrorText } from '../hooks/console-context';
import { formatDateTime } from '../lib/format';
import { ShiftTotals } from './shift-totals';
import { printShiftSlip } from '../receipt/shift-slip';
import { useReloadOnOrders } from '../hooks/use-reload-on-orders';

/**
 * 交班: the cashier on duty and the open shift's live totals (refreshed on every order update), 开始当班,
 * 交班 (a confirm dialog with the totals, the next cashier, the manager PIN) → the ended shift's snapshot,
 * the history (newest first, each row opens its snapshot), and printing a shift's 交班小票.
 * `onDuty` tells the header who is on duty.
 */
export function ShiftScreen({ active, onDuty }: { active: boolean; onDuty?: (shift: ShiftDto | null) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, reportError } = useConsole();
  const pinPrompt = usePinPrompt();
  const [current, setCurrent] = useState<ShiftDto | null | undefined>(undefined);
  const [history, setHistory] = useState<ShiftDto[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [starting, setStarting] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [next, setNext] = useState('');
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);
  const [ended, setEnded] = useState<ShiftDto | null>(null);
  const inFlight = useRef(false);
  const onDutyRef = useRef(onDuty);
  onDutyRef.current = onDuty;

  const fail = useCallback(
    (e: ErrorInfo): string => {
      reportError(e);
      return errorText(e);
    },
    [reportError, errorText],
  );

  const load = useCallback(async () => {
    const [c, h] = await Promise.all([api.shiftCurrent({}), api.shiftList({ limit: 50 })]);
    if (!c.ok) return setError(fail(c.error));
    setCurrent(c.value);
    onDutyRef.current?.(c.value);
    if (!h.ok) return setError(fail(h.error));
    setError(null);
    setHistory(h.value.items);
  }, [api]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (active) void load();
  }, [active, load]);

  // Live: a payment or refund changes the open shift's totals.
  useReloadOnOrders(active, load);

  const start = async (): Promise<void> => {
    if (starting) return;
    setStarting(true);
    const r = await api.shiftStart({ cashier: name });
    setStarting(false);
    if (!r.ok) return setError(fail(r.error));
    setError(null);
    setName('');
    setEnded(null);
    setCurrent(r.value);
    onDutyRef.current?.(r.value);
  };

  const end = async (): Promise<void> => {
    if (!current || inFlight.current) return;
    inFlight.current = true;
    setEnding(true);
    const id = current.id;
    const nextCashier = next.trim();
    const r = await pinPrompt.withPin((pin) => api.shiftEnd({ id, ...(pin !== undefined ? { pin } : {}), ...(nextCashier ? { nextCashier } : {}) }));
    inFlight.current = false;
    setEnding(false);
    if (!r.ok) {
      if (r.error.code === 'PIN_CANCELLED') return;
      setEndError(fail(r.error));
      if (r.error.code === 'SHIFT_ALREADY_ENDED') void load();
      return;
    }
    setConfirming(false);
    setNext('');
    setEndError(null);
    setEnded(r.value.ended);
    setCurrent(r.value.next);
    onDutyRef.current?.(r.value.next);
    void load();
  };

  return (
    <div className="pd-shift" data-testid="shift-screen">
      {error && <Alert type="error" showIcon className="pd-error" title={error} data-testid="shift-error" />}
      {current === undefined && !error && <Spin size="large" className="pd-center" />}
      {current === null && (
        <div className="pd-card pd-shift-start" data-testid="shift-none">
          <h2>{t('shift.none')}</h2>
          <Space.Compact className="pd-shift-start-row">
            <Input
              size="large"
              data-testid="shift-cashier"
              placeholder={t('shift.cashierPlaceholder')}
              value={name}
              maxLength={64}
              onChange={(e) => setName(e.target.value)}
              onPressEnter={() => void start()}
            />
            <Button type="primary" size="large" data-testid="shift-start" loading={starting} onClick={() => void start()}>
              {t('shift.start')}
            </Button>
          </Space.Compact>
        </div>
      )}
      {current && (
        <div className="pd-card" data-testid="shift-open" data-shift-id={current.id}>
          <div className="pd-shift-head">
            <h2>
              {t('shift.onDuty')}：<span data-testid="shift-current-cashier">{current.cashier}</span>
            </h2>
            <span className="pd-muted" data-testid="shift-since">
              {t('shift.since', { at: formatDateTime(current.startedAt) })}
            </span>
            <Space className="pd-shift-actions">
              <ShiftPrintButtons shift={current} />
              <Button type="primary" size="large" danger data-testid="shift-end-open" onClick={() => (setEndError(null), setConfirming(true))}>
                {t('shift.end')}
              </Button>
            </Space>
          </div>
          <ShiftTotals totals={current.totals} testId="shift-live" />
        </div>
      )}
      {ended && (
        <div className="pd-card pd-shift-ended" data-testid="shift-ended" data-shift-id={ended.id}>
          <div className="pd-shift-head">
            <h2>{t('shift.endedTitle', { cashier: ended.cashier })}</h2>
            <span className="pd-muted">{shiftPeriod(ended)}</span>
            <Space className="pd-shift-actions">
              <ShiftPrintButtons shift={ended} />
              <Button onClick={() => setEnded(null)}>{t('common.close')}</Button>
            </Space>
          </div>
          <ShiftTotals totals={ended.totals} testId="shift-snapshot" />
        </div>
      )}
      <h3 className="pd-shift-history-title">{t('shift.history')}</h3>
      <Table<ShiftDto>
        data-testid="shift-history"
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={history}
        locale={{ emptyText: t('shift.historyEmpty') }}
        onRow={(s) => ({ 'data-testid': 'shift-row', 'data-shift-id': s.id }) as React.HTMLAttributes<HTMLElement>}
        expandable={{
          expandRowByClick: true,
          expandedRowRender: (s) => (
            <div data-testid="shift-row-detail">
              <ShiftTotals totals={s.totals} testId={`shift-detail-${s.id}`} />
              <ShiftPrintButtons shift={s} />
            </div>
          ),
        }}
        columns={[
          { title: t('shift.cashier'), dataIndex: 'cashier' },
          {
            title: t('shift.period'),
            key: 'period',
            render: (_, s) => (s.endedAt === null ? `${formatDateTime(s.startedAt)} – ${t('shift.openNow')}` : shiftPeriod(s)),
          },
          { title: t('shift.handedTo'), key: 'to', render: (_, s) => s.handedTo ?? '—' },
          { title: t('today.count'), key: 'count', align: 'right', render: (_, s) => s.totals.count },
          { title: t('today.netShort'), key: 'net', align: 'right', render: (_, s) => <span data-testid="shift-row-net">¥{s.totals.net}</span> },
        ]}
      />
      <Modal
        open={confirming && current !== null && current !== undefined}
        title={t('shift.confirmTitle')}
        okText={t('shift.confirmOk')}
        cancelText={t('pin.cancel')}
        okButtonProps={{ danger: true, disabled: ending, loading: ending, ...({ 'data-testid': 'shift-end-confirm' } as object) }}
        onOk={() => void end()}
        onCancel={() => !ending && setConfirming(false)}
        destroyOnHidden
        width={560}
        data-testid="shift-end-dialog"
      >
        {current && (
          <>
            <p>
              {t('shift.confirmText', { cashier: current.cashier })} <span className="pd-muted">{shiftPeriod(current)}</span>
            </p>
            <ShiftTotals totals={current.totals} testId="shift-confirm" />
            <label className="pd-field-label pd-gap" htmlFor="pd-shift-next">
              {t('shift.nextCashier')}
            </label>
            <Input
              id="pd-shift-next"
              data-testid="shift-next"
              maxLength={64}
              value={next}
              onChange={(e) => setNext(e.target.value)}
              placeholder={t('shift.nextPlaceholder')}
            />
            {endError && <Alert className="pd-gap" type="error" showIcon title={endError} data-testid="shift-end-error" />}
          </>
        )}
      </Modal>
      {pinPrompt.element}
    </div>
  );
}

function shiftPeriod(s: ShiftDto): string {
  return `${formatDateTime(s.startedAt)} – ${s.endedAt === null ? '…' : formatDateTime(s.endedAt)}`;
}

/** 打印 and 保存为 PDF for one shift's 交班小票, with the outcome in words. */
export function ShiftPrintButtons({ shift }: { shift: ShiftDto }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { settings } = useConsole();
  const { message, notification } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const run = async (pdf: boolean): Promise<void> => {
    if (!settings || busy) return;
    setBusy(true);
    const receipt = { ...settings.receipt, shopName: settings.receipt.shopName.trim() || settings.shopName };
    const r = await printShiftSlip({ shift, settings: receipt, pdf });
    setBusy(false);
    if (r.ok && r.how === 'printer') void message.success(t('receipt.printed'));
    if (r.ok && r.how === 'pdf') void message.success(t('receipt.savedPdf', { path: r.path ?? '' }));
    if (!r.ok) notification.error({ title: t('receipt.printFailed'), description: <span data-testid="shift-print-error">{errorText(r.message)}</span> });
  };
  return (
    <Space onClick={(e) => e.stopPropagation()}>
      <Button data-testid="shift-print" loading={busy} onClick={() => void run(false)}>
        {t('shift.print')}
      </Button>
      <Button data-testid="shift-pdf" disabled={busy} onClick={() => void run(true)}>
        {t('receipt.savePdf')}
      </Button>
    </Space>
  );
}
