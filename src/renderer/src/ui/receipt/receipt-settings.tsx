/** 设置 → 小票: the shop name, the paper width, auto-print, and 打印测试页 (a sample receipt on the chosen roll). */
import { Alert, Button, Input, Radio, Space, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto, ReceiptSettingsDto } from '../../../../shared/contract';
import { PAPER_WIDTHS } from '../../../../shared/receipt';
import { usePinPrompt } from '../components/pin-prompt';
import { useConsole, useErrorText } from '../hooks/console-context';
import { useReceipt } from './use-receipt';

/** The test page: a made-up 0.01 sale with a long subject, to check the roll, the wrap and the QR. */
function testOrder(): OrderDto {
  const now = Date.now();
  return {
    id: 'PDTEST0000000001',
    provider: 'alipay',
    method: 'qr',
    status: 'PAID',
    amount: '0.01',
    refunded: '0.00',
    refundable: '0.01',
    subject: '打印测试页 Test page：中文与 English 混排换行测试',
    qrCode: null,
    payUrl: null,
    tradeNo: '2026000000000000000000000000',
    buyerLogonId: null,
    createdAt: now,
    paidAt: now,
    expiresAt: null,
    closedAt: null,
    userPaying: false,
    message: null,
    refunds: [],
    environment: 'demo',
    appId: '',
    foreign: false,
  };
}

export function ReceiptSettingsSection(): React.JSX.Element | null {
  const { t } = useTranslation();
  const { api, settings, setSettings, reportError } = useConsole();
  const errorText = useErrorText();
  const pinPrompt = usePinPrompt();
  const { print } = useReceipt();
  const [draft, setDraft] = useState<Partial<ReceiptSettingsDto>>({});
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  if (!settings) return null;
  const v = { ...settings.receipt, ...draft };
  const unsaved = Object.keys(draft).length > 0;
  const set = (patch: Partial<ReceiptSettingsDto>): void => {
    setResult(null);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const save = async (): Promise<void> => {
    setSaving(true);
    const r = await pinPrompt.withPin((pin) => api.settingsUpdate({ receipt: draft, ...(pin ? { pin } : {}) }));
    setSaving(false);
    if (!r.ok) {
      reportError(r.error);
      return setResult({ ok: false, text: errorText(r.error) });
    }
    setDraft({});
    setSettings(r.value);
    setResult({ ok: true, text: t('receipt.saved') });
  };
  return (
    <div className="pd-receipt-settings" data-testid="receipt-settings">
      <h3 className="pd-section-title">{t('receipt.settingsTitle')}</h3>
      <div className="pd-field">
        <label className="pd-field-label" htmlFor="pd-shop-name">
          {t('receipt.shopName')}
        </label>
        <Input id="pd-shop-name" value={v.shopName} maxLength={40} data-testid="receipt-shop-name" onChange={(e) => set({ shopName: e.target.value })} />
      </div>
      <div className="pd-field">
        <span className="pd-field-label">{t('receipt.paperWidth')}</span>
        <Radio.Group value={v.paperWidth} data-testid="receipt-paper" onChange={(e) => set({ paperWidth: e.target.value as ReceiptSettingsDto['paperWidth'] })}>
          {PAPER_WIDTHS.map((w) => (
            <Radio.Button key={w} value={w}>
              {w.replace('mm', ' mm')}
            </Radio.Button>
          ))}
        </Radio.Group>
      </div>
      <div className="pd-field pd-gap">
        <Space>
          <Switch checked={v.autoPrint} data-testid="receipt-auto-print" onChange={(on) => set({ autoPrint: on })} />
          <span>{t('receipt.autoPrint')}</span>
        </Space>
        <div className="pd-muted">{t('receipt.autoPrintHelp')}</div>
      </div>
      <Space className="pd-gap">
        <Button type="primary" loading={saving} disabled={!unsaved} data-testid="receipt-settings-save" onClick={() => void save()}>
          {t('receipt.save')}
        </Button>
        <Button data-testid="receipt-test-page" disabled={unsaved} onClick={() => void print(testOrder(), { kind: 'payment' })}>
          {t('receipt.testPage')}
        </Button>
        {result && <Alert type={result.ok ? 'success' : 'error'} showIcon title={<span data-testid="receipt-settings-result">{result.text}</span>} />}
      </Space>
      {pinPrompt.element}
    </div>
  );
}
