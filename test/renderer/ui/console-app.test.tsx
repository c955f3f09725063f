import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleApp } from '../../../src/renderer/src/ui/console-app';
import { resetAnnouncements } from '../../../src/renderer/src/ui/lib/voice';
import type { OrderDto } from '../../../src/shared/contract';
import { createFakeApi, type FakeApi } from '../fake-api';
import { waitingOrderDto } from '../fixtures';
import { SETTINGS, patchedSettings, STATUS } from './setup';

afterEach(cleanup);
beforeEach(resetAnnouncements);

function order(patch: Partial<OrderDto> = {}): OrderDto {
  return waitingOrderDto(patch);
}

function scripted(): FakeApi {
  const fake = createFakeApi();
  fake.handle('status.get', () => ({ ok: true, value: STATUS }));
  fake.handle('settings.get', () => ({ ok: true, value: SETTINGS }));
  fake.handle('settings.update', (input) => ({ ok: true, value: patchedSettings(SETTINGS, input) }));
  fake.handle('orders.list', () => ({ ok: true, value: { items: [], nextCursor: null } }));
  return fake;
}

async function ready(fake: FakeApi): Promise<HTMLElement> {
  const { container } = render(<ConsoleApp api={fake.api} />);
  await waitFor(() => expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull());
  return container;
}

describe('<ConsoleApp>', () => {
  it('gets ready in Chinese with its screens and the status bar', async () => {
    const fake = scripted();
    await ready(fake);
    expect(screen.getByTestId('tab-checkout').textContent).toBe('收款');
    expect(screen.getByTestId('tab-orders').textContent).toBe('订单');
    expect(screen.getByTestId('provider-mode').textContent).toBe('演示模式');
    expect(screen.getByTestId('connection').getAttribute('data-state')).toBe('online');
  });

  it('shows why it cannot start, in the current language', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: false, error: { code: 'NETWORK', message: '无法连接 / Cannot connect' } }));
    const { container } = render(<ConsoleApp api={fake.api} />);
    await waitFor(() => expect(container.querySelector('[data-app-state="error"]')).not.toBeNull());
    expect(screen.getByTestId('app-error').textContent).toBe('无法连接');
  });

  it('QR sale: Enter → QR; the pushed 已支付 announces once, even when notify and poll both report it', async () => {
    const fake = scripted();
    fake.handle('orders.create', (input) => ({ ok: true, value: order({ amount: input.amount }) }));
    await ready(fake);
    const input = screen.getByTestId('amount-input');
    for (const key of ['1', '2', '.', '3', '4', 'Enter']) fireEvent.keyDown(input, { key });
    await screen.findByTestId('order-qr');
    expect(fake.calls.find((c) => c.channel === 'orders.create')?.input).toEqual({ amount: '12.34', method: 'qr' });
    expect(screen.getByTestId('order-status').textContent).toBe('等待付款');
    expect(screen.getByTestId('simulate-scan')).toBeTruthy();
    const paid = order({ status: 'PAID', paidAt: Date.now(), refundable: '12.34' });
    act(() => fake.emit('order.updated', paid)); // notify
    act(() => fake.emit('order.updated', { ...paid })); // poll
    await waitFor(() => expect(screen.getByTestId('order-status').getAttribute('data-status')).toBe('PAID'));
    expect(screen.getByTestId('announcement').textContent).toBe('支付宝收款 12.34 元');
    expect(screen.getByTestId('announcement').getAttribute('data-count')).toBe('1');
    expect(screen.getByTestId<HTMLInputElement>('amount-input').value).toBe('');
  });

  it('付款码 sale: 用户支付中… while the buyer confirms, then 已支付', async () => {
    const fake = scripted();
    let finish: (o: OrderDto) => void = () => undefined;
    fake.handle('orders.create', () => new Promise((resolve) => (finish = (o) => resolve({ ok: true, value: o }))));
    await ready(fake);
    fireEvent.click(screen.getByTestId('method-code'));
    const input = screen.getByTestId('amount-input');
    for (const key of ['8', '.', '8', 'Enter']) fireEvent.keyDown(input, { key });
    const scan = screen.getByTestId<HTMLInputElement>('scan-input');
    await waitFor(() => expect(document.activeElement).toBe(scan));
    fireEvent.change(scan, { target: { value: '282000000000000002' } });
    fireEvent.keyDown(scan, { key: 'Enter' });
    await waitFor(() => expect(fake.calls.some((c) => c.channel === 'orders.create')).toBe(true));
    expect(fake.calls.find((c) => c.channel === 'orders.create')?.input).toEqual({ amount: '8.80', method: 'code', authCode: '282000000000000002' });
    act(() => fake.emit('order.updated', order({ id: 'PD2', method: 'code', amount: '8.80', qrCode: null, userPaying: true })));
    await waitFor(() => expect(screen.getByTestId('order-status').textContent).toBe('用户支付中…'));
    await act(async () => finish(order({ id: 'PD2', method: 'code', amount: '8.80', qrCode: null, status: 'PAID', paidAt: Date.now() })));
    await waitFor(() => expect(screen.getByTestId('order-status').getAttribute('data-status')).toBe('PAID'));
    expect(screen.getByTestId('announcement').textContent).toBe('支付宝收款 8.80 元');
  });

  it('refuses a bad amount before calling the API', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.change(screen.getByTestId('amount-input'), { target: { value: '1.234' } });
    fireEvent.click(screen.getByTestId('charge-button'));
    expect(screen.getByTestId('error').getAttribute('data-code')).toBe('AMOUNT_FORMAT');
    expect(screen.getByTestId('error').textContent).toMatch(/^金额格式不正确/);
    expect(fake.calls.some((c) => c.channel === 'orders.create')).toBe(false);
  });

  it('switches to English and saves the choice', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.click(screen.getByTestId('lang-switch'));
    await waitFor(() => expect(screen.getByTestId('tab-checkout').textContent).toBe('Checkout'));
    expect(screen.getByTestId('provider-mode').textContent).toBe('Demo');
    expect(fake.calls.find((c) => c.channel === 'settings.update')?.input).toEqual({ language: 'en' });
  });

  it('shows the offline banner when the service stops answering', async () => {
    const fake = scripted();
    fake.handle('orders.create', () => ({ ok: false, error: { code: 'NETWORK', message: '无法连接 PayDesk 服务 / Cannot reach the PayDesk service' } }));
    await ready(fake);
    fireEvent.change(screen.getByTestId('amount-input'), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('charge-button'));
    await screen.findByTestId('offline-banner');
    expect(screen.getByTestId('error').textContent).toBe('无法连接 PayDesk 服务');
    expect(screen.getByTestId('connection').getAttribute('data-state')).toBe('offline');
  });

  it('shows warnings from the status', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: true, value: { ...STATUS, warnings: ['支付通知不可达，已改为轮询 / Notify unreachable, polling instead'] } }));
    fake.handle('settings.get', () => ({ ok: true, value: SETTINGS }));
    await ready(fake);
    expect(screen.getByTestId('warnings').textContent).toContain('支付通知不可达，已改为轮询');
  });
});
