import { Alert, Button, Descriptions, Input, InputNumber, Radio, Space, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommandInput, SettingsDto } from '../../../../shared/contract';
import { ENVIRONMENTS, LANGUAGES, NOTIFY_MODES } from '../../../../shared/contract';
import { KeysSection } from '../components/keys-section';
import { CounterSafetySettings, counterSafetyInvalid } from '../components/counter-safety-settings';
import { CustomerDisplaySettings } from '../components/customer-display-settings';
import { ManagerPinSection } from '../components/manager-pin-section';
import { ReceiptSettingsSection } from '../receipt/receipt-settings';
import { usePinPrompt } from '../components/pin-prompt';
import { useConsole, useErrorText } from '../hooks/console-context';
import { isValidCustomUrl, isValidSubdomain, isValidTunnelHost } from '../lib/notify';

type Draft = CommandInput<'settings.update'>;

/** WeChat Pay's account fields (settings.update `wechat`; main checks their formats). */
const WECHAT_FIELDS = [
  { field: 'mchId', maxLength: 32 },
  { field: 'appId', maxLength: 32 },
  { field: 'merchantSerialNo', maxLength: 64 },
  { field: 'publicKeyId', maxLength: 96 },
] as const;

/**
 * 设置: environment, the Alipay app/seller id and keys, WeChat Pay's merchant ids and keys (fingerprints
 * only; 测试连接 per provider), notify mode, expiry, voice, language.
 */
export function SettingsScreen(): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, settings, setSettings, reportError } = useConsole();
  const [draft, setDraft] = useState<Draft>({});
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const pinPrompt = usePinPrompt(); // settings changes need the manager PIN once one is set (main checks it)
  const [loadError, setLoadError] = useState<string | null>(null);
  const reload = async (): Promise<void> => {
    setLoadError(null);
    const r = await api.settingsGet({});
    if (r.ok) setSettings(r.value);
    else setLoadError(errorText(r.error));
  };
  // New settings (saved here, a key import, the header's language switch): drop the draft entries they
  // now match, keep the edits still pending.
  useEffect(() => {
    if (!settings) return;
    setDraft((d) => pruneDraft(d, settings));
  }, [settings]);
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
  const v = { ...settings, ...draft, alipay: { ...settings.alipay, ...draft.alipay }, wechat: { ...settings.wechat, ...draft.wechat } } as SettingsDto;
  const set = (patch: Draft): void => {
    setResult(null);
    // A provider's group is merged field by field: editing the app id keeps a pending seller id.
    setDraft((d) => ({
      ...d,
      ...patch,
      ...(patch.alipay ? { alipay: { ...d.alipay, ...patch.alipay } } : {}),
      ...(patch.wechat ? { wechat: { ...d.wechat, ...patch.wechat } } : {}),
    }));
  };

  const save = async (): Promise<void> => {
    setSaving(true);
    const r = await pinPrompt.withPin((pin) => api.settingsUpdate({ ...draft, ...(pin ? { pin } : {}) }));
    setSaving(false);
    if (!r.ok) {
      reportError(r.error);
      return setResult({ ok: false, text: errorText(r.error) });
    }
    setDraft({});
    setSettings(r.value);
    setResult({ ok: true, text: t('settings.saved') });
  };

  // Client-side checks matching main's (settings.update refuses the same values).
  const invalid = {
    customUrl: v.notifyMode === 'custom' && !isValidCustomUrl(v.customNotifyUrl),
    tunnelHost: v.notifyMode === 'localtunnel' && !isValidTunnelHost(v.tunnelHost),
    tunnelSubdomain: v.notifyMode === 'localtunnel' && !isValidSubdomain(v.tunnelSubdomain),
  };
  const hasInvalid = v.shopName.trim() === '' || Object.values(invalid).some(Boolean) || Object.values(counterSafetyInvalid(v)).some(Boolean);
  const unsaved = Object.keys(draft).length > 0;

  return (
    <div className="pd-settings pd-card" data-testid="settings-screen">
      <Descriptions column={1} bordered size="small" className="pd-settings-table">
        <Descriptions.Item label={t('settings.provider')}>
          <Radio.Group
            value={v.environment}
            optionType="button"
            buttonStyle="solid"
            onChange={(e) => set({ environment: e.target.value as SettingsDto['environment'] })}
            data-testid="settings-provider"
          >
            {ENVIRONMENTS.map((m) => (
              <Radio.Button key={m} value={m} data-testid={`provider-${m}`}>
                {t(`mode.${m}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.appId')}>
          <Input
            value={v.alipay.appId}
            maxLength={32}
            placeholder={v.environment === 'demo' ? t('settings.demoAuto') : undefined}
            data-testid="settings-app-id"
            onChange={(e) => set({ alipay: { appId: e.target.value } })}
          />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.sellerId')}>
          <Input
            value={v.alipay.sellerId}
            maxLength={32}
            placeholder={v.environment === 'demo' ? t('settings.demoAuto') : undefined}
            data-testid="settings-seller-id"
            onChange={(e) => set({ alipay: { sellerId: e.target.value } })}
          />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.keys')}>
          <KeysSection settings={settings} unsaved={unsaved} />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.wechatTitle')} styles={{ label: { verticalAlign: 'top' } }}>
          <div className="pd-wechat-settings" data-testid="wechat-settings">
            {WECHAT_FIELDS.map(({ field, maxLength }) => (
              <Field key={field} label={t(`settings.wechat.${field}`)} htmlFor={`pd-wx-${field}`} error={null} errorId={`wx-${field}-error`}>
                <Input
                  id={`pd-wx-${field}`}
                  value={v.wechat[field]}
                  maxLength={maxLength}
                  className={field === 'mchId' || field === 'appId' ? undefined : 'pd-mono'}
                  placeholder={
                    v.environment === 'demo'
                      ? t('settings.wechat.demoAuto')
                      : field === 'merchantSerialNo'
                        ? t('settings.wechat.merchantSerialNoPlaceholder')
                        : field === 'publicKeyId'
                          ? t('settings.wechat.publicKeyIdPlaceholder')
                          : undefined
                  }
                  data-testid={`settings-wx-${field}`}
                  onChange={(e) => set({ wechat: { [field]: e.target.value } })}
                />
              </Field>
            ))}
            <KeysSection settings={settings} unsaved={unsaved} provider="wechat" />
          </div>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.notifyMode')}>
          <Space orientation="vertical" className="pd-full">
            <Radio.Group
              value={v.notifyMode}
              optionType="button"
              buttonStyle="solid"
              onChange={(e) => set({ notifyMode: e.target.value as SettingsDto['notifyMode'] })}
              data-testid="settings-notify"
            >
              {NOTIFY_MODES.map((m) => (
                <Radio.Button key={m} value={m}>
                  <span data-testid={`notify-${m}`}>{t(`settings.notify.${m}`)}</span>
                </Radio.Button>
              ))}
            </Radio.Group>
            <span className="pd-muted" data-testid="notify-explain" data-mode={v.notifyMode}>
              {t(`settings.notifyExplain.${v.notifyMode}`)} {t('settings.notifyLive')}
            </span>
            {v.notifyMode === 'custom' && (
              <Field
                label={t('settings.customNotifyUrl')}
                htmlFor="pd-custom-url"
                error={invalid.customUrl ? t('settings.customUrlInvalid') : null}
                errorId="custom-url-error"
              >
                <Input
                  id="pd-custom-url"
                  value={v.customNotifyUrl}
                  placeholder="https://"
                  status={invalid.customUrl ? 'error' : undefined}
                  data-testid="settings-custom-url"
                  onChange={(e) => set({ customNotifyUrl: e.target.value })}
                />
              </Field>
            )}
            {v.notifyMode === 'localtunnel' && (
              <div className="pd-tunnel-fields" data-testid="tunnel-fields">
                <Field
                  label={t('settings.tunnelHost')}
                  htmlFor="pd-tunnel-host"
                  error={invalid.tunnelHost ? t('settings.tunnelHostInvalid') : null}
                  errorId="tunnel-host-error"
                >
                  <Input
                    id="pd-tunnel-host"
                    value={v.tunnelHost}
                    maxLength={2048}
                    placeholder="https://localtunnel.me"
                    status={invalid.tunnelHost ? 'error' : undefined}
                    data-testid="settings-tunnel-host"
                    onChange={(e) => set({ tunnelHost: e.target.value })}
                  />
                </Field>
                <Field
                  label={t('settings.tunnelSubdomain')}
                  htmlFor="pd-tunnel-subdomain"
                  error={invalid.tunnelSubdomain ? t('settings.tunnelSubdomainInvalid') : null}
                  errorId="tunnel-subdomain-error"
                >
                  <Input
                    id="pd-tunnel-subdomain"
                    value={v.tunnelSubdomain}
                    maxLength={63}
                    placeholder={t('settings.tunnelSubdomainPlaceholder')}
                    status={invalid.tunnelSubdomain ? 'error' : undefined}
                    data-testid="settings-tunnel-subdomain"
                    onChange={(e) => set({ tunnelSubdomain: e.target.value })}
                  />
                </Field>
              </div>
            )}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.expiry')}>
          <InputNumber
            min={1}
            max={120}
            precision={0}
            value={v.orderExpiryMinutes}
            data-testid="settings-expiry"
            onChange={(n) => typeof n === 'number' && set({ orderExpiryMinutes: n })}
          />
        </Descriptions.Item>
        <Descriptions.Item label={t('counter.settingsTitle')}>
          <CounterSafetySettings value={v} onChange={set} />
        </Descriptions.Item>
        <Descriptions.Item label={t('display.title')}>
          <CustomerDisplaySettings shopName={v.shopName} onChange={set} withPin={pinPrompt.withPin} />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.voice')}>
          <Switch checked={v.voice} data-testid="settings-voice" onChange={(on) => set({ voice: on })} />
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.language')}>
          <Radio.Group
            value={v.language}
            optionType="button"
            onChange={(e) => set({ language: e.target.value as SettingsDto['language'] })}
            data-testid="settings-language"
          >
            {LANGUAGES.map((l) => (
              <Radio.Button key={l} value={l}>
                {l === 'zh-CN' ? '中文' : 'English'}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Descriptions.Item>
      </Descriptions>
      <Space className="pd-gap">
        <Button type="primary" size="large" loading={saving} disabled={!unsaved || hasInvalid} data-testid="settings-save" onClick={() => void save()}>
          {t('settings.save')}
        </Button>
        {result && <Alert type={result.ok ? 'success' : 'error'} showIcon title={<span data-testid="settings-result">{result.text}</span>} />}
      </Space>
      <ReceiptSettingsSection />
      <ManagerPinSection />
      {pinPrompt.element}
    </div>
  );
}

/** The draft entries the settings do not match yet (a provider group field by field); `d` itself when none changed. */
function pruneDraft(d: Draft, s: SettingsDto): Draft {
  const rest: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(d)) {
    if (k === 'alipay' || k === 'wechat') {
      const group = s[k] as unknown as Record<string, unknown>;
      const pending = Object.fromEntries(Object.entries(val ?? {}).filter(([f, x]) => group[f] !== x));
      if (Object.keys(pending).length > 0) rest[k] = pending;
    } else if (s[k as keyof SettingsDto] !== val) rest[k] = val;
  }
  return JSON.stringify(rest) === JSON.stringify(d) ? d : rest;
}

/** A labelled field with its validation message under it. */
function Field({
  label,
  htmlFor,
  error,
  errorId,
  children,
}: {
  label: string;
  htmlFor: string;
  error: string | null;
  errorId: string;
  children: React.ReactNode;
}): React.JSX.Element {
  return (
    <div className="pd-field">
      <label className="pd-field-label" htmlFor={htmlFor}>
        {label}
      </label>
      {children}
      {error && (
        <div className="pd-field-error" role="alert" data-testid={errorId}>
          {error}
        </div>
      )}
    </div>
  );
}
