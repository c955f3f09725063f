/**
 * Keyboard-only back office (jsdom): the order list with / ↑ ↓ Enter, a refund opened (R), filled and
 * confirmed with Enter — with the manager PIN when main will ask for it — and the F1 / ? shortcut sheet.
 * Real keystrokes in Chromium are in test/e2e/back-office.test.ts.
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RefundForm } from '../../../src/renderer/src/ui/components/refund-form';
import { SHORTCUTS, ShortcutSheet } from '../../../src/renderer/src/ui/components/shortcut-sheet';
import { matchesSearch, OrdersScreen } from '../../../src/renderer/src/ui/screens/orders-screen';
import type { OrderDto, PinStatusDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { orderDetailDto, orderDto } from '../fixtures';
import { renderWithConsole } from './setup';

afterEach(cleanup);

function order(n: number, patch: Partial<OrderDto> = {}): OrderDto {
  return orderDto({
    id: `PD${String(n).padStart(6, '0')}`,
    tradeNo: `20261201220014000000000${String(n).padStart(5, '0')}`,
    createdAt: Date.now() - n * 1000,
    paidAt: Date.now() - n * 1000,
    ...patch,
  });
}
const PIN_SET: PinStatusDto = { available: true, set: true, refundAbove: '0.00', lockedUntil: null, triesLeft: 5 };
/** A whole key press (antd inputs ignore a second Enter until the first one's keyup, like a real keyboard). */
const key = (el: Element, k: string): boolean => {
  const down = fireEvent.keyDown(el, { key: k, code: k });
  fireEvent.keyUp(el, { key: k, code: k });
  return down;
};

describe('order list by keyboard', () => {
  it('/ focuses the search, ↓ goes to the list, ↑ ↓ move the highlight, Enter opens that order', async () => {
    const fake = createFakeApi();
    fake.handle('orders.list', () => ({ ok: true, value: { items: [order(1), order(2), order(3)], nextCursor: null } }));
    fake.handle('orders.get', ({ id }) => ({ ok: true, value: orderDetailDto(order(Number(id.slice(2)))) }));
    fake.handle('pin.status', () => ({ ok: true, value: PIN_SET }));
    renderWithConsole(<OrdersScreen active />, { fake });
    await waitFor(() => expect(screen.getAllByTestId('order-row')).toHaveLength(3));
    key(document.body, '/');
    const search = within(screen.getByTestId('orders-search')).getByRole('searchbox');
    expect(document.activeElement).toBe(search);
    key(search, 'ArrowDown');
    const list = screen.getByTestId('orders-list');
    expect(document.activeElement).toBe(list);
    const active = (): string | undefined => screen.getAllByTestId('order-row').find((r) => r.dataset.rowActive === 'true')?.dataset.orderId;
    expect(active()).toBe('PD000001');
    key(list, 'ArrowDown');
    key(list, 'ArrowDown');
    key(list, 'ArrowDown'); // stays on the last row
    expect(active()).toBe('PD000003');
    key(list, 'ArrowUp');
    expect(active()).toBe('PD000002');
    key(list, 'Enter');
    await waitFor(() => expect(screen.getByTestId('order-detail').dataset.orderId).toBe('PD000002'));
    // R jumps to the refund amount
    key(document.body, 'r');
    expect(document.activeElement).toBe(screen.getByTestId('refund-amount-input'));
  });

  it('live updates follow the search rules of main: a tail of 4+ characters or an amount', () => {
    const o = order(7, { id: 'PD20261201093000a1b2c3d4e5', amount: '12.34' });
    expect(matchesSearch(o, 'D4E5')).toBe(true);
    expect(matchesSearch(o, '00007')).toBe(true); // trade number tail
    expect(matchesSearch(o, '¥12.34')).toBe(true);
    expect(matchesSearch(o, 'a1b2')).toBe(false);
    expect(matchesSearch(o, '12.35')).toBe(false);
  });
});

describe('refund by keyboard, with the manager PIN', () => {
  const ORDER = { id: 'PD1', refundable: '10.00', provider: 'alipay' };

  it('Enter → confirmation with the PIN field focused; Enter refunds with the PIN; a wrong PIN stays there', async () => {
    const onRefund = vi
      .fn()
      .mockResolvedValueOnce({ code: 'PIN_WRONG', message: '店长密码不正确，还可再试 4 次 / Wrong manager PIN, 4 tries left' })
      .mockResolvedValueOnce(null);
    renderWithConsole(<RefundForm order={ORDER} onRefund={onRefund} pin={PIN_SET} />);
    const amount = screen.getByTestId('refund-amount-input');
    fireEvent.change(amount, { target: { value: '3' } });
    key(amount, 'Enter');
    const pin = await screen.findByTestId('refund-pin-input');
    await waitFor(() => expect(document.activeElement).toBe(pin));
    // Enter with no PIN: asked for it, nothing sent
    key(pin, 'Enter');
    expect(screen.getByTestId('refund-error').textContent).toBe('请输入店长密码');
    expect(onRefund).not.toHaveBeenCalled();
    fireEvent.change(pin, { target: { value: '111111' } });
    key(pin, 'Enter');
    await waitFor(() => expect(screen.getByTestId('refund-error').textContent).toBe('店长密码不正确，还可再试 4 次'));
    expect(screen.getByTestId('refund-form').dataset.step).toBe('confirm');
    expect(screen.getByTestId<HTMLInputElement>('refund-pin-input').value).toBe('');
    fireEvent.change(screen.getByTestId('refund-pin-input'), { target: { value: '271828' } });
    key(screen.getByTestId('refund-pin-input'), 'Enter');
    await waitFor(() => expect(onRefund).toHaveBeenLastCalledWith('3.00', undefined, '271828'));
    await waitFor(() => expect(screen.getByTestId('refund-form').dataset.step).toBe('edit'));
  });

  it('below the threshold there is no PIN field: Enter, then Enter on 确认退款; Esc goes back', async () => {
    const onRefund = vi.fn().mockResolvedValue(null);
    renderWithConsole(<RefundForm order={ORDER} onRefund={onRefund} pin={{ ...PIN_SET, refundAbove: '5.00' }} />);
    const amount = screen.getByTestId('refund-amount-input');
    fireEvent.change(amount, { target: { value: '5' } });
    key(amount, 'Enter');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('refund-confirm')));
    expect(screen.queryByTestId('refund-pin-input')).toBeNull();
    key(screen.getByTestId('refund-confirm'), 'Escape');
    expect(screen.getByTestId('refund-form').dataset.step).toBe('edit');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('refund-amount-input')));
    fireEvent.change(amount, { target: { value: '5.01' } });
    key(amount, 'Enter');
    expect(await screen.findByTestId('refund-pin-input')).toBeTruthy();
    expect(onRefund).not.toHaveBeenCalled();
  });
});

describe('shortcut sheet', () => {
  it('F1, or ? outside a text field, lists every key incl. the 收款 keys; ? inside a field is just text', async () => {
    renderWithConsole(
      <>
        <input data-testid="some-field" />
        <ShortcutSheet />
      </>,
    );
    key(screen.getByTestId('some-field'), '?');
    expect(screen.queryByTestId('shortcut-sheet')).toBeNull();
    act(() => void key(document.body, 'F1'));
    const sheet = await screen.findByTestId('shortcut-sheet');
    const rows = within(sheet).getAllByTestId('shortcut-row');
    expect(rows).toHaveLength(SHORTCUTS.reduce((n, s) => n + s.keys.length, 0));
    const text = sheet.textContent ?? '';
    for (const k of ['F1 / ?', 'Alt+1 … Alt+5', '0–9 .', 'Backspace', 'Ctrl+Enter', 'Esc', 'Esc Esc', '付款码 + Enter', '↑ ↓ Home End PgUp PgDn', 'R'])
      expect(text).toContain(k);
    expect(text).toContain('2 秒内连按两次 Esc 取消订单');
    expect(text).toContain('确认页：确认退款（需要时先输入店长密码）');
    // no row shows a missing translation key
    expect(text).not.toMatch(/shortcuts\./);
  });

  it('opens with ? too', async () => {
    renderWithConsole(<ShortcutSheet />, { language: 'en' });
    act(() => void key(document.body, '?'));
    expect((await screen.findByTestId('shortcut-sheet')).textContent).toContain('Open the highlighted order');
  });
});
