import { Alert, Input, Modal, type InputRef } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo, Result } from '../../../../shared/contract';
import { useErrorText } from '../hooks/console-context';

/** Error codes after which asking (again) for the manager PIN makes sense. */
export const PIN_RETRY_CODES = new Set(['PIN_REQUIRED', 'PIN_WRONG', 'PIN_FORMAT']);
const CANCELLED: ErrorInfo = { code: 'PIN_CANCELLED', message: '已取消：未输入店长密码 / Cancelled: no manager PIN given' };

/** The PIN field's own rule (main checks it again): digits only, the rest is main's decision. */
export function PinInput(props: {
  value: string;
  onChange: (v: string) => void;
  onEnter?: () => void;
  testId: string;
  autoFocus?: boolean;
  inputRef?: React.Ref<InputRef>;
  placeholder?: string;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <Input.Password
      ref={props.inputRef}
      data-testid={props.testId}
      size="large"
      inputMode="numeric"
      autoComplete="off"
      maxLength={12}
      autoFocus={props.autoFocus}
      disabled={props.disabled}
      placeholder={props.placeholder ?? t('pin.placeholder')}
      value={props.value}
      visibilityToggle={false}
      onChange={(e) => props.onChange(e.target.value.replace(/\s/g, ''))}
      onPressEnter={props.onEnter}
    />
  );
}

/**
 * `withPin(call)`: runs `call(undefined)`; when main answers PIN_REQUIRED it asks for the manager PIN (a
 * modal, keyboard-only: type, Enter; Esc cancels) and runs `call(pin)`; a wrong PIN asks again with main's
 * message. Main enforces the PIN; this only collects it. Render `element` once in the component.
 */
export function usePinPrompt(): {
  withPin: <T>(call: (pin: string | undefined) => Promise<Result<T>>) => Promise<Result<T>>;
  element: React.JSX.Element;
} {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [open, setOpen] = useState(false);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pending = useRef<{ call: (pin: string | undefined) => Promise<Result<unknown>>; resolve: (r: Result<unknown>) => void } | null>(null);
  const inputRef = useRef<InputRef>(null);

  // The field takes the focus as it mounts (autoFocus, so the dialog's own focus handling finds the focus
  // already inside and leaves it), again once the opening animation has ended, and after a refused PIN.
  useEffect(() => {
    if (open && error !== null) inputRef.current?.focus();
  }, [open, error]);

  const ask = (call: (pin: string | undefined) => Promise<Result<unknown>>, resolve: (r: Result<unknown>) => void, message: string | null): void => {
    pending.current = { call, resolve };
    setPin('');
    setError(message);
    setOpen(true);
  };

  const withPin = useCallback(
    <T,>(call: (pin: string | undefined) => Promise<Result<T>>): Promise<Result<T>> =>
      new Promise<Result<T>>((resolve) => {
        const done = resolve as (r: Result<unknown>) => void;
        // Sent at once without a PIN: main answers PIN_REQUIRED (not a try) when one is set, and only then
        // is the manager asked — no PIN round trip while none is set.
        void call(undefined).then((r) => {
          if (!r.ok && r.error.code === 'PIN_REQUIRED') return ask(call, done, null);
          done(r);
        });
      }),
    [],
  );

  const submit = async (): Promise<void> => {
    const p = pending.current;
    if (!p || busy) return;
    setBusy(true);
    const r = await p.call(pin);
    setBusy(false);
    if (!r.ok && PIN_RETRY_CODES.has(r.error.code)) {
      setPin('');
      return setError(errorText(r.error));
    }
    pending.current = null;
    setOpen(false);
    p.resolve(r);
  };
  const cancel = (): void => {
    const p = pending.current;
    pending.current = null;
    setOpen(false);
    p?.resolve({ ok: false, error: CANCELLED });
  };

  const element = (
    <Modal
      open={open}
      title={t('pin.promptTitle')}
      okText={t('pin.ok')}
      cancelText={t('pin.cancel')}
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={cancel}
      afterOpenChange={(opened) => opened && inputRef.current?.focus()}
      destroyOnHidden
      data-testid="pin-prompt"
    >
      <p>{t('pin.promptText')}</p>
      <PinInput testId="pin-prompt-input" value={pin} onChange={setPin} onEnter={() => void submit()} inputRef={inputRef} autoFocus />
      {error && <Alert className="pd-gap" type="error" showIcon title={error} data-testid="pin-prompt-error" />}
    </Modal>
  );
  return { withPin, element };
}
