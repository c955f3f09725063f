/** The core's orders → the contract's OrderDto: the provider that carries the trade reaches the renderer. */
import { describe, expect, it } from 'vitest';
import { toOrderDetailDto, toOrderDto } from '../../src/main/console/dto';
import type { Order } from '../../src/main/domain';

function order(patch: Partial<Order> = {}): Order {
  return {
    id: 'PD0001',
    method: 'qr',
    status: 'PAID',
    amountFen: 1234,
    refundedFen: 0,
    subject: 'PayDesk',
    qrCode: 'https://qr.example/x',
    payUrl: null,
    tradeNo: '2026T1',
    buyerLogonId: null,
    notifyUrl: 'http://127.0.0.1:1/notify/alipay',
    createdAt: 1,
    paidAt: 2,
    expiresAt: null,
    closedAt: null,
    userPaying: false,
    message: null,
    latePayment: null,
    refunds: [],
    environment: 'sandbox',
    appId: '2021000000000001',
    provider: 'alipay',
    foreign: false,
    pairedWith: null,
    ...patch,
  };
}

describe('toOrderDto', () => {
  it('carries the order provider, whichever it is, in the list and in the detail', () => {
    expect(toOrderDto(order()).provider).toBe('alipay');
    expect(toOrderDto(order({ provider: 'wechat' }))).toMatchObject({ id: 'PD0001', provider: 'wechat', method: 'qr', amount: '12.34' });
    expect(toOrderDetailDto(order({ provider: 'toy' }), []).provider).toBe('toy');
  });

  it('never passes the notify URL through', () => {
    expect(JSON.stringify(toOrderDto(order()))).not.toContain('notify');
  });
});
