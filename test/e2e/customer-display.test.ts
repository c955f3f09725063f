/**
 * 客显 E2E (README, "Customer display (客显)"): the browser host in demo mode + Chromium, the counter page
 * and the customer display page (its own display-only token) side by side in one browser. A sale at the
 * counter shows on the display; a reload of the counter mid-sale leaves the display on the sale; paid
 * through 模拟顾客扫码 → 支付成功 with the amount, then idle; a 双码 sale shows both QRs, then the paid side.
 * Screenshots of the display (idle, awaiting single and 双码, paid) at 1280×800 go to test-results/screens/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, SHOTS, text, tid, waitAttr, waitCount, type Harness } from './screens-helpers';

let h: Harness;
let display: Page;
harnessForFile((started) => (h = started));

async function typeAmount(keys: string): Promise<void> {
  await h.page.focus(tid('amount-input'));
  await h.page.keyboard.press('Escape');
  await h.page.keyboard.type(keys, { delay: 120 }); // a person: a burst of digits would be taken for a scanner
}

async function payOnCustomerPage(button: string): Promise<void> {
  const [customer] = await Promise.all([h.context.waitForEvent('page'), h.page.click(button)]);
  await customer.waitForLoadState();
  await customer.click('[data-testid="pay"]');
  await customer.close();
}

const shot = (name: string): Promise<Buffer> => display.screenshot({ path: join(SHOTS, `customer-display-${name}-1280x800.png`) });

describe('customer display E2E', { timeout: 120_000 }, () => {
  it('opens with the display token beside the counter: idle with the shop name and 欢迎光临, no controls', async () => {
    await openConsole(h);
    display = await h.context.newPage();
    await display.setViewportSize({ width: 1280, height: 800 });
    await display.goto(h.line.displayUrl);
    await waitAttr(display, tid('customer-display'), 'data-display-state', 'idle');
    expect(await text(display, tid('display-shop-name'))).toBe('PayDesk');
    expect(await display.textContent(tid('display-idle'))).toContain('欢迎光临');
    expect(await display.locator('button, input, a, select, textarea').count()).toBe(0);
    // the token left the address bar; the page kept only the display token, which commands refuse
    expect(display.url()).not.toContain('#token=');
    // (a string: this file is type-checked without the DOM library)
    const refused = await display.evaluate(`(async () => {
      const token = sessionStorage.getItem('paydesk.token') ?? '';
      const r = await fetch('/api/orders.create', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
        body: JSON.stringify({ amount: '1.00', method: 'qr' }),
      });
      return r.status;
    })()`);
    expect(refused).toBe(403);
    await shot('idle');
  });

  it('a QR sale at the counter shows on the display; a counter reload mid-sale leaves it there; paid → 支付成功 → idle', async () => {
    const { page } = h;
    await typeAmount('12.34');
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('order-qr'), { state: 'visible' });
    await waitAttr(display, tid('customer-display'), 'data-display-state', 'awaiting');
    expect(await text(display, tid('display-amount'))).toBe('¥12.34');
    await waitCount(display, `${tid('display-qr-image')}:visible`, 1);
    expect(await display.getAttribute(tid('display-qr'), 'data-provider')).toBe('alipay');
    expect(await display.textContent(tid('display-qr'))).toContain('请使用支付宝扫码');
    const box = await display.locator(tid('display-qr-image')).boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(300);
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(800);
    await shot('awaiting');

    // 模拟顾客扫码: the buyer's page opens; the counter is reloaded before the buyer pays
    const [customer] = await Promise.all([h.context.waitForEvent('page'), page.click(tid('simulate-scan'))]);
    await customer.waitForLoadState();
    await page.reload();
    await page.waitForSelector('[data-app-state="ready"]', { timeout: 30_000 });
    expect(await display.getAttribute(tid('customer-display'), 'data-display-state')).toBe('awaiting');
    expect(await text(display, tid('display-amount'))).toBe('¥12.34');
    await customer.click('[data-testid="pay"]');
    await customer.close();
    await waitAttr(display, tid('customer-display'), 'data-display-state', 'paid');
    expect(await display.textContent(tid('display-paid'))).toContain('支付成功');
    expect(await text(display, tid('display-amount'))).toBe('¥12.34');
    await shot('paid');
    await waitAttr(display, tid('customer-display'), 'data-display-state', 'idle', 20_000);
  });

  it('双码: both QRs (支付宝, 微信) on the display, then 支付成功 for the side paid', async () => {
    const { page } = h;
    await page.click(tid('qr-choice-dual'));
    await waitAttr(page, tid('qr-picker'), 'data-choice', 'dual');
    await typeAmount('8.8');
    await page.keyboard.press('Enter');
    await waitCount(page, tid('dual-side'), 2);
    await waitCount(display, `${tid('display-qr-image')}:visible`, 2);
    const providers = await Promise.all((await display.locator(tid('display-qr')).all()).map((l) => l.getAttribute('data-provider')));
    expect(providers).toEqual(['alipay', 'wechat']);
    expect(await text(display, tid('display-amount'))).toBe('¥8.80');
    for (const l of await display.locator(tid('display-qr-image')).all()) {
      const b = await l.boundingBox();
      expect((b?.x ?? -1) >= 0 && (b?.x ?? 0) + (b?.width ?? 0) <= 1280 && (b?.y ?? 0) + (b?.height ?? 0) <= 800).toBe(true);
    }
    await shot('dual');
    await payOnCustomerPage(`${tid('simulate-scan')}[data-provider="wechat"]`);
    await waitAttr(display, tid('customer-display'), 'data-display-state', 'paid');
    expect(await display.textContent(tid('display-paid'))).toContain('微信支付');
    await page.click(tid('qr-choice-alipay'));
  });
});
