import { Button, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Every key the console answers to, by screen (keys are shown as written; what they do is translated). */
export const SHORTCUTS: { section: string; keys: [string, string][] }[] = [
  {
    section: 'global',
    keys: [
      ['F1 / ?', 'help'],
      ['Alt+1 … Alt+5', 'tabs'],
    ],
  },
  {
    section: 'checkout',
    keys: [
      ['0–9 .', 'amount'],
      ['Backspace', 'backspace'],
      ['Enter', 'charge'],
      ['Ctrl+Enter', 'confirmLarge'],
      ['Esc', 'clear'],
      ['Esc Esc', 'cancelWaiting'],
      ['付款码 + Enter', 'scan'],
    ],
  },
  {
    section: 'orders',
    keys: [
      ['/', 'search'],
      ['Enter', 'runSearch'],
      ['↓', 'toList'],
      ['↑ ↓ Home End PgUp PgDn', 'move'],
      ['Enter', 'open'],
      ['Esc', 'close'],
    ],
  },
  {
    section: 'refund',
    keys: [
      ['R', 'refund'],
      ['Enter', 'next'],
      ['Enter', 'confirm'],
      ['Esc', 'back'],
      ['Tab / Shift+Tab', 'tab'],
    ],
  },
];

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** 快捷键: F1 anywhere, or ? outside a text field, opens the sheet; Esc closes it. A header button too. */
export function ShortcutSheet(): React.JSX.Element {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'F1' || (e.key === '?' && !isEditable(e.target))) {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <Button data-testid="shortcuts-open" onClick={() => setOpen(true)} title="F1">
        {t('shortcuts.button')}
      </Button>
      <Modal open={open} title={t('shortcuts.title')} footer={null} onCancel={() => setOpen(false)} width={720} destroyOnHidden>
        <div className="pd-shortcuts" data-testid="shortcut-sheet">
          {SHORTCUTS.map((s) => (
            <section key={s.section} className="pd-shortcut-section" data-section={s.section}>
              <h4 className="pd-shortcut-title">{t(`shortcuts.sections.${s.section}`)}</h4>
              <dl className="pd-shortcut-list">
                {s.keys.map(([key, what]) => (
                  <div key={`${key}-${what}`} className="pd-shortcut-row" data-testid="shortcut-row">
                    <dt>
                      <kbd>{key}</kbd>
                    </dt>
                    <dd>{t(`shortcuts.${s.section}.${what}`)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </Modal>
    </>
  );
}
