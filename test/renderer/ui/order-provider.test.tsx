/** The provider that carries an order is shown beside its method: by name when known, else its id as it is. */
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderDrawer } from '../../../src/renderer/src/ui/screens/order-drawer';
import { OrderPanel } from '../../../src/renderer/src/ui/screens/order-panel';
import { OrdersScreen } from '../../../src/renderer/src/ui/screens/orders-screen';
import { createFakeApi } from '../fake-api';
import { orderDetailDto, orderDto, waitingOrderDto } from '../fixtures';
import { renderWithConsole } from './setup';

afterEach(cleanup);

describe('order provider', () => {
  it('the list names Alipay 支付宝 and shows an unknown provider id as it is, beside the method', async () => {
    const fake = createFakeApi();
    fake.handle('orders.list', () => ({
      ok: true,
      value: {
        items: [orderDto({ id: 'PDA', provider: 'alipay', method: 'qr' }), orderDto({ id: 'PDT', provider: 'toypay', method: 'code' })],
        nextCursor: null,
      },
    }));
    renderWithConsole(<OrdersScreen active />, { fake });
    await waitFor(() => expect(screen.getAllByTestId('row-method')).toHaveLength(2));
    expect(screen.getAllByTestId('row-method').map((e) => e.textContent)).toEqual(['支付宝 · 扫码收款', 'toypay · 付款码']);
  });

  it('in English too, and in the order drawer and at the counter', async () => {
    const fake = createFakeApi();
    fake.handle('orders.get', () => ({ ok: true, value: orderDetailDto({ id: 'PDT', provider: 'toypay' }) }));
    renderWithConsole(<OrderDrawer orderId="PDT" onClose={() => undefined} />, { fake, language: 'en' });
    expect((await screen.findByTestId('detail-provider')).textContent).toBe('toypay');
    cleanup();

    renderWithConsole(<OrderPanel order={waitingOrderDto({ provider: 'alipay' })} onCancel={() => undefined} onNext={() => undefined} cancelling={false} />, {
      language: 'en',
    });
    expect(screen.getByTestId('order-provider').textContent).toBe('Alipay');
  });
});
