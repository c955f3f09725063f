import { Alert, Button, Descriptions, Input, InputNumber, Radio, Select, Space, Switch, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommandInput, SettingsDto } from '../../../../shared/contract';
import { LANGUAGES, NOTIFY_MODES, PROVIDER_MODES } from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';

type Draft = CommandInput<'settings.update'>;

/** 设置: provider mode, app/seller id, keys (fingerprints only), notify mode, expiry, voice, language. */
export function SettingsScreen(): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, settings, setSettings, reportError } = useConsole();
  const [draft, setDraft] = useState<Draft>({});
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const [loadError, setLoadError] = useState<string | null>(null);
  const reload = async (): Promise<void> => {
    setLoadError(null);
    const r = await api.settingsGet({});
    if (r.ok) setSettings(r.value);
    else setLoadError(errorText(r.error));
  };
  useEffect(() => setDraft({}), [settings]);
  useEffect(() => {
    if (!settings) void reload();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  if (!settings) {
    return loadError ? (
      <Alert type="error" showIcon title={loadError} data-testid="settings-error" action={<Button onClick={() => void reload()}>{t('app.retry')}</Button>} />
    ) : (
      <Alert type="info" title={t('common.loading')} />
    );
  }
  const v = { ...settings, ...draft } as SettingsDto;
  const set = (patch: Draft): void => {
    setResult(null);
    setDraft((d) => ({ ...d, ...patch }));
  };

  const save = async (): Promise<void> => {
    setSaving(true);
    const r = await api.settingsUpdate(draft);
    setSaving(false);
    if (!r.ok) {
      reportError(r.error);
      return setResult({ ok: false, text: errorText(r.error) });
    }
    setSettings(r.value);
    setResult({ ok: true, text: t('settings.saved') });
  };

  const key = (k: SettingsDto['keys']['appPrivateKey'], id: string): React.JSX.Element => (
    <span data-testid={id}>
      <Tag color={k.configured ? 'success' : 'error'}>{t(k.configured ? 'settings.configured' : 'settings.notConfigured')}</Tag>
      {k.fingerprint && <span className="pd-mono pd-fingerprint">{k.fingerprint}</span>}
    </span>
  );

  return (
    <div className="pd-settings pd-card" data-testid="settings-screen">
      <Descriptions column={1} bordered size="small" className="pd-settings-table">
        <Descriptions.Item label={t('settings.provider')}>
          <Radio.Group value={v.providerMode} optionType="button" buttonStyle="solid" onChange={(e) => set({ providerMode: e.target.value })} data-testid="settings-provider">
            {PROVIDER_MODES.map((m) => <Radio.Button key={m} value={m} data-testid={`provider-${m}`}>{t(`mode.${m}`)}</Radio.Button>)}
          </Radio.Group>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.appId')}>
          <Input value={v.appId} maxLength={32} placeholder={v.providerMode === 'demo' ? t('settings.demoAuto') : undefined} data-testid="settings-app-id" onChange={(e) => set({ appId: e.target.value })} />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.sellerId')}>
          <Input value={v.sellerId} maxLength={32} placeholder={v.providerMode === 'demo' ? t('settings.demoAuto') : undefined} data-testid="settings-seller-id" onChange={(e) => set({ sellerId: e.target.value })} />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.keys')}>
          <Space orientation="vertical">
            <span>{t('settings.appPrivateKey')}: {key(settings.keys.appPrivateKey, 'key-app')}</span>
            <span>{t('settings.alipayPublicKey')}: {key(settings.keys.alipayPublicKey, 'key-alipay')}</span>
            <span className="pd-muted" data-testid="keys-note">{t('settings.keysNote')}</span>
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.notifyMode')}>
          <Space orientation="vertical" className="pd-full">
            <Select value={v.notifyMode} className="pd-select" data-testid="settings-notify" onChange={(m) => set({ notifyMode: m })} options={NOTIFY_MODES.map((m) => ({ value: m, label: t(`settings.notify.${m}`) }))} />
            {v.notifyMode === 'custom' && (
              <Input value={v.customNotifyUrl} placeholder="https://" aria-label={t('settings.customNotifyUrl')} data-testid="settings-custom-url" onChange={(e) => set({ customNotifyUrl: e.target.value })} />
            )}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.expiry')}>
          <InputNumber min={1} max={120} precision={0} value={v.orderExpiryMinutes} data-testid="settings-expiry" onChange={(n) => typeof n === 'number' && set({ orderExpiryMinutes: n })} />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.voice')}>
          <Switch checked={v.voice} data-testid="settings-voice" onChange={(on) => set({ voice: on })} />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.language')}>
          <Radio.Group value={v.language} optionType="button" onChange={(e) => set({ language: e.target.value })} data-testid="settings-language">
            {LANGUAGES.map((l) => <Radio.Button key={l} value={l}>{l === 'zh-CN' ? '中文' : 'English'}</Radio.Button>)}
          </Radio.Group>
        </Descriptions.Item>
      </Descriptions>
      <Space className="pd-gap">
        <Button type="primary" size="large" loading={saving} disabled={Object.keys(draft).length === 0} data-testid="settings-save" onClick={() => void save()}>
          {t('settings.save')}
        </Button>
        {result && <Alert type={result.ok ? 'success' : 'error'} showIcon title={<span data-testid="settings-result">{result.text}</span>} />}
      </Space>
    </div>
  );
}
