/**
 * Counter safety in the whole console (jsdom): scans recognised by rhythm wherever the focus is, the
 * confirmation above the threshold, the maximum, focus, Esc on a waiting order, the restored waiting
 * order and the payment toast on every screen. Bursts are fired back to back (0 ms apart, a USB
 * scanner); people type with pauses longer than the (lowered) gap.
 */
import { act, cleanup, createEvent, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleApp } from '../../../src/renderer/src/ui/console-app';
import { resetAnnouncements } from '../../../src/renderer/src/ui/lib/voice';
import type { OrderDto } from '../../../src/shared/contract';
import { createFakeApi, type FakeApi } from '../fake-api';
import { waitingOrderDto } from '../fixtures';
import { SETTINGS, STATUS } from './setup';

vi.setConfig({ testTimeout: 30_000 }); // a whole console per test: slow on a loaded CI machine
afterEach(cleanup);
beforeEach(resetAnnouncements);

const GAP = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function order(patch: Partial<OrderDto> = {}): OrderDto {
  return waitingOrderDto({ amount: '12.00', ...patch });
}

function scripted(waiting: OrderDto[] = []): FakeApi {
  const fake = createFakeApi();
  fake.handle('status.get', () => ({ ok: true, value: STATUS }));
  fake.handle('settings.get', () => ({ ok: true, value: { ...SETTINGS, scanMaxGapMs: GAP } }));
  fake.handle('orders.list', (q) => ({ ok: true, value: { items: q.status === 'AWAITING_PAYMENT' ? waiting : [], nextCursor: null } }));
  fake.handle('orders.create', (input) => ({ ok: true, value: order({ amount: input.amount, method: input.method }) }));
  fake.handle('orders.cancel', () => ({ ok: true, value: order({ status: 'CLOSED', closedAt: Date.now() }) }));
  return fake;
}

async function ready(fake: FakeApi): Promise<void> {
  const { container } = render(<ConsoleApp api={fake.api} />);
  await waitFor(() => expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull());
  await waitFor(() => expect(fake.calls.some((c) => c.channel === 'settings.get')).toBe(true));
  await act(() => sleep(0));
}

/**
 * A USB scanner: every key 4 ms after the last, then the suffix, on whatever has the focus. Each key
 * event carries the time the hardware sent it (KeyboardEvent.timeStamp, which the detector reads), so
 * a page busy re-rendering between keys, as jsdom on a loaded machine is, handles them late but still
 * sees a scanner's rhythm, as a real browser does.
 */
function burst(code: string, suffix: 'Enter' | 'Tab' | null = 'Enter'): void {
  const target = () => document.activeElement ?? document.body;
  const t0 = performance.now();
  const keys = suffix ? [...code, suffix] : [...code];
  keys.forEach((key, i) => {
    const el = target();
    const event = createEvent.keyDown(el, { key });
    Object.defineProperty(event, 'timeStamp', { value: t0 + i * 4 });
    fireEvent(el, event);
  });
}

/** A person: one key, then a pause longer than the gap. */
async function type(text: string): Promise<void> {
  for (const key of text) {
    fireEvent.keyDown(document.activeElement ?? document.body, { key });
    await act(() => sleep(GAP + 30));
  }
}

const amount = () => screen.getByTestId<HTMLInputElement>('amount-input');
const creates = (fake: FakeApi) => fake.calls.filter((c) => c.channel === 'orders.create').map((c) => c.input);

describe('scanner input on 收款', () => {
  it('a scan after a typed amount charges exactly that amount by 付款码, on the 扫码收款 tab too; the code never becomes an amount', async () => {
    const fake = scripted();
    await ready(fake);
    await type('12');
    expect(amount().value).toBe('12');
    burst('281000000000000001');
    expect(amount().value).toBe('12');
    await waitFor(() => expect(creates(fake)).toEqual([{ amount: '12.00', method: 'code', authCode: '281000000000000001' }]));
  });

  it('a scan with no amount keeps the code and asks for the amount; Enter then charges with it', async () => {
    const fake = scripted();
    await ready(fake);
    burst('282000000000000002');
    expect(await screen.findByTestId('kept-code')).toBeTruthy();
    expect(screen.getByTestId('kept-code').textContent).toContain('2820…0002');
    expect(amount().value).toBe('');
    expect(creates(fake)).toEqual([]);
    expect(document.activeElement).toBe(amount());
    await type('8');
    fireEvent.keyDown(amount(), { key: 'Enter' });
    await waitFor(() => expect(creates(fake)).toEqual([{ amount: '8.00', method: 'code', authCode: '282000000000000002' }]));
  });

  it("a WeChat Pay 付款码 (18 digits starting 13) is a scan that reaches main; main's refusal is shown in words", async () => {
    const fake = scripted();
    const refusal =
      '这是微信支付付款码，但微信支付尚未设置，无法收款；请顾客改用支付宝付款码，或改用扫码收款 / This is a WeChat Pay payment code, but WeChat Pay is not set up yet';
    fake.handle('orders.create', () => ({ ok: false, error: { code: 'PROVIDER_NOT_CONFIGURED', message: refusal } }));
    await ready(fake);
    await type('12');
    burst('134567890123456789');
    expect(amount().value).toBe('12');
    await waitFor(() => expect(creates(fake)).toEqual([{ amount: '12.00', method: 'code', authCode: '134567890123456789' }]));
    const shown = await screen.findByTestId('error');
    expect(shown.getAttribute('data-code')).toBe('PROVIDER_NOT_CONFIGURED');
    expect(shown.textContent).toContain('微信支付尚未设置');
  });

  it('a burst of 18 digits with a prefix no provider issues is dropped with a word, never sent', async () => {
    const fake = scripted();
    await ready(fake);
    burst('161234567890123456');
    expect(await screen.findByTestId('scan-toast')).toBeTruthy();
    expect(screen.getByTestId('scan-toast').textContent).toContain('18');
    expect(amount().value).toBe('');
    expect(creates(fake)).toEqual([]);
  });

  it('a burst that is not a 付款码 (a product barcode) is dropped with a word, never typed', async () => {
    const fake = scripted();
    await ready(fake);
    burst('6901234567892');
    expect(await screen.findByTestId('scan-toast')).toBeTruthy();
    expect(screen.getByTestId('scan-toast').textContent).toContain('13');
    expect(amount().value).toBe('');
    expect(creates(fake)).toEqual([]);
  });

  it('a scan on another screen switches to 收款 and keeps the code; the search field gets nothing', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.click(screen.getByTestId('tab-orders'));
    burst('281000000000000001');
    expect(await screen.findByTestId('kept-code')).toBeTruthy();
    expect(creates(fake)).toEqual([]);
  });
});

describe('scanner input in other fields', () => {
  it('digits a person types into a text field still arrive there, in order; a scan into it leaves it untouched', async () => {
    const fake = scripted();
    await ready(fake);
    const note = screen.getByTestId<HTMLInputElement>('note-input');
    note.focus();
    await type('2');
    expect(note.value).toBe('2');
    await type('34');
    expect(note.value).toBe('234');
    burst('281000000000000001');
    await waitFor(() => expect(screen.getByTestId('kept-code')).toBeTruthy());
    expect(note.value).toBe('234');
    expect(amount().value).toBe('');
  });
});

describe('confirmation above the threshold (¥500 here) and the maximum (¥5,000)', () => {
  it('shows the amount large and in 大写; Enter alone does not pass; Ctrl+Enter does', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.change(amount(), { target: { value: '1234.56' } });
    fireEvent.keyDown(amount(), { key: 'Enter' });
    expect((await screen.findByTestId('confirm-amount')).textContent).toBe('¥1234.56');
    expect(screen.getByTestId('confirm-capital').textContent).toBe('壹仟贰佰叁拾肆元伍角陆分');
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    fireEvent.keyDown(screen.getByTestId('confirm-ok'), { key: 'Enter' });
    await act(() => sleep(GAP + 20));
    expect(creates(fake)).toEqual([]);
    expect(screen.getByTestId('confirm-enter-hint').getAttribute('data-nudged')).not.toBe('0');
    fireEvent.keyDown(screen.getByTestId('confirm-sale'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(creates(fake)).toEqual([{ amount: '1234.56', method: 'qr' }]));
  });

  it('Esc goes back to the amount, focused; a scan while the dialog is open is refused and changes nothing', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.change(amount(), { target: { value: '600' } });
    fireEvent.click(screen.getByTestId('charge-button'));
    await screen.findByTestId('confirm-sale');
    burst('281000000000000001');
    expect(await screen.findByTestId('scan-toast')).toBeTruthy();
    expect(screen.getByTestId('scan-toast').textContent).toMatch(/对话框/);
    expect(screen.getByTestId('confirm-sale')).toBeTruthy();
    expect(creates(fake)).toEqual([]);
    fireEvent.keyDown(screen.getByTestId('confirm-sale'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('confirm-sale')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(amount()));
    expect(amount().value).toBe('600');
    expect(creates(fake)).toEqual([]);
  });

  it('at or under the threshold there is no dialog; over the maximum is refused before the API, focus stays on the amount', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.change(amount(), { target: { value: '5000.01' } });
    fireEvent.keyDown(amount(), { key: 'Enter' });
    expect((await screen.findByTestId('error')).getAttribute('data-code')).toBe('AMOUNT_OVER_LIMIT');
    expect(screen.getByTestId('error').textContent).toContain('5000.00');
    expect(creates(fake)).toEqual([]);
    expect(document.activeElement).toBe(amount());
    fireEvent.change(amount(), { target: { value: '500' } });
    fireEvent.keyDown(amount(), { key: 'Enter' });
    await waitFor(() => expect(creates(fake)).toEqual([{ amount: '500.00', method: 'qr' }]));
    expect(screen.queryByTestId('confirm-sale')).toBeNull();
  });
});

describe('focus, Esc, reload, payment toast', () => {
  it('a click on a method tab leaves the focus on the amount', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.mouseDown(screen.getByTestId('method-link'));
    fireEvent.click(screen.getByTestId('method-link'));
    await waitFor(() => expect(document.activeElement).toBe(amount()));
  });

  it('Esc on a waiting order asks first; a second Esc within 2 s cancels', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.change(amount(), { target: { value: '12' } });
    fireEvent.keyDown(amount(), { key: 'Enter' });
    await screen.findByTestId('countdown');
    fireEvent.keyDown(amount(), { key: 'Escape' });
    expect((await screen.findByTestId('checkout-notice')).textContent).toMatch(/再按一次 Esc/);
    expect(fake.calls.some((c) => c.channel === 'orders.cancel')).toBe(false);
    fireEvent.keyDown(amount(), { key: 'Escape' });
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'orders.cancel')).toBe(true));
  });

  it('after a reload the waiting order comes back with its QR and countdown', async () => {
    const fake = scripted([order({ id: 'PD-WAITING', amount: '33.00' })]);
    await ready(fake);
    expect((await screen.findByTestId('order-id')).textContent).toBe('PD-WAITING');
    expect(screen.getByTestId('countdown')).toBeTruthy();
    expect(screen.getByTestId('order-qr')).toBeTruthy();
    expect(screen.getByTestId('checkout-notice').getAttribute('data-key')).toBe('restored');
  });

  it('a payment shows a toast on any screen, once per trade', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.click(screen.getByTestId('tab-settings'));
    const paid = order({ id: 'PD-PAID', amount: '18.80', status: 'PAID', paidAt: Date.now() });
    act(() => fake.emit('order.updated', paid));
    act(() => fake.emit('order.updated', paid));
    await waitFor(() => expect(screen.getAllByTestId('paid-toast')).toHaveLength(1));
    expect(screen.getByTestId('paid-toast').textContent).toBe('收款成功 ¥18.80');
  });
});

describe('amount text is normalised', () => {
  it.each([
    ['￥１２.３４元', '12.34'],
    ['¥ 12.34', '12.34'],
    ['1,234.50', '1234.50'],
  ])('%j → %j', async (pasted, value) => {
    const fake = scripted();
    await ready(fake);
    fireEvent.change(amount(), { target: { value: pasted } });
    expect(amount().value).toBe(value);
  });

  it('ambiguous text is refused with the reason; the amount stays as it was', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.change(amount(), { target: { value: '8' } });
    fireEvent.change(amount(), { target: { value: '1,234.5.6' } });
    expect(screen.getByTestId('amount-error').textContent).toMatch(/多个小数点/);
    expect(amount().value).toBe('8');
    fireEvent.change(amount(), { target: { value: '12.345' } });
    expect(screen.getByTestId('amount-error').textContent).toMatch(/两位小数/);
  });
});

describe('the timeouts on the path', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a kept code expires after 30 s (then Enter makes a QR, not a 付款码 sale); a second Esc after 2 s only asks again', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const fake = scripted();
    await ready(fake);
    burst('282000000000000002');
    await screen.findByTestId('kept-code');
    await act(async () => {
      vi.advanceTimersByTime(30_500);
    });
    await waitFor(() => expect(screen.queryByTestId('kept-code')).toBeNull());
    expect(screen.getByTestId('checkout-notice').textContent).toMatch(/已过期/);
    fireEvent.change(amount(), { target: { value: '8' } });
    fireEvent.keyDown(amount(), { key: 'Enter' });
    await waitFor(() => expect(creates(fake)).toEqual([{ amount: '8.00', method: 'qr' }]));

    await screen.findByTestId('countdown');
    fireEvent.keyDown(amount(), { key: 'Escape' });
    await screen.findByTestId('checkout-notice');
    await act(async () => {
      vi.advanceTimersByTime(2_100);
    });
    await waitFor(() => expect(screen.queryByTestId('checkout-notice')).toBeNull());
    fireEvent.keyDown(amount(), { key: 'Escape' });
    expect((await screen.findByTestId('checkout-notice')).textContent).toMatch(/再按一次 Esc/);
    expect(fake.calls.some((c) => c.channel === 'orders.cancel')).toBe(false);
  });
});
