import { Alert, Button, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlipayKeyFieldDto, KeyTestDto, SettingsDto } from '../../../../shared/contract';
import { ALIPAY_KEY_FIELDS } from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';
import { KeyImportModal } from './key-import-modal';

const KEY_TEST_ID: Record<AlipayKeyFieldDto, string> = { appPrivateKey: 'key-app', alipayPublicKey: 'key-alipay' };

/**
 * 密钥: for each key whether it is configured and its SHA-256 fingerprint (never the key), 导入 (paste
 * or file), where the vault keeps them, its warnings, and 测试连接 with the saved settings.
 */
export function KeysSection({ settings, unsaved }: { settings: SettingsDto; unsaved: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, setSettings, reportError } = useConsole();
  const [importing, setImporting] = useState<AlipayKeyFieldDto>('appPrivateKey');
  const [importOpen, setImportOpen] = useState(false);
  const [imported, setImported] = useState<AlipayKeyFieldDto | null>(null);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<KeyTestDto | { error: string } | null>(null);
  const { keys } = settings.alipay;
  const { vault } = settings;

  const runTest = async (): Promise<void> => {
    setTesting(true);
    setTest(null);
    const r = await api.keysTest({});
    setTesting(false);
    if (!r.ok) {
      reportError(r.error);
      return setTest({ error: errorText(r.error) });
    }
    setTest(r.value);
  };

  const backend = vault.backend ?? 'none';
  return (
    <Space orientation="vertical" className="pd-full" data-testid="keys-section">
      {ALIPAY_KEY_FIELDS.map((which) => {
        const k = keys[which];
        return (
          <div key={which} className="pd-key-row">
            <div className="pd-key-line">
              <span className="pd-key-name">{t(`settings.${which}`)}</span>
              <span data-testid={KEY_TEST_ID[which]} data-configured={String(k.configured)} className="pd-key-state">
                <Tag color={k.configured ? 'success' : 'error'}>{t(k.configured ? 'settings.configured' : 'settings.notConfigured')}</Tag>
              </span>
              <Button
                size="small"
                data-testid={`${KEY_TEST_ID[which]}-import`}
                onClick={() => {
                  setImported(null);
                  setImporting(which);
                  setImportOpen(true);
                }}
              >
                {t('settings.importKey')}
              </Button>
            </div>
            {k.fingerprint && (
              <div className="pd-mono pd-fingerprint" data-testid={`${KEY_TEST_ID[which]}-fingerprint`}>
                {k.fingerprint}
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
          title={<span data-testid="key-import-done">{t('settings.importDone', { key: t(`settings.${imported}`) })}</span>}
        />
      )}
      <Space wrap>
        <Button loading={testing} data-testid="keys-test" onClick={() => void runTest()}>
          {t('settings.test')}
        </Button>
        {unsaved && (
          <span className="pd-muted" data-testid="keys-test-unsaved">
            {t('settings.testUnsaved')}
          </span>
        )}
      </Space>
      {test && <TestResult test={test} />}
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
      <KeyImportModal
        which={importing}
        open={importOpen}
        onClose={() => setImportOpen(false)}
        onImported={(which, next) => {
          setImportOpen(false);
          setImported(which);
          setSettings(next);
        }}
      />
    </Space>
  );
}

function TestResult({ test }: { test: KeyTestDto | { error: string } }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  if ('error' in test) {
    return <Alert type="error" showIcon data-testid="keys-test-result" data-ok="false" title={<span data-testid="keys-test-message">{test.error}</span>} />;
  }
  const meta = `${t(test.ok ? 'settings.testOk' : 'settings.testFailed')} · ${t('settings.testMeta', { mode: t(`mode.${test.environment}`), ms: test.durationMs })}`;
  return (
    <Alert
      type={test.ok ? 'success' : 'error'}
      showIcon
      data-testid="keys-test-result"
      data-ok={String(test.ok)}
      data-code={test.code ?? ''}
      title={<span data-testid="keys-test-message">{errorText(test.message)}</span>}
      description={
        <span className="pd-muted" data-testid="keys-test-meta">
          {test.code && (
            <Tag className="pd-mono" data-testid="keys-test-code">
              {test.code}
            </Tag>
          )}
          {meta}
        </span>
      }
    />
  );
}
