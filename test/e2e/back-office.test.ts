/**
 * Back office by keyboard, in Chromium with real keystrokes (browser host, demo mode): two 付款码 sales,
 * then 订单 searched by the last characters of an order number and by amount, walked with ↑ ↓ and opened
 * with Enter; a refund opened with R, filled and confirmed with Enter; a manager PIN set in 设置 from the
 * keyboard; the next refund asks for it (a wrong PIN is refused, the right one passes and the timeline
 * says 店长密码授权); the F1 shortcut sheet; 今日 with gross and the split by method; the CSV keeps the
 * 28-digit trade number as text. Screenshots of each new state at 1280×800 and 1024×768.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { harnessForFile, openConsole, shotBoth, text, tid, waitAttr, waitCount, waitFocus, waitText, type Harness } from './screens-helpers';

let h: Harness;
const sales: { id: string; amount: string }[] = [];

harnessForFile((started) => (h = started));

const press = (key: string): Promise<void> => h.page.keyboard.press(key);
const type = (keys: string): Promise<void> => h.page.keyboard.type(keys, { delay: 120 }); // a person typing (a scanner is < 60 ms per key)
const activeRow = (): Promise<string | null> => h.page.getAttribute(`${tid('order-row')}[data-row-active="true"]`, 'data-order-id');

describe('back office by keyboard (Chromium)', { timeout: 180_000 }, () => {
  it('takes two 付款码 sales', async () => {
    const { page } = h;
    await openConsole(h);
    await page.click(tid('method-code'));
    // Two customers, two 付款码 (the same code twice within a minute is refused as a double scan).
    for (const [amount, code] of [
      ['12.34', '281000000000000001'],
      ['20', '286123456789012345'],
    ] as const) {
      await page.focus(tid('amount-input'));
      await press('Escape');
      await type(amount);
      await press('Enter');
      await waitFocus(page, 'scan-input');
      await page.keyboard.type(code, { delay: 5 }); // the scanner's rhythm
      await press('Enter');
      await waitAttr(page, tid('order-status'), 'data-status', 'PAID', 60_000);
      sales.push({ id: await text(page, tid('order-id')), amount });
    }
  });

  it('订单: / search by the last 6 characters, then by amount; ↑ ↓ Enter opens; R Enter Enter refunds; Esc back to the row', async () => {
    const { page } = h;
    await press('Alt+2');
    await page.waitForSelector(`${tid('order-row')}[data-order-id="${sales[1]!.id}"]`);
    await press('/');
    // the focus lands in the search box's input, inside the element that carries the test id
    await expect
      .poll(() => page.evaluate('document.activeElement !== null && document.activeElement.closest("[data-testid=orders-search]") !== null'), {
        timeout: 10_000,
      })
      .toBe(true);
    await type(sales[0]!.id.slice(-6).toUpperCase());
    await press('Enter');
    await waitCount(page, tid('order-row'), 1);
    expect(await page.getAttribute(tid('order-row'), 'data-order-id')).toBe(sales[0]!.id);
    await shotBoth(page, '20-orders-search-tail');
    await page.fill(`${tid('orders-search')} input`, '');
    await page.focus(`${tid('orders-search')} input`);
    await type('20.00');
    await press('Enter');
    await waitCount(page, tid('order-row'), 1);
    expect(await page.getAttribute(tid('order-row'), 'data-order-id')).toBe(sales[1]!.id);
    await page.fill(`${tid('orders-search')} input`, '');
    await waitCount(page, tid('order-row'), 2);

    // ↓ from the search into the list, walk it, Enter opens the highlighted order
    await page.focus(`${tid('orders-search')} input`);
    await press('ArrowDown');
    await waitFocus(page, 'orders-list');
    expect(await activeRow()).toBe(sales[1]!.id);
    await press('ArrowDown');
    expect(await activeRow()).toBe(sales[0]!.id);
    await shotBoth(page, '21-orders-keyboard');
    await press('Enter');
    await waitAttr(page, tid('order-detail'), 'data-order-id', sales[0]!.id);

    // R → amount; type; Enter → confirmation (focus on 确认退款); Enter → refunded
    await press('r');
    await waitFocus(page, 'refund-amount-input');
    await type('2');
    await press('Enter');
    await waitFocus(page, 'refund-confirm');
    await shotBoth(page, '22-refund-confirm-keyboard');
    await press('Enter');
    await waitText(page, tid('detail-refunded'), '¥2.00');
    await press('Escape');
    await page.waitForSelector(tid('order-detail'), { state: 'detached' });
    await waitFocus(page, 'orders-list');
    expect(await activeRow()).toBe(sales[0]!.id);
  });

  it('设置: a manager PIN set from the keyboard', async () => {
    const { page } = h;
    await press('Alt+5');
    await page.waitForSelector(`${tid('manager-pin-section')}[data-pin-set="no"]`);
    await page.waitForSelector(tid('pin-not-set'));
    await page.focus(tid('pin-next'));
    await type('271828');
    await press('Tab');
    await type('271828');
    await shotBoth(page, '23-settings-pin-first');
    await press('Enter');
    await page.waitForSelector(`${tid('manager-pin-section')}[data-pin-set="yes"]`);
    expect(await text(page, tid('pin-pin-result'))).toBe('店长密码已保存');
    await page.locator(tid('pin-threshold-save')).scrollIntoViewIfNeeded();
    await shotBoth(page, '24-settings-pin-set');
  });

  it('设置: saving a change now asks for the PIN (Enter in the prompt), and main applies it', async () => {
    const { page } = h;
    const expiry = page.locator(`${tid('settings-screen')} input${tid('settings-expiry')}`);
    await expiry.scrollIntoViewIfNeeded();
    await expiry.focus();
    await press('Control+A');
    await type('9');
    await page.click(tid('settings-save'));
    await waitFocus(page, 'pin-prompt-input');
    await shotBoth(page, '24b-settings-pin-prompt');
    await type('271828');
    await press('Enter');
    await waitText(page, tid('settings-result'), '设置已保存');
  });

  it('the next refund asks for the PIN in its confirmation: wrong → refused, right → refunded and recorded', async () => {
    const { page } = h;
    await press('Alt+2');
    await page.focus(tid('orders-list'));
    await press('Home');
    expect(await activeRow()).toBe(sales[1]!.id);
    await press('Enter');
    await waitAttr(page, tid('order-detail'), 'data-order-id', sales[1]!.id);
    await press('r');
    await waitFocus(page, 'refund-amount-input');
    await type('5');
    await press('Enter');
    await waitFocus(page, 'refund-pin-input');
    await type('000000');
    await press('Enter');
    await waitText(page, tid('refund-error'), '店长密码不正确，还可再试 4 次');
    await waitFocus(page, 'refund-pin-input');
    await shotBoth(page, '25-refund-pin-wrong');
    await type('271828');
    await press('Enter');
    await waitText(page, tid('detail-refunded'), '¥5.00');
    await page.waitForSelector(tid('event-pin'));
    expect(await text(page, tid('event-pin'))).toBe('店长密码授权');
    await shotBoth(page, '26-refund-pin-recorded');
    await press('Escape');
    await page.waitForSelector(tid('order-detail'), { state: 'detached' });
  });

  it('F1 shows every key; Esc closes it', async () => {
    const { page } = h;
    await press('F1');
    await page.waitForSelector(tid('shortcut-sheet'));
    const sheet = await text(page, tid('shortcut-sheet'));
    for (const k of ['F1 / ?', 'Alt+1 … Alt+5', 'Backspace', '付款码 + Enter', '↑ ↓ Home End PgUp PgDn']) expect(sheet).toContain(k);
    await shotBoth(page, '27-shortcut-sheet');
    await press('Escape');
    await page.waitForSelector(tid('shortcut-sheet'), { state: 'detached' });
  });

  it('今日: gross, refunds, net and the split by method; the CSV keeps the trade number as text', async () => {
    const { page } = h;
    await press('Alt+3');
    await waitText(page, tid('today-gross'), '32.34');
    expect(await text(page, tid('today-refunded'))).toBe('7.00');
    expect(await text(page, tid('today-net'))).toBe('25.34');
    expect(await text(page, tid('today-count'))).toBe('2');
    await waitCount(page, tid('method-row'), 1);
    expect(await page.getAttribute(tid('method-row'), 'data-method')).toBe('code');
    await shotBoth(page, '28-today-split');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('today-export'))]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const line = csv.split('\r\n').find((l) => l.includes(sales[0]!.id)) ?? '';
    expect(line).toMatch(/,="\d{20,}",12\.34,2\.00,/);
  });
});
