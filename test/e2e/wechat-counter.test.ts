/**
 * WeChat Pay at the counter E2E (README, "The screens"): browser host in demo mode (embedded Alipay and
 * WeChat Pay emulators) + Chromium. A 微信 QR sale paid on the WeChat emulator's customer page
 * (模拟顾客扫码) turns 已支付 and is announced as 微信收款; a 双码 sale shows both QRs in one panel, is paid
 * on the WeChat side → 已支付 by 微信, the Alipay side 已关闭; the Orders provider filter; 今日's split by
 * provider; a 微信 refund from the drawer (in flight until WeChat Pay settles it, then 部分退款); Settings › 微信支付 and its 测试连接. Screenshots of the 微信 and 双码 checkout at 1280×800 and 1024×768 go to test-results/screens/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, SIZES, shotBoth, text, tid, waitAttr, waitCount, waitText, type Harness } from './screens-helpers';

let h: Harness;
const sale: { wechat: string; dual: string; dualClosed: string } = { wechat: '', dual: '', dualClosed: '' };

harnessForFile((started) => (h = started));

async function typeAmount(keys: string): Promise<void> {
  await h.page.focus(tid('amount-input'));
  await h.page.keyboard.press('Escape');
  await h.page.keyboard.type(keys, { delay: 120 }); // a person: a burst of digits would be taken for a scanner
}

/** Every match lies inside the viewport at each window size (nothing a cashier must scroll to). */
async function allInView(page: Page, selector: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    for (const el of await page.locator(selector).all()) {
      const box = await el.boundingBox();
      expect(box, `${selector} at ${size.width}×${size.height}`).not.toBeNull();
      if (!box) continue;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${selector} right edge at ${size.width}×${size.height}`).toBeLessThanOrEqual(size.width);
      expect(box.y + box.height, `${selector} bottom edge at ${size.width}×${size.height}`).toBeLessThanOrEqual(size.height);
    }
  }
  await page.setViewportSize(SIZES[0]);
}

/** Every toast box: the 收款成功 toast (and any antd message shown meanwhile). */
const TOASTS = `${tid('paid-toast-box')}, ${tid('paid-toast')}, [class*="ant-message-notice"]`;

/** Every match covers no visible control (tab, button, field, link) at each window size. */
async function coversNoControl(page: Page, selector: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const hits = await page.evaluate<string[]>(`(() => {
      const boxes = [...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.getBoundingClientRect());
      const controls = [...document.querySelectorAll('button, [role="tab"], input, select, textarea, a, .ant-select')].filter((c) => {
        const r = c.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(c).visibility !== 'hidden';
      });
      const out = [];
      for (const b of boxes) {
        if (b.width === 0) continue;
        for (const c of controls) {
          const r = c.getBoundingClientRect();
          if (b.left < r.right && r.left < b.right && b.top < r.bottom && r.top < b.bottom) out.push(c.textContent.trim() || c.tagName);
        }
      }
      return out;
    })()`);
    expect(hits, `${selector} covers controls at ${size.width}×${size.height}`).toEqual([]);
  }
  await page.setViewportSize(SIZES[0]);
}

/** An input's placeholder is shown whole (not cut with an ellipsis) at each window size. */
async function placeholderFits(page: Page, selector: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const m = await page.evaluate<{ text: string; need: number; room: number }>(`(() => {
      const input = document.querySelector(${JSON.stringify(selector)});
      const style = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = style.font;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { text: input.placeholder, need: ctx.measureText(input.placeholder).width, room };
    })()`);
    expect(m.need, `"${m.text}" fits at ${size.width}×${size.height} (${m.room} px)`).toBeLessThanOrEqual(m.room);
  }
  await page.setViewportSize(SIZES[0]);
}
/** One attribute of every match, in page order. */
async function attrs(page: Page, selector: string, attr: string): Promise<(string | null)[]> {
  return Promise.all((await page.locator(selector).all()).map((l) => l.getAttribute(attr)));
}

/** 模拟顾客扫码 on one side: the emulator's customer page opens; its buyer pays. */
async function payOnCustomerPage(button: string): Promise<void> {
  const [customer] = await Promise.all([h.context.waitForEvent('page'), h.page.click(button)]);
  await customer.waitForLoadState();
  await customer.click('[data-testid="pay"]');
  await customer.close();
}

describe('WeChat Pay at the counter E2E', { timeout: 120_000 }, () => {
  it('offers 支付宝 / 微信 / 双码 for QR sales in demo, all ready', async () => {
    const { page } = h;
    await openConsole(h);
    await page.waitForSelector(tid('qr-picker'));
    for (const c of ['alipay', 'wechat', 'dual']) expect(await page.getAttribute(tid(`qr-choice-${c}`), 'data-ready')).toBe('true');
    expect(await page.getAttribute(tid('qr-picker'), 'data-choice')).toBe('alipay');
  });

  it('微信 QR: WeChat green with 请使用微信扫码; 模拟顾客扫码 on the WeChat page pays → 已支付, "微信收款 12.34 元"', async () => {
    const { page } = h;
    await page.click(tid('qr-choice-wechat'));
    await waitAttr(page, tid('qr-picker'), 'data-choice', 'wechat');
    await typeAmount('12.34');
    await page.keyboard.press('Enter');
    const qr = await page.waitForSelector(tid('order-qr'), { state: 'visible' });
    expect((await qr.boundingBox())?.width).toBeGreaterThanOrEqual(280);
    expect(await text(page, tid('order-provider'))).toBe('微信');
    expect(await text(page, tid('qr-caption'))).toBe('请使用微信扫码');
    expect(await page.getAttribute(`${tid('order-panel')} ${tid('provider-logo')}`, 'data-color')).toBe('#07C160');
    sale.wechat = await text(page, tid('order-id'));
    await allInView(page, `${tid('order-qr')}, ${tid('qr-caption')}, ${tid('cancel-button')}`);
    await shotBoth(page, 'wx-01-checkout-wechat');

    await payOnCustomerPage(tid('simulate-scan'));
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID');
    expect(await text(page, tid('order-status'))).toBe('已支付');
    expect(await text(page, tid('paid-sub'))).toBe('微信到账 12.34 元');
    await waitAttr(page, tid('announcement'), 'data-count', '1');
    expect(await text(page, tid('announcement'))).toBe('微信收款 12.34 元');
    // The 收款成功 toast (5 s) covers no tab, button or field, at 1280 and 1024 px.
    await page.waitForSelector(tid('paid-toast'));
    await coversNoControl(page, TOASTS);
    // The status bar's notify line names both providers' paths, whole, at 1024 px too.
    await page.setViewportSize(SIZES[1]);
    expect(await text(page, tid('notify-url'))).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/\{alipay,wechat\}$/);
    expect(await page.evaluate(`(() => { const e = document.querySelector('[data-testid="notify-url"]'); return e.scrollWidth <= e.clientWidth; })()`)).toBe(
      true,
    );
    await page.setViewportSize(SIZES[0]);
    await shotBoth(page, 'wx-02-checkout-wechat-paid');
  });

  it('双码: both QRs in one panel, one amount, one countdown, one cancel; paid on 微信 → 已支付 by 微信, the 支付宝 side 已关闭', async () => {
    const { page } = h;
    await page.click(tid('qr-choice-dual'));
    await waitAttr(page, tid('qr-picker'), 'data-choice', 'dual');
    await typeAmount('8.8');
    await page.keyboard.press('Enter');
    await waitCount(page, tid('dual-side'), 2);
    await waitCount(page, `${tid('order-qr')}:visible`, 2);
    expect(await attrs(page, tid('dual-side'), 'data-provider')).toEqual(['alipay', 'wechat']);
    expect(await page.locator(tid('qr-caption')).allTextContents()).toEqual(['请使用支付宝扫码', '请使用微信扫码']);
    expect(await page.locator(tid('order-amount')).allTextContents()).toEqual(['¥8.80']);
    expect(await page.locator(tid('countdown')).count()).toBe(1);
    expect(await page.locator(tid('cancel-button')).count()).toBe(1);
    sale.dual = (await page.getAttribute(`${tid('dual-side')}[data-provider="wechat"]`, 'data-order-id')) ?? '';
    sale.dualClosed = (await page.getAttribute(`${tid('dual-side')}[data-provider="alipay"]`, 'data-order-id')) ?? '';
    await allInView(page, `${tid('order-qr')}, ${tid('qr-caption')}, ${tid('cancel-button')}`);
    await shotBoth(page, 'wx-03-checkout-dual');

    await payOnCustomerPage(`${tid('simulate-scan')}[data-provider="wechat"]`);
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID');
    expect(await text(page, tid('order-provider'))).toBe('微信');
    expect(await page.locator(tid('order-qr')).count()).toBe(0);
    await waitAttr(page, tid('pair-other-status'), 'data-status', 'CLOSED');
    expect(await page.getAttribute(tid('pair-other'), 'data-provider')).toBe('alipay');
    expect(await text(page, tid('pair-other-status'))).toBe('已关闭');
    await waitAttr(page, tid('announcement'), 'data-count', '2');
    expect(await text(page, tid('announcement'))).toBe('微信收款 8.80 元');
    await shotBoth(page, 'wx-04-checkout-dual-paid');
    await page.click(tid('next-button'));
    await page.click(tid('qr-choice-alipay')); // the next tests (and the next run) start from Alipay
  });

  it('Orders: 微信 lists the WeChat orders only, 支付宝 the closed side of the 双码 sale; its drawer links the pair', async () => {
    const { page } = h;
    await page.click(tid('tab-orders'));
    await waitCount(page, tid('order-row'), 3);
    await page.click(tid('provider-filter-wechat'));
    await waitCount(page, tid('order-row'), 2);
    expect((await attrs(page, tid('order-row'), 'data-order-id')).sort()).toEqual([sale.wechat, sale.dual].sort());
    for (const m of await page.locator(tid('row-method')).allTextContents()) expect(m).toBe('微信 · 扫码收款');
    // The search box shows its whole hint; a 收款成功 toast still up covers none of the filters.
    await placeholderFits(page, `${tid('orders-search')} input`);
    await coversNoControl(page, TOASTS);
    await shotBoth(page, 'wx-05-orders-wechat');
    await page.click(tid('provider-filter-alipay'));
    await waitCount(page, tid('order-row'), 1);
    expect(await page.getAttribute(tid('order-row'), 'data-order-id')).toBe(sale.dualClosed);
    expect(await page.getAttribute(tid('order-row'), 'data-status')).toBe('CLOSED');

    await page.click(tid('order-row'));
    await waitText(page, tid('detail-paired'), sale.dual);
    await page.click(tid('detail-open-paired'));
    await waitAttr(page, tid('order-detail'), 'data-order-id', sale.dual);
    expect(await text(page, tid('detail-provider'))).toBe('微信');
    await page.keyboard.press('Escape');
    await page.click(tid('provider-filter-ALL'));
    await waitCount(page, tid('order-row'), 3);
  });

  it('今日: the split by provider shows 微信 with both sales', async () => {
    const { page } = h;
    await page.click(tid('tab-today'));
    await waitText(page, tid('today-net'), '21.14');
    await page.waitForSelector(`${tid('provider-row')}[data-provider="wechat"]`);
    const row = `${tid('provider-row')}[data-provider="wechat"]`;
    expect(await text(page, `${row} ${tid('provider-name')}`)).toBe('微信');
    expect(await text(page, `${row} ${tid('provider-count')}`)).toBe('2');
    expect(await text(page, `${row} ${tid('provider-net')}`)).toBe('¥21.14');
    await shotBoth(page, 'wx-06-today-by-provider');
  });

  it('退款 of the 微信 order from its drawer: 原路退回微信, 处理中 until WeChat Pay settles it, then 部分退款 by its REFUND.SUCCESS notice', async () => {
    const { page } = h;
    const control = h.line.emulator?.wechat?.control ?? '';
    expect(control).toMatch(/\/wechat$/);
    await page.click(tid('tab-orders'));
    await page.click(`${tid('order-row')}[data-order-id="${sale.wechat}"]`);
    await waitAttr(page, tid('order-detail'), 'data-order-id', sale.wechat);
    await page.fill(tid('refund-amount-input'), '2');
    await page.click(tid('refund-button'));
    expect(await text(page, tid('refund-confirm-text'))).toBe('将退还顾客 ¥2.00（原路退回微信）。退款后订单将显示为「部分退款」，剩余可退 ¥10.34。');
    await page.click(tid('refund-confirm'));
    // WeChat Pay takes the refund (PROCESSING): the order keeps it in flight until WeChat settles it. In
    // flight is PENDING at first and UNKNOWN once the inline queries have found it still processing (about
    // two seconds later); the cashier sees 处理中 for both.
    const inFlight = `${tid('refund-row')}[data-status="PENDING"], ${tid('refund-row')}[data-status="UNKNOWN"]`;
    await waitCount(page, inFlight, 1);
    expect(await text(page, `${tid('refund-row')} ${tid('refund-status')}`)).toBe('处理中');
    const trade = (await (await fetch(`${control}/trades/${encodeURIComponent(sale.wechat)}`)).json()) as {
      refunds: { outRefundNo: string; status: string }[];
    };
    expect(trade.refunds.map((r) => r.status)).toEqual(['PROCESSING']);
    const settled = await fetch(`${control}/refunds/${encodeURIComponent(trade.refunds[0]?.outRefundNo ?? '')}/settle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'SUCCESS' }),
    });
    expect(settled.status).toBe(200);
    await waitAttr(page, tid('order-detail'), 'data-status', 'PARTIALLY_REFUNDED');
    expect(await text(page, tid('detail-status'))).toBe('部分退款');
    await waitCount(page, `${tid('refund-row')}[data-status="SUCCESS"]`, 1);
    await page.keyboard.press('Escape');
  });

  it('设置 › 微信支付: its fields and key slots beside Alipay, the no-sandbox note, and its own 测试连接 (the demo emulator answers)', async () => {
    const { page } = h;
    await page.click(tid('tab-settings'));
    await page.locator(tid('wechat-settings')).scrollIntoViewIfNeeded();
    for (const k of ['merchantPrivateKey', 'apiV3Key', 'wechatpayPublicKey', 'merchantCertificate']) await page.waitForSelector(tid(`wx-key-${k}`));
    expect(await text(page, tid('wx-no-sandbox'))).toMatch(/^微信支付 API v3 没有沙箱环境/);
    await page.click(tid('wx-keys-test'));
    await page.waitForSelector(tid('wx-keys-test-result'));
    expect(await page.locator(tid('keys-test-result')).count()).toBe(0); // Alipay's own test was not run
    await page.locator(tid('wx-keys-test-result')).scrollIntoViewIfNeeded();
    await shotBoth(page, 'wx-07-settings-wechat');
    expect(await page.getAttribute(tid('wx-keys-test-result'), 'data-ok')).toBe('true');
    expect(h.problems).toEqual([]);
  });
});
