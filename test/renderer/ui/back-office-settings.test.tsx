/**
 * 设置 → 店长密码 and the PIN prompt on settings changes; 今日's gross and split by method (jsdom).
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagerPinSection } from '../../../src/renderer/src/ui/components/manager-pin-section';
import { SettingsScreen } from '../../../src/renderer/src/ui/screens/settings-screen';
import { TodayScreen } from '../../../src/renderer/src/ui/screens/today-screen';
import type { PinStatusDto, SummaryDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { renderWithConsole, SETTINGS } from './setup';

afterEach(cleanup);

const NOT_SET: PinStatusDto = { available: true, set: false, refundAbove: '0.00', lockedUntil: null, triesLeft: 5 };
const SET: PinStatusDto = { ...NOT_SET, set: true };
const press = (el: Element, k: string): void => {
  fireEvent.keyDown(el, { key: k, code: k });
  fireEvent.keyUp(el, { key: k, code: k });
};

describe('设置 → 店长密码', () => {
  it('warns while no PIN is set; the first PIN needs the same digits twice; main’s format error is shown', async () => {
    const fake = createFakeApi();
    fake.handle('pin.status', () => ({ ok: true, value: NOT_SET }));
    fake.handle('pin.set', ({ next }) =>
      next.length < 6
        ? { ok: false, error: { code: 'PIN_FORMAT', message: '店长密码至少 6 位数字 / The manager PIN needs at least 6 digits' } }
        : { ok: true, value: SET },
    );
    renderWithConsole(<ManagerPinSection />, { fake });
    expect((await screen.findByTestId('pin-not-set')).textContent).toContain('任何人都可以退款');
    expect(screen.queryByTestId('pin-current')).toBeNull();
    fireEvent.change(screen.getByTestId('pin-next'), { target: { value: '123456' } });
    fireEvent.change(screen.getByTestId('pin-repeat'), { target: { value: '123465' } });
    press(screen.getByTestId('pin-repeat'), 'Enter');
    expect((await screen.findByTestId('pin-pin-result')).textContent).toBe('两次输入的新密码不一致');
    expect(fake.calls.some((c) => c.channel === 'pin.set')).toBe(false);
    fireEvent.change(screen.getByTestId('pin-next'), { target: { value: '1234' } });
    fireEvent.change(screen.getByTestId('pin-repeat'), { target: { value: '1234' } });
    fireEvent.click(screen.getByTestId('pin-save'));
    await waitFor(() => expect(screen.getByTestId('pin-pin-result').textContent).toBe('店长密码至少 6 位数字'));
    fireEvent.change(screen.getByTestId('pin-next'), { target: { value: '271828' } });
    fireEvent.change(screen.getByTestId('pin-repeat'), { target: { value: '271828' } });
    fireEvent.click(screen.getByTestId('pin-save'));
    await waitFor(() => expect(screen.getByTestId('pin-pin-result').textContent).toBe('店长密码已保存'));
    expect(fake.calls.filter((c) => c.channel === 'pin.set').at(-1)?.input).toEqual({ next: '271828' });
    expect(screen.getByTestId('pin-is-set')).toBeTruthy();
    // once set: changing it asks for the current PIN, and the refund threshold appears
    expect(screen.getByTestId('pin-current')).toBeTruthy();
    expect(screen.getByTestId('pin-threshold')).toBeTruthy();
  });

  it('the refund threshold is saved with the PIN', async () => {
    const fake = createFakeApi();
    fake.handle('pin.status', () => ({ ok: true, value: SET }));
    fake.handle('pin.refundThreshold', ({ refundAbove }) => ({
      ok: true,
      value: { ...SET, refundAbove: `${refundAbove}.00`.replace(/\.(\d\d)\.00$/, '.$1') },
    }));
    renderWithConsole(<ManagerPinSection />, { fake });
    const amount = await screen.findByTestId('pin-threshold');
    fireEvent.change(amount, { target: { value: '50' } });
    fireEvent.change(screen.getByTestId('pin-threshold-pin'), { target: { value: '271828' } });
    press(screen.getByTestId('pin-threshold-pin'), 'Enter');
    await waitFor(() => expect(screen.getByTestId('pin-threshold-result').textContent).toBe('已保存：高于 ¥50.00 的退款需要店长密码'));
    expect(fake.calls.find((c) => c.channel === 'pin.refundThreshold')?.input).toEqual({ refundAbove: '50.00', pin: '271828' });
  });
});

describe('settings changes ask for the manager PIN when main requires it', () => {
  it('PIN_REQUIRED → a PIN prompt → the same change again with the PIN; a wrong PIN asks again', async () => {
    const fake = createFakeApi();
    fake.handle('pin.status', () => ({ ok: true, value: SET }));
    fake.handle('settings.update', (input) => {
      if (!input.pin)
        return { ok: false, error: { code: 'PIN_REQUIRED', message: '修改设置需要店长密码 / The manager PIN is required for changing settings' } };
      if (input.pin !== '271828')
        return { ok: false, error: { code: 'PIN_WRONG', message: '店长密码不正确，还可再试 4 次 / Wrong manager PIN, 4 tries left' } };
      return { ok: true, value: { ...SETTINGS, orderExpiryMinutes: 9 } };
    });
    renderWithConsole(<SettingsScreen />, { fake });
    const expiry = screen.getByTestId('settings-expiry');
    fireEvent.change(expiry, { target: { value: '9' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    const input = await screen.findByTestId('pin-prompt-input');
    fireEvent.change(input, { target: { value: '000000' } });
    press(input, 'Enter');
    expect((await screen.findByTestId('pin-prompt-error')).textContent).toBe('店长密码不正确，还可再试 4 次');
    fireEvent.change(screen.getByTestId('pin-prompt-input'), { target: { value: '271828' } });
    press(screen.getByTestId('pin-prompt-input'), 'Enter');
    await waitFor(() => expect(screen.getByTestId('settings-result').textContent).toBe('设置已保存'));
    const updates = fake.calls.filter((c) => c.channel === 'settings.update').map((c) => c.input);
    expect(updates).toEqual([{ orderExpiryMinutes: 9 }, { orderExpiryMinutes: 9, pin: '000000' }, { orderExpiryMinutes: 9, pin: '271828' }]);
  });
});

describe('今日', () => {
  it('shows gross, refunds, net, count, average and the split by provider and method', async () => {
    const fake = createFakeApi();
    const summary: SummaryDto = {
      date: '2026-12-01',
      count: 3,
      gross: '60.00',
      refunded: '5.00',
      net: '55.00',
      average: '18.33',
      hourly: Array.from({ length: 24 }, (_, hour) => ({ hour, count: hour === 9 ? 3 : 0, net: hour === 9 ? '55.00' : '0.00' })),
      byMethod: [
        { provider: 'alipay', method: 'code', count: 1, gross: '20.00', refunded: '0.00', net: '20.00' },
        { provider: 'alipay', method: 'qr', count: 2, gross: '40.00', refunded: '5.00', net: '35.00' },
      ],
      byProvider: [{ provider: 'alipay', count: 3, gross: '60.00', refunded: '5.00', net: '55.00' }],
    };
    fake.handle('summary.today', () => ({ ok: true, value: summary }));
    renderWithConsole(<TodayScreen active />, { fake });
    expect((await screen.findByTestId('today-gross')).textContent).toBe('60.00');
    expect(screen.getByTestId('today-net').textContent).toBe('55.00');
    expect(screen.getByTestId('today-refunded').textContent).toBe('5.00');
    expect(screen.getByTestId('today-average').textContent).toBe('18.33');
    const rows = screen.getAllByTestId('method-row');
    expect(rows.map((r) => r.dataset.method)).toEqual(['code', 'qr']);
    expect(rows[1]?.textContent).toContain('支付宝');
    expect(rows[1]?.textContent).toContain('扫码收款');
    expect(within(rows[1] as HTMLElement).getByTestId('method-net').textContent).toBe('¥35.00');
  });
});
