/**
 * Shared jsdom setup for the console's component tests: the browser APIs antd expects (matchMedia,
 * ResizeObserver) and a render helper with i18n + the console context.
 */
import { render, type RenderResult } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { ReactElement } from 'react';
import { ConsoleContext, type ConsoleContextValue } from '../../../src/renderer/src/ui/hooks/console-context';
import { createI18n } from '../../../src/renderer/src/ui/i18n';
import type { CommandInput, Language, SettingsDto, StatusDto } from '../../../src/shared/contract';
import { createFakeApi, type FakeApi } from '../fake-api';

export function installBrowserStubs(): void {
  if (!window.matchMedia) {
    Object.defineProperty(window, 'matchMedia', {
      writable: true,
      value: (query: string) => ({
        matches: false,
        media: query,
        onchange: null,
        addListener: () => undefined,
        removeListener: () => undefined,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
        dispatchEvent: () => false,
      }),
    });
  }
  // jsdom has no pseudo-element styles (antd's Table measures the scrollbar with one).
  const original = window.getComputedStyle.bind(window);
  window.getComputedStyle = (elt: Element) => original(elt);
  if (!('ResizeObserver' in window)) {
    (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
      observe(): void {}
      unobserve(): void {}
      disconnect(): void {}
    };
  }
}
installBrowserStubs();

export const STATUS: StatusDto = {
  environment: 'demo',
  emulatorUrl: 'http://127.0.0.1:1',
  notify: { mode: 'loopback', url: 'http://127.0.0.1:2/notify/alipay', reachability: 'reachable', detail: null },
  lastNotificationAt: null,
  providers: [
    { id: 'alipay', ready: true, reason: null },
    { id: 'wechat', ready: true, reason: null },
  ],
  warnings: [],
};

export const SETTINGS: SettingsDto = {
  environment: 'demo',
  alipay: {
    appId: '2021000000000001',
    sellerId: '2088000000000001',
    keys: {
      appPrivateKey: { configured: true, fingerprint: 'SHA256:ab12' },
      alipayPublicKey: { configured: true, fingerprint: 'SHA256:cd34' },
    },
  },
  wechat: {
    mchId: '1900000001',
    appId: 'wx8888888888888888',
    merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    publicKeyId: 'PUB_KEY_ID_0119000000012025010100000000000001',
    keys: {
      merchantPrivateKey: { configured: true, fingerprint: 'SHA256:ef56' },
      apiV3Key: { configured: true, fingerprint: 'SHA256:0789' },
      wechatpayPublicKey: { configured: true, fingerprint: 'SHA256:9abc' },
      merchantCertificate: { configured: false, fingerprint: null },
    },
  },
  notifyMode: 'loopback',
  customNotifyUrl: '',
  orderExpiryMinutes: 15,
  voice: true,
  language: 'zh-CN',
  tunnelHost: 'https://localtunnel.me',
  tunnelSubdomain: '',
  scanMaxGapMs: 60,
  confirmAbove: '500.00',
  maxPerSale: '5000.00',
  shopName: 'PayDesk',
  vault: { backend: 'file', warnings: [] },
  receipt: { shopName: '街角咖啡', paperWidth: '58mm', autoPrint: false },
};

/** What a fake main answers to settings.update: the patch applied, a provider group field by field. */
export function patchedSettings(settings: SettingsDto, input: CommandInput<'settings.update'>): SettingsDto {
  const { pin: _pin, alipay, wechat, receipt, confirmAbove, maxPerSale, ...rest } = input;
  return {
    ...settings,
    ...rest,
    ...(confirmAbove !== undefined ? { confirmAbove } : {}),
    ...(maxPerSale !== undefined ? { maxPerSale } : {}),
    alipay: { ...settings.alipay, ...alipay },
    wechat: { ...settings.wechat, ...wechat },
    receipt: {
      shopName: receipt?.shopName ?? settings.receipt.shopName,
      paperWidth: receipt?.paperWidth ?? settings.receipt.paperWidth,
      autoPrint: receipt?.autoPrint ?? settings.receipt.autoPrint,
    },
  };
}

/** Render `ui` inside the providers a screen needs. */
export function renderWithConsole(
  ui: ReactElement,
  options: { fake?: FakeApi; language?: Language; context?: Partial<ConsoleContextValue> } = {},
): RenderResult & { fake: FakeApi; errors: unknown[] } {
  const fake = options.fake ?? createFakeApi();
  const errors: unknown[] = [];
  const value: ConsoleContextValue = {
    api: fake.api,
    status: STATUS,
    settings: SETTINGS,
    setSettings: () => undefined,
    reportError: (e) => errors.push(e),
    ...options.context,
  };
  const i18n = createI18n(options.language ?? 'zh-CN');
  const result = render(
    <I18nextProvider i18n={i18n}>
      <ConsoleContext.Provider value={value}>{ui}</ConsoleContext.Provider>
    </I18nextProvider>,
  );
  return { ...result, fake, errors };
}
