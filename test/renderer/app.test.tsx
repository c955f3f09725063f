import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/src/app';
import { resetAnnouncements } from '../../src/renderer/src/ui/lib/voice';
import type { OrderDto, StatusDto } from '../../src/shared/contract';
import { createFakeApi } from './fake-api';
import { waitingOrderDto } from './fixtures';
import { SETTINGS } from './ui/setup';

afterEach(cleanup);
beforeEach(resetAnnouncements);

const STATUS: StatusDto = {
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

function order(patch: Partial<OrderDto> = {}): OrderDto {
  return waitingOrderDto({ expiresAt: Date.now() + 5 * 60_000, ...patch });
}

function scripted(): ReturnType<typeof createFakeApi> {
  const fake = createFakeApi();
  fake.handle('status.get', () => ({ ok: true, value: STATUS }));
  fake.handle('settings.get', () => ({ ok: true, value: SETTINGS }));
  fake.handle('orders.list', () => ({ ok: true, value: { items: [], nextCursor: null } }));
  return fake;
}

describe('App (the counter console)', () => {
  it('renders the title and signals readiness once status.get answered', async () => {
    const fake = scripted();
    const { container } = render(<App api={fake.api} />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('PayDesk 收银台');
    await waitFor(() => expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull());
    expect(screen.getByTestId('provider-mode').textContent).toMatch(/演示/);
  });

  it('shows why it cannot start', async () => {
    const fake = createFakeApi();
    fake.handle('status.get', () => ({ ok: false, error: { code: 'NETWORK', message: '无法连接 / Cannot connect' } }));
    const { container } = render(<App api={fake.api} />);
    await waitFor(() => expect(container.querySelector('[data-app-state="error"]')).not.toBeNull());
    expect(screen.getByTestId('app-error').textContent).toBe('无法连接');
  });

  it('charges, shows the QR, flips to 已支付 on the pushed event, ignores other orders and stale events', async () => {
    const fake = scripted();
    fake.handle('status.get', () => ({ ok: true, value: { ...STATUS, warnings: ['注意 / Careful'] } }));
    fake.handle('orders.create', () => ({ ok: true, value: order() }));
    render(<App api={fake.api} />);
    await screen.findByTestId('amount-input');
    await waitFor(() => expect(screen.getByTestId('warnings').textContent).toContain('注意'));

    fireEvent.change(screen.getByTestId('amount-input'), { target: { value: '12.34' } });
    fireEvent.click(screen.getByTestId('charge-button'));
    await screen.findByTestId('order-qr');
    expect(fake.calls.find((c) => c.channel === 'orders.create')?.input).toEqual({ amount: '12.34', method: 'qr' });
    expect(screen.getByTestId<HTMLImageElement>('order-qr').src).toMatch(/^data:image\/svg\+xml/);
    expect(screen.getByTestId('order-id').textContent).toBe('PD000001');
    expect(screen.getByTestId('order-amount').textContent).toBe('¥12.34');
    expect(screen.getByTestId('order-status').textContent).toBe('等待付款');

    act(() => fake.emit('order.updated', order({ id: 'OTHER', status: 'PAID' })));
    expect(screen.getByTestId('order-status').textContent).toBe('等待付款');
    act(() => fake.emit('order.updated', order({ status: 'PAID', paidAt: Date.now(), refundable: '12.34' })));
    expect(screen.getByTestId('order-status').textContent).toBe('已支付');
    expect(screen.queryByTestId('order-qr')).toBeNull();
    // a stale snapshot (still waiting) arriving late does not move the order back
    act(() => fake.emit('order.updated', order()));
    expect(screen.getByTestId('order-status').textContent).toBe('已支付');
  });

  it('shows API errors in words, in the current language', async () => {
    const fake = scripted();
    fake.handle('orders.create', () => ({ ok: false, error: { code: 'PROVIDER_ERROR', message: '支付宝暂时无法处理 / Alipay is busy' } }));
    render(<App api={fake.api} />);
    fireEvent.change(await screen.findByTestId('amount-input'), { target: { value: '1.23' } });
    fireEvent.click(screen.getByTestId('charge-button'));
    const error = await screen.findByTestId('error');
    expect(error.textContent).toBe('支付宝暂时无法处理');
    expect(error.getAttribute('data-code')).toBe('PROVIDER_ERROR');
  });

  it('unsubscribes from events when unmounted', async () => {
    const fake = scripted();
    const view = render(<App api={fake.api} />);
    await screen.findByTestId('amount-input');
    expect(fake.listenerCount('order.updated')).toBeGreaterThan(0);
    expect(fake.listenerCount('status.changed')).toBe(1);
    view.unmount();
    expect(fake.listenerCount('order.updated')).toBe(0);
    expect(fake.listenerCount('refund.updated')).toBe(0);
    expect(fake.listenerCount('status.changed')).toBe(0);
  });
});
