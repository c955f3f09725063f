/**
 * 客显 page (jsdom): idle (shop name, 欢迎光临), a QR sale (amount, the QR in the provider's colour with
 * 请使用支付宝扫码), the idle picture (fetched once per id), 双码 (both QRs), a 付款码 sale (no QR, 请在手机上确认付款), 支付成功 — following
 * display.updated, starting from display.get; nothing on it can be clicked. Chromium side by side with the
 * counter: test/e2e/customer-display.test.ts.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DisplayPage, type DisplayApi } from '../../../src/renderer/src/display/display-page';
import type { DisplayPictureDto, DisplayStateDto } from '../../../src/shared/contract';
import { installBrowserStubs } from './setup';

installBrowserStubs();
afterEach(cleanup);

function fakeDisplayApi(
  initial: DisplayStateDto,
): DisplayApi & { push(s: DisplayStateDto): void; gets: number; pictures: number; picture: DisplayPictureDto | null } {
  const listeners = new Set<(s: DisplayStateDto) => void>();
  let current = initial;
  const api = {
    gets: 0,
    pictures: 0,
    picture: null as DisplayPictureDto | null,
    displayGet: async () => {
      api.gets += 1;
      return { ok: true as const, value: current };
    },
    displayPicture: async () => {
      api.pictures += 1;
      return { ok: true as const, value: api.picture };
    },
    onDisplayUpdated: (l: (s: DisplayStateDto) => void) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    push(s: DisplayStateDto) {
      current = s;
      for (const l of listeners) l(s);
    },
  };
  return api;
}

describe('customer display page', () => {
  it('idle: the shop name and 欢迎光临 from display.get; no buttons or inputs', async () => {
    const api = fakeDisplayApi({ kind: 'idle', shopName: '老王便利店', pictureId: null });
    const { container } = render(<DisplayPage api={api} />);
    await waitFor(() => expect(screen.getByTestId('display-shop-name').textContent).toBe('老王便利店'));
    expect(screen.getByTestId('display-idle').textContent).toContain('欢迎光临');
    expect(container.querySelectorAll('button, input, a, select, textarea')).toHaveLength(0);
    expect(screen.getByTestId('customer-display').getAttribute('data-display-state')).toBe('idle');
  });

  it('follows display.updated: a QR sale, then 双码, then 支付成功 with the amount', async () => {
    const api = fakeDisplayApi({ kind: 'idle', shopName: '小店', pictureId: null });
    render(<DisplayPage api={api} />);
    await waitFor(() => expect(screen.getByTestId('display-idle')).toBeTruthy());
    act(() =>
      api.push({
        kind: 'awaiting',
        shopName: '小店',
        amount: '12.34',
        method: 'qr',
        qrs: [{ provider: 'alipay', qrCode: 'https://qr.test/a' }],
        expiresAt: null,
        userPaying: false,
      }),
    );
    expect(screen.getByTestId('display-amount').textContent).toBe('¥12.34');
    const card = screen.getByTestId('display-qr');
    expect(card.getAttribute('data-provider')).toBe('alipay');
    expect(card.textContent).toContain('请使用支付宝扫码');
    expect((card.querySelector('figcaption') as HTMLElement).style.background).toMatch(/rgb\(22, 119, 255\)|#1677ff/i);
    await waitFor(() => expect(screen.getByTestId('display-qr-image')).toBeTruthy());

    act(() =>
      api.push({
        kind: 'awaiting',
        shopName: '小店',
        amount: '8.00',
        method: 'qr',
        qrs: [
          { provider: 'alipay', qrCode: 'https://qr.test/a' },
          { provider: 'wechat', qrCode: 'https://qr.test/w' },
        ],
        expiresAt: null,
        userPaying: false,
      }),
    );
    const cards = screen.getAllByTestId('display-qr');
    expect(cards.map((c) => c.getAttribute('data-provider'))).toEqual(['alipay', 'wechat']);
    expect(cards[1]?.textContent).toContain('请使用微信扫码');
    expect((cards[1]?.querySelector('figcaption') as HTMLElement).style.background).toMatch(/rgb\(7, 193, 96\)|#07c160/i);

    act(() => api.push({ kind: 'paid', shopName: '小店', amount: '8.00', provider: 'wechat' }));
    expect(screen.getByTestId('display-paid').textContent).toContain('支付成功');
    expect(screen.getByTestId('display-amount').textContent).toBe('¥8.00');
    expect(screen.queryByTestId('display-qr')).toBeNull();
  });

  it('idle picture: shown above the shop name, fetched once per picture id, kept through a sale, gone when cleared or undecodable', async () => {
    const pic = (id: string): DisplayPictureDto => ({ id, type: 'image/png', width: 64, height: 64, bytes: 68, dataUrl: `data:image/png;base64,${id}` });
    const api = fakeDisplayApi({ kind: 'idle', shopName: '小店', pictureId: 'p1' });
    api.picture = pic('p1');
    render(<DisplayPage api={api} refreshMs={20} />);
    await waitFor(() => expect(screen.getByTestId('display-picture').getAttribute('src')).toBe('data:image/png;base64,p1'));
    expect(screen.getByTestId('display-shop-name').textContent).toBe('小店');
    // the state is re-read every 20 ms: the picture is not fetched again for the same id
    await waitFor(() => expect(api.gets).toBeGreaterThan(3));
    expect(api.pictures).toBe(1);
    // a sale, then idle again: the picture is back at once, not fetched again
    act(() => api.push({ kind: 'paid', shopName: '小店', amount: '1.00', provider: 'alipay' }));
    expect(screen.queryByTestId('display-picture')).toBeNull();
    act(() => api.push({ kind: 'idle', shopName: '小店', pictureId: 'p1' }));
    expect(screen.getByTestId('display-picture')).toBeTruthy();
    expect(api.pictures).toBe(1);
    // a new picture: fetched
    api.picture = pic('p2');
    act(() => api.push({ kind: 'idle', shopName: '小店', pictureId: 'p2' }));
    await waitFor(() => expect(screen.getByTestId('display-picture').getAttribute('data-picture-id')).toBe('p2'));
    expect(api.pictures).toBe(2);
    // pixels the browser cannot decode: the shop name alone, no broken image
    fireEvent.error(screen.getByTestId('display-picture'));
    expect(screen.queryByTestId('display-picture')).toBeNull();
    expect(screen.getByTestId('display-shop-name').textContent).toBe('小店');
    // cleared
    api.picture = null;
    act(() => api.push({ kind: 'idle', shopName: '小店', pictureId: null }));
    expect(screen.queryByTestId('display-picture')).toBeNull();
  });

  it('idle picture: a fetch that fails (the counter away) is tried again until it answers', async () => {
    const api = fakeDisplayApi({ kind: 'idle', shopName: '小店', pictureId: 'p1' });
    api.picture = { id: 'p1', type: 'image/png', width: 64, height: 64, bytes: 68, dataUrl: 'data:image/png;base64,p1' };
    const answer = api.displayPicture;
    let failures = 2;
    api.displayPicture = async (input) => {
      if (failures-- > 0) {
        api.pictures += 1;
        return { ok: false, error: { code: 'UNREACHABLE', message: '无法连接 / unreachable' } };
      }
      return answer(input);
    };
    render(<DisplayPage api={api} refreshMs={20} />);
    await waitFor(() => expect(screen.getByTestId('display-picture').getAttribute('data-picture-id')).toBe('p1'));
    expect(api.pictures).toBe(3);
  });

  it('付款码: the amount and 请在手机上确认付款, no QR', async () => {
    const api = fakeDisplayApi({ kind: 'awaiting', shopName: '小店', amount: '9.90', method: 'code', qrs: [], expiresAt: null, userPaying: true });
    render(<DisplayPage api={api} />);
    await waitFor(() => expect(screen.getByTestId('display-code-hint').textContent).toContain('请在手机上确认付款'));
    expect(screen.getByTestId('display-amount').textContent).toBe('¥9.90');
    expect(screen.queryByTestId('display-qr')).toBeNull();
  });

  it('re-reads display.get on its own (an event missed while the stream reconnected is caught up)', async () => {
    const api = fakeDisplayApi({ kind: 'idle', shopName: '小店', pictureId: null });
    render(<DisplayPage api={api} refreshMs={30} />);
    await waitFor(() => expect(screen.getByTestId('display-idle')).toBeTruthy());
    // the state changes in main without an event reaching this page
    (api as unknown as { displayGet: DisplayApi['displayGet'] }).displayGet = async () => ({
      ok: true,
      value: { kind: 'paid', shopName: '小店', amount: '1.00', provider: 'alipay' },
    });
    await waitFor(() => expect(screen.getByTestId('display-paid')).toBeTruthy(), { timeout: 2_000 });
  });
});
