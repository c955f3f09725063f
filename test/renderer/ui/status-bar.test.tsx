import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusBar } from '../../../src/renderer/src/ui/components/status-bar';
import { ConsoleApp } from '../../../src/renderer/src/ui/console-app';
import type { Language, StatusDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { renderWithConsole, SETTINGS, STATUS } from './setup';

afterEach(cleanup);

const CONNECTING: StatusDto['notify'] = {
  mode: 'localtunnel',
  url: null,
  reachability: 'unknown',
  detail: '正在连接隧道服务器 https://localtunnel.me / Connecting to tunnel server https://localtunnel.me',
};
const ONLINE: StatusDto['notify'] = { mode: 'localtunnel', url: 'https://x.loca.lt', reachability: 'reachable', detail: null };
const CHECKING: StatusDto['notify'] = {
  mode: 'localtunnel',
  url: 'https://x.loca.lt',
  reachability: 'unknown',
  detail: '正在检测可达性 / Checking reachability',
};
const OFFLINE: StatusDto['notify'] = {
  mode: 'localtunnel',
  url: null,
  reachability: 'unreachable',
  detail: '隧道离线（connection refused），8 秒后重连 / Tunnel offline (connection refused); reconnecting in 8s',
};

function bar(notify: StatusDto['notify'], language: Language = 'zh-CN'): HTMLElement {
  renderWithConsole(<StatusBar status={{ ...STATUS, environment: 'sandbox', notify }} online />, { language });
  return screen.getByTestId('notify-state');
}

describe('<StatusBar> notify state', () => {
  it('tunnel connecting', () => {
    const el = bar(CONNECTING);
    expect(el.textContent).toBe('通知：隧道连接中…');
    expect(el.getAttribute('data-state')).toBe('connecting');
    expect(el.getAttribute('title')).toContain('正在连接隧道服务器');
  });

  it('tunnel online and reachable, with its URL', () => {
    const el = bar(ONLINE);
    expect(el.textContent).toBe('通知：隧道在线 https://x.loca.lt ✓可达');
    expect(el.getAttribute('data-state')).toBe('online');
    expect(el.getAttribute('data-reachability')).toBe('reachable');
    expect(screen.getByTestId('notify-url').textContent).toBe('https://x.loca.lt');
  });

  it('tunnel online while the self-test probe is on its way', () => {
    expect(bar(CHECKING).textContent).toBe('通知：隧道在线 https://x.loca.lt 检测中…');
  });

  it('tunnel offline: polling confirms payments; the reason is the tooltip', () => {
    const el = bar(OFFLINE);
    expect(el.textContent).toBe('通知：隧道离线，轮询确认中');
    expect(el.getAttribute('data-state')).toBe('offline');
    expect(el.getAttribute('title')).toContain('隧道离线（connection refused），8 秒后重连');
    expect(el.getAttribute('title')).not.toContain('Tunnel offline');
  });

  it('in English', () => {
    expect(bar(ONLINE, 'en').textContent).toBe('Notify: tunnel online https://x.loca.lt ✓ reachable');
    cleanup();
    expect(bar(CONNECTING, 'en').textContent).toBe('Notify: tunnel connecting…');
    cleanup();
    const el = bar(OFFLINE, 'en');
    expect(el.textContent).toBe('Notify: tunnel offline, polling');
    expect(el.getAttribute('title')).toContain('Tunnel offline (connection refused)');
  });

  it('loopback, custom, none', () => {
    expect(bar({ mode: 'loopback', url: 'http://127.0.0.1:2/notify/alipay', reachability: 'reachable', detail: null }).textContent).toBe(
      '通知：本机回环 http://127.0.0.1:2/notify/alipay ✓可达',
    );
    cleanup();
    expect(
      bar({ mode: 'custom', url: 'https://pay.example.com', reachability: 'unreachable', detail: '探测请求未到达本机 / Probe did not arrive' }).textContent,
    ).toBe('通知：自定义地址 https://pay.example.com ✗不可达，轮询确认中');
    cleanup();
    expect(bar({ mode: 'custom', url: null, reachability: 'unreachable', detail: '自定义通知地址无效 / invalid' }).textContent).toBe(
      '通知：自定义地址无效，轮询确认中',
    );
    cleanup();
    expect(bar({ mode: 'none', url: null, reachability: 'disabled', detail: null }).textContent).toBe('通知：未启用，轮询确认中');
  });

  it('follows status.changed pushes: connecting → online → offline', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: true, value: { ...STATUS, notify: CONNECTING } }));
    fake.handle('settings.get', () => ({ ok: true, value: SETTINGS }));
    fake.handle('orders.list', () => ({ ok: true, value: { items: [], nextCursor: null } }));
    const { container } = render(<ConsoleApp api={fake.api} />);
    await waitFor(() => expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull());
    expect(screen.getByTestId('notify-state').textContent).toBe('通知：隧道连接中…');
    act(() => fake.emit('status.changed', { ...STATUS, notify: ONLINE }));
    await waitFor(() => expect(screen.getByTestId('notify-state').textContent).toBe('通知：隧道在线 https://x.loca.lt ✓可达'));
    act(() => fake.emit('status.changed', { ...STATUS, notify: OFFLINE }));
    await waitFor(() => expect(screen.getByTestId('notify-state').textContent).toBe('通知：隧道离线，轮询确认中'));
  });
});

describe('<StatusBar> notify URLs of every hosted provider', () => {
  const P = 'http://127.0.0.1:40001';
  const BOTH: StatusDto['notify'] = {
    mode: 'loopback',
    url: `${P}/notify/alipay`,
    urls: [
      { provider: 'alipay', url: `${P}/notify/alipay` },
      { provider: 'wechat', url: `${P}/notify/wechat` },
    ],
    reachability: 'reachable',
    detail: null,
  };

  it('Alipay and WeChat Pay on one base → the base once, both paths in braces', () => {
    const el = bar(BOTH);
    expect(screen.getByTestId('notify-url').textContent).toBe(`${P}/notify/{alipay,wechat}`);
    expect(el.textContent).toBe(`通知：本机回环 ${P}/notify/{alipay,wechat} ✓可达`);
    expect(el.getAttribute('title')).toContain(`${P}/notify/{alipay,wechat}`);
  });

  it('WeChat Pay alone → its own URL; different bases → each URL; no list (an older main) → url', () => {
    bar({ ...BOTH, url: `${P}/notify/wechat`, urls: [{ provider: 'wechat', url: `${P}/notify/wechat` }] });
    expect(screen.getByTestId('notify-url').textContent).toBe(`${P}/notify/wechat`);
    cleanup();
    bar({
      ...BOTH,
      urls: [
        { provider: 'alipay', url: 'https://a.example/n/alipay' },
        { provider: 'wechat', url: 'https://b.example/n/wechat' },
      ],
    });
    expect(screen.getByTestId('notify-url').textContent).toBe('https://a.example/n/alipay · https://b.example/n/wechat');
    cleanup();
    const { urls: _omit, ...old } = BOTH;
    bar(old);
    expect(screen.getByTestId('notify-url').textContent).toBe(`${P}/notify/alipay`);
  });
});
