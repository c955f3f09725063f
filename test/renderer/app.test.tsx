import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/src/app';
import type { OrderDto, StatusDto } from '../../src/shared/contract';
import { createFakeApi } from './fake-api';

afterEach(cleanup);

const STATUS: StatusDto = {
  providerMode: 'demo',
  emulatorUrl: 'http://127.0.0.1:1',
  notify: { mode: 'loopback', url: 'http://127.0.0.1:2/notify/alipay', reachability: 'reachable', detail: null },
  lastNotificationAt: null,
  warnings: [],
};

function order(patch: Partial<OrderDto> = {}): OrderDto {
  return {
    id: 'PD000001',
    method: 'qr',
    status: 'AWAITING_PAYMENT',
    amount: '12.34',
    refunded: '0.00',
    refundable: '0.00',
    subject: 'PayDesk',
    qrCode: 'http://127.0.0.1:1/qr/abc',
    payUrl: null,
    tradeNo: null,
    buyerLogonId: null,
    createdAt: 1,
    paidAt: null,
    expiresAt: null,
    closedAt: null,
    userPaying: false,
    message: null,
    refunds: [],
    ...patch,
  };
}

describe('App', () => {
  it('renders the title and signals readiness once status.get answered', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: true, value: STATUS }));
    const { container } = render(<App api={fake.api} />);
    expect(screen.getByRole('heading').textContent).toBe('PayDesk 收银台');
    await waitFor(() => expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull());
    expect(screen.getByTestId('provider-mode').textContent).toMatch(/演示/);
  });

  it('shows why it cannot start', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: false, error: { code: 'NETWORK', message: '无法连接 / Cannot connect' } }));
    const { container } = render(<App api={fake.api} />);
    await waitFor(() => expect(container.querySelector('[data-app-state="error"]')).not.toBeNull());
    expect(screen.getByTestId('app-error').textContent).toBe('无法连接 / Cannot connect');
  });

  it('charges, shows the QR, flips to 已支付 on the pushed event, refunds to 部分退款', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: true, value: { ...STATUS, warnings: ['注意 / Careful'] } }));
    fake.handle('orders.create', () => ({ ok: true, value: order() }));
    fake.handle('orders.refund', () => ({
      ok: true,
      value: order({ status: 'PARTIALLY_REFUNDED', refunded: '2.00', refundable: '10.34' }),
    }));
    render(<App api={fake.api} />);
    await screen.findByTestId('amount-input');
    expect(screen.getByTestId('warnings').textContent).toContain('注意 / Careful');

    fireEvent.change(screen.getByTestId('amount-input'), { target: { value: '12.34' } });
    fireEvent.click(screen.getByTestId('charge-button'));
    await screen.findByTestId('order-qr');
    expect(fake.calls.find((c) => c.channel === 'orders.create')?.input).toEqual({ amount: '12.34', method: 'qr' });
    expect((screen.getByTestId('order-qr') as HTMLImageElement).src).toMatch(/^data:image\/svg\+xml/);
    expect(screen.getByTestId('order-id').textContent).toBe('PD000001');
    expect(screen.getByTestId('order-amount').textContent).toBe('¥12.34');
    expect(screen.getByTestId('order-status').textContent).toBe('等待支付');

    // an update for another order is ignored
    act(() => fake.emit('order.updated', order({ id: 'OTHER', status: 'PAID' })));
    expect(screen.getByTestId('order-status').textContent).toBe('等待支付');
    act(() => fake.emit('order.updated', order({ status: 'PAID', refundable: '12.34' })));
    expect(screen.getByTestId('order-status').textContent).toBe('已支付');
    expect(screen.queryByTestId('order-qr')).toBeNull();

    fireEvent.change(screen.getByTestId('refund-amount-input'), { target: { value: '2.00' } });
    fireEvent.click(screen.getByTestId('refund-button'));
    await waitFor(() => expect(screen.getByTestId('order-status').textContent).toBe('部分退款'));
    expect(fake.calls.find((c) => c.channel === 'orders.refund')?.input).toEqual({ id: 'PD000001', amount: '2.00' });
    expect(screen.getByTestId('order-refunded').textContent).toBe('¥2.00');
    expect((screen.getByTestId('refund-amount-input') as HTMLInputElement).value).toBe('');

    // a stale event (PAID) arriving after the refund's answer does not move the order back
    act(() => fake.emit('order.updated', order({ status: 'PAID', refundable: '12.34' })));
    expect(screen.getByTestId('order-status').textContent).toBe('部分退款');
  });

  it('shows errors in words', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: true, value: STATUS }));
    fake.handle('orders.create', () => ({
      ok: false,
      error: { code: 'AMOUNT_FORMAT', message: '金额格式不正确 / Invalid amount' },
    }));
    render(<App api={fake.api} />);
    fireEvent.change(await screen.findByTestId('amount-input'), { target: { value: '1.234' } });
    fireEvent.click(screen.getByTestId('charge-button'));
    const error = await screen.findByTestId('error');
    expect(error.textContent).toBe('金额格式不正确 / Invalid amount');
    expect(error.getAttribute('data-code')).toBe('AMOUNT_FORMAT');
  });

  it('unsubscribes from events when unmounted', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: true, value: STATUS }));
    const view = render(<App api={fake.api} />);
    await screen.findByTestId('amount-input');
    expect(fake.listenerCount('order.updated')).toBe(1);
    expect(fake.listenerCount('status.changed')).toBe(1);
    view.unmount();
    expect(fake.listenerCount('order.updated')).toBe(0);
    expect(fake.listenerCount('status.changed')).toBe(0);
  });
});
