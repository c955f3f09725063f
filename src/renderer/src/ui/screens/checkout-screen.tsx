import { Alert, Input, Segmented, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto, OrderMethodDto } from '../../../../shared/contract';
import { AmountKeypad } from '../components/amount-keypad';
import { ScannerInput } from '../components/scanner-input';
import { useConsole, useErrorText } from '../hooks/console-context';
import { useAnnounce } from '../hooks/use-announce';
import { checkAmount } from '../lib/amount';
import { newerOrder } from '../lib/orders';
import { OrderPanel } from './order-panel';

/**
 * 收款: amount keypad (+ note) → a QR / pay link / 付款码 sale; the order's state follows the pushed
 * order.updated events; after a sale the keypad is cleared for the next customer.
 */
export function CheckoutScreen({ active }: { active: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, status, reportError } = useConsole();
  const announce = useAnnounce();
  const [method, setMethod] = useState<OrderMethodDto>('qr');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [order, setOrder] = useState<OrderDto | null>(null);
  const [busy, setBusy] = useState<'create' | 'cancel' | null>(null);
  const [error, setError] = useState<{ code: string; text: string } | null>(null);
  /** Bumped to move the focus: to the 付款码 field after the amount, back to the amount after a sale. */
  const [scanRound, setScanRound] = useState(0);
  const [amountRound, setAmountRound] = useState(0);
  /** A 付款码 sale in flight: its order id is unknown until the command answers, so adopt its events. */
  const pendingCode = useRef<{ amount: string } | null>(null);
  const createToken = useRef(0);

  useEffect(
    () =>
      api.onOrderUpdated((next) => {
        setOrder((current) => {
          if (current?.id === next.id) return newerOrder(current, next);
          const pending = pendingCode.current;
          if (!current && pending && next.method === 'code' && next.amount === pending.amount) return next;
          return current;
        });
      }),
    [api],
  );

  // A finished sale clears the keypad for the next customer (and is announced once).
  const paid = order && order.status === 'PAID';
  useEffect(() => {
    if (!order || !paid) return;
    announce(order);
    setAmount('');
    setNote('');
    setAmountRound((n) => n + 1); // back to the keypad for the next customer
  }, [paid, order?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const waiting = order?.status === 'AWAITING_PAYMENT';

  const fail = (code: string, message: string): void => {
    setError({ code, text: errorText(message) });
    reportError({ code, message });
  };

  const create = async (authCode?: string): Promise<void> => {
    if (busy || waiting) return;
    const check = checkAmount(amount);
    if (!check.ok) return setError({ code: check.code, text: errorText(check.message) });
    const token = ++createToken.current;
    setError(null);
    setOrder(null);
    setBusy('create');
    pendingCode.current = method === 'code' ? { amount: check.yuan } : null;
    const result = await api.ordersCreate({
      amount: check.yuan,
      method,
      ...(note.trim() ? { subject: note.trim() } : {}),
      ...(authCode ? { authCode } : {}),
    });
    // A 付款码 answer can come after its pushed outcome and after the next sale began: then it is stale.
    if (token !== createToken.current) return;
    pendingCode.current = null;
    setBusy(null);
    if (!result.ok) {
      if (method === 'code') setScanRound((n) => n + 1);
      return fail(result.error.code, result.error.message);
    }
    setOrder((current) => newerOrder(current, result.value));
    // A refused 付款码 (wrong code, balance): the cashier scans again right away.
    if (method === 'code' && result.value.status === 'FAILED') setScanRound((n) => n + 1);
  };

  // The pushed outcome of a 付款码 sale ends the wait even before the command answers.
  const settled = order !== null && order.status !== 'AWAITING_PAYMENT';
  useEffect(() => {
    if (busy !== 'create' || !settled) return;
    createToken.current += 1;
    pendingCode.current = null;
    setBusy(null);
  }, [busy, settled]);

  const cancel = async (): Promise<void> => {
    if (!order || !waiting) return;
    setBusy('cancel');
    const result = await api.ordersCancel({ id: order.id });
    setBusy(null);
    if (!result.ok) return fail(result.error.code, result.error.message);
    setOrder((current) => newerOrder(current, result.value));
    // A refused 付款码 (wrong code, balance): the cashier scans again right away.
    if (method === 'code' && result.value.status === 'FAILED') setScanRound((n) => n + 1);
  };

  const next = (): void => {
    setOrder(null);
    setError(null);
    setAmountRound((n) => n + 1);
  };

  const onEscape = (): void => {
    if (amount !== '' && !waiting) return setAmount('');
    if (waiting) return void cancel();
    if (order) next();
  };

  const submit = (): void => {
    if (method === 'code') {
      const check = checkAmount(amount);
      if (!check.ok) return setError({ code: check.code, text: errorText(check.message) });
      setError(null);
      setScanRound((n) => n + 1); // focus the scanner field
      return;
    }
    void create();
  };

  const demo = status?.providerMode === 'demo';
  return (
    <div className="pd-checkout" data-testid="checkout-screen">
      <section className="pd-card pd-checkout-left">
        <Segmented<OrderMethodDto>
          block
          size="large"
          value={method}
          disabled={busy !== null || waiting}
          onChange={(m) => {
            setMethod(m);
            setError(null);
          }}
          options={(['qr', 'code', 'link'] as const).map((m) => ({ value: m, label: <span data-testid={`method-${m}`}>{t(`method.${m}`)}</span> }))}
        />
        <AmountKeypad
          value={amount}
          onChange={(v) => {
            setAmount(v);
            setError(null);
          }}
          onSubmit={submit}
          onEscape={onEscape}
          disabled={busy === 'create'}
          captureGlobal={active}
          focusKey={amountRound}
          submitDisabled={waiting}
        />
        <label className="pd-field-label" htmlFor="pd-note">
          {t('checkout.note')}
        </label>
        <Input
          id="pd-note"
          data-testid="note-input"
          maxLength={128}
          placeholder={t('checkout.notePlaceholder')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          onPressEnter={submit}
        />
      </section>
      <section className="pd-card pd-checkout-right" aria-live="polite">
        {error && <Alert type="error" showIcon className="pd-error" title={<span data-testid="error" data-code={error.code}>{error.text}</span>} />}
        {method === 'code' && !waiting && (
          <div className="pd-scan-box" data-testid="scan-box">
            <div className="pd-scan-title">{t('checkout.scanTitle')}</div>
            <ScannerInput
              focusKey={scanRound}
              disabled={busy === 'create'}
              onScan={(code) => {
                if (!checkAmount(amount).ok) return setError({ code: 'AMOUNT_FORMAT', text: t('checkout.scanNeedAmount') });
                void create(code);
              }}
            />
            {demo && <div className="pd-demo-hint" data-testid="test-codes">{t('checkout.testCodes')}</div>}
          </div>
        )}
        {busy === 'create' && !order && (
          <div className="pd-paying" data-testid="creating">
            <Spin size="large" />
            <div className="pd-paying-text">{t(method === 'code' ? 'checkout.paying' : 'checkout.creating')}</div>
          </div>
        )}
        {order && <OrderPanel order={order} onCancel={() => void cancel()} onNext={next} cancelling={busy === 'cancel'} />}
        {!order && busy !== 'create' && method !== 'code' && (
          <div className="pd-idle" data-testid="checkout-idle">
            <div className="pd-idle-title">{t('checkout.idleTitle')}</div>
            <div className="pd-idle-hint">{t('checkout.idleHint')}</div>
            {demo && <div className="pd-demo-hint">{t('checkout.demoHint')}</div>}
          </div>
        )}
      </section>
    </div>
  );
}
