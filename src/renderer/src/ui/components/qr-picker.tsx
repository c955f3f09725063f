import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import type { QrChoiceDto } from '../../../../shared/contract';
import { useErrorText } from '../hooks/console-context';
import { providerName } from '../lib/provider-name';
import type { ChoiceState } from '../lib/qr-choice';
import { ProviderLogo } from './method-logo';

/**
 * 支付宝 / 微信 / 双码 beside the method tabs (QR sales only). Keyboard: Tab reaches it, ← → move; a
 * mouse click never keeps the focus (the next key belongs to the amount). A choice whose provider is not
 * ready is disabled, its reason in the tooltip and in the hint under the control.
 */
export function QrPicker({
  value,
  wanted,
  states,
  disabled,
  onChange,
}: {
  /** the choice in effect */
  value: QrChoiceDto;
  /** the remembered choice (differs from value when it is not ready) */
  wanted: QrChoiceDto;
  states: ChoiceState[];
  disabled: boolean;
  onChange: (choice: QrChoiceDto) => void;
}): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const why = (s: ChoiceState): string => {
    if (s.ready) return '';
    if (s.choice === 'dual') return [t('qrChoice.dualNeedsBoth'), s.reason ? errorText(s.reason) : ''].filter(Boolean).join(' — ');
    const provider = providerName(t, s.choice);
    return s.reason ? t('qrChoice.notReady', { provider, reason: errorText(s.reason) }) : t('qrChoice.notReadyNoReason', { provider });
  };
  const hints = states.filter((s) => !s.ready).map(why);
  const fellBack = value !== wanted;
  return (
    <div className="pd-qr-picker" data-testid="qr-picker" data-choice={value}>
      <div onMouseDown={(e) => e.preventDefault()}>
        <Segmented<QrChoiceDto>
          block
          value={value}
          disabled={disabled}
          aria-label={t('qrChoice.label')}
          onChange={onChange}
          options={states.map((s) => ({
            value: s.choice,
            disabled: !s.ready,
            label: (
              <span className="pd-qr-choice" data-testid={`qr-choice-${s.choice}`} data-ready={String(s.ready)} title={why(s) || undefined}>
                {s.choice === 'dual' ? (
                  <>
                    <ProviderLogo provider="alipay" size={16} />
                    <ProviderLogo provider="wechat" size={16} />
                  </>
                ) : (
                  <ProviderLogo provider={s.choice} size={16} />
                )}
                <span className="pd-qr-choice-name">{t(`qrChoice.${s.choice}`)}</span>
              </span>
            ),
          }))}
        />
      </div>
      {(fellBack || hints.length > 0) && (
        <div className="pd-qr-picker-hint" data-testid="qr-picker-hint">
          {fellBack && <div>{t('qrChoice.fallback', { choice: t(`qrChoice.${wanted}`), provider: t(`qrChoice.${value}`) })}</div>}
          {hints.map((h) => (
            <div key={h}>{h}</div>
          ))}
        </div>
      )}
    </div>
  );
}
