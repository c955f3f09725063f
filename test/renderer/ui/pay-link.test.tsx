import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrderPanel } from '../../../src/renderer/src/ui/screens/order-panel';
import type { OrderDto } from '../../../src/shared/contract';
import { waitingOrderDto } from '../fixtures';
import { renderWithConsole } from './setup';

vi.setConfig({ testTimeout: 30_000 });
afterEach(cleanup);

const LONG = `https://openapi.alipay.com/gateway.do?method=alipay.trade.page.pay&biz_content=${'%7B'.repeat(300)}&sign=${'A'.repeat(344)}`;

function linkOrder(patch: Partial<OrderDto> = {}): OrderDto {
  return waitingOrderDto({ id: 'PD-LINK', method: 'link', amount: '12.00', qrCode: null, payUrl: LONG, expiresAt: Date.now() + 60_000, ...patch });
}

describe('收款链接 as a QR', () => {
  it('with a short URL: the QR encodes it (a small code) and shows it', async () => {
    renderWithConsole(
      <OrderPanel
        order={linkOrder({ shortUrl: 'https://shop.example/notify/p/Ab3dE5fG' })}
        onCancel={() => undefined}
        onNext={() => undefined}
        cancelling={false}
      />,
    );
    expect(screen.queryByTestId('link-no-short')).toBeNull();
    fireEvent.click(screen.getByTestId('toggle-link-qr'));
    const qr = await screen.findByTestId('order-qr');
    expect(Number(qr.getAttribute('data-modules'))).toBeLessThanOrEqual(41); // version ≤ 6
    expect(screen.getByTestId('link-short').textContent).toContain('https://shop.example/notify/p/Ab3dE5fG');
  });

  it('without one: says the link is best copied, not scanned (the long QR is a huge code)', async () => {
    renderWithConsole(<OrderPanel order={linkOrder({ shortUrl: null })} onCancel={() => undefined} onNext={() => undefined} cancelling={false} />);
    expect(screen.getByTestId('link-no-short').textContent).toMatch(/建议复制链接/);
    fireEvent.click(screen.getByTestId('toggle-link-qr'));
    const qr = await screen.findByTestId('order-qr');
    expect(Number(qr.getAttribute('data-modules'))).toBeGreaterThan(100);
  });
});
