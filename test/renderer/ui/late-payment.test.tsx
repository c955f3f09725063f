import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useEffect } from 'react';
import { useAnnounce } from '../../../src/renderer/src/ui/hooks/use-announce';
import { onAnnounce, resetAnnouncements } from '../../../src/renderer/src/ui/lib/voice';
import { OrderDrawer } from '../../../src/renderer/src/ui/screens/order-drawer';
import type { OrderDetailDto, OrderDto } from '../../../src/shared/contract';
import { createFakeApi } from '../fake-api';
import { orderDetailDto } from '../fixtures';
import { renderWithConsole } from './setup';

afterEach(() => {
  cleanup();
  resetAnnouncements();
});

function latePaid(patch: Partial<OrderDetailDto> = {}): OrderDetailDto {
  const now = Date.now();
  return orderDetailDto({
    id: 'PD20261201LATE',
    amount: '66.00',
    refundable: '66.00',
    tradeNo: '2026120122001000000000000001',
    buyerLogonId: '159******20',
    createdAt: now - 60_000,
    paidAt: now,
    expiresAt: now - 30_000,
    message: '⚠ 已取消的订单收到了付款（以支付宝为准）：请与顾客核对，不需要的请退款 / Paid AFTER it was cancelled',
    latePayment: 'after_cancel',
    events: [
      { id: 1, source: 'user', kind: 'created', payload: {}, at: now - 60_000 },
      { id: 2, source: 'user', kind: 'cancelled', payload: { local: true }, at: now - 50_000 },
      { id: 3, source: 'poll', kind: 'paid_after_cancel', payload: {}, at: now },
    ],
    ...patch,
  });
}

describe('an order paid after it was cancelled', () => {
  it('the drawer says so first and refunds the whole amount in one click', async () => {
    const fake = createFakeApi();
    let detail = latePaid();
    fake.handle('orders.get', () => ({ ok: true, value: detail }));
    fake.handle('orders.refund', (input) => {
      detail = { ...detail, status: 'REFUNDED', refunded: input.amount, refundable: '0.00' };
      return { ok: true, value: detail };
    });
    renderWithConsole(<OrderDrawer orderId="PD20261201LATE" onClose={() => undefined} />, { fake });
    const alert = await screen.findByTestId('late-payment');
    expect(alert.textContent).toContain('这笔订单已取消，顾客仍然付了 66.00 元');
    expect(screen.getAllByTestId('timeline-event').at(-1)?.textContent).toContain('取消后收到付款');
    fireEvent.click(screen.getByTestId('late-refund'));
    await waitFor(() => expect(screen.queryByTestId('late-payment')).toBeNull());
    expect(fake.calls.filter((c) => c.channel === 'orders.refund').map((c) => c.input)).toEqual([
      { id: 'PD20261201LATE', amount: '66.00', reason: '订单取消后收到的付款' },
    ]);
  });

  it('an ordinary paid order shows no such warning', async () => {
    const fake = createFakeApi();
    fake.handle('orders.get', () => ({ ok: true, value: latePaid({ latePayment: null, message: null }) }));
    renderWithConsole(<OrderDrawer orderId="PD20261201LATE" onClose={() => undefined} />, { fake });
    await screen.findByTestId('order-detail');
    expect(screen.queryByTestId('late-payment')).toBeNull();
  });

  it('the voice says it is a cancelled order that was paid, not an ordinary sale', async () => {
    const heard: string[] = [];
    const off = onAnnounce((text) => heard.push(text));
    let announce: ((o: OrderDto) => void) | null = null;
    function Probe(): null {
      const a = useAnnounce();
      useEffect(() => {
        announce = a;
      }, [a]);
      return null;
    }
    renderWithConsole(<Probe />);
    await waitFor(() => expect(announce).not.toBeNull());
    act(() => announce?.(latePaid()));
    act(() => announce?.(latePaid({ id: 'PD2', latePayment: null, amount: '5.00' })));
    off();
    expect(heard).toEqual(['注意！已取消的订单收到付款 66.00 元，请核对', '支付宝收款 5.00 元']);
  });
});
