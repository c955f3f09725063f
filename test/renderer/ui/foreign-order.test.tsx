import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OrdersScreen } from '../../../src/renderer/src/ui/screens/orders-screen';
import type { OrderDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { orderDetailDto, orderDto } from '../fixtures';
import { renderWithConsole } from './setup';

afterEach(cleanup);

function order(id: string, patch: Partial<OrderDto> = {}): OrderDto {
  return orderDto({ id, tradeNo: `T${id}`, createdAt: Date.now() - 1000, paidAt: Date.now() - 1000, ...patch });
}

describe('orders of another environment or app', () => {
  it('are marked read-only in the list and the drawer, and the drawer offers no refund', async () => {
    const fake = createFakeApi();
    const prod = order('PDPROD', { environment: 'production', appId: '2021009900000001', foreign: true });
    const own = order('PDDEMO');
    fake.handle('orders.list', () => ({ ok: true, value: { items: [prod, own], nextCursor: null } }));
    fake.handle('orders.get', ({ id }) => ({ ok: true, value: orderDetailDto(id === prod.id ? prod : own) }));
    renderWithConsole(<OrdersScreen active />, { fake });

    const rows = await screen.findAllByTestId('order-row');
    const prodRow = rows.find((r) => r.dataset.orderId === 'PDPROD')!;
    const ownRow = rows.find((r) => r.dataset.orderId === 'PDDEMO')!;
    expect(within(prodRow).getByTestId('order-foreign').textContent).toBe('生产订单 · 只读');
    expect(within(ownRow).queryByTestId('order-foreign')).toBeNull();

    fireEvent.click(prodRow);
    const drawer = await screen.findByTestId('order-detail');
    expect(within(drawer).getByTestId('order-foreign').dataset.environment).toBe('production');
    expect(within(drawer).queryByTestId('refund-form')).toBeNull();
  });

  it('an own paid order still offers the refund form', async () => {
    const fake = createFakeApi();
    const own = order('PDDEMO');
    fake.handle('orders.list', () => ({ ok: true, value: { items: [own], nextCursor: null } }));
    fake.handle('orders.get', () => ({ ok: true, value: orderDetailDto(own) }));
    renderWithConsole(<OrdersScreen active />, { fake });
    fireEvent.click(await screen.findByTestId('order-row'));
    const drawer = await screen.findByTestId('order-detail');
    expect(within(drawer).getByTestId('refund-form')).toBeTruthy();
  });
});
