import { Button, Input, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DISPLAY_PICTURE_MAX_BYTES,
  DISPLAY_PICTURE_TYPES,
  SHOP_NAME_MAX,
  type CommandInput,
  type DisplayPictureDto,
  type Result,
} from '../../../../shared/contract';
import { useConsole, useErrorText } from '../hooks/console-context';

type Draft = CommandInput<'settings.update'>;
type WithPin = <T>(call: (pin: string | undefined) => Promise<Result<T>>) => Promise<Result<T>>;

/**
 * 设置 → 客显: the shop name on the customer display's idle screen (saved with the other settings), its
 * optional idle picture (saved at once) and 打开客显.
 * Electron opens the display window itself (on a second screen when there is one); the browser host answers
 * the display page's URL, with the display-only token, and it opens in a new window here.
 */
export function CustomerDisplaySettings({
  shopName,
  onChange,
  withPin,
}: {
  shopName: string;
  onChange: (patch: Draft) => void;
  withPin: WithPin;
}): React.JSX.Element {
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
      <IdlePicture withPin={withPin} />
    </div>
  );
}

/** A file as base64 (without the data: prefix). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

const kb = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/**
 * 待机图片 (optional): shown above the shop name while the counter is idle. Saved at once (not with the
 * 保存 button), with the manager PIN once one is set. Main checks the file (format from its bytes, size,
 * whole); here only the size is checked first, so a huge file is not read for nothing.
 */
function IdlePicture({ withPin }: { withPin: WithPin }): React.JSX.Element {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { api } = useConsole();
  const [picture, setPicture] = useState<DisplayPictureDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    void api.displayPicture({}).then((r) => {
      if (live && r.ok) setPicture(r.value);
    });
    return () => {
      live = false;
    };
  }, [api]);

  const choose = async (file: File | undefined): Promise<void> => {
    if (input.current) input.current.value = ''; // the same file may be chosen again after a fix
    if (!file) return;
    setMessage(null);
    if (file.size > DISPLAY_PICTURE_MAX_BYTES) {
      setMessage({ ok: false, text: t('display.pictureTooLarge', { mb: DISPLAY_PICTURE_MAX_BYTES / 1024 / 1024 }) });
      return;
    }
    setBusy(true);
    try {
      const image = await readBase64(file);
      const r = await withPin((pin) => api.displaySetPicture({ image, ...(pin ? { pin } : {}) }));
      if (r.ok) {
        setPicture(r.value);
        setMessage({ ok: true, text: t('display.pictureSaved') });
      } else {
        setMessage({ ok: false, text: errorText(r.error) });
      }
    } catch {
      setMessage({ ok: false, text: t('display.pictureUnreadable') });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (): Promise<void> => {
    setMessage(null);
    setBusy(true);
    const r = await withPin((pin) => api.displayClearPicture(pin ? { pin } : {}));
    setBusy(false);
    if (r.ok) {
      setPicture(null);
      setMessage({ ok: true, text: t('display.pictureRemoved') });
    } else {
      setMessage({ ok: false, text: errorText(r.error) });
    }
  };

  return (
    <div className="pd-display-picture-setting" data-testid="display-picture-setting" data-picture-id={picture?.id ?? ''}>
      <div className="pd-display-picture-row">
        <span>{t('display.picture')}</span>
        {picture ? (
          <img className="pd-display-picture-thumb" src={picture.dataUrl} alt={t('display.picture')} data-testid="display-picture-thumb" />
        ) : (
          <span className="pd-muted" data-testid="display-picture-none">
            {t('display.pictureNone')}
          </span>
        )}
        {picture && (
          <span className="pd-muted" data-testid="display-picture-info">
            {picture.width}×{picture.height} · {kb(picture.bytes)}
          </span>
        )}
        <input
          ref={input}
          type="file"
          accept={DISPLAY_PICTURE_TYPES.join(',')}
          hidden
          data-testid="display-picture-input"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
        <Button loading={busy} data-testid="display-picture-choose" onClick={() => input.current?.click()}>
          {picture ? t('display.pictureReplace') : t('display.pictureChoose')}
        </Button>
        {picture && (
          <Button danger disabled={busy} data-testid="display-picture-remove" onClick={() => void remove()}>
            {t('display.pictureRemove')}
          </Button>
        )}
      </div>
      <div className="pd-muted" style={{ marginTop: 4 }}>
        {t('display.pictureHint', { mb: DISPLAY_PICTURE_MAX_BYTES / 1024 / 1024 })}
      </div>
      {message && (
        <div
          className={message.ok ? 'pd-ok' : 'pd-error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid={message.ok ? 'display-picture-saved' : 'display-picture-error'}
        >
          {message.text}
        </div>
      )}
    </div>
  );
}
