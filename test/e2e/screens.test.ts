/**
 * Console screens E2E (README, "The screens"): browser host in demo mode (embedded emulator) + Chromium. A QR
 * sale paid through the emulator's customer page (模拟顾客扫码) turns 已支付 without reload; a 付款码 sale with
 * the confirm-later test code shows 用户支付中… then 已支付; a refused 付款码 ends 失败; a pay link is
 * cancelled; partial refund → 部分退款 → the rest → 已退款, an over-limit refund is refused in the form; bad
 * amounts are refused; the Orders filter and search; Today's figures match these sales; the CSV export;
 * Settings › 密钥: import (paste) of a key pair generated at test time → fingerprints only, the app's own
 * public key refused as the Alipay public key, 测试连接 in demo mode; notify mode switched to localtunnel
 * (applied live: the status bar shows the tunnel) and back; the language switch. Screenshots of every screen at
 * 1280×800 and 1024×768 go to test-results/screens/.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, shotBoth, text, tid, waitAttr, waitCount, waitFocus, waitText, waitValue, type Harness } from './screens-helpers';

let h: Harness;
const sale: { qr: string; code: string } = { qr: '', code: '' };

harnessForFile((started) => (h = started));

async function typeAmount(keys: string): Promise<void> {
  await h.page.focus(tid('amount-input'));
  await h.page.keyboard.press('Escape');
  await h.page.keyboard.type(keys, { delay: 120 }); // a person: a burst of digits would be taken for a scanner
}

describe('console screens E2E', { timeout: 120_000 }, () => {
  it('gets ready on the checkout screen, in Chinese, demo mode', async () => {
    const { page } = h;
    await openConsole(h);
    expect(await text(page, tid('tab-checkout'))).toBe('收款');
    expect(await text(page, tid('provider-mode'))).toBe('演示模式');
    expect(await page.isVisible(tid('checkout-idle'))).toBe(true);
    await shotBoth(page, '01-checkout-idle');
  });

  it('refuses bad amounts: a third decimal, zero, too large', async () => {
    const { page } = h;
    await typeAmount('1.234');
    expect(await page.inputValue(tid('amount-input'))).toBe('1.23');
    expect(await text(page, tid('keypad-hint'))).toBe('最多两位小数');
    await shotBoth(page, '02-checkout-keypad-refused');
    await typeAmount('0');
    await page.keyboard.press('Enter');
    await waitAttr(page, tid('error'), 'data-code', 'AMOUNT_TOO_SMALL');
    expect(await text(page, tid('error'))).toBe('金额必须大于 0.00 元');
    await typeAmount('1000000000');
    expect(await page.inputValue(tid('amount-input'))).toBe('100000000');
    expect(await text(page, tid('keypad-hint'))).toBe('金额不能超过 100000000.00 元');
    await page.fill(tid('amount-input'), '1.234'); // pasted, not typed: refused at once, the amount unchanged
    await page.waitForSelector(tid('amount-error'));
    expect(await text(page, tid('amount-error'))).toMatch(/^金额格式不正确.*超过两位小数/);
    expect(await page.inputValue(tid('amount-input'))).toBe('100000000');
    await shotBoth(page, '03-checkout-amount-error');
    await page.keyboard.press('Escape');
  });

  it('QR sale: keypad + Enter → large QR; 模拟顾客扫码 pays → 已支付 without reload, announced once', async () => {
    const { page, context } = h;
    await typeAmount('12.34');
    await page.keyboard.press('Enter');
    const qr = await page.waitForSelector(tid('order-qr'), { state: 'visible' });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect((await qr.boundingBox())?.width).toBeGreaterThanOrEqual(280);
    expect(await text(page, tid('order-amount'))).toBe('¥12.34');
    expect(await text(page, tid('order-status'))).toBe('等待付款');
    expect(await text(page, tid('countdown'))).toMatch(/^剩余 \d{2}:\d{2}$/);
    sale.qr = await text(page, tid('order-id'));
    await shotBoth(page, '04-checkout-qr');

    await page.evaluate('window.__e2eMark = 42');
    const before = h.navigations.length;
    const [customer] = await Promise.all([context.waitForEvent('page'), page.click(tid('simulate-scan'))]);
    await customer.waitForLoadState();
    await customer.click('[data-testid="pay"]');
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID');
    await customer.close();
    expect(await text(page, tid('order-status'))).toBe('已支付');
    expect(await page.evaluate('window.__e2eMark')).toBe(42);
    expect(h.navigations.length).toBe(before);
    expect(await page.inputValue(tid('amount-input'))).toBe('');
    await waitAttr(page, tid('announcement'), 'data-count', '1');
    expect(await text(page, tid('announcement'))).toBe('支付宝收款 12.34 元');
    await shotBoth(page, '05-checkout-paid');
  });

  it('付款码 sale with the confirm-later test code: 用户支付中… → 已支付', async () => {
    const { page } = h;
    await page.click(tid('method-code'));
    await typeAmount('8.8');
    await page.keyboard.press('Enter'); // moves the focus to the scanner field
    await waitFocus(page, 'scan-input');
    await page.keyboard.type('282000000000000002', { delay: 5 });
    await page.keyboard.press('Enter');
    await waitAttr(page, tid('order-status'), 'data-user-paying', 'true');
    expect(await text(page, tid('order-status'))).toBe('用户支付中…');
    await shotBoth(page, '06-checkout-code-paying');
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID', 60_000);
    sale.code = await text(page, tid('order-id'));
    await waitAttr(page, tid('announcement'), 'data-count', '2');
    expect(await text(page, tid('announcement'))).toBe('支付宝收款 8.80 元');
  });

  it('付款码 refused by the buyer’s balance ends in a definite 失败', async () => {
    const { page } = h;
    await typeAmount('5');
    await page.keyboard.press('Enter');
    await waitFocus(page, 'scan-input');
    await page.keyboard.type('284000000000000004');
    await page.keyboard.press('Enter');
    await waitAttr(page, tid('order-status'), 'data-status', 'FAILED');
    expect(await text(page, tid('order-message'))).toMatch(/余额不足/);
    await shotBoth(page, '07-checkout-code-failed');
  });

  it('pay link: copy / show as QR, then cancel the waiting order', async () => {
    const { page } = h;
    await page.click(tid('method-link'));
    await typeAmount('3');
    await page.keyboard.press('Enter');
    const link = await page.waitForSelector(tid('pay-link'));
    expect(await link.inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await shotBoth(page, '08-checkout-link');
    await page.click(tid('toggle-link-qr'));
    await page.waitForSelector(tid('order-qr'), { state: 'visible' });
    await page.click(tid('cancel-button'));
    await waitAttr(page, tid('order-status'), 'data-status', 'CLOSED');
    await page.click(tid('method-qr'));
  });

  it('Orders: filter by status, search by order no, open the detail', async () => {
    const { page } = h;
    await page.click(tid('tab-orders'));
    await page.waitForSelector(`${tid('order-row')}[data-order-id="${sale.qr}"]`);
    expect(await page.locator(tid('order-row')).count()).toBe(4);
    await shotBoth(page, '09-orders');

    await page.click(`${tid('orders-status-filter')}`);
    await page.click(tid('status-option-PAID'));
    await waitCount(page, tid('order-row'), 2);
    const statuses = await page
      .locator(tid('order-row'))
      .evaluateAll((rows) => rows.map((r: { getAttribute(name: string): string | null }) => r.getAttribute('data-status')));
    expect(statuses).toEqual(['PAID', 'PAID']);
    await page.click(tid('orders-reset'));
    await waitCount(page, tid('order-row'), 4);

    await page.fill(`${tid('orders-search')} input`, sale.qr);
    await page.keyboard.press('Enter');
    await waitCount(page, tid('order-row'), 1);
    expect(await page.getAttribute(tid('order-row'), 'data-order-id')).toBe(sale.qr);
    await page.fill(`${tid('orders-search')} input`, 'NO-SUCH-ORDER');
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('orders-empty'));
    await shotBoth(page, '10-orders-empty');
    await page.click(tid('orders-reset'));
    await waitCount(page, tid('order-row'), 4);
  });

  it('refund: over the limit refused in the form; 2.00 → 部分退款; the rest → 已退款', async () => {
    const { page } = h;
    await page.click(`${tid('order-row')}[data-order-id="${sale.qr}"]`);
    await waitAttr(page, tid('order-detail'), 'data-order-id', sale.qr);
    expect(await page.inputValue(tid('refund-amount-input'))).toBe('12.34');
    expect(await page.locator(tid('timeline-event')).count()).toBeGreaterThanOrEqual(2);
    await shotBoth(page, '11-order-detail');

    await page.fill(tid('refund-amount-input'), '12.35');
    await page.click(tid('refund-button'));
    expect(await text(page, tid('refund-error'))).toBe('退款金额不能超过可退金额 ¥12.34');
    expect(await page.isVisible(tid('refund-confirm'))).toBe(false);

    await page.fill(tid('refund-amount-input'), '2');
    await page.fill(tid('refund-reason-input'), '少找零');
    await page.click(tid('refund-button'));
    expect(await text(page, tid('refund-confirm-text'))).toBe('将退还顾客 ¥2.00（原路退回支付宝）。退款后订单将显示为「部分退款」，剩余可退 ¥10.34。');
    await shotBoth(page, '12-refund-confirm');
    await page.click(tid('refund-confirm'));
    await waitAttr(page, tid('order-detail'), 'data-status', 'PARTIALLY_REFUNDED');
    expect(await text(page, tid('detail-status'))).toBe('部分退款');
    await waitValue(page, tid('refund-amount-input'), '10.34');

    await page.click(tid('refund-button'));
    expect(await text(page, tid('refund-confirm-text'))).toContain('「已退款」');
    await page.click(tid('refund-confirm'));
    await waitAttr(page, tid('order-detail'), 'data-status', 'REFUNDED');
    expect(await text(page, tid('detail-status'))).toBe('已退款');
    expect(await text(page, tid('detail-refunded'))).toBe('¥12.34');
    expect(await page.locator(`${tid('refund-row')}[data-status="SUCCESS"]`).count()).toBe(2);
    await shotBoth(page, '13-order-refunded');
    await page.keyboard.press('Escape');
    await page.waitForSelector(tid('order-detail'), { state: 'detached' });
    await waitAttr(page, `${tid('order-row')}[data-order-id="${sale.qr}"]`, 'data-status', 'REFUNDED');
  });

  it("Today's figures match the sales just made; CSV export of the day", async () => {
    const { page } = h;
    await page.click(tid('tab-today'));
    // paid today: 12.34 (refunded in full) + 8.80 → net 8.80, 2 sales, 4.40 each, refunds 12.34
    await waitText(page, tid('today-net'), '8.80');
    expect(await text(page, tid('today-count'))).toBe('2');
    expect(await text(page, tid('today-average'))).toBe('4.40');
    expect(await text(page, tid('today-refunded'))).toBe('12.34');
    await shotBoth(page, '14-today');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('today-export'))]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv.startsWith('\uFEFF时间,订单号')).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(5); // header + 4 orders
    expect(csv).toContain(sale.qr);
    expect(csv).toContain(sale.code);
  });

  it('Settings shows the provider, the vault keys as fingerprints only, and the notes', async () => {
    const { page } = h;
    await page.click(tid('tab-settings'));
    // a fresh data dir: nothing in the vault yet (demo mode runs on the emulator's own keys)
    await waitAttr(page, tid('key-app'), 'data-configured', 'false');
    expect(await text(page, tid('key-app'))).toBe('未配置');
    expect(await text(page, tid('keys-note'))).toMatch(/只显示密钥的 SHA-256 指纹/);
    expect(await text(page, tid('keys-demo-note'))).toBe('演示模式使用内置模拟器自动生成的密钥；这里导入的密钥用于沙箱/正式环境。');
    expect(await page.getAttribute(tid('keys-backend'), 'data-backend')).toBe('file');
    await shotBoth(page, '15-settings');
  });

  it('Settings › 密钥: paste a key pair → fingerprints only; the app public key refused as the Alipay key; 测试连接', async () => {
    const { page } = h;
    const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appPrivatePem = app.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const appPublicPem = app.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const alipayPublicPem = alipay.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const fingerprint = (key: KeyObject): string =>
      `SHA256:${createHash('sha256')
        .update(key.export({ type: 'spki', format: 'der' }))
        .digest('hex')}`;
    /** No line of any key's base64 body anywhere in the page: markup, text, attributes or field values. */
    const expectNoKeyText = async (): Promise<void> => {
      const html = await page.content();
      const values = (await page.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).join('\n');
      for (const pem of [appPrivatePem, appPublicPem, alipayPublicPem]) {
        for (const line of pem.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'))) {
          expect(html.includes(line), 'key text in the page').toBe(false);
          expect(values.includes(line), 'key text in a field').toBe(false);
        }
      }
    };

    // 应用私钥 (PKCS#8 PEM) pasted → the fingerprint, never the key
    await page.click(tid('key-app-import'));
    await page.waitForSelector(tid('key-import-text'), { state: 'visible' });
    await page.fill(tid('key-import-text'), appPrivatePem);
    await shotBoth(page, '15a-settings-keys-paste');
    await page.click(tid('key-import-submit'));
    await waitAttr(page, tid('key-app'), 'data-configured', 'true');
    await page.waitForSelector(tid('key-import-modal'), { state: 'detached' });
    expect(await text(page, tid('key-app-fingerprint'))).toBe(fingerprint(app.publicKey));
    expect(await text(page, tid('key-import-done'))).toBe('应用私钥已导入');
    await expectNoKeyText();

    // the classic mistake: the app's own public key as the 支付宝公钥 → refused, explained in Chinese
    await page.click(tid('key-alipay-import'));
    await page.waitForSelector(tid('key-import-text'), { state: 'visible' });
    await page.fill(tid('key-import-text'), appPublicPem);
    await page.click(tid('key-import-submit'));
    await page.waitForSelector(tid('key-import-error'));
    expect(await text(page, tid('key-import-error'))).toMatch(/^填入的「支付宝公钥」与应用私钥对应的「应用公钥」相同——这是最常见的配置错误/);
    expect(await text(page, tid('key-import-error'))).not.toMatch(/[A-Za-z]{12}/); // the Chinese half only
    expect(await page.inputValue(tid('key-import-text'))).toBe('');
    expect(await page.getAttribute(tid('key-alipay'), 'data-configured')).toBe('false');
    await expectNoKeyText();
    await shotBoth(page, '15b-settings-keys-refused');

    // the real (different) Alipay public key → configured
    await page.fill(tid('key-import-text'), alipayPublicPem);
    await page.click(tid('key-import-submit'));
    await waitAttr(page, tid('key-alipay'), 'data-configured', 'true');
    await page.waitForSelector(tid('key-import-modal'), { state: 'detached' });
    expect(await text(page, tid('key-alipay-fingerprint'))).toBe(fingerprint(alipay.publicKey));
    await expectNoKeyText();

    // 测试连接 in demo mode: against the embedded emulator
    await page.click(tid('keys-test'));
    await page.waitForSelector(tid('keys-test-result'));
    expect(await page.getAttribute(tid('keys-test-result'), 'data-ok')).toBe('true');
    expect(await text(page, tid('keys-test-meta'))).toMatch(/^连接正常 · 演示模式 · 用时 \d+ ms$/);
    expect(await text(page, tid('keys-test-message'))).not.toContain(' / ');
    await shotBoth(page, '15c-settings-keys-configured');
  });

  it('Settings › 支付通知方式: localtunnel applies live (the status bar shows the tunnel), then back to loopback', async () => {
    const { page } = h;
    expect(await page.getAttribute(tid('notify-state'), 'data-state')).toBe('loopback');
    await page.click(tid('notify-localtunnel'));
    await page.waitForSelector(tid('tunnel-fields'));
    expect(await page.inputValue(tid('settings-tunnel-host'))).toBe('https://localtunnel.me');
    await page.fill(tid('settings-tunnel-subdomain'), 'Bad_Name');
    expect(await text(page, tid('tunnel-subdomain-error'))).toMatch(/^子域名只能用小写字母/);
    expect(await page.isDisabled(tid('settings-save'))).toBe(true);
    await page.fill(tid('settings-tunnel-subdomain'), 'paydesk-e2e');
    // no tunnel server here (and no internet): a closed local port keeps it connecting/offline
    await page.fill(tid('settings-tunnel-host'), 'http://127.0.0.1:9');
    await page.click(tid('settings-save'));
    await waitText(page, tid('settings-result'), '设置已保存');
    await expect.poll(() => page.getAttribute(tid('notify-state'), 'data-state'), { timeout: 20_000, interval: 100 }).toMatch(/^(connecting|offline)$/);
    expect(await text(page, tid('notify-state'))).toMatch(/^通知：隧道(连接中…|离线，轮询确认中)$/);
    await shotBoth(page, '15d-settings-keys-tunnel');

    await page.click(tid('notify-loopback'));
    await page.waitForSelector(tid('tunnel-fields'), { state: 'detached' });
    await page.click(tid('settings-save'));
    await waitAttr(page, tid('notify-state'), 'data-state', 'loopback');
    expect(await text(page, tid('notify-state'))).toMatch(/^通知：本机回环 http:\/\/127\.0\.0\.1:\d+\S* ✓可达$/);
  });

  it('switches to English and back (Alt+1..5 switch screens)', async () => {
    const { page } = h;
    await page.click(tid('lang-switch'));
    await page.waitForSelector('[data-lang="en"]');
    expect(await text(page, tid('tab-settings'))).toBe('Settings');
    await shotBoth(page, '16-settings-en');
    await page.keyboard.press('Alt+1');
    await page.waitForSelector(`${tid('checkout-screen')}:visible`);
    expect(await text(page, tid('charge-button'))).toBe('Charge');
    await shotBoth(page, '17-checkout-en');
    await page.keyboard.press('Alt+2');
    await page.waitForSelector(`${tid('order-row')}:visible`);
    await shotBoth(page, '18-orders-en');
    await page.keyboard.press('Alt+3');
    await waitText(page, tid('today-net'), '8.80');
    await shotBoth(page, '19-today-en');
    await page.click(tid('lang-switch'));
    await page.waitForSelector('[data-lang="zh-CN"]');
    expect(await text(page, tid('tab-today'))).toBe('今日');
  });

  it('ran without page errors or CSP violations', () => {
    expect(h.problems).toEqual([]);
  });
});
