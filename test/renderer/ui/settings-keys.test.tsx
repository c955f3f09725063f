import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleContext, useConsole } from '../../../src/renderer/src/ui/hooks/console-context';
import { SettingsScreen } from '../../../src/renderer/src/ui/screens/settings-screen';
import type { KeyTestDto, Language, Result, SettingsDto } from '../../../src/shared/contract';
import { createFakeApi, type FakeApi } from '../fake-api';
import { renderWithConsole, SETTINGS, patchedSettings } from './setup';

afterEach(cleanup);

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secretsecret\n-----END PRIVATE KEY-----\n';
const SAME_AS_APP =
  '填入的「支付宝公钥」与应用私钥对应的「应用公钥」相同——这是最常见的配置错误。 / The "Alipay public key" entered is the app\'s own public key — the most common mistake.';

/** The settings screen with live settings state, as ConsoleApp provides it. */
function Live({ initial }: { initial: SettingsDto }): React.JSX.Element {
  const outer = useConsole();
  const [settings, setSettings] = useState(initial);
  return (
    <ConsoleContext.Provider value={{ ...outer, settings, setSettings }}>
      <SettingsScreen />
    </ConsoleContext.Provider>
  );
}

function renderSettings(options: { settings?: Partial<SettingsDto>; language?: Language; fake?: FakeApi } = {}): FakeApi {
  const fake = options.fake ?? createFakeApi();
  renderWithConsole(<Live initial={{ ...SETTINGS, ...options.settings }} />, { fake, language: options.language });
  return fake;
}

function importedSettings(which: 'appPrivateKey' | 'alipayPublicKey', fingerprint: string): SettingsDto {
  return { ...SETTINGS, alipay: { ...SETTINGS.alipay, keys: { ...SETTINGS.alipay.keys, [which]: { configured: true, fingerprint } } } };
}

/** Every text the page holds: visible text plus the values of inputs and text areas. */
function pageText(): string {
  const values = [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value);
  return `${document.body.textContent ?? ''}\n${values.join('\n')}`;
}

function chooseFile(file: File): void {
  fireEvent.change(screen.getByTestId('key-import-file'), { target: { files: [file] } });
}

describe('Settings › 密钥 (keys)', () => {
  it('shows configured state and fingerprints, the vault backend and its warnings, and the demo note', () => {
    renderSettings({
      settings: {
        alipay: {
          ...SETTINGS.alipay,
          keys: {
            appPrivateKey: { configured: true, fingerprint: 'SHA256:ab12' },
            alipayPublicKey: { configured: false, fingerprint: null },
          },
        },
        vault: {
          backend: 'safeStorage',
          warnings: ['系统安全存储为 basic_text，密钥未真正加密 / safeStorage backend is basic_text: keys are not really encrypted'],
        },
      },
    });
    expect(screen.getByTestId('key-app').textContent).toBe('已配置');
    expect(screen.getByTestId('key-app-fingerprint').textContent).toBe('SHA256:ab12');
    expect(screen.queryByTestId('key-alipay-fingerprint')).toBeNull();
    expect(screen.getByTestId('key-alipay').textContent).toBe('未配置');
    expect(screen.getByTestId('keys-backend').textContent).toBe('保存位置：系统安全存储 (safeStorage)');
    expect(screen.getAllByTestId('keys-warning').map((e) => e.textContent)).toEqual(['系统安全存储为 basic_text，密钥未真正加密']);
    expect(screen.getByTestId('keys-demo-note').textContent).toBe('演示模式使用内置模拟器自动生成的密钥；这里导入的密钥用于沙箱/正式环境。');
    expect(screen.getByTestId('keys-note').textContent).not.toMatch(/尚未/);
  });

  it('names the file vault, and drops the demo note outside demo mode', () => {
    renderSettings({ settings: { environment: 'sandbox' }, language: 'en' });
    expect(screen.getByTestId('keys-backend').textContent).toBe('Stored in: Encrypted file');
    expect(screen.queryByTestId('keys-demo-note')).toBeNull();
  });

  it('paste → keys.import with the text; the text is gone from the page at once; the new fingerprint shows', async () => {
    const fake = createFakeApi();
    let answer: (r: Result<SettingsDto>) => void = () => undefined;
    fake.handle('keys.import', () => new Promise((resolve) => (answer = resolve)));
    renderSettings({ fake });
    fireEvent.click(screen.getByTestId('key-app-import'));
    const area = await screen.findByTestId<HTMLTextAreaElement>('key-import-text');
    fireEvent.change(area, { target: { value: PEM } });
    expect(area.value).toBe(PEM);
    fireEvent.click(screen.getByTestId('key-import-submit'));
    expect(fake.calls.filter((c) => c.channel === 'keys.import').map((c) => c.input)).toEqual([{ provider: 'alipay', which: 'appPrivateKey', text: PEM }]);
    // cleared while main is still answering
    await waitFor(() => expect(area.value).toBe(''));
    expect(pageText()).not.toContain('BEGIN PRIVATE KEY-----\nMII');
    expect(pageText()).not.toContain('secretsecret');
    await act(async () => answer({ ok: true, value: importedSettings('appPrivateKey', 'SHA256:ffee99') }));
    await waitFor(() => expect(screen.getByTestId('key-app-fingerprint').textContent).toBe('SHA256:ffee99'));
    expect(screen.getByTestId('key-import-done').textContent).toBe('应用私钥已导入');
    expect(pageText()).not.toContain('secretsecret');
  });

  it('a refused key shows the Chinese half of main’s explanation, and the pasted text is still gone', async () => {
    const fake = createFakeApi();
    fake.handle('keys.import', () => ({ ok: false, error: { code: 'SAME_AS_APP_PUBLIC_KEY', message: SAME_AS_APP } }));
    renderSettings({ fake });
    fireEvent.click(screen.getByTestId('key-alipay-import'));
    fireEvent.change(await screen.findByTestId('key-import-text'), { target: { value: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----' } });
    fireEvent.click(screen.getByTestId('key-import-submit'));
    const error = await screen.findByTestId('key-import-error');
    expect(error.textContent).toBe('填入的「支付宝公钥」与应用私钥对应的「应用公钥」相同——这是最常见的配置错误。');
    expect(screen.getByTestId<HTMLTextAreaElement>('key-import-text').value).toBe('');
    expect(fake.calls.find((c) => c.channel === 'keys.import')?.input).toMatchObject({ which: 'alipayPublicKey' });
    expect(screen.getByTestId('key-alipay').textContent).toBe('已配置');
    expect(screen.getByTestId('key-alipay-fingerprint').textContent).toBe('SHA256:cd34');
  });

  it('in English, the English half', async () => {
    const fake = createFakeApi();
    fake.handle('keys.import', () => ({ ok: false, error: { code: 'SAME_AS_APP_PUBLIC_KEY', message: SAME_AS_APP } }));
    renderSettings({ fake, language: 'en' });
    fireEvent.click(screen.getByTestId('key-alipay-import'));
    fireEvent.change(await screen.findByTestId('key-import-text'), { target: { value: 'MIIBIjANBgkq' } });
    fireEvent.click(screen.getByTestId('key-import-submit'));
    expect((await screen.findByTestId('key-import-error')).textContent).toBe(
      'The "Alipay public key" entered is the app\'s own public key — the most common mistake.',
    );
  });

  it('a key file is read and sent through keys.import', async () => {
    const fake = createFakeApi();
    fake.handle('keys.import', () => ({ ok: true, value: importedSettings('alipayPublicKey', 'SHA256:0a0b') }));
    renderSettings({ fake });
    fireEvent.click(screen.getByTestId('key-alipay-import'));
    await screen.findByTestId('key-import-file');
    chooseFile(new File(['-----BEGIN PUBLIC KEY-----\nMIIBfile\n-----END PUBLIC KEY-----\n'], 'alipay.pem', { type: 'application/x-pem-file' }));
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'keys.import')).toBe(true));
    expect(fake.calls.find((c) => c.channel === 'keys.import')?.input).toEqual({
      provider: 'alipay',
      which: 'alipayPublicKey',
      text: '-----BEGIN PUBLIC KEY-----\nMIIBfile\n-----END PUBLIC KEY-----\n',
    });
    await waitFor(() => expect(screen.getByTestId('key-alipay-fingerprint').textContent).toBe('SHA256:0a0b'));
    expect(pageText()).not.toContain('MIIBfile');
  });

  it('a file over 16 KB is refused without reading it or calling the API', async () => {
    const fake = createFakeApi();
    renderSettings({ fake });
    fireEvent.click(screen.getByTestId('key-app-import'));
    await screen.findByTestId('key-import-file');
    chooseFile(new File(['x'.repeat(16 * 1024 + 1)], 'big.pem'));
    expect((await screen.findByTestId('key-import-error')).textContent).toBe('文件过大（17 KB）：密钥文件不超过 16 KB，请确认选择的是密钥文件');
    expect(fake.calls.some((c) => c.channel === 'keys.import')).toBe(false);
  });

  it('pasted text over 16384 characters is refused before the API', async () => {
    const fake = createFakeApi();
    renderSettings({ fake });
    fireEvent.click(screen.getByTestId('key-app-import'));
    fireEvent.change(await screen.findByTestId('key-import-text'), { target: { value: 'A'.repeat(16_385) } });
    fireEvent.click(screen.getByTestId('key-import-submit'));
    expect((await screen.findByTestId('key-import-error')).textContent).toBe('文本过长：密钥文本不超过 16384 个字符');
    expect(fake.calls.some((c) => c.channel === 'keys.import')).toBe(false);
  });
});

describe('Settings › 测试连接', () => {
  const test = (dto: KeyTestDto): FakeApi => {
    const fake = createFakeApi();
    fake.handle('keys.test', () => ({ ok: true, value: dto }));
    return fake;
  };

  it('success: the message in the current language, the mode and the duration', async () => {
    const fake = test({
      ok: true,
      code: null,
      message: '连接正常：网关验签通过 / Connection OK: the gateway verified the signature',
      provider: 'alipay',
      environment: 'demo',
      durationMs: 42,
    });
    renderSettings({ fake });
    fireEvent.click(screen.getByTestId('keys-test'));
    const result = await screen.findByTestId('keys-test-result');
    expect(result.getAttribute('data-ok')).toBe('true');
    expect(screen.getByTestId('keys-test-message').textContent).toBe('连接正常：网关验签通过');
    expect(screen.getByTestId('keys-test-meta').textContent).toBe('连接正常 · 演示模式 · 用时 42 ms');
    expect(screen.queryByTestId('keys-test-code')).toBeNull();
    expect(fake.calls.find((c) => c.channel === 'keys.test')?.input).toEqual({});
  });

  it('failure: the explanation, the code and the duration', async () => {
    const fake = test({
      ok: false,
      code: 'APP_KEY_MISMATCH',
      message: '开放平台登记的应用公钥与这个应用私钥不匹配 / The app public key registered on the open platform does not match this private key',
      provider: 'alipay',
      environment: 'sandbox',
      durationMs: 1234,
    });
    renderSettings({ fake, settings: { environment: 'sandbox' } });
    fireEvent.click(screen.getByTestId('keys-test'));
    const result = await screen.findByTestId('keys-test-result');
    expect(result.getAttribute('data-ok')).toBe('false');
    expect(result.getAttribute('data-code')).toBe('APP_KEY_MISMATCH');
    expect(screen.getByTestId('keys-test-message').textContent).toBe('开放平台登记的应用公钥与这个应用私钥不匹配');
    expect(screen.getByTestId('keys-test-code').textContent).toBe('APP_KEY_MISMATCH');
    expect(screen.getByTestId('keys-test-meta').textContent).toBe('APP_KEY_MISMATCH连接失败 · 沙箱环境 · 用时 1234 ms');
  });

  it('an API failure is shown in words', async () => {
    const fake = createFakeApi();
    fake.handle('keys.test', () => ({ ok: false, error: { code: 'NETWORK', message: '无法连接 PayDesk 服务 / Cannot reach the PayDesk service' } }));
    const errors: unknown[] = [];
    renderWithConsole(<SettingsScreen />, { fake, context: { reportError: (e) => errors.push(e) } });
    fireEvent.click(screen.getByTestId('keys-test'));
    expect((await screen.findByTestId('keys-test-message')).textContent).toBe('无法连接 PayDesk 服务');
    expect(errors).toHaveLength(1);
  });

  it('says the test uses the saved settings while there are unsaved edits', () => {
    renderSettings();
    expect(screen.queryByTestId('keys-test-unsaved')).toBeNull();
    fireEvent.change(screen.getByTestId('settings-app-id'), { target: { value: '2021000000000002' } });
    expect(screen.getByTestId('keys-test-unsaved')).toBeTruthy();
  });
});

describe('Settings › 支付通知方式', () => {
  const pick = (mode: string): void => {
    fireEvent.click(screen.getByTestId(`notify-${mode}`));
  };

  it('explains each mode; tunnel fields only in localtunnel mode; custom shows the URL', () => {
    renderSettings();
    expect(screen.getByTestId('notify-explain').textContent).toMatch(/^通知直接发到本机/);
    expect(screen.queryByTestId('tunnel-fields')).toBeNull();
    pick('localtunnel');
    expect(screen.getByTestId('notify-explain').textContent).toMatch(/^通过 localtunnel 公网隧道接收支付通知/);
    expect(screen.getByTestId<HTMLInputElement>('settings-tunnel-host').value).toBe('https://localtunnel.me');
    expect(screen.getByTestId<HTMLInputElement>('settings-tunnel-subdomain').value).toBe('');
    expect(screen.queryByTestId('settings-custom-url')).toBeNull();
    pick('custom');
    expect(screen.queryByTestId('tunnel-fields')).toBeNull();
    expect(screen.getByTestId('settings-custom-url')).toBeTruthy();
    pick('none');
    expect(screen.getByTestId('notify-explain').textContent).toMatch(/^不接收通知/);
    expect(screen.queryByTestId('settings-custom-url')).toBeNull();
  });

  it('validates the subdomain and the tunnel server like the contract; saves valid values', async () => {
    const fake = createFakeApi();
    fake.handle('settings.update', (input) => ({ ok: true, value: patchedSettings(SETTINGS, input) }));
    renderSettings({ fake });
    pick('localtunnel');
    const save = screen.getByTestId<HTMLButtonElement>('settings-save');
    const sub = screen.getByTestId('settings-tunnel-subdomain');
    for (const bad of ['abc', 'My-Shop', '-shop', 'shop-', 'shop_1', 'a'.repeat(64)]) {
      fireEvent.change(sub, { target: { value: bad } });
      expect(screen.getByTestId('tunnel-subdomain-error').textContent, bad).toMatch(/^子域名只能用小写字母/);
      expect(save.disabled, bad).toBe(true);
    }
    for (const good of ['shop', 'my-shop-01', 'a'.repeat(63), '']) {
      fireEvent.change(sub, { target: { value: good } });
      expect(screen.queryByTestId('tunnel-subdomain-error'), good).toBeNull();
    }
    const host = screen.getByTestId('settings-tunnel-host');
    for (const bad of ['localtunnel.me', 'ftp://lt.example.com', 'https://lt.example.com/path', 'https://u:p@lt.example.com', '']) {
      fireEvent.change(host, { target: { value: bad } });
      expect(screen.getByTestId('tunnel-host-error').textContent, bad).toBe('请输入以 http:// 或 https:// 开头的服务器地址');
      expect(save.disabled, bad).toBe(true);
    }
    fireEvent.change(host, { target: { value: 'https://lt.example.com' } });
    fireEvent.change(sub, { target: { value: 'my-shop' } });
    expect(screen.queryByTestId('tunnel-host-error')).toBeNull();
    expect(save.disabled).toBe(false);
    fireEvent.click(save);
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'settings.update')).toBe(true));
    expect(fake.calls.find((c) => c.channel === 'settings.update')?.input).toEqual({
      notifyMode: 'localtunnel',
      tunnelHost: 'https://lt.example.com',
      tunnelSubdomain: 'my-shop',
    });
    expect((await screen.findByTestId('settings-result')).textContent).toBe('设置已保存');
    expect(save.disabled).toBe(true);
  });

  it('refuses a custom URL that is not a plain http(s) URL', () => {
    renderSettings();
    pick('custom');
    const url = screen.getByTestId('settings-custom-url');
    expect(screen.getByTestId('custom-url-error')).toBeTruthy(); // empty
    fireEvent.change(url, { target: { value: 'https://pay.example.com/hook?x=1' } });
    expect(screen.getByTestId('custom-url-error').textContent).toBe('请输入以 http:// 或 https:// 开头的完整地址');
    fireEvent.change(url, { target: { value: 'https://pay.example.com/hook' } });
    expect(screen.queryByTestId('custom-url-error')).toBeNull();
    expect(screen.getByTestId<HTMLButtonElement>('settings-save').disabled).toBe(false);
  });

  it('keeps unsaved edits when a key import answers new settings', async () => {
    const fake = createFakeApi();
    fake.handle('keys.import', () => ({ ok: true, value: importedSettings('appPrivateKey', 'SHA256:1234') }));
    renderSettings({ fake });
    pick('localtunnel');
    fireEvent.change(screen.getByTestId('settings-tunnel-subdomain'), { target: { value: 'my-shop' } });
    fireEvent.click(screen.getByTestId('key-app-import'));
    fireEvent.change(await screen.findByTestId('key-import-text'), { target: { value: PEM } });
    fireEvent.click(screen.getByTestId('key-import-submit'));
    await waitFor(() => expect(screen.getByTestId('key-app-fingerprint').textContent).toBe('SHA256:1234'));
    expect(screen.getByTestId<HTMLInputElement>('settings-tunnel-subdomain').value).toBe('my-shop');
  });
});
