import { Input, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authCodeProvider } from '../../../../shared/auth-code';

export interface ScannerInputProps {
  onScan: (code: string) => void;
  disabled?: boolean;
  /** Focus the field (again) whenever this changes, e.g. once the amount is typed. */
  focusKey?: unknown;
  /** Focus the field when it appears. */
  autoFocus?: boolean;
}

/**
 * The 付款码 field: a USB scanner types the digits very fast and ends with Enter. The value is read
 * from the DOM at Enter (not from React state) so no keystroke can be lost however fast it comes.
 */
export function ScannerInput({ onScan, disabled, focusKey, autoFocus }: ScannerInputProps): React.JSX.Element {
  const { t } = useTranslation();
  const ref = useRef<InputRef>(null);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);

  const mounted = useRef(false);
  useEffect(() => {
    if ((mounted.current || autoFocus) && !disabled) ref.current?.focus();
    mounted.current = true;
  }, [focusKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>): void => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const code = e.currentTarget.value.replace(/\s+/g, '');
    // Any provider's 付款码 shape (WeChat Pay or Alipay); main routes it to its provider.
    if (authCodeProvider(code) === null) {
      setError(t('checkout.scanBadCode'));
      return;
    }
    setError(null);
    setValue('');
    onScan(code);
  };

  return (
    <div className="pd-scanner">
      <Input
        ref={ref}
        size="large"
        data-testid="scan-input"
        className="pd-scan-input"
        inputMode="numeric"
        autoComplete="off"
        placeholder={t('checkout.scanPlaceholder')}
        value={value}
        disabled={disabled}
        status={error ? 'error' : undefined}
        onChange={(e) => {
          setError(null);
          setValue(e.target.value);
        }}
        onKeyDown={onKeyDown}
      />
      {error && (
        <div className="pd-field-error" role="alert" data-testid="scan-error">
          {error}
        </div>
      )}
    </div>
  );
}
