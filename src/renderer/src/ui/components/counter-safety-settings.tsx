import { Input, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import { SCAN_GAP_MS, type CommandInput, type SettingsDto } from '../../../../shared/contract';
import { checkAmount } from '../lib/amount';

type Draft = CommandInput<'settings.update'>;
type Values = Pick<SettingsDto, 'scanMaxGapMs' | 'confirmAbove' | 'maxPerSale'>;

/** What main would refuse in this section (the save button stays off): a bad amount, or confirm > max. */
export function counterSafetyInvalid(v: Values): { confirmAbove: boolean; maxPerSale: boolean; order: boolean } {
  const confirm = checkAmount(v.confirmAbove);
  const max = checkAmount(v.maxPerSale);
  return { confirmAbove: !confirm.ok, maxPerSale: !max.ok, order: confirm.ok && max.ok && confirm.fen > max.fen };
}

/** 设置 → 收银安全: the scanner's timing rule, the confirmation threshold and the maximum per sale. */
export function CounterSafetySettings({ value, onChange }: { value: Values; onChange: (patch: Draft) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const invalid = counterSafetyInvalid(value);
  return (
    <div className="pd-counter-fields" data-testid="counter-safety">
      <div className="pd-field">
        <label className="pd-field-label" htmlFor="pd-scan-gap">
          {t('counter.scanGap')}
        </label>
        <InputNumber
          id="pd-scan-gap"
          min={SCAN_GAP_MS.min}
          max={SCAN_GAP_MS.max}
          precision={0}
          value={value.scanMaxGapMs}
          data-testid="settings-scan-gap"
          onChange={(n) => typeof n === 'number' && onChange({ scanMaxGapMs: n })}
        />
        <div className="pd-muted">{t('counter.scanGapHelp')}</div>
      </div>
      <div className="pd-field">
        <label className="pd-field-label" htmlFor="pd-confirm-above">
          {t('counter.confirmAbove')}
        </label>
        <Input
          id="pd-confirm-above"
          prefix="¥"
          value={value.confirmAbove}
          maxLength={12}
          status={invalid.confirmAbove || invalid.order ? 'error' : undefined}
          data-testid="settings-confirm-above"
          onChange={(e) => onChange({ confirmAbove: e.target.value.trim() })}
        />
        {invalid.confirmAbove && (
          <div className="pd-field-error" role="alert" data-testid="confirm-above-error">
            {t('counter.limitInvalid')}
          </div>
        )}
        {invalid.order && (
          <div className="pd-field-error" role="alert" data-testid="limit-order-error">
            {t('counter.limitOrder')}
          </div>
        )}
      </div>
      <div className="pd-field">
        <label className="pd-field-label" htmlFor="pd-max-per-sale">
          {t('counter.maxPerSale')}
        </label>
        <Input
          id="pd-max-per-sale"
          prefix="¥"
          value={value.maxPerSale}
          maxLength={12}
          status={invalid.maxPerSale ? 'error' : undefined}
          data-testid="settings-max-per-sale"
          onChange={(e) => onChange({ maxPerSale: e.target.value.trim() })}
        />
        {invalid.maxPerSale && (
          <div className="pd-field-error" role="alert" data-testid="max-per-sale-error">
            {t('counter.limitInvalid')}
          </div>
        )}
      </div>
    </div>
  );
}
