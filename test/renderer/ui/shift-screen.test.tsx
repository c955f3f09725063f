import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsoleApp } from '../../../src/renderer/src/ui/console-app';
import { ShiftScreen } from '../../../src/renderer/src/ui/screens/shift-screen';
import type { CommandInput, ShiftDto, ShiftTotalsDto } from '../../../src/shared/contract';
import type { PrinterBridge, ReceiptJob } from '../../../src/shared/receipt';
import { createFakeApi, type FakeApi } from '../fake-api';
import { orderDto } from '../fixtures';
import { renderWithConsole, SETTINGS, STATUS } from './setup';

afterEach(() => {
  cleanup();
  delete window.paydeskPrinter;
});

const ZERO: ShiftTotalsDto = { count: 0, gross: '0.00', refunded: '0.00', net: '0.00', byMethod: [], byProvider: [] };

function totals(net: string, count = 1): ShiftTotalsDto {
  return {
    count,
    gross: net,
    refunded: '0.00',
    net,
    byMethod: [{ provider: 'wechat', method: 'qr', count, gross: net, refunded: '0.00', net }],
    byProvider: [{ provider: 'wechat', count, gross: net, refunded: '0.00', net }],
  };
}

function shift(patch: Partial<ShiftDto> = {}): ShiftDto {
  return {
    id: 'S1',
    cashier: '张三',
    startedAt: Date.parse('2026-12-01T08:00:00Z'),
    endedAt: null,
    endedBy: null,
    handedTo: null,
    authorization: null,
    totals: ZERO,
    ...patch,
  };
}

/** A main that keeps one shift, a manager PIN "123456", and refuses a second end of the same shift. */
function mainWithShifts(): { fake: FakeApi; state: { current: ShiftDto | null; history: ShiftDto[] } } {
  const fake = createFakeApi();
  const state: { current: ShiftDto | null; history: ShiftDto[] } = { current: null, history: [] };
  fake.handle('shift.current', () => ({ ok: true, value: state.current }));
  fake.handle('shift.list', () => ({ ok: true, value: { items: state.history, nextCursor: null } }));
  fake.handle('shift.start', ({ cashier }) => {
    if (cashier.trim() === '') return { ok: false, error: { code: 'CASHIER_INVALID', message: '请填写收银员姓名 / Enter the cashier’s name' } };
    state.current = shift({ cashier: cashier.trim() });
    return { ok: true, value: state.current };
  });
  fake.handle('shift.end', async (input: CommandInput<'shift.end'>) => {
    if (input.pin === undefined) return { ok: false, error: { code: 'PIN_REQUIRED', message: '需要店长密码 / Manager PIN required' } };
    if (input.pin !== '123456') return { ok: false, error: { code: 'PIN_WRONG', message: '店长密码不对 / Wrong manager PIN' } };
    await new Promise((r) => setTimeout(r, 30));
    if (!state.current || state.current.id !== input.id)
      return {
        ok: false,
        error: { code: 'SHIFT_ALREADY_ENDED', message: `班次 ${input.id} 已经交班，不能再次交班 / Shift ${input.id} has already been ended` },
      };
    const ended = {
      ...state.current,
      endedAt: Date.parse('2026-12-01T16:00:00Z'),
      endedBy: state.current.cashier,
      handedTo: input.nextCashier ?? null,
      authorization: 'manager_pin' as const,
    };
    state.history = [ended, ...state.history];
    state.current = input.nextCashier ? shift({ id: 'S2', cashier: input.nextCashier }) : null;
    return { ok: true, value: { ended, next: state.current } };
  });
  return { fake, state };
}

function renderScreen(fake: FakeApi): void {
  renderWithConsole(
    <AntApp>
      <ShiftScreen active />
    </AntApp>,
    { fake },
  );
}

/** A key as a person presses it: down, then up (the field ignores a second Enter until the key is released). */
const press = (el: Element, k: string): void => {
  fireEvent.keyDown(el, { key: k, code: k });
  fireEvent.keyUp(el, { key: k, code: k });
};

const endCalls = (fake: FakeApi): unknown[] => fake.calls.filter((c) => c.channel === 'shift.end').map((c) => c.input);

describe('<ShiftScreen> 交班', () => {
  it('starts a shift; a bad name shows main’s error in words and starts nothing', async () => {
    const { fake, state } = mainWithShifts();
    renderScreen(fake);
    await screen.findByTestId('shift-none');
    fireEvent.click(screen.getByTestId('shift-start'));
    expect((await screen.findByTestId('shift-error')).textContent).toContain('请填写收银员姓名');
    expect(state.current).toBeNull();
    fireEvent.change(screen.getByTestId('shift-cashier'), { target: { value: '张三' } });
    fireEvent.click(screen.getByTestId('shift-start'));
    expect((await screen.findByTestId('shift-current-cashier')).textContent).toBe('张三');
    expect(fake.calls.filter((c) => c.channel === 'shift.start').at(-1)?.input).toEqual({ cashier: '张三' });
  });

  it('refreshes the open shift’s totals when an order is updated', async () => {
    const { fake, state } = mainWithShifts();
    state.current = shift();
    renderScreen(fake);
    expect((await screen.findByTestId('shift-live-net')).textContent).toBe('¥0.00');
    state.current = shift({ totals: totals('12.34') });
    act(() => fake.emit('order.updated', orderDto({ status: 'PAID' })));
    await waitFor(() => expect(screen.getByTestId('shift-live-net').textContent).toBe('¥12.34'));
    expect(screen.getByTestId('shift-live-count').textContent).toBe('1');
    expect(within(screen.getByTestId('shift-live')).getByText('微信')).toBeTruthy();
  });

  it('ends with the manager PIN: a wrong PIN is shown and ends nothing; then the snapshot and history show it', async () => {
    const { fake, state } = mainWithShifts();
    state.current = shift({ totals: totals('12.34') });
    renderScreen(fake);
    fireEvent.click(await screen.findByTestId('shift-end-open'));
    expect((await screen.findByTestId('shift-confirm-net')).textContent).toBe('¥12.34');
    fireEvent.change(screen.getByTestId('shift-next'), { target: { value: '李四' } });
    fireEvent.click(screen.getByTestId('shift-end-confirm'));
    const pin = await screen.findByTestId('pin-prompt-input');
    fireEvent.change(pin, { target: { value: '999999' } });
    press(pin, 'Enter');
    expect((await screen.findByTestId('pin-prompt-error')).textContent).toContain('店长密码不对');
    expect(state.current?.id).toBe('S1');
    expect(state.history).toHaveLength(0);
    fireEvent.change(screen.getByTestId('pin-prompt-input'), { target: { value: '123456' } });
    press(screen.getByTestId('pin-prompt-input'), 'Enter');
    expect((await screen.findByTestId('shift-snapshot-net')).textContent).toBe('¥12.34');
    expect(endCalls(fake).at(-1)).toEqual({ id: 'S1', pin: '123456', nextCashier: '李四' });
    expect((await screen.findByTestId('shift-current-cashier')).textContent).toBe('李四');
    const row = await screen.findByTestId('shift-row');
    expect(within(row).getByTestId('shift-row-net').textContent).toBe('¥12.34');
    fireEvent.click(row);
    expect((await screen.findByTestId('shift-detail-S1-net')).textContent).toBe('¥12.34');
  });

  it('a double click on 确认交班 sends one shift.end; main’s SHIFT_ALREADY_ENDED is shown in words', async () => {
    const { fake, state } = mainWithShifts();
    fake.handle('shift.end', async (input) => {
      await new Promise((r) => setTimeout(r, 30));
      if (!state.current)
        return {
          ok: false,
          error: { code: 'SHIFT_ALREADY_ENDED', message: `班次 ${input.id} 已经交班，不能再次交班 / Shift ${input.id} has already been ended` },
        };
      const ended = { ...state.current, endedAt: Date.now(), endedBy: '张三', authorization: 'none' as const };
      state.current = null;
      state.history = [ended];
      return { ok: true, value: { ended, next: null } };
    });
    state.current = shift({ totals: totals('5.00') });
    renderScreen(fake);
    fireEvent.click(await screen.findByTestId('shift-end-open'));
    const ok = await screen.findByTestId('shift-end-confirm');
    fireEvent.click(ok);
    fireEvent.click(ok);
    await screen.findByTestId('shift-snapshot-net');
    expect(endCalls(fake)).toHaveLength(1);

    // Another console ended it meanwhile: the answer is shown, not swallowed.
    state.current = shift({ id: 'S9' });
    fake.handle('shift.end', (input) => ({
      ok: false,
      error: { code: 'SHIFT_ALREADY_ENDED', message: `班次 ${input.id} 已经交班，不能再次交班 / Shift ${input.id} has already been ended` },
    }));
    act(() => fake.emit('order.updated', orderDto({ status: 'PAID' })));
    fireEvent.click(await screen.findByTestId('shift-end-open', {}, { timeout: 2000 }));
    fireEvent.click(await screen.findByTestId('shift-end-confirm'));
    expect((await screen.findByTestId('shift-end-error')).textContent).toBe('班次 S9 已经交班，不能再次交班');
  });

  it('打印交班小票 sends the shift’s slip to the printer (receipt paper width, 实收 in yuan)', async () => {
    const { fake, state } = mainWithShifts();
    state.history = [shift({ endedAt: Date.parse('2026-12-01T16:00:00Z'), endedBy: '张三', authorization: 'none', totals: totals('12.34', 2) })];
    const printed: ReceiptJob[] = [];
    const bridge: PrinterBridge = {
      printReceipt: vi.fn(async (job: ReceiptJob) => (printed.push(job), { ok: true as const, value: { deviceName: 'TM' } })),
      saveReceiptPdf: vi.fn(async () => ({ ok: true as const, value: null })),
    };
    window.paydeskPrinter = bridge;
    renderScreen(fake);
    fireEvent.click(await screen.findByTestId('shift-row'));
    const detail = await screen.findByTestId('shift-row-detail');
    fireEvent.click(within(detail).getByTestId('shift-print'));
    await waitFor(() => expect(printed).toHaveLength(1));
    expect(printed[0]?.name).toBe('shift-S1');
    expect(printed[0]?.paperWidth).toBe('58mm');
    expect(printed[0]?.html).toContain('交班小票');
    expect(printed[0]?.html).toContain('¥12.34');
    expect(printed[0]?.html).toContain('张三');
  });

  it('the header shows the cashier on duty, and follows a start on the 交班 tab', async () => {
    const { fake } = mainWithShifts();
    fake.handle('status.get', () => ({ ok: true, value: STATUS }));
    fake.handle('settings.get', () => ({ ok: true, value: SETTINGS }));
    fake.handle('orders.list', () => ({ ok: true, value: { items: [], nextCursor: null } }));
    renderWithConsole(<ConsoleApp api={fake.api} />, { fake });
    await waitFor(() => expect(document.querySelector('[data-app-state="ready"]')).not.toBeNull());
    await waitFor(() => expect(screen.getByTestId('duty-badge').textContent).toBe('未开班'), { timeout: 5000 });
    fireEvent.click(screen.getByTestId('tab-shift'));
    fireEvent.change(await screen.findByTestId('shift-cashier', {}, { timeout: 5000 }), { target: { value: '王五' } });
    fireEvent.click(screen.getByTestId('shift-start'));
    await waitFor(() => expect(screen.getByTestId('duty-badge').textContent).toBe('当班：王五'), { timeout: 5000 });
  });
});
