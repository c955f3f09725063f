import { Button, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SHOP_NAME_MAX, type CommandInput } from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';

type Draft = CommandInput<'settings.update'>;

/**
 * 设置 → 客显: the shop name on the customer display's idle screen (saved with the other settings) and 打开客显.
 * Electron opens the display window itself (on a second screen when there is one); the browser host answers
 * the display page's URL, with the display-only token, and it opens in a new window here.
 */
export function CustomerDisplaySettings({ shopName, onChange }: { shopName: string; onChange: (patch: Draft) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api } = useConsole();
  const [problem, setProblem] = useState<string | null>(null);
  const open = async (): Promise<void> => {
    setProblem(null);
    const r = await api.displayOpen({});
    if (!r.ok) return setProblem(errorText(r.error));
    if (r.value.url) window.open(r.value.url, 'paydesk-display', 'noopener');
  };
  const bad = shopName.trim() === '';
  return (
    <div className="pd-display-settings" data-testid="display-settings">
      <Space wrap>
        <label htmlFor="pd-shop-name">{t('display.shopName')}</label>
        <Input
          id="pd-shop-name"
          value={shopName}
          maxLength={SHOP_NAME_MAX}
          status={bad ? 'error' : undefined}
          style={{ width: 260 }}
          data-testid="settings-shop-name"
          onChange={(e) => onChange({ shopName: e.target.value })}
        />
        <Button data-testid="open-display" onClick={() => void open()}>
          {t('display.open')}
        </Button>
      </Space>
      <div style={{ color: '#8c8c8c', marginTop: 4 }}>{bad ? t('display.shopNameEmpty') : t('display.hint')}</div>
      {problem && (
        <div className="pd-error" role="alert" data-testid="display-open-error">
          {problem}
        </div>
      )}
    </div>
  );
}
