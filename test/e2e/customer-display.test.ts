/**
 * 客显 E2E (README, "Customer display (客显)"): the browser host in demo mode + Chromium, the counter page
 * and the customer display page (its own display-only token) side by side in one browser. A sale at the
 * counter shows on the display; a reload of the counter mid-sale leaves the display on the sale; paid
 * through 模拟顾客扫码 → 支付成功 with the amount, then idle; a 双码 sale shows both QRs, then the paid side;
 * Settings › 客显 › 待机图片 refuses an SVG and takes a JPEG poster, which the idle display shows.
 * Screenshots of the display (idle, awaiting single and 双码, paid, idle with the picture) and of the
 * picture setting at 1280×800 go to test-results/screens/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, SHOTS, text, tid, waitAttr, waitCount, waitText, type Harness } from './screens-helpers';

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

  it('设置 › 客显 › 待机图片: an SVG is refused in words; a JPEG poster shows on the idle display above the shop name; 移除 takes it away', async () => {
    const { page } = h;
    await waitAttr(display, tid('customer-display'), 'data-display-state', 'idle', 20_000);
    await page.click(tid('tab-settings'));
    await page.locator(tid('display-picture-setting')).scrollIntoViewIfNeeded();
    await page.waitForSelector(tid('display-picture-none'));

    // an SVG (a document that can carry script) named like a picture: refused by main, nothing changes
    await page.setInputFiles(tid('display-picture-input'), {
      name: 'poster.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>'),
    });
    await waitText(page, tid('display-picture-error'), '待机图片须为 PNG、JPEG 或 WebP 图片（不支持 SVG、GIF 等）');
    expect(await page.locator(tid('display-picture-thumb')).count()).toBe(0);
    expect(await display.locator(tid('display-picture')).count()).toBe(0);

    // a poster drawn and encoded as JPEG by Chromium's own encoder
    const dataUrl = await page.evaluate(`(() => {
      const c = document.createElement('canvas');
      c.width = 1280;
      c.height = 720;
      const g = c.getContext('2d');
      const grad = g.createLinearGradient(0, 0, 1280, 720);
      grad.addColorStop(0, '#fff1b8');
      grad.addColorStop(1, '#ffd591');
      g.fillStyle = grad;
      g.fillRect(0, 0, 1280, 720);
      g.fillStyle = '#d4380d';
      g.font = 'bold 150px "Noto Sans CJK SC", sans-serif';
      g.textAlign = 'center';
      g.fillText('新品上市', 640, 330);
      g.fillStyle = '#873800';
      g.font = '72px "Noto Sans CJK SC", sans-serif';
      g.fillText('鲜榨橙汁 第二杯半价', 640, 500);
      return c.toDataURL('image/jpeg', 0.85);
    })()`);
    const jpeg = Buffer.from(String(dataUrl).split(',')[1] ?? '', 'base64');
    await page.setInputFiles(tid('display-picture-input'), { name: 'poster.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.waitForSelector(tid('display-picture-thumb'));
    expect(await text(page, tid('display-picture-saved'))).toBe('待机图片已更新，客显空闲时显示');
    expect(await text(page, tid('display-picture-info'))).toBe(`1280×720 · ${Math.round(jpeg.length / 1024)} KB`);
    await page.screenshot({ path: join(SHOTS, 'settings-display-picture-1280x800.png') });

    // the display, idle, shows it above the shop name, whole and inside the screen
    await display.waitForSelector(tid('display-picture'));
    const id = await page.getAttribute(tid('display-picture-setting'), 'data-picture-id');
    expect(await display.getAttribute(tid('display-picture'), 'data-picture-id')).toBe(id);
    expect(await display.evaluate(`document.querySelector('[data-testid="display-picture"]').naturalWidth`)).toBe(1280);
    const pic = await display.locator(tid('display-picture')).boundingBox();
    const name = await display.locator(tid('display-shop-name')).boundingBox();
    expect(pic && name && pic.y + pic.height <= name.y).toBe(true);
    expect(pic && name && pic.x >= 0 && pic.x + pic.width <= 1280 && name.y + name.height <= 800).toBe(true);
    await shot('idle-picture');

    // a reload of the display keeps it (main holds it)
    await display.reload();
    await display.waitForSelector(tid('display-picture'));

    await page.click(tid('display-picture-remove'));
    await page.waitForSelector(tid('display-picture-none'));
    await display.waitForSelector(tid('display-picture'), { state: 'detached' });
    expect(await text(display, tid('display-shop-name'))).toBe('PayDesk');
    expect(h.problems).toEqual([]);
  });
});
