import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OrdersScreen } from '../../../src/renderer/src/ui/screens/orders-screen';
import type { OrderDetailDto, OrderDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { orderDetailDto, orderDto } from '../fixtures';
import { renderWithConsole } from './setup';

afterEach(cleanup);

function order(n: number, patch: Partial<OrderDto> = {}): OrderDto {
  return orderDto({
    id: `PD${String(n).padStart(6, '0')}`,
    tradeNo: `2026${n}`,
    buyerLogonId: 'buyer@example.com',
    createdAt: Date.now() - n * 1000,
    paidAt: Date.now() - n * 1000,
    ...patch,
  });
}

describe('<OrdersScreen>', () => {
  it('pages with the cursor, takes live updates, filters and searches through orders.list', async () => {
    const fake = createFakeApi();
    fake.handle('orders.list', (input) =>
      input.cursor === 'c1'
        ? { ok: true, value: { items: [order(3)], nextCursor: null } }
        : { ok: true, value: { items: input.q ? [order(2)] : [order(1), order(2)], nextCursor: input.q ? null : 'c1' } },
    );
    renderWithConsole(<OrdersScreen active />, { fake });
    await waitFor(() => expect(screen.getAllByTestId('order-row')).toHaveLength(2));
    fireEvent.click(screen.getByTestId('orders-more'));
    await waitFor(() => expect(screen.getAllByTestId('order-row')).toHaveLength(3));
    expect(fake.calls.filter((c) => c.channel === 'orders.list').at(-1)?.input).toMatchObject({ cursor: 'c1', limit: 50 });

    act(() => fake.emit('order.updated', order(9, { id: 'PDNEW', status: 'AWAITING_PAYMENT', refundable: '0.00' })));
    await waitFor(() => expect(screen.getAllByTestId('order-row')).toHaveLength(4));
    act(() => fake.emit('order.updated', order(1, { status: 'PARTIALLY_REFUNDED', refunded: '2.00', refundable: '8.00' })));
    await waitFor(() => expect(screen.getAllByTestId('order-row').find((r) => r.dataset.orderId === 'PD000001')?.dataset.status).toBe('PARTIALLY_REFUNDED'));

    const search = within(screen.getByTestId('orders-search')).getByRole<HTMLInputElement>('searchbox');
    fireEvent.change(search, { target: { value: 'PD000002' } });
    fireEvent.keyDown(search, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(screen.getAllByTestId('order-row')).toHaveLength(1));
    expect(fake.calls.filter((c) => c.channel === 'orders.list').at(-1)?.input).toEqual({ limit: 50, q: 'PD000002' });
  });

  it('shows the empty and the error state', async () => {
    const fake = createFakeApi();
    let fail = false;
    fake.handle('orders.list', () =>
      fail ? { ok: false, error: { code: 'DB', message: '数据库忙 / Database busy' } } : { ok: true, value: { items: [], nextCursor: null } },
    );
    renderWithConsole(<OrdersScreen active />, { fake });
    await screen.findByTestId('orders-empty');
    fail = true;
    fireEvent.click(screen.getByTestId('orders-reset'));
    await waitFor(() => expect(screen.getByTestId('orders-error').textContent).toContain('数据库忙'));
  });

  it('row → drawer with the timeline; a refund in UNKNOWN shows 处理中 and settles by itself', async () => {
    const fake = createFakeApi();
    const base = order(1);
    let detail: OrderDetailDto = orderDetailDto({
      ...base,
      refundable: '7.00',
      refunds: [{ id: 'R1', orderId: base.id, amount: '3.00', reason: null, status: 'UNKNOWN', createdAt: Date.now(), settledAt: null, message: null }],
      events: [
        { id: 1, source: 'user', kind: 'created', payload: {}, at: Date.now() - 5000 },
        { id: 2, source: 'notify', kind: 'paid', payload: {}, at: Date.now() - 4000 },
      ],
    });
    fake.handle('orders.list', () => ({ ok: true, value: { items: [base], nextCursor: null } }));
    fake.handle('orders.get', () => ({ ok: true, value: detail }));
    renderWithConsole(<OrdersScreen active />, { fake });
    fireEvent.click(await screen.findByTestId('order-row'));
    await screen.findByTestId('order-detail');
    expect(screen.getAllByTestId('timeline-event').map((e) => e.textContent)).toEqual([
      expect.stringMatching(/^收银员创建订单/),
      expect.stringMatching(/^支付宝通知支付成功/),
    ]);
    expect(screen.getByTestId('refund-status').textContent).toBe('处理中');
    expect(screen.getByTestId<HTMLInputElement>('refund-amount-input').value).toBe('7.00');
    detail = {
      ...detail,
      status: 'PARTIALLY_REFUNDED',
      refunded: '3.00',
      refunds: [{ ...detail.refunds[0]!, status: 'SUCCESS', settledAt: Date.now() }],
      events: [...detail.events, { id: 3, source: 'poll', kind: 'refund_succeeded', payload: {}, at: Date.now() }],
    };
    act(() => fake.emit('refund.updated', detail.refunds[0]!));
    await waitFor(() => expect(screen.getByTestId('refund-status').textContent).toBe('退款成功'));
    expect(screen.getByTestId('detail-status').textContent).toBe('部分退款');
  });
});
