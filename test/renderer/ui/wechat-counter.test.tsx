/**
 * WeChat Pay at the counter (jsdom, the whole console): the QR picker 支付宝 / 微信 / 双码 (remembered,
 * unready providers disabled with their reason), each QR in its provider's colour with "请使用…扫码",
 * 模拟顾客扫码 through the order's customerUrl, 双码 (two QRs, one amount, one countdown, one cancel; the
 * first paid wins, the other shows 已关闭) and the voice by the paid order's provider.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleApp } from '../../../src/renderer/src/ui/console-app';
import { QR_CHOICE_KEY } from '../../../src/renderer/src/ui/lib/qr-choice';
import { resetAnnouncements } from '../../../src/renderer/src/ui/lib/voice';
import type { CreatedOrderDto, OrderDto, StatusDto } from '../../../src/shared/contract';
import { createFakeApi, type FakeApi } from '../fake-api';
import { waitingOrderDto } from '../fixtures';
import { SETTINGS, STATUS } from './setup';

vi.setConfig({ testTimeout: 30_000 }); // a whole console per test
afterEach(cleanup);
beforeEach(() => {
  resetAnnouncements();
  localStorage.clear();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WX_CUSTOMER = 'http://127.0.0.1:1/wechat/pay/WX1';

function alipayOrder(patch: Partial<OrderDto> = {}): OrderDto {
  return waitingOrderDto({ id: 'PDA1', provider: 'alipay', qrCode: 'https://qr.alipay.example/abc', customerUrl: 'http://127.0.0.1:1/pay/PDA1', ...patch });
}
function wechatOrder(patch: Partial<OrderDto> = {}): OrderDto {
  return waitingOrderDto({ id: 'PDW1', provider: 'wechat', qrCode: 'weixin://wxpay/bizpayurl?pr=abc', customerUrl: WX_CUSTOMER, ...patch });
}

function scripted(status: StatusDto = STATUS): FakeApi {
  const fake = createFakeApi();
  fake.handle('status.get', () => ({ ok: true, value: status }));
  fake.handle('settings.get', () => ({ ok: true, value: SETTINGS }));
  fake.handle('orders.list', () => ({ ok: true, value: { items: [], nextCursor: null } }));
  fake.handle('orders.create', (input): { ok: true; value: CreatedOrderDto } => {
    if (input.provider === 'wechat') return { ok: true, value: wechatOrder({ amount: input.amount }) };
    if (input.provider === 'dual') {
      return {
        ok: true,
        value: { ...alipayOrder({ amount: input.amount, pairedWith: 'PDW1' }), paired: wechatOrder({ amount: input.amount, pairedWith: 'PDA1' }) },
      };
    }
    return { ok: true, value: alipayOrder({ amount: input.amount }) };
  });
  return fake;
}

async function ready(fake: FakeApi): Promise<void> {
  const { container } = render(<ConsoleApp api={fake.api} />);
  await waitFor(() => expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull());
  await waitFor(() => expect(fake.calls.some((c) => c.channel === 'settings.get')).toBe(true));
  await act(() => sleep(0));
}

function charge(keys: string): void {
  const input = screen.getByTestId('amount-input');
  for (const key of [...keys, 'Enter']) fireEvent.keyDown(input, { key });
}

/** The radio input of a picker choice (antd Segmented: one radio per option). */
function choiceInput(choice: string): HTMLInputElement {
  const label = screen.getByTestId(`qr-choice-${choice}`).closest('label');
  const input = label?.querySelector('input');
  if (!input) throw new Error(`no radio for ${choice}`);
  return input;
}

const creates = (fake: FakeApi) => fake.calls.filter((c) => c.channel === 'orders.create').map((c) => c.input);

describe('the QR picker 支付宝 / 微信 / 双码', () => {
  it('offers the three choices beside the method tabs, keyboard-reachable radios; a click keeps the focus on the amount', async () => {
    const fake = scripted();
    await ready(fake);
    const picker = screen.getByTestId('qr-picker');
    expect(picker.getAttribute('data-choice')).toBe('alipay');
    expect(['alipay', 'wechat', 'dual'].map((c) => screen.getByTestId(`qr-choice-${c}`).querySelector('.pd-qr-choice-name')?.textContent)).toEqual([
      '支付宝',
      '微信',
      '双码',
    ]);
    expect(screen.getByTestId('qr-choice-dual').querySelectorAll('[data-testid="provider-logo"]')).toHaveLength(2);
    for (const c of ['alipay', 'wechat', 'dual']) {
      expect(choiceInput(c).type).toBe('radio');
      expect(choiceInput(c).disabled).toBe(false);
      expect(choiceInput(c).tabIndex).not.toBe(-1);
    }
    // a mouse press does not take the focus from the amount (the next digit still belongs there)
    const press = fireEvent.mouseDown(screen.getByTestId('qr-choice-wechat'));
    expect(press).toBe(false); // default prevented
    // the only picker is for QR sales: 付款码 routes by the code's prefix
    fireEvent.click(screen.getByTestId('method-code'));
    expect(screen.queryByTestId('qr-picker')).toBeNull();
  });

  it('微信 sends provider wechat and is remembered across a restart; 支付宝 (the default) sends none', async () => {
    const fake = scripted();
    await ready(fake);
    fireEvent.click(choiceInput('wechat'));
    await waitFor(() => expect(screen.getByTestId('qr-picker').getAttribute('data-choice')).toBe('wechat'));
    expect(localStorage.getItem(QR_CHOICE_KEY)).toBe('wechat');
    charge('12.34');
    await screen.findByTestId('order-qr');
    expect(creates(fake)).toEqual([{ amount: '12.34', method: 'qr', provider: 'wechat' }]);
    cleanup();

    const again = scripted();
    await ready(again);
    expect(screen.getByTestId('qr-picker').getAttribute('data-choice')).toBe('wechat');
    fireEvent.click(choiceInput('alipay'));
    await waitFor(() => expect(screen.getByTestId('qr-picker').getAttribute('data-choice')).toBe('alipay'));
    charge('5');
    await screen.findByTestId('order-qr');
    expect(creates(again)).toEqual([{ amount: '5.00', method: 'qr' }]);
  });

  it('a provider that is not ready is disabled with its reason; 双码 needs both; a remembered 微信 falls back to 支付宝 and says so', async () => {
    localStorage.setItem(QR_CHOICE_KEY, 'wechat');
    const reason = '微信支付密钥未配置 / WeChat Pay keys are missing';
    const fake = scripted({
      ...STATUS,
      providers: [
        { id: 'alipay', ready: true, reason: null },
        { id: 'wechat', ready: false, reason },
      ],
    });
    await ready(fake);
    expect(choiceInput('wechat').disabled).toBe(true);
    expect(choiceInput('dual').disabled).toBe(true);
    expect(choiceInput('alipay').disabled).toBe(false);
    expect(screen.getByTestId('qr-choice-wechat').getAttribute('title')).toBe('微信暂不可用：微信支付密钥未配置');
    expect(screen.getByTestId('qr-choice-dual').getAttribute('title')).toBe('双码需要支付宝和微信都可用 — 微信支付密钥未配置');
    expect(screen.getByTestId('qr-picker').getAttribute('data-choice')).toBe('alipay');
    const hint = screen.getByTestId('qr-picker-hint').textContent;
    expect(hint).toContain('上次选择的「微信」暂不可用，本次使用支付宝');
    expect(hint).toContain('微信暂不可用：微信支付密钥未配置');
    charge('3');
    await screen.findByTestId('order-qr');
    expect(creates(fake)).toEqual([{ amount: '3.00', method: 'qr' }]);
    expect(localStorage.getItem(QR_CHOICE_KEY)).toBe('wechat'); // remembered for when WeChat Pay is ready again
  });
});

describe('a 微信 QR', () => {
  it('shows WeChat green, its logo and 请使用微信扫码; 模拟顾客扫码 opens the order customerUrl; paid → 已支付 and "微信收款 12.34 元"', async () => {
    localStorage.setItem(QR_CHOICE_KEY, 'wechat');
    const fake = scripted();
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    await ready(fake);
    charge('12.34');
    await screen.findByTestId('order-qr');
    const panel = screen.getByTestId('order-panel');
    expect(within(panel).getByTestId('order-provider').textContent).toBe('微信');
    expect(within(panel).getByTestId('provider-logo').getAttribute('data-provider')).toBe('wechat');
    expect(within(panel).getByTestId('provider-logo').getAttribute('data-color')).toBe('#07C160');
    const caption = within(panel).getByTestId('qr-caption');
    expect(caption.textContent).toBe('请使用微信扫码');
    expect(caption.style.background).toBe('rgb(7, 193, 96)');
    fireEvent.click(within(panel).getByTestId('simulate-scan'));
    expect(open).toHaveBeenCalledWith(WX_CUSTOMER, '_blank');
    open.mockRestore();

    act(() => fake.emit('order.updated', wechatOrder({ status: 'PAID', paidAt: Date.now(), refundable: '12.34' })));
    await waitFor(() => expect(screen.getByTestId('order-status').getAttribute('data-status')).toBe('PAID'));
    expect(screen.getByTestId('paid-sub').textContent).toBe('微信到账 12.34 元');
    expect(screen.getByTestId('announcement').textContent).toBe('微信收款 12.34 元');
  });

  it('an Alipay QR stays Alipay blue with 请使用支付宝扫码; without customerUrl 模拟顾客扫码 opens the QR as before', async () => {
    const fake = scripted();
    fake.handle('orders.create', (input) => ({ ok: true, value: alipayOrder({ amount: input.amount, customerUrl: null }) }));
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    await ready(fake);
    charge('1');
    await screen.findByTestId('order-qr');
    expect(screen.getByTestId('qr-caption').textContent).toBe('请使用支付宝扫码');
    expect(screen.getByTestId('qr-caption').style.background).toBe('rgb(22, 119, 255)');
    fireEvent.click(screen.getByTestId('simulate-scan'));
    expect(open).toHaveBeenCalledWith('https://qr.alipay.example/abc', '_blank');
    open.mockRestore();
  });
});

describe('双码', () => {
  async function dualSale(fake: FakeApi): Promise<void> {
    localStorage.setItem(QR_CHOICE_KEY, 'dual');
    await ready(fake);
    charge('12.34');
    await waitFor(() => expect(screen.getAllByTestId('dual-side')).toHaveLength(2));
  }

  it('one sale: both QRs side by side (支付宝 left, 微信 right), one amount, one countdown, one cancel that cancels the sale', async () => {
    const fake = scripted();
    fake.handle('orders.cancel', () => ({ ok: true, value: alipayOrder({ status: 'CLOSED', closedAt: Date.now(), pairedWith: 'PDW1' }) }));
    await dualSale(fake);
    expect(creates(fake)).toEqual([{ amount: '12.34', method: 'qr', provider: 'dual' }]);
    const sides = screen.getAllByTestId('dual-side');
    expect(sides.map((s) => s.getAttribute('data-provider'))).toEqual(['alipay', 'wechat']);
    expect(sides.map((s) => within(s).getByTestId('qr-caption').textContent)).toEqual(['请使用支付宝扫码', '请使用微信扫码']);
    expect(sides.map((s) => s.style.borderColor)).toEqual(['rgb(22, 119, 255)', 'rgb(7, 193, 96)']);
    await waitFor(() => expect(screen.getAllByTestId('order-qr')).toHaveLength(2));
    expect(screen.getAllByTestId('order-amount').map((e) => e.textContent)).toEqual(['¥12.34']);
    expect(screen.getAllByTestId('countdown')).toHaveLength(1);
    expect(screen.getAllByTestId('cancel-button')).toHaveLength(1);
    expect(screen.getAllByTestId('simulate-scan').map((b) => b.getAttribute('data-provider'))).toEqual(['alipay', 'wechat']);

    fireEvent.click(screen.getByTestId('cancel-button'));
    await waitFor(() => expect(fake.calls.filter((c) => c.channel === 'orders.cancel').map((c) => c.input)).toEqual([{ id: 'PDA1' }]));
    act(() => fake.emit('order.updated', wechatOrder({ status: 'CLOSED', closedAt: Date.now(), pairedWith: 'PDA1' })));
    await waitFor(() => expect(screen.getByTestId('order-status').getAttribute('data-status')).toBe('CLOSED'));
    expect(screen.getByTestId('pair-other').getAttribute('data-provider')).toBe('wechat');
    expect(screen.getByTestId('pair-other-status').textContent).toBe('已关闭');
  });

  it('微信 paid first → 已支付 by 微信, the 支付宝 side shows 已关闭 once main closes it; announced once as 微信收款', async () => {
    const fake = scripted();
    await dualSale(fake);
    act(() => fake.emit('order.updated', wechatOrder({ status: 'PAID', paidAt: Date.now(), refundable: '12.34', pairedWith: 'PDA1' })));
    await waitFor(() => expect(screen.getByTestId('order-status').getAttribute('data-status')).toBe('PAID'));
    expect(screen.queryAllByTestId('dual-side')).toHaveLength(0);
    expect(screen.queryAllByTestId('order-qr')).toHaveLength(0);
    expect(screen.getByTestId('order-provider').textContent).toBe('微信');
    expect(screen.getByTestId('paid-sub').textContent).toBe('微信到账 12.34 元');
    expect(screen.getByTestId('pair-other').getAttribute('data-provider')).toBe('alipay');
    expect(screen.getByTestId('pair-other-status').getAttribute('data-status')).toBe('AWAITING_PAYMENT'); // main has not closed it yet
    act(() => fake.emit('order.updated', alipayOrder({ status: 'CLOSED', closedAt: Date.now(), pairedWith: 'PDW1' })));
    await waitFor(() => expect(screen.getByTestId('pair-other-status').textContent).toBe('已关闭'));
    expect(screen.getByTestId('order-status').getAttribute('data-status')).toBe('PAID'); // still the paid side
    expect(screen.getByTestId('announcement').textContent).toBe('微信收款 12.34 元');
    expect(screen.getByTestId('announcement').getAttribute('data-count')).toBe('1');
    expect(screen.getByTestId<HTMLInputElement>('amount-input').value).toBe('');
  });

  it('after a reload the waiting 双码 sale comes back with both QRs (its partner asked for when the list lacks it)', async () => {
    const fake = scripted();
    fake.handle('orders.list', (q) => ({
      ok: true,
      value: { items: q.status === 'AWAITING_PAYMENT' ? [wechatOrder({ pairedWith: 'PDA1' })] : [], nextCursor: null },
    }));
    fake.handle('orders.get', ({ id }) => ({ ok: true, value: { ...alipayOrder({ id, pairedWith: 'PDW1' }), events: [] } }));
    await ready(fake);
    await waitFor(() => expect(screen.getAllByTestId('dual-side').map((s) => s.getAttribute('data-order-id'))).toEqual(['PDA1', 'PDW1']));
    expect(fake.calls.filter((c) => c.channel === 'orders.get').map((c) => c.input)).toEqual([{ id: 'PDA1' }]);
    expect(screen.getByTestId('checkout-notice').getAttribute('data-key')).toBe('restored');
  });

  it('支付宝 paid → 已支付 by 支付宝; a stale 等待付款 event of the closed side changes nothing', async () => {
    const fake = scripted();
    await dualSale(fake);
    act(() => fake.emit('order.updated', alipayOrder({ status: 'PAID', paidAt: Date.now(), refundable: '12.34', pairedWith: 'PDW1' })));
    act(() => fake.emit('order.updated', wechatOrder({ status: 'CLOSED', closedAt: Date.now(), pairedWith: 'PDA1' })));
    act(() => fake.emit('order.updated', wechatOrder({ pairedWith: 'PDA1' }))); // late and stale
    await waitFor(() => expect(screen.getByTestId('order-status').getAttribute('data-status')).toBe('PAID'));
    expect(screen.getByTestId('order-provider').textContent).toBe('支付宝');
    expect(screen.getByTestId('pair-other-status').textContent).toBe('已关闭');
    expect(screen.getByTestId('announcement').textContent).toBe('支付宝收款 12.34 元');
  });
});
