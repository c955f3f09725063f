import { Alert, Button, Input, Space, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto, PinStatusDto } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { localMessage } from '../i18n';
import { checkAmount, yuanToFen } from '../lib/amount';
import { providerName } from '../lib/provider-name';
import { PIN_RETRY_CODES, PinInput } from './pin-prompt';

/** Why a refund was refused: a bilingual message, with main's code when there is one (PIN_WRONG…). */
export type RefundFailure = string | { code: string; message: string };

export interface RefundFormProps {
  order: Pick<OrderDto, 'id' | 'refundable' | 'provider'>;
  /** Sends the refund (with the manager PIN when one was asked for); resolves with the failure or null on success. */
  onRefund: (amount: string, reason: string | undefined, pin?: string) => Promise<RefundFailure | null>;
  /** The manager PIN's state (pin.status): when set, refunds above its threshold ask for it in the confirmation. */
  pin?: PinStatusDto | null;
}

/**
 * 退款: amount defaults to what is still refundable, a reason, then a confirmation saying exactly what
 * will happen (and the manager PIN when the refund needs it). Amounts over the refundable rest never
 * leave the form. Keyboard: Enter in the amount or reason → the confirmation (focus on the PIN, else on
 * 确认退款); Enter there confirms; Esc goes back to the amount.
 */
export function RefundForm({ order, onRefund, pin }: RefundFormProps): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const [amount, setAmount] = useState(order.refundable);
  const [reason, setReason] = useState('');
  const [managerPin, setManagerPin] = useState('');
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const maxFen = yuanToFen(order.refundable);
  const amountRef = useRef<InputRef>(null);
  const pinRef = useRef<InputRef>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    setAmount(order.refundable);
    setStep('edit');
  }, [order.id, order.refundable]);

  const validate = (): { yuan: string; fen: number } | null => {
    if (maxFen <= 0) return (setError(t('refund.nothing')), null);
    const check = checkAmount(amount.trim());
    if (!check.ok) return (setError(localMessage(check.message, i18n.language)), null);
    if (check.fen > maxFen) return (setError(t('refund.exceeds', { max: order.refundable })), null);
    setError(null);
    return check;
  };

  const checked = step === 'confirm' ? checkAmount(amount.trim()) : null;
  const restFen = checked?.ok ? maxFen - checked.fen : maxFen;
  const needsPin = Boolean(pin?.set && checked?.ok && checked.fen > yuanToFen(pin.refundAbove));

  // Focus follows the step: the PIN (or 确认退款) in the confirmation, the amount when back to editing.
  // Requested through state so it happens after the commit that re-enables the field.
  const [focusReq, setFocusReq] = useState<{ target: 'amount' | 'pin' | 'confirm'; n: number } | null>(null);
  const focus = (target: 'amount' | 'pin' | 'confirm'): void => setFocusReq((r) => ({ target, n: (r?.n ?? 0) + 1 }));
  useEffect(() => {
    if (step === 'confirm') focus(needsPin ? 'pin' : 'confirm');
  }, [step, needsPin]);
  useEffect(() => {
    if (!focusReq) return;
    if (focusReq.target === 'amount') amountRef.current?.focus({ cursor: 'all' });
    else if (focusReq.target === 'pin') pinRef.current?.focus();
    else confirmRef.current?.focus();
  }, [focusReq]);

  const toConfirm = (): void => {
    if (validate()) {
      setManagerPin('');
      setStep('confirm');
    }
  };
  const back = (): void => {
    setStep('edit');
    setManagerPin('');
    focus('amount');
  };

  const confirm = async (): Promise<void> => {
    if (busy) return;
    const ok = validate();
    if (!ok) return back();
    if (needsPin && managerPin === '') return (setError(t('pin.needed')), focus('pin'));
    setBusy(true);
    const why = reason.trim() || undefined;
    const failure = await (needsPin ? onRefund(ok.yuan, why, managerPin) : onRefund(ok.yuan, why));
    setBusy(false);
    if (failure) {
      const message = typeof failure === 'string' ? failure : failure.message;
      setError(localMessage(message, i18n.language));
      if (typeof failure !== 'string' && PIN_RETRY_CODES.has(failure.code) && needsPin) {
        // a wrong PIN: stay in the confirmation, the PIN field empty and focused
        setManagerPin('');
        focus('pin');
        return;
      }
      return back();
    }
    setReason('');
    setManagerPin('');
    setStep('edit');
  };

  return (
    <div
      className="pd-refund-form"
      data-testid="refund-form"
      data-step={step}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && step === 'confirm' && !busy) {
          e.stopPropagation(); // Esc here means "back", not "close the drawer"
          back();
        }
      }}
    >
      <label className="pd-field-label" htmlFor="pd-refund-amount">
        {t('refund.amount')}
      </label>
      <Input
        id="pd-refund-amount"
        ref={amountRef}
        data-testid="refund-amount-input"
        size="large"
        prefix="¥"
        inputMode="decimal"
        autoComplete="off"
        value={amount}
        disabled={step === 'confirm' || busy}
        status={error && step === 'edit' ? 'error' : undefined}
        onChange={(e) => {
          setError(null);
          setAmount(e.target.value);
        }}
        onPressEnter={toConfirm}
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
        onPressEnter={toConfirm}
      />
      {error && <Alert className="pd-gap" type="error" showIcon title={error} data-testid="refund-error" />}
      {step === 'edit' ? (
        <Button className="pd-gap" danger type="primary" size="large" data-testid="refund-button" onClick={toConfirm}>
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
                  provider: providerName(t, order.provider),
                  rest: formatFen(Math.max(0, restFen)),
                  status: t(restFen <= 0 ? 'status.REFUNDED' : 'status.PARTIALLY_REFUNDED'),
                })}
              </span>
            }
          />
          {needsPin && (
            <div className="pd-gap" data-testid="refund-pin">
              <label className="pd-field-label" htmlFor="pd-refund-pin">
                {t('pin.refundLabel')}
              </label>
              <PinInput
                testId="refund-pin-input"
                value={managerPin}
                onChange={(v) => (setError(null), setManagerPin(v))}
                onEnter={() => void confirm()}
                inputRef={pinRef}
                disabled={busy}
              />
            </div>
          )}
          <Space className="pd-gap">
            <Button ref={confirmRef} danger type="primary" size="large" loading={busy} data-testid="refund-confirm" onClick={() => void confirm()}>
              {t('refund.confirm')}
            </Button>
            <Button size="large" disabled={busy} data-testid="refund-back" onClick={back}>
              {t('refund.back')} (Esc)
            </Button>
          </Space>
        </div>
      )}
    </div>
  );
}
