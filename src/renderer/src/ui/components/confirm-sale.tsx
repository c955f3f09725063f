import { Button, Modal } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderMethodDto } from '../../../../shared/contract';
import { toChineseCapital } from '../../../../shared/money';

export interface ConfirmSaleProps {
  /** null = closed */
  sale: { fen: number; yuan: string; method: OrderMethodDto } | null;
  /** the threshold it is above, yuan string */
  limit: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A sale above the confirmation threshold: the amount large and in 大写. Enter alone does not pass it
 * (a stray scan ends with Enter, and so does a cashier's habit): a click on 确认收款 or Ctrl+Enter does;
 * Esc goes back to the amount.
 */
export function ConfirmSale({ sale, limit, onConfirm, onCancel }: ConfirmSaleProps): React.JSX.Element {
  const { t } = useTranslation();
  const body = useRef<HTMLDivElement>(null);
  const [nudged, setNudged] = useState(0);

  const latest = useRef({ onConfirm, onCancel });
  latest.current = { onConfirm, onCancel };
  const open = sale !== null;

  // The keys are taken on the whole window while the dialog is open, wherever the focus is (the amount
  // field keeps it when the modal opens late): Enter is swallowed, Ctrl+Enter confirms, Esc goes back.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Enter' && e.key !== 'Escape') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.key === 'Escape') latest.current.onCancel();
      else if (e.ctrlKey || e.metaKey) latest.current.onConfirm();
      else setNudged((n) => n + 1);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [open]);

  return (
    <Modal
      open={open}
      title={t('counter.confirmTitle')}
      footer={null}
      keyboard={false}
      maskClosable={false}
      width={560}
      onCancel={onCancel}
      afterOpenChange={(open) => open && body.current?.focus()}
      destroyOnHidden
    >
      {sale && (
        <div ref={body} tabIndex={-1} className="pd-confirm" data-testid="confirm-sale">
          <div className="pd-confirm-hint">{t('counter.confirmHint', { limit })}</div>
          <div className="pd-confirm-amount" data-testid="confirm-amount">
            ¥{sale.yuan}
          </div>
          <div className="pd-confirm-capital" data-testid="confirm-capital">
            {toChineseCapital(sale.fen)}
          </div>
          <div className="pd-confirm-method">{t(`method.${sale.method}`)}</div>
          <div className={`pd-confirm-keys${nudged ? ' pd-refused' : ''}`} data-testid="confirm-enter-hint" data-nudged={nudged}>
            {t('counter.confirmEnterHint')}
          </div>
          <div className="pd-confirm-actions">
            <Button size="large" data-testid="confirm-back" onClick={onCancel}>
              {t('counter.confirmBack')}
            </Button>
            <Button size="large" type="primary" danger data-testid="confirm-ok" onClick={onConfirm}>
              {t('counter.confirmOk')}
            </Button>
          </div>
        </div>
      )}
    </Modal>
  );
}
