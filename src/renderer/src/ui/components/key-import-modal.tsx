import { Alert, Button, Input, Modal, Space } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlipayKeyFieldDto, SettingsDto, WechatKeyFieldDto } from '../../../../shared/contract';
import { KEY_TEXT_MAX } from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';
import { usePinPrompt } from './pin-prompt';

/** The contract's limit on key text (keys.import `text` max), also the file size limit in bytes. */
export const MAX_KEY_CHARS = KEY_TEXT_MAX;
export const MAX_KEY_FILE_BYTES = KEY_TEXT_MAX;

/** A key slot: a provider and one of its key fields (keys.import's variants). */
export type KeyTarget = { provider: 'alipay'; which: AlipayKeyFieldDto } | { provider: 'wechat'; which: WechatKeyFieldDto };

export interface KeyImportModalProps {
  /** which key is being imported (kept while the dialog closes, so its title does not flicker) */
  target: KeyTarget;
  open: boolean;
  onClose: () => void;
  /** called with the answered settings (fingerprints only) after a successful import */
  onImported: (target: KeyTarget, settings: SettingsDto) => void;
}

/** Reads a chosen file as text (FileReader: works in every renderer, jsdom included). */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(file);
  });
}

/**
 * 导入密钥: paste the text or choose a .pem/.txt/.key file. The text goes to main through keys.import
 * and is dropped from this component right after sending — the renderer never keeps key material; the
 * answer carries fingerprints only. A refusal shows the current-language half of main's explanation.
 */
export function KeyImportModal({ target, open, onClose, onImported }: KeyImportModalProps): React.JSX.Element {
  const { which } = target;
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api, reportError } = useConsole();
  const pinPrompt = usePinPrompt(); // key imports need the manager PIN once one is set (main checks it)
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const close = (): void => {
    setText('');
    setError(null);
    onClose();
  };

  const send = async (keyText: string): Promise<void> => {
    if (keyText.trim() === '') return setError(t('settings.importEmpty'));
    if (keyText.length > MAX_KEY_CHARS) return setError(t('settings.importTooLong'));
    setError(null);
    setBusy(true);
    const pending = pinPrompt.withPin((pin) => api.keysImport({ ...target, text: keyText, ...(pin ? { pin } : {}) }));
    setText(''); // sent: the key text leaves the renderer's state at once, whatever the answer
    const r = await pending;
    setBusy(false);
    if (!r.ok) {
      reportError(r.error);
      return setError(errorText(r.error));
    }
    setError(null);
    onImported(target, r.value);
  };

  const pickFile = async (e: React.ChangeEvent<HTMLInputElement>): Promise<void> => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = ''; // choosing the same file again fires change again
    if (!file) return;
    if (file.size > MAX_KEY_FILE_BYTES) {
      return setError(t('settings.importTooLarge', { size: Math.ceil(file.size / 1024) }));
    }
    let content: string;
    try {
      content = await readText(file);
    } catch {
      return setError(t('settings.importReadFailed'));
    }
    await send(content);
  };

  const keyName = t(`settings.${which}`);
  return (
    <>
      <Modal
        open={open}
        title={t('settings.importTitle', { key: keyName })}
        onCancel={close}
        destroyOnHidden
        mask={{ closable: !busy }}
        width={640}
        footer={
          <Space>
            <Button onClick={close} data-testid="key-import-cancel">
              {t('settings.importCancel')}
            </Button>
            <Button type="primary" loading={busy} disabled={text.trim() === ''} data-testid="key-import-submit" onClick={() => void send(text)}>
              {t('settings.importSubmit')}
            </Button>
          </Space>
        }
      >
        <div data-testid="key-import-modal" data-which={which} data-provider={target.provider}>
          <p className="pd-muted">{t(`settings.importHint.${which}`)}</p>
          <label className="pd-field-label" htmlFor="pd-key-text">
            {t('settings.importPaste')}
          </label>
          <Input.TextArea
            id="pd-key-text"
            value={text}
            rows={8}
            autoComplete="off"
            spellCheck={false}
            className="pd-mono pd-key-text"
            placeholder={t(`settings.importPlaceholder.${which}`)}
            data-testid="key-import-text"
            onChange={(e) => {
              setError(null);
              setText(e.target.value);
            }}
          />
          <Space className="pd-gap" wrap>
            <Button disabled={busy} data-testid="key-import-file-button" onClick={() => fileInput.current?.click()}>
              {t('settings.importFile')}
            </Button>
            <span className="pd-muted">{t('settings.importFileHint')}</span>
          </Space>
          <input
            ref={fileInput}
            type="file"
            accept=".pem,.txt,.key,text/plain,application/x-pem-file"
            hidden
            data-testid="key-import-file"
            onChange={(e) => void pickFile(e)}
          />
          {error && <Alert className="pd-gap" type="error" showIcon title={<span data-testid="key-import-error">{error}</span>} />}
        </div>
      </Modal>
      {pinPrompt.element}
    </>
  );
}
