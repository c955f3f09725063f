import { Alert, Button, Input, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { localMessage } from '../i18n';
import { checkAmount, yuanToFen } from '../lib/amount';

export interface RefundFormProps {
  order: Pick<OrderDto, 'id' | 'refundable'>;
  /** Sends the refund; resolves with an error message (bilingual) or null on success. */
  onRefund: (amount: string, reason: string | undefined) => Promise<string | null>;
}

/**
 * 退款: amount defaults to what is still refundable, a reason, then a confirmation saying exactly what
 * will happen. Amounts over the refundable rest never leave the form.
 */
export function RefundForm({ order, onRefund }: RefundFormProps): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const [amount, setAmount] = useState(order.refundable);
  const [reason, setReason] = useState('');
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const maxFen = yuanToFen(order.refundable);

  useEffect(() => {
    setAmount(order.refundable);
    setStep('edit');
  }, [order.id, order.refundable]);

  const validate = (): { yuan: string; fen: number } | null => {
    if (maxFen <= 0) return setError(t('refund.nothing')), null;
    const check = checkAmount(amount.trim());
    if (!check.ok) return setError(localMessage(check.message, i18n.language)), null;
    if (check.fen > maxFen) return setError(t('refund.exceeds', { max: order.refundable })), null;
    setError(null);
    return check;
  };

  const checked = step === 'confirm' ? checkAmount(amount.trim()) : null;
  const restFen = checked?.ok ? maxFen - checked.fen : maxFen;

  const confirm = async (): Promise<void> => {
    const ok = validate();
    if (!ok) return setStep('edit');
    setBusy(true);
    const failure = await onRefund(ok.yuan, reason.trim() || undefined);
    setBusy(false);
    if (failure) {
      setError(localMessage(failure, i18n.language));
      setStep('edit');
      return;
    }
    setReason('');
    setStep('edit');
  };

  return (
    <div className="pd-refund-form" data-testid="refund-form">
      <label className="pd-field-label" htmlFor="pd-refund-amount">
        {t('refund.amount')}
      </label>
      <Input
        id="pd-refund-amount"
        data-testid="refund-amount-input"
        size="large"
        prefix="¥"
        inputMode="decimal"
        autoComplete="off"
        value={amount}
        disabled={step === 'confirm' || busy}
        status={error ? 'error' : undefined}
        onChange={(e) => {
          setError(null);
          setAmount(e.target.value);
        }}
        onPressEnter={() => validate() && setStep('confirm')}
      />
      <label className="pd-field-label" htmlFor="pd-refund-reason">
        {t('refund.reason')}
      </label>
      <Input
        id="pd-refund-reason"
        data-testid="refund-reason-input"
        maxLength={256}
        placeholder={t('refund.reasonPlaceholder')}
        value={reason}
        disabled={step === 'confirm' || busy}
        onChange={(e) => setReason(e.target.value)}
      />
      {error && <Alert className="pd-gap" type="error" showIcon title={error} data-testid="refund-error" />}
      {step === 'edit' ? (
        <Button className="pd-gap" danger type="primary" size="large" data-testid="refund-button" onClick={() => validate() && setStep('confirm')}>
          {t('refund.submit')}
        </Button>
      ) : (
        <div className="pd-gap">
          <Alert
            type="warning"
            showIcon
            title={t('refund.confirmTitle')}
            description={
              <span data-testid="refund-confirm-text">
                {t('refund.confirmText', {
                  amount: checked?.ok ? checked.yuan : amount,
                  rest: formatFen(Math.max(0, restFen)),
                  status: t(restFen <= 0 ? 'status.REFUNDED' : 'status.PARTIALLY_REFUNDED'),
                })}
              </span>
            }
          />
          <Space className="pd-gap">
            <Button danger type="primary" size="large" loading={busy} data-testid="refund-confirm" onClick={() => void confirm()}>
              {t('refund.confirm')}
            </Button>
            <Button size="large" disabled={busy} data-testid="refund-back" onClick={() => setStep('edit')}>
              {t('refund.back')}
            </Button>
          </Space>
        </div>
      )}
    </div>
  );
}
