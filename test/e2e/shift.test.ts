/**
 * 交班 (shift handover) E2E: browser host in demo mode (embedded emulators, no manager PIN set) + Chromium.
 * 张三 starts a shift; a 支付宝 QR sale paid via 模拟顾客扫码 shows in the shift's live 实收; 交班 with a
 * confirm dialog ends it and shows the snapshot, whose 实收 equals the sale; the history lists it; the
 * 交班小票 and Settings › 小票's 打印测试页 open the browser host's print view (window.print stubbed so no
 * dialog blocks). Screenshots at 1280×800 and 1024×768 go to test-results/screens/.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, SHOTS, shotBoth, text, tid, waitAttr, waitText, type Harness } from './screens-helpers';

let h: Harness;
harnessForFile((started) => (h = started));

describe('交班 E2E', { timeout: 180_000 }, () => {
  it('start as 张三, a paid QR sale counts, 交班 shows the snapshot and the history, the slip prints', async () => {
    const { page } = h;
    await page.addInitScript('window.__prints = 0; window.print = () => { window.__prints += 1; };');
    await openConsole(h);
    expect(await text(page, tid('duty-badge'))).toBe('未开班');

    await page.click(tid('tab-shift'));
    await page.fill(tid('shift-cashier'), '张三');
    await page.click(tid('shift-start'));
    await waitText(page, tid('shift-current-cashier'), '张三');
    await waitText(page, tid('duty-badge'), '当班：张三');
    expect(await text(page, tid('shift-live-net'))).toBe('¥0.00');

    await page.click(tid('tab-checkout'));
    await page.focus(tid('amount-input'));
    await page.keyboard.type('12.34', { delay: 120 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('order-qr'), { state: 'visible' });
    const [customer] = await Promise.all([h.context.waitForEvent('page'), page.click(tid('simulate-scan'))]);
    await customer.waitForLoadState();
    await customer.click('[data-testid="pay"]');
    await customer.close();
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID');

    await page.click(tid('tab-shift'));
    await waitText(page, tid('shift-live-net'), '¥12.34');
    expect(await text(page, tid('shift-live-count'))).toBe('1');
    await waitText(page, `${tid('shift-row')} td:nth-child(3)`, `${(await text(page, tid('shift-since'))).replace(' 起', '')} – 当班中`);
    await shotBoth(page, 'shift-01-open');

    await page.click(tid('shift-end-open'));
    await waitText(page, tid('shift-confirm-net'), '¥12.34');
    await page.fill(tid('shift-next'), '');
    await shotBoth(page, 'shift-02-end-dialog');
    await page.click(tid('shift-end-confirm'));
    await waitText(page, tid('shift-snapshot-net'), '¥12.34');
    await waitText(page, tid('duty-badge'), '未开班');
    await page.waitForSelector(tid('shift-none'));
    expect(await page.locator(tid('shift-row')).count()).toBe(1);
    expect(await text(page, tid('shift-row-net'))).toBe('¥12.34');
    await page.click(tid('shift-row'));
    await page.waitForSelector(tid('shift-row-detail'));
    await shotBoth(page, 'shift-03-history');

    await page.click(`${tid('shift-ended')} ${tid('shift-print')}`);
    await page.waitForSelector(`${tid('print-view')} ${tid('shift-slip')}`);
    expect(await text(page, `${tid('print-view')} ${tid('shift-slip-totals')}`)).toContain('¥12.34');
    expect(await page.evaluate('window.__prints')).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'shift-04-slip-1280x800.png') });
    await page.click(tid('print-view'));
    await page.waitForSelector(tid('print-view'), { state: 'detached' });
  });

  it('Settings › 小票: the section, and 打印测试页 opens the print view in the browser host', async () => {
    const { page } = h;
    await page.click(tid('tab-settings'));
    const section = page.locator(tid('receipt-settings'));
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'settings-receipt-1280x800.png') });
    await page.click(tid('receipt-test-page'));
    await page.waitForSelector(`${tid('print-view')} ${tid('receipt')}`);
    expect(await page.evaluate('window.__prints')).toBe(2);
    expect(h.problems).toEqual([]);
  });
});
