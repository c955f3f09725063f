import { Alert, Button, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyTestDto, ProviderIdDto, SettingsDto } from '../../../../shared/contract';
import { ALIPAY_KEY_FIELDS, WECHAT_KEY_FIELDS } from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';
import { KeyImportModal, type KeyTarget } from './key-import-modal';

/** The test id of each key slot (Alipay's kept from before WeChat Pay joined). */
function keyTestId(target: KeyTarget): string {
  if (target.provider === 'alipay') return target.which === 'appPrivateKey' ? 'key-app' : 'key-alipay';
  return `wx-key-${target.which}`;
}

/** A provider's key slots with their state (fingerprints only). */
function slots(settings: SettingsDto, provider: ProviderIdDto): { target: KeyTarget; configured: boolean; fingerprint: string | null }[] {
  if (provider === 'wechat') {
    return WECHAT_KEY_FIELDS.map((which) => ({ target: { provider, which }, ...settings.wechat.keys[which] }));
  }
  return ALIPAY_KEY_FIELDS.map((which) => ({ target: { provider: 'alipay', which }, ...settings.alipay.keys[which] }));
}

/**
 * 密钥 of one provider: for each key whether it is configured and its SHA-256 fingerprint (never the
 * key), 导入 (paste or file), and 测试连接 with the saved settings (keys.test for this provider). Alipay's
 * section also shows where the vault keeps all keys and its warnings; WeChat Pay's says that API v3 has
 * no sandbox (its test is a harmless production query).
 */
export function KeysSection({
  settings,
  unsaved,
  provider = 'alipay',
}: {
  settings: SettingsDto;
  unsaved: boolean;
  provider?: ProviderIdDto;
}): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, setSettings, reportError } = useConsole();
  const first = slots(settings, provider)[0];
  const [importing, setImporting] = useState<KeyTarget>(first ? first.target : { provider: 'alipay', which: 'appPrivateKey' });
  const [importOpen, setImportOpen] = useState(false);
  const [imported, setImported] = useState<KeyTarget | null>(null);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<KeyTestDto | { error: string } | null>(null);
  const { vault } = settings;
  const prefix = provider === 'alipay' ? '' : 'wx-';

  const runTest = async (): Promise<void> => {
    setTesting(true);
    setTest(null);
    const r = await api.keysTest(provider === 'alipay' ? {} : { provider }); // Alipay: main's default
    setTesting(false);
    if (!r.ok) {
      reportError(r.error);
      return setTest({ error: errorText(r.error) });
    }
    setTest(r.value);
  };

  const backend = vault.backend ?? 'none';
  return (
    <Space orientation="vertical" className="pd-full" data-testid={`${prefix}keys-section`} data-provider={provider}>
      {slots(settings, provider).map(({ target, configured, fingerprint }) => {
        const id = keyTestId(target);
        return (
          <div key={target.which} className="pd-key-row">
            <div className="pd-key-line">
              <span className="pd-key-name">{t(`settings.${target.which}`)}</span>
              <span data-testid={id} data-configured={String(configured)} className="pd-key-state">
                <Tag color={configured ? 'success' : 'error'}>{t(configured ? 'settings.configured' : 'settings.notConfigured')}</Tag>
              </span>
              <Button
                size="small"
                data-testid={`${id}-import`}
                onClick={() => {
                  setImported(null);
                  setImporting(target);
                  setImportOpen(true);
                }}
              >
                {t('settings.importKey')}
              </Button>
            </div>
            {fingerprint && (
              <div className="pd-mono pd-fingerprint" data-testid={`${id}-fingerprint`}>
                {fingerprint}
              </div>
            )}
          </div>
        );
      })}
      {imported && (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setImported(null) }}
          title={<span data-testid={`${prefix}key-import-done`}>{t('settings.importDone', { key: t(`settings.${imported.which}`) })}</span>}
        />
      )}
      <Space wrap>
        <Button loading={testing} data-testid={`${prefix}keys-test`} onClick={() => void runTest()}>
          {t('settings.test')}
        </Button>
        {unsaved && (
          <span className="pd-muted" data-testid={`${prefix}keys-test-unsaved`}>
            {t('settings.testUnsaved')}
          </span>
        )}
      </Space>
      {test && <TestResult test={test} prefix={prefix} />}
      {provider === 'wechat' && <Alert type="info" showIcon title={<span data-testid="wx-no-sandbox">{t('settings.wechat.noSandbox')}</span>} />}
      {provider === 'alipay' && (
        <>
          <span data-testid="keys-backend" data-backend={backend}>
            {t('settings.backend')}
            {t(`settings.backendName.${backend}`)}
          </span>
          {vault.warnings.map((w, i) => (
            <Alert key={i} type="warning" showIcon title={<span data-testid="keys-warning">{errorText(w)}</span>} />
          ))}
          {settings.environment === 'demo' && <Alert type="info" showIcon title={<span data-testid="keys-demo-note">{t('settings.keysDemoNote')}</span>} />}
          <span className="pd-muted" data-testid="keys-note">
            {t('settings.keysNote')}
          </span>
        </>
      )}
      <KeyImportModal
        target={importing}
        open={importOpen}
        onClose={() => setImportOpen(false)}
        onImported={(target, next) => {
          setImportOpen(false);
          setImported(target);
          setSettings(next);
        }}
      />
    </Space>
  );
}

function TestResult({ test, prefix }: { test: KeyTestDto | { error: string }; prefix: string }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  if ('error' in test) {
    return (
      <Alert
        type="error"
        showIcon
        data-testid={`${prefix}keys-test-result`}
        data-ok="false"
        title={<span data-testid={`${prefix}keys-test-message`}>{test.error}</span>}
      />
    );
  }
  const meta = `${t(test.ok ? 'settings.testOk' : 'settings.testFailed')} · ${t('settings.testMeta', { mode: t(`mode.${test.environment}`), ms: test.durationMs })}`;
  return (
    <Alert
      type={test.ok ? 'success' : 'error'}
      showIcon
      data-testid={`${prefix}keys-test-result`}
      data-ok={String(test.ok)}
      data-code={test.code ?? ''}
      title={<span data-testid={`${prefix}keys-test-message`}>{errorText(test.message)}</span>}
      description={
        <span className="pd-muted" data-testid={`${prefix}keys-test-meta`}>
          {test.code && (
            <Tag className="pd-mono" data-testid={`${prefix}keys-test-code`}>
              {test.code}
            </Tag>
          )}
          {meta}
        </span>
      }
    />
  );
}
