/**
 * A QR order cancelled by the cashier and paid anyway, in real Chromium against the browser host (demo
 * mode, embedded emulator): the cancel could not void the number (the emulator's alipay.trade.cancel is
 * made to fail), the buyer pays the QR still on the screen, and the console shows it loudly — the status
 * bar warning, the order drawer's red alert — and refunds it in one click. Screenshots go to
 * test-results/screens/late-*.png.
 */
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, shotBoth, text, tid, waitAttr, type Harness } from './screens-helpers';

let h: Harness;

harnessForFile((started) => (h = started));

async function api<T>(channel: string, input: unknown): Promise<T> {
  const res = await fetch(`${h.line.api}/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.line.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value: T };
  expect(body.ok).toBe(true);
  return body.value;
}

async function control(path: string, body: unknown): Promise<number> {
  const emulator = h.line.emulator;
  if (!emulator) throw new Error('demo mode has an emulator');
  const res = await fetch(`${emulator.control}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

describe('late payment E2E', { timeout: 120_000 }, () => {
  it('cancelled, then paid: status bar and drawer warn; one click refunds it all', async () => {
    const { page } = h;
    await openConsole(h);
    expect(await control('/faults', { kind: 'system-error', method: 'alipay.trade.cancel', count: 10 })).toBe(200);
    const order = await api<{ id: string }>('orders.create', { amount: '66.00', method: 'qr' });
    expect((await api<{ status: string }>('orders.cancel', { id: order.id })).status).toBe('CLOSED');
    expect(await control(`/trades/${order.id}/pay`, {})).toBe(200);

    await page.click(tid('tab-orders'));
    const row = `${tid('order-row')}[data-order-id="${order.id}"]`;
    await page.waitForSelector(row);
    await waitAttr(page, row, 'data-status', 'PAID');
    // The status bar's warning banner names the order and the amount.
    await page.waitForFunction(`document.querySelector('[data-testid="warnings"]')?.innerText.includes('订单 ${order.id} 在取消后收到付款 66.00 元')`);
    await page.click(row);
    await page.waitForSelector(tid('late-payment'));
    expect(await text(page, tid('late-payment'))).toContain('这笔订单已取消，顾客仍然付了 66.00 元');
    await shotBoth(page, 'late-01-drawer');

    await page.click(tid('late-refund'));
    await waitAttr(page, tid('order-detail'), 'data-status', 'REFUNDED');
    expect(await page.isVisible(tid('late-payment'))).toBe(false);
    await page.waitForFunction(`!document.body.innerText.includes('订单 ${order.id} 在取消后')`);
    await shotBoth(page, 'late-02-refunded');
    expect(h.problems).toEqual([]);
  });
});
