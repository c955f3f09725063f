import { Alert, Input, Segmented, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto, OrderMethodDto, QrChoiceDto } from '../../../../shared/contract';
import { AmountKeypad } from '../components/amount-keypad';
import { ConfirmSale } from '../components/confirm-sale';
import { QrPicker } from '../components/qr-picker';
import { ScannerInput } from '../components/scanner-input';
import { useConsole, useErrorText } from '../hooks/console-context';
import { useAnnounce } from '../hooks/use-announce';
import { checkAmount, yuanToFen } from '../lib/amount';
import { newerOrder } from '../lib/orders';
import { choiceStates, effectiveChoice, loadChoice, saveChoice } from '../lib/qr-choice';
import { DualPanel } from './dual-panel';
import { OrderPanel } from './order-panel';

/** How long a 付款码 scanned before the amount is kept (the buyer's code refreshes about every minute). */
export const KEPT_CODE_MS = 30_000;
/** A second Esc within this cancels a waiting order. */
export const ESC_AGAIN_MS = 2_000;

/**
 * 收款: amount keypad (+ note) → a QR / pay link / 付款码 sale; the order's state follows the pushed
 * order.updated events; after a sale the keypad is cleared for the next customer.
 * Counter safety: a scan (recognised by rhythm, see use-scanner) after an amount charges exactly that
 * amount by 付款码; before the amount it is kept for KEPT_CODE_MS; sales above the threshold are confirmed
 * (大写); Esc on a waiting order asks first; a reload brings the waiting order back.
 * A QR sale uses the picked provider (支付宝 / 微信, remembered) or 双码: both QRs of one sale side by side;
 * the first paid wins, main closes the other, and the panel follows both orders' events.
 */
export function CheckoutScreen({ active, scan = null }: { active: boolean; scan?: { code: string; seq: number } | null }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, status, settings, reportError } = useConsole();
  const announce = useAnnounce();
  const [method, setMethod] = useState<OrderMethodDto>('qr');
  const [wanted, setWanted] = useState<QrChoiceDto>(loadChoice);
  const choices = choiceStates(status);
  const choice = effectiveChoice(wanted, choices);
  const [amount, setAmountState] = useState('');
  /** The amount as typed so far, readable before React re-renders (keys replayed in one burst). */
  const amountRef = useRef('');
  const setAmount = (v: string): void => {
    amountRef.current = v;
    setAmountState(v);
  };
  const [kept, setKept] = useState<{ code: string; until: number } | null>(null);
  const [confirm, setConfirm] = useState<{ fen: number; yuan: string; method: OrderMethodDto; authCode?: string } | null>(null);
  const [notice, setNotice] = useState<{ key: string; text: string } | null>(null);
  const escArmed = useRef<number>(0);
  const [note, setNote] = useState('');
  const [order, setOrder] = useState<OrderDto | null>(null);
  /** 双码: the other provider's order of the same sale (null for a single QR / link / 付款码). */
  const [paired, setPaired] = useState<OrderDto | null>(null);
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
        setPaired((current) => (current?.id === next.id ? newerOrder(current, next) : current));
        setOrder((current) => {
          if (current?.id === next.id) return newerOrder(current, next);
          const pending = pendingCode.current;
          if (!current && pending && next.method === 'code' && next.amount === pending.amount) return next;
          return current;
        });
      }),
    [api],
  );

  /** The sale as the cashier sees it: for 双码 the side that got paid, if any, else the first order. */
  const sale = paired && order && isPaidish(paired) && !isPaidish(order) ? paired : order;

  // A finished sale clears the keypad for the next customer (and is announced once).
  const paid = sale && sale.status === 'PAID';
  useEffect(() => {
    if (!sale || !paid) return;
    announce(sale);
    setAmount('');
    setNote('');
    setAmountRound((n) => n + 1); // back to the keypad for the next customer
  }, [paid, sale?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const waiting = sale?.status === 'AWAITING_PAYMENT';

  /** Focus where the next key belongs: the 付款码 field while it shows, else the amount. */
  const refocus = (m: OrderMethodDto = method): void => (m === 'code' ? setScanRound((n) => n + 1) : setAmountRound((n) => n + 1));
  const refuse = (code: string, text: string, m?: OrderMethodDto): void => {
    setError({ code, text });
    refocus(m);
  };
  const fail = (code: string, message: string): void => {
    refuse(code, errorText(message));
    reportError({ code, message });
  };

  const limits = {
    confirmAbove: settings?.confirmAbove ?? '500.00',
    maxPerSale: settings?.maxPerSale ?? '5000.00',
  };

  /** Check the amount and the limits; above the threshold, confirm first. */
  const begin = (m: OrderMethodDto, authCode?: string): void => {
    if (busy || waiting || confirm) return;
    const check = checkAmount(amountRef.current);
    if (!check.ok) return refuse(check.code, errorText(check.message), m);
    if (check.fen > yuanToFen(limits.maxPerSale)) {
      return refuse('AMOUNT_OVER_LIMIT', t('counter.overLimit', { amount: check.yuan, max: limits.maxPerSale }), m);
    }
    if (check.fen > yuanToFen(limits.confirmAbove)) {
      setConfirm({ fen: check.fen, yuan: check.yuan, method: m, ...(authCode ? { authCode } : {}) });
      return;
    }
    void create(m, check.yuan, authCode);
  };

  /**
   * `method` is the sale's: a scan charges by 付款码 whichever tab shows, and the tab stays (the next
   * customer at a QR counter gets a QR again).
   */
  const create = async (method: OrderMethodDto, yuan: string, authCode?: string): Promise<void> => {
    if (busy || waiting) return;
    setKept(null);
    setNotice(null);
    const check = { yuan };
    const token = ++createToken.current;
    setError(null);
    setOrder(null);
    setPaired(null);
    setBusy('create');
    pendingCode.current = method === 'code' ? { amount: check.yuan } : null;
    const result = await api.ordersCreate({
      amount: check.yuan,
      method,
      ...(note.trim() ? { subject: note.trim() } : {}),
      ...(authCode ? { authCode } : {}),
      ...(method === 'qr' && choice !== 'alipay' ? { provider: choice } : {}), // Alipay: main's default
    });
    // A 付款码 answer can come after its pushed outcome and after the next sale began: then it is stale.
    if (token !== createToken.current) return;
    pendingCode.current = null;
    setBusy(null);
    if (!result.ok) {
      if (method === 'code') setOrder(null);
      return fail(result.error.code, result.error.message); // focus back: the 付款码 field if it shows, else the amount
    }
    const { paired: other, ...created } = result.value;
    setOrder((current) => newerOrder(current, created));
    if (other) setPaired((current) => newerOrder(current, other));
    // A refused 付款码 (wrong code, balance): the cashier scans again right away.
    if (method === 'code' && result.value.status === 'FAILED') refocus();
  };

  // Back on 收款 (a click on the tab, Alt+1): the next key belongs to the amount.
  useEffect(() => {
    if (active) refocus();
  }, [active]); // eslint-disable-line react-hooks/exhaustive-deps

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
    setNotice(null);
    if (!result.ok) return fail(result.error.code, result.error.message);
    setOrder((current) => newerOrder(current, result.value));
    setAmountRound((n) => n + 1);
  };

  const next = (): void => {
    setOrder(null);
    setPaired(null);
    setError(null);
    setNotice(null);
    setAmountRound((n) => n + 1);
  };

  const onEscape = (): void => {
    if (amountRef.current !== '' && !waiting) {
      setKept(null);
      return setAmount('');
    }
    if (waiting) {
      // Esc also means "clear": on a waiting order it only asks; a second Esc within 2 s cancels.
      if (Date.now() - escArmed.current <= ESC_AGAIN_MS) {
        escArmed.current = 0;
        setNotice(null);
        return void cancel();
      }
      escArmed.current = Date.now();
      setNotice({ key: 'esc', text: t('counter.escAgain') });
      return;
    }
    if (kept) return setKept(null);
    if (order) next();
  };
  useEffect(() => {
    if (notice?.key !== 'esc') return;
    const timer = setTimeout(() => setNotice((n) => (n?.key === 'esc' ? null : n)), ESC_AGAIN_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  /** A 付款码 arrived (scanner anywhere, or typed into the 付款码 field). */
  const onCode = (code: string): void => {
    if (busy || waiting || confirm) return refuse('SCAN_BUSY', t('counter.scanBusy'));
    setError(null);
    if (amountRef.current === '') {
      setKept({ code, until: Date.now() + KEPT_CODE_MS });
      setAmountRound((n) => n + 1);
      return;
    }
    begin('code', code);
  };
  useEffect(() => {
    if (scan) onCode(scan.code);
  }, [scan?.seq]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!kept) return;
    const timer = setTimeout(
      () => {
        setKept(null);
        setNotice({ key: 'kept', text: t('counter.scanKeptExpired') });
      },
      Math.max(0, kept.until - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [kept, t]);

  const submit = (): void => {
    if (kept && kept.until > Date.now()) return begin('code', kept.code);
    if (method === 'code') {
      const check = checkAmount(amountRef.current);
      if (!check.ok) return refuse(check.code, errorText(check.message), 'code');
      setError(null);
      setScanRound((n) => n + 1); // focus the scanner field
      return;
    }
    begin(method);
  };

  // After a reload (or a second window): the order still waiting comes back with its QR and countdown.
  useEffect(() => {
    let live = true;
    void api.ordersList({ status: 'AWAITING_PAYMENT', limit: 20 }).then((r) => {
      if (!live || !r.ok) return;
      const now = Date.now();
      const open = r.value.items
        .filter((o) => o.status === 'AWAITING_PAYMENT' && (o.expiresAt === null || o.expiresAt > now))
        .sort((a, b) => b.createdAt - a.createdAt || (a.provider === 'alipay' ? -1 : 1))[0];
      if (!open) return;
      setOrder((current) => {
        if (current) return current;
        setMethod(open.method);
        setNotice({ key: 'restored', text: t('counter.restored') });
        return open;
      });
      // 双码: its other QR comes back too (from the same list, else asked for).
      const partnerId = open.pairedWith;
      if (!partnerId) return;
      const partner = r.value.items.find((o) => o.id === partnerId);
      if (partner) setPaired((current) => current ?? partner);
      else void api.ordersGet({ id: partnerId }).then((g) => live && g.ok && setPaired((current) => current ?? g.value));
    });
    return () => {
      live = false;
    };
  }, [api]); // eslint-disable-line react-hooks/exhaustive-deps

  const demo = status?.environment === 'demo';
  return (
    <div className="pd-checkout" data-testid="checkout-screen">
      <section className="pd-card pd-checkout-left">
        {/* The tabs never keep the focus: typed amounts and scans go on to the amount / 付款码 field. */}
        <div onMouseDown={(e) => e.preventDefault()}>
          <Segmented<OrderMethodDto>
            block
            size="large"
            value={method}
            disabled={busy !== null || waiting}
            onChange={(m) => {
              setMethod(m);
              setError(null);
              refocus(m === 'code' && checkAmount(amountRef.current).ok ? 'code' : 'qr');
            }}
            options={(['qr', 'code', 'link'] as const).map((m) => ({ value: m, label: <span data-testid={`method-${m}`}>{t(`method.${m}`)}</span> }))}
          />
        </div>
        {method === 'qr' && (
          <QrPicker
            value={choice}
            wanted={wanted}
            states={choices}
            disabled={busy !== null || waiting}
            onChange={(c) => {
              setWanted(c);
              saveChoice(c);
              setError(null);
              refocus('qr');
            }}
          />
        )}
        <AmountKeypad
          value={amount}
          onChange={(v) => {
            setAmount(v);
            setError(null);
          }}
          onSubmit={submit}
          onEscape={onEscape}
          disabled={busy === 'create'}
          captureGlobal={active && !confirm}
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
        <ConfirmSale
          sale={confirm}
          limit={limits.confirmAbove}
          onCancel={() => {
            setConfirm(null);
            setAmountRound((n) => n + 1);
          }}
          onConfirm={() => {
            const sale = confirm;
            setConfirm(null);
            if (sale) void create(sale.method, sale.yuan, sale.authCode);
          }}
        />
      </section>
      <section className="pd-card pd-checkout-right" aria-live="polite">
        {error && (
          <Alert
            type="error"
            showIcon
            className="pd-error"
            title={
              <span data-testid="error" data-code={error.code}>
                {error.text}
              </span>
            }
          />
        )}
        {kept && (
          <Alert
            type="warning"
            showIcon
            className="pd-error"
            title={<span data-testid="kept-code">{t('counter.scanWithoutAmount', { code: maskCode(kept.code), seconds: KEPT_CODE_MS / 1000 })}</span>}
          />
        )}
        {notice && (
          <Alert
            type="info"
            showIcon
            className="pd-error"
            title={
              <span data-testid="checkout-notice" data-key={notice.key}>
                {notice.text}
              </span>
            }
          />
        )}
        {method === 'code' && !waiting && (
          <div className="pd-scan-box" data-testid="scan-box">
            <div className="pd-scan-title">{t('checkout.scanTitle')}</div>
            <ScannerInput focusKey={scanRound} disabled={busy === 'create'} onScan={onCode} />
            {demo && (
              <div className="pd-demo-hint" data-testid="test-codes">
                {t('checkout.testCodes')}
              </div>
            )}
          </div>
        )}
        {busy === 'create' && !order && (
          <div className="pd-paying" data-testid="creating">
            <Spin size="large" />
            <div className="pd-paying-text">{t(method === 'code' ? 'checkout.paying' : 'checkout.creating')}</div>
          </div>
        )}
        {order && sale && paired && waiting ? (
          <DualPanel orders={[order, paired]} onCancel={() => void cancel()} cancelling={busy === 'cancel'} />
        ) : (
          sale && (
            <OrderPanel
              order={sale}
              other={paired && order ? (sale.id === order.id ? paired : order) : null}
              onCancel={() => void cancel()}
              onNext={next}
              cancelling={busy === 'cancel'}
            />
          )
        )}
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

/** Paid, whether refunded since or not: the side of a 双码 sale that the customer chose. */
function isPaidish(o: OrderDto): boolean {
  return o.status === 'PAID' || o.status === 'PARTIALLY_REFUNDED' || o.status === 'REFUNDED';
}

/** 2810…0001: enough to recognise the code, not the whole bearer credential. */
function maskCode(code: string): string {
  return `${code.slice(0, 4)}…${code.slice(-4)}`;
}
