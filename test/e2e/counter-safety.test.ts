/**
 * Counter safety E2E: browser host in demo mode (embedded emulator) + Chromium, driven with real
 * keystroke timings through playwright's keyboard: a person types with 200 ms between keys; a USB
 * scanner types the whole code back to back (no delay) or slowly (40 ms per key) and ends with Enter.
 * The scanner gap is raised to 120 ms in Settings first (the slow scanner needs it, and on a loaded CI
 * machine each synthetic key costs a CDP round trip). Screenshots of every new state at 1280×800 and
 * 1024×768 go to test-results/screens/ (counter-*).
 */
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, shotBoth, text, tid, waitAttr, waitCount, waitFocus, waitValue, type Harness } from './screens-helpers';

let h: Harness;

harnessForFile((started) => (h = started));

/** A person at the keypad. */
const human = (keys: string): Promise<void> => h.page.keyboard.type(keys, { delay: 200 });
/** A USB scanner: the code back to back (or `delayMs` apart), then the Enter suffix. */
async function scanner(code: string, delayMs = 0, suffix: 'Enter' | null = 'Enter'): Promise<void> {
  await h.page.keyboard.type(code, { delay: delayMs });
  if (suffix) await h.page.keyboard.press(suffix);
}
async function clearAmount(): Promise<void> {
  await h.page.focus(tid('amount-input'));
  await h.page.keyboard.press('Escape');
  await waitValue(h.page, tid('amount-input'), '');
}
async function pay(orderId: string): Promise<void> {
  const r = await fetch(`${h.line.emulator?.control}/trades/${encodeURIComponent(orderId)}/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(r.status).toBe(200);
}

describe('counter safety E2E', { timeout: 180_000 }, () => {
  it('Settings › 收银安全: defaults, and the scanner gap raised to 120 ms', async () => {
    const { page } = h;
    await openConsole(h);
    await page.click(tid('tab-settings'));
    expect(await page.inputValue(tid('settings-confirm-above'))).toBe('500.00');
    expect(await page.inputValue(tid('settings-max-per-sale'))).toBe('5000.00');
    await page.fill('#pd-scan-gap', '120');
    await page.locator(tid('counter-safety')).scrollIntoViewIfNeeded();
    await shotBoth(page, 'counter-01-settings');
    await page.click(tid('settings-save'));
    await page.waitForSelector(tid('settings-result'));
    await page.click(tid('tab-checkout'));
    await waitFocus(page, 'amount-input');
  });

  it('a scan after a typed amount charges exactly that amount by 付款码 from the 扫码收款 tab; the code never becomes an amount', async () => {
    const { page } = h;
    await human('12');
    await waitValue(page, tid('amount-input'), '12');
    await scanner('281000000000000001');
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID');
    expect(await text(page, tid('order-amount'))).toBe('¥12.00');
    expect(await text(page, tid('order-method'))).toBe('付款码');
    expect(await page.inputValue(tid('amount-input'))).toBe('');
  });

  it('the same 付款码 again within a minute is refused by main; focus back for the next key', async () => {
    const { page } = h;
    await page.keyboard.press('Escape'); // 下一位顾客
    await human('9');
    await scanner('281000000000000001');
    await waitAttr(page, tid('error'), 'data-code', 'DUPLICATE_AUTH_CODE');
    expect(await text(page, tid('error'))).toMatch(/刚刚已扫过/);
    expect(await page.getAttribute(tid('method-qr'), 'data-testid')).toBe('method-qr'); // the tab stays
    await waitFocus(page, 'amount-input');
    await shotBoth(page, 'counter-02-duplicate-code');
  });

  it('a scan with no amount keeps the code; the amount typed next charges with it', async () => {
    const { page } = h;
    await page.click(tid('method-qr'));
    await clearAmount();
    await scanner('281000000000000021');
    await page.waitForSelector(tid('kept-code'));
    expect(await page.inputValue(tid('amount-input'))).toBe('');
    await waitFocus(page, 'amount-input');
    await shotBoth(page, 'counter-03-kept-code');
    await human('6.5');
    await page.keyboard.press('Enter');
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID');
    expect(await text(page, tid('order-amount'))).toBe('¥6.50');
    await page.keyboard.press('Escape');
  });

  it('a slow scanner (40 ms per key) is still a scanner; a product barcode is dropped with a word', async () => {
    const { page } = h;
    await page.click(tid('method-qr'));
    await clearAmount();
    await human('3');
    await scanner('281000000000000031', 40);
    await waitAttr(page, tid('order-status'), 'data-status', 'PAID');
    expect(await text(page, tid('order-amount'))).toBe('¥3.00');
    await page.keyboard.press('Escape');

    await scanner('6901234567892'); // EAN-13 on a product
    await page.waitForSelector(tid('scan-toast'));
    expect(await text(page, tid('scan-toast'))).toMatch(/不是付款码/);
    expect(await page.inputValue(tid('amount-input'))).toBe('');
    await shotBoth(page, 'counter-04-not-a-code');
  });

  it('above ¥500: the amount large and in 大写; Enter does not pass, a scan behind it is refused, Ctrl+Enter confirms', async () => {
    const { page } = h;
    await clearAmount();
    await human('1234.56');
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('confirm-sale'));
    expect(await text(page, tid('confirm-capital'))).toBe('壹仟贰佰叁拾肆元伍角陆分');
    await page.keyboard.press('Enter');
    await waitAttr(page, tid('confirm-enter-hint'), 'data-nudged', '1');
    await shotBoth(page, 'counter-05-confirm');
    await scanner('281000000000000041');
    await page.waitForSelector(tid('scan-toast'));
    expect(await text(page, tid('scan-toast'))).toMatch(/对话框/);
    await shotBoth(page, 'counter-06-scan-behind-dialog');
    expect(await page.isVisible(tid('confirm-sale'))).toBe(true);
    await page.keyboard.press('Control+Enter');
    await waitAttr(page, tid('order-status'), 'data-status', 'AWAITING_PAYMENT');
    expect(await text(page, tid('order-amount'))).toBe('¥1234.56');
    // The cashier's next key goes to the counter once the dialog has gone (a key pressed while it is
    // still closing belongs to the dialog, as with any modal).
    await page.waitForSelector(tid('confirm-sale'), { state: 'hidden' });
    await waitFocus(page, 'amount-input');
  });

  it('Esc on the waiting QR asks first; a second Esc within 2 s cancels', async () => {
    const { page } = h;
    await page.keyboard.press('Escape');
    await page.waitForSelector(tid('checkout-notice'));
    expect(await text(page, tid('checkout-notice'))).toMatch(/再按一次 Esc/);
    expect(await page.getAttribute(tid('order-status'), 'data-status')).toBe('AWAITING_PAYMENT');
    await shotBoth(page, 'counter-07-esc-asks');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await waitAttr(page, tid('order-status'), 'data-status', 'CLOSED');
    await page.keyboard.press('Escape');
  });

  it('over the maximum is refused before anything is created; pasted "￥１２.３４元" is normalised, "1,234.5.6" refused', async () => {
    const { page } = h;
    await clearAmount();
    await human('6000');
    await page.keyboard.press('Enter');
    await waitAttr(page, tid('error'), 'data-code', 'AMOUNT_OVER_LIMIT');
    await waitFocus(page, 'amount-input');
    await shotBoth(page, 'counter-08-over-limit');
    await page.fill(tid('amount-input'), '￥１２.３４元');
    await waitValue(page, tid('amount-input'), '12.34');
    await page.fill(tid('amount-input'), '1,234.5.6');
    await page.waitForSelector(tid('amount-error'));
    expect(await text(page, tid('amount-error'))).toMatch(/多个小数点/);
    expect(await page.inputValue(tid('amount-input'))).toBe('12.34');
    await shotBoth(page, 'counter-09-paste-refused');
  });

  it('after a reload the waiting QR comes back; paid while on 订单, the toast shows there, once', async () => {
    const { page } = h;
    await clearAmount();
    await human('20');
    await page.keyboard.press('Enter');
    await waitAttr(page, tid('order-status'), 'data-status', 'AWAITING_PAYMENT');
    const id = await text(page, tid('order-id'));
    await page.reload();
    await page.waitForSelector('[data-app-state="ready"]', { timeout: 30_000 });
    await page.waitForSelector(tid('countdown'));
    expect(await text(page, tid('order-id'))).toBe(id);
    expect(await page.isVisible(tid('order-qr'))).toBe(true);
    await shotBoth(page, 'counter-10-restored');
    await page.click(tid('tab-orders'));
    await pay(id);
    await page.waitForSelector(tid('paid-toast'));
    expect(await text(page, tid('paid-toast'))).toBe('收款成功 ¥20.00');
    await shotBoth(page, 'counter-11-paid-toast-orders');
    await waitCount(page, tid('paid-toast'), 1);
    await waitAttr(page, tid('announcement'), 'data-count', '1');
    await page.click(tid('tab-checkout'));
    await page.keyboard.press('Escape');
  });

  it('a pay link as a QR is a short URL on the notify endpoint that redirects to the pay page', async () => {
    const { page } = h;
    await page.click(tid('method-link'));
    await waitFocus(page, 'amount-input');
    await clearAmount();
    await human('3');
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('pay-link'));
    const long = await page.inputValue(tid('pay-link'));
    await page.click(tid('toggle-link-qr'));
    await page.waitForSelector(tid('link-short'));
    const short = (await text(page, `${tid('link-short')} .pd-short-link`)).trim();
    expect(short).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/p\/[A-Za-z0-9_-]{8}$/);
    expect(Number(await page.getAttribute(tid('order-qr'), 'data-modules'))).toBeLessThanOrEqual(41);
    await shotBoth(page, 'counter-12-link-short-qr');
    const r = await fetch(short, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(long);
    await page.click(tid('cancel-button'));
    await waitAttr(page, tid('order-status'), 'data-status', 'CLOSED');
    expect((await fetch(short, { redirect: 'manual' })).status).toBe(404);
    expect(h.problems.filter((p) => !/HTTP 4\d\d/.test(p))).toEqual([]);
  });
});
