import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RefundForm } from '../../../src/renderer/src/ui/components/refund-form';
import { renderWithConsole } from './setup';

afterEach(cleanup);

const ORDER = { id: 'PD1', refundable: '10.00', provider: 'alipay' };

function setAmount(value: string): void {
  fireEvent.change(screen.getByTestId('refund-amount-input'), { target: { value } });
}

describe('<RefundForm> (退款)', () => {
  it('defaults to the refundable rest', () => {
    renderWithConsole(<RefundForm order={ORDER} onRefund={vi.fn()} />);
    expect(screen.getByTestId<HTMLInputElement>('refund-amount-input').value).toBe('10.00');
  });

  it('refuses more than the refundable rest without calling the API', () => {
    const onRefund = vi.fn();
    renderWithConsole(<RefundForm order={ORDER} onRefund={onRefund} />);
    setAmount('10.01');
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-error').textContent).toContain('退款金额不能超过可退金额 ¥10.00');
    expect(screen.queryByTestId('refund-confirm')).toBeNull();
    expect(onRefund).not.toHaveBeenCalled();
  });

  it('refuses badly formed amounts (3 decimals, zero, letters) in the current language', () => {
    const onRefund = vi.fn();
    renderWithConsole(<RefundForm order={ORDER} onRefund={onRefund} />, { language: 'en' });
    setAmount('1.234');
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-error').textContent).toMatch(/^Invalid amount "1.234"/);
    setAmount('0');
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-error').textContent).toContain('at least 0.01');
    setAmount('abc');
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-error')).toBeTruthy();
    expect(onRefund).not.toHaveBeenCalled();
  });

  it('confirms exactly what will happen, then refunds part of the order', async () => {
    const onRefund = vi.fn().mockResolvedValue(null);
    renderWithConsole(<RefundForm order={ORDER} onRefund={onRefund} />);
    setAmount('2');
    fireEvent.change(screen.getByTestId('refund-reason-input'), { target: { value: '顾客退货' } });
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-confirm-text').textContent).toBe('将退还顾客 ¥2.00（原路退回支付宝）。退款后订单将显示为「部分退款」，剩余可退 ¥8.00。');
    fireEvent.click(screen.getByTestId('refund-confirm'));
    await waitFor(() => expect(onRefund).toHaveBeenCalledWith('2.00', '顾客退货'));
  });

  it('names the provider the money goes back to: 微信 for a WeChat Pay order', () => {
    renderWithConsole(<RefundForm order={{ ...ORDER, provider: 'wechat' }} onRefund={vi.fn()} />);
    setAmount('2');
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-confirm-text').textContent).toBe('将退还顾客 ¥2.00（原路退回微信）。退款后订单将显示为「部分退款」，剩余可退 ¥8.00。');
  });

  it('announces a full refund as 已退款; "back" returns to the form', () => {
    renderWithConsole(<RefundForm order={ORDER} onRefund={vi.fn()} />);
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-confirm-text').textContent).toContain('「已退款」，剩余可退 ¥0.00');
    fireEvent.click(screen.getByTestId('refund-back'));
    expect(screen.getByTestId('refund-button')).toBeTruthy();
  });

  it('shows the API refusal in Chinese only', async () => {
    const onRefund = vi.fn().mockResolvedValue('退款金额超过可退金额 / Refund exceeds the refundable amount');
    renderWithConsole(<RefundForm order={ORDER} onRefund={onRefund} />);
    fireEvent.click(screen.getByTestId('refund-button'));
    fireEvent.click(screen.getByTestId('refund-confirm'));
    await waitFor(() => expect(screen.getByTestId('refund-error').textContent).toBe('退款金额超过可退金额'));
  });

  it('has nothing to refund when the rest is 0.00', () => {
    const onRefund = vi.fn();
    renderWithConsole(<RefundForm order={{ ...ORDER, refundable: '0.00' }} onRefund={onRefund} />);
    fireEvent.click(screen.getByTestId('refund-button'));
    expect(screen.getByTestId('refund-error').textContent).toContain('此订单没有可退金额');
  });
});
