import { Alert, Button, Input, Space, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PinStatusDto } from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';
import { checkAmount } from '../lib/amount';
import { localMessage } from '../i18n';
import { PinInput } from './pin-prompt';

/**
 * 设置 → 店长密码与退款授权: set (first time) or change the manager PIN, and the amount above which a
 * refund needs it. Main keeps the PIN (a scrypt hash in the key vault) and checks everything again; this
 * screen only ever learns "set / not set", the threshold and a lockout.
 */
export function ManagerPinSection(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const { api, reportError } = useConsole();
  const [status, setStatus] = useState<PinStatusDto | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [threshold, setThreshold] = useState('');
  const [thresholdPin, setThresholdPin] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string; where: 'pin' | 'threshold' } | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const r = await api.pinStatus({});
    if (r.ok) {
      setStatus(r.value);
      setThreshold((v) => v || r.value.refundAbove);
    }
  }, [api]);
  useEffect(() => void refresh(), [refresh]);

  const savePin = async (): Promise<void> => {
    if (next !== repeat) return setResult({ ok: false, text: t('pin.mismatch'), where: 'pin' });
    setBusy(true);
    const r = await api.pinSet({ next, ...(status?.set ? { current } : {}) });
    setBusy(false);
    setCurrent('');
    if (!r.ok) {
      reportError(r.error);
      void refresh();
      return setResult({ ok: false, text: errorText(r.error), where: 'pin' });
    }
    setNext('');
    setRepeat('');
    setStatus(r.value);
    setResult({ ok: true, text: t('pin.saved'), where: 'pin' });
  };

  const saveThreshold = async (): Promise<void> => {
    const amount = threshold.trim() === '' || /^0+(\.0{0,2})?$/.test(threshold.trim()) ? { ok: true as const, yuan: '0' } : checkAmount(threshold.trim());
    if (!amount.ok) return setResult({ ok: false, text: localMessage(amount.message, i18n.language), where: 'threshold' });
    setBusy(true);
    const r = await api.pinRefundThreshold({ refundAbove: amount.yuan, pin: thresholdPin });
    setBusy(false);
    setThresholdPin('');
    if (!r.ok) {
      reportError(r.error);
      void refresh();
      return setResult({ ok: false, text: errorText(r.error), where: 'threshold' });
    }
    setStatus(r.value);
    setThreshold(r.value.refundAbove);
    setResult({
      ok: true,
      text: r.value.refundAbove === '0.00' ? t('pin.thresholdAll') : t('pin.thresholdSaved', { amount: r.value.refundAbove }),
      where: 'threshold',
    });
  };

  const locked = status?.lockedUntil ? Math.max(1, Math.ceil((status.lockedUntil - Date.now()) / 60_000)) : null;
  const message = (where: 'pin' | 'threshold') =>
    result?.where === where && (
      <Alert className="pd-gap" type={result.ok ? 'success' : 'error'} showIcon title={result.text} data-testid={`pin-${where}-result`} />
    );

  return (
    <section className="pd-pin-section" data-testid="manager-pin-section" data-pin-set={status?.set ? 'yes' : 'no'}>
      <h3 className="pd-section-title">{t('pin.section')}</h3>
      {status && !status.available && <Alert type="error" showIcon title={t('pin.unavailable')} />}
      {status?.available && !status.set && <Alert type="warning" showIcon title={t('pin.notSet')} data-testid="pin-not-set" />}
      {status?.set && (
        <Space>
          <Tag color="success" data-testid="pin-is-set">
            {t('pin.isSet')}
          </Tag>
          {locked && (
            <Tag color="error" data-testid="pin-locked">
              {t('pin.locked', { time: `${locked} min` })}
            </Tag>
          )}
        </Space>
      )}
      <form
        className="pd-pin-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void savePin();
        }}
      >
        {status?.set && (
          <label className="pd-field-label">
            {t('pin.current')}
            <PinInput testId="pin-current" value={current} onChange={setCurrent} />
          </label>
        )}
        <label className="pd-field-label">
          {t('pin.next')}
          <PinInput testId="pin-next" value={next} onChange={setNext} />
        </label>
        <label className="pd-field-label">
          {t('pin.repeat')}
          <PinInput testId="pin-repeat" value={repeat} onChange={setRepeat} onEnter={() => void savePin()} />
        </label>
        <Button htmlType="submit" size="large" type="primary" loading={busy} disabled={!status?.available} data-testid="pin-save">
          {status?.set ? t('pin.change') : t('pin.set')}
        </Button>
      </form>
      {message('pin')}
      {status?.set && (
        <form
          className="pd-pin-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void saveThreshold();
          }}
        >
          <label className="pd-field-label">
            {t('pin.threshold')}
            <Input size="large" prefix="¥" inputMode="decimal" data-testid="pin-threshold" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
          </label>
          <label className="pd-field-label">
            {t('pin.current')}
            <PinInput testId="pin-threshold-pin" value={thresholdPin} onChange={setThresholdPin} onEnter={() => void saveThreshold()} />
          </label>
          <Button htmlType="submit" size="large" loading={busy} data-testid="pin-threshold-save">
            {t('pin.thresholdSave')}
          </Button>
          <div className="pd-muted pd-pin-help">{t('pin.thresholdHelp')}</div>
        </form>
      )}
      {message('threshold')}
    </section>
  );
}
