import { Button } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { normaliseAmountText, pressKey, toKeypadKey, type KeypadKey, type KeyRefusal } from '../lib/amount';
import { useErrorText } from '../hooks/console-context';

export interface AmountKeypadProps {
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  /** Escape on the amount (clear, or cancel the waiting order — the screen decides). */
  onEscape?: () => void;
  disabled?: boolean;
  /** Digits typed anywhere on the page (focus not in another field) go to the amount. */
  captureGlobal?: boolean;
  submitLabel?: string;
  /** The charge key alone is off (an order is waiting): typing the next amount is still allowed. */
  submitDisabled?: boolean;
  /** Focus the amount again whenever this changes (after each sale). */
  focusKey?: unknown;
}

const GRID: { key: KeypadKey; label: string; id: string }[] = [
  ...['7', '8', '9', '4', '5', '6', '1', '2', '3'].map((k) => ({ key: k as KeypadKey, label: k, id: k })),
  { key: '.', label: '.', id: 'dot' },
  { key: '0', label: '0', id: '0' },
  { key: '00', label: '00', id: '00' },
];

/** Clicking a key must not take the focus away from the amount (Enter keeps charging). */
const keepFocus = (e: React.MouseEvent): void => e.preventDefault();

/** The amount display and keypad: on-screen keys and physical keys share `pressKey`. */
export function AmountKeypad(props: AmountKeypadProps): React.JSX.Element {
  const { value, onChange, onSubmit, onEscape, disabled, captureGlobal, submitLabel, focusKey, submitDisabled } = props;
  const { t } = useTranslation();
  const [refused, setRefused] = useState<KeyRefusal>(null);
  /** Why pasted / IME text was refused (bilingual message from the shared parser), else null. */
  const [textRefused, setTextRefused] = useState<string | null>(null);
  const errorText = useErrorText();
  const input = useRef<HTMLInputElement>(null);
  const latest = useRef({ value, props });
  latest.current = { value, props };

  const press = (key: KeypadKey): void => {
    const out = pressKey(latest.current.value, key);
    setRefused(out.refused);
    setTextRefused(null);
    if (out.value !== latest.current.value) {
      // Keys replayed in one burst arrive before React re-renders: the next one must see this value.
      latest.current = { ...latest.current, value: out.value };
      latest.current.props.onChange(out.value);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>): void => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      if (!disabled) onSubmit();
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setRefused(null);
      if (onEscape) onEscape();
      else onChange('');
      return;
    }
    const key = toKeypadKey(e.key);
    if (key) {
      e.preventDefault();
      if (!disabled) press(key);
    }
  };

  useEffect(() => {
    if (focusKey !== undefined) input.current?.focus();
  }, [focusKey]);

  useEffect(() => {
    if (!captureGlobal) return;
    const handler = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (target && target !== document.body && target.closest('input, textarea, select, [contenteditable="true"], .ant-select, .ant-drawer, .ant-modal-wrap'))
        return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Enter' && target?.closest('button, a')) return; // the focused button acts
      if (e.key === 'Enter' || e.key === 'Escape' || toKeypadKey(e.key)) {
        // Re-dispatch to the amount field so one handler decides.
        e.preventDefault();
        input.current?.focus();
        onKeyDown({ key: e.key, ctrlKey: false, metaKey: false, altKey: false, preventDefault: () => undefined } as React.KeyboardEvent<HTMLInputElement>);
      }
    };
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  });

  return (
    <div className="pd-keypad" data-testid="keypad">
      <label className="pd-field-label" htmlFor="pd-amount">
        {t('checkout.amount')}
      </label>
      <div className={`pd-amount-display${refused || textRefused ? ' pd-refused' : ''}`}>
        <span className="pd-currency">¥</span>
        <input
          id="pd-amount"
          ref={input}
          data-testid="amount-input"
          className="pd-amount-input"
          inputMode="decimal"
          autoComplete="off"
          autoFocus
          placeholder="0.00"
          value={value}
          aria-disabled={disabled}
          onKeyDown={onKeyDown}
          onChange={(e) => {
            if (disabled) return;
            setRefused(null);
            // Pasted or IME text: "１２.３４", "¥12.34", "12.34元", "1,234.50" are normalised; anything
            // ambiguous is refused with the reason and the amount stays as it was.
            const out = normaliseAmountText(e.target.value);
            if (!out.ok) return setTextRefused(errorText(out.message));
            setTextRefused(null);
            onChange(out.value);
          }}
        />
      </div>
      <div className="pd-keypad-hint" data-testid="keypad-hint" aria-live="polite">
        {textRefused ? <span data-testid="amount-error">{textRefused}</span> : refused ? t(`checkout.${refused}`) : t('checkout.hint')}
      </div>
      <div className="pd-keys">
        {GRID.map((k) => (
          <Button
            key={k.id}
            size="large"
            className="pd-key"
            data-testid={`key-${k.id}`}
            onMouseDown={keepFocus}
            disabled={disabled}
            onClick={() => press(k.key)}
          >
            {k.label}
          </Button>
        ))}
        <Button
          size="large"
          className="pd-key"
          data-testid="key-backspace"
          onMouseDown={keepFocus}
          disabled={disabled}
          onClick={() => press('Backspace')}
          aria-label="Backspace"
        >
          ⌫
        </Button>
        <Button size="large" className="pd-key" data-testid="key-clear" onMouseDown={keepFocus} disabled={disabled} onClick={() => press('Clear')}>
          {t('checkout.clear')}
        </Button>
        <Button
          size="large"
          type="primary"
          className="pd-key pd-key-charge"
          data-testid="charge-button"
          disabled={disabled || submitDisabled}
          onClick={onSubmit}
        >
          {submitLabel ?? t('checkout.charge')}
        </Button>
      </div>
    </div>
  );
}
