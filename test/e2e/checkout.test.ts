/**
 * Browser E2E against the browser host: `cli.ts --port 0 --data-dir <tmp>` (demo mode: the embedded
 * emulator), Debian's Chromium through playwright-core. The cashier charges 12.34, the buyer pays through
 * the emulator's control API, the page flips to 已支付 from the pushed event (no reload), then a 2.00
 * refund shows 部分退款. A screenshot per step goes to test-results/e2e/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServeLine, REPO, spawnServe, type ServeLine, type ServeProcess } from '../console/serve-process';
import { ensureRendererBuilt, RENDERER_DIR } from './build';
import { makeTempDir } from '../support';

const SHOTS = join(REPO, 'test-results', 'e2e');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let serve: ServeProcess | undefined;
let line: ServeLine;
let browser: Browser | undefined;
let page: Page;
let cleanup: (() => Promise<void>) | undefined;
const pageProblems: string[] = [];
const navigations: string[] = [];

beforeAll(async () => {
  await ensureRendererBuilt();
  await mkdir(SHOTS, { recursive: true });
  // Chromium first: when it is missing, no serve process has been started to leak
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
  const tmp = makeTempDir('paydesk-e2e-');
  cleanup = tmp.cleanup;
  serve = spawnServe(['--port', '0', '--data-dir', join(tmp.dir, 'data'), '--renderer-dir', RENDERER_DIR, '--poll-ms', '60000']);
  line = await readServeLine(serve);
  const context = await browser.newContext({ viewport: { width: 900, height: 900 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageProblems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => pageProblems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) pageProblems.push(`HTTP ${res.status()} ${res.url()}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  const code = await serve?.stop();
  if (serve && code !== 0) console.error(`serve exited with ${code}\n${serve.stderr()}`);
  await cleanup?.();
});

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, name), fullPage: true });
const testId = (id: string): string => `[data-testid="${id}"]`;

describe('browser host E2E', () => {
  it('opens with the token from the #fragment, keeps no cookie, and gets ready', async () => {
    await page.goto(line.url);
    await page.waitForSelector('[data-app-state="ready"]', { timeout: 15_000 });
    // the token left the address bar and lives in this tab's sessionStorage, never in a cookie
    expect(new URL(page.url()).hash).toBe('');
    expect(page.url()).not.toContain(line.token);
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.textContent(testId('provider-mode'))).toMatch(/演示/);
    await shot('01-ready.png');
  });

  it('charges 12.34, is paid through the emulator, flips to 已支付 without reload, refunds 2.00 → 部分退款', async () => {
    await page.fill(testId('amount-input'), '12.34');
    await page.click(testId('charge-button'));
    const qr = await page.waitForSelector(testId('order-qr'), { state: 'visible', timeout: 15_000 });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    const box = await qr.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(200);
    expect(await page.textContent(testId('order-amount'))).toBe('¥12.34');
    expect(await page.textContent(testId('order-status'))).toBe('等待付款');
    const orderId = (await page.textContent(testId('order-id')))?.trim() ?? '';
    expect(orderId).not.toBe('');
    await shot('02-qr.png');

    // Mark the document: if anything reloaded the page, the mark would be gone.
    await page.evaluate('window.__e2eMark = 42');
    const navigationsBefore = navigations.length;

    const paid = await fetch(`${line.emulator?.control}/trades/${encodeURIComponent(orderId)}/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(paid.status).toBe(200);
    await page.waitForSelector(`${testId('order-status')}[data-status="PAID"]`, { timeout: 15_000 });
    expect(await page.textContent(testId('order-status'))).toBe('已支付');
    expect(await page.evaluate('window.__e2eMark')).toBe(42);
    expect(navigations.length).toBe(navigationsBefore);
    await shot('03-paid.png');

    // refunds live in the Orders screen's detail drawer (README, "The screens"): row → 退款 → confirm
    await page.click(testId('tab-orders'));
    await page.click(`${testId('order-row')}[data-order-id="${orderId}"]`);
    await page.waitForSelector(`${testId('order-detail')}[data-order-id="${orderId}"]`, { timeout: 15_000 });
    await page.fill(testId('refund-amount-input'), '2.00');
    await page.click(testId('refund-button'));
    await page.click(testId('refund-confirm'));
    await page.waitForSelector(`${testId('order-detail')}[data-status="PARTIALLY_REFUNDED"]`, { timeout: 15_000 });
    expect(await page.textContent(testId('detail-status'))).toBe('部分退款');
    expect(await page.textContent(testId('detail-refunded'))).toBe('¥2.00');
    await shot('04-refunded.png');

    const trade = (await (await fetch(`${line.emulator?.control}/trades/${encodeURIComponent(orderId)}`)).json()) as {
      status: string;
      refundFee: string;
    };
    expect(trade).toMatchObject({ status: 'TRADE_SUCCESS', refundFee: '2.00' });
  });

  it('shows a refused amount in words', async () => {
    await page.keyboard.press('Escape'); // close the order drawer
    await page.click(testId('tab-checkout'));
    await page.fill(testId('amount-input'), '1.234');
    await page.click(testId('charge-button'));
    const error = await page.waitForSelector(testId('error'), { timeout: 10_000 });
    expect(await error.getAttribute('data-code')).toBe('AMOUNT_FORMAT');
    // the Chinese half of the bilingual message (the page is in zh-CN)
    expect(await error.textContent()).toMatch(/^金额格式不正确/);
    await shot('05-amount-error.png');
  });

  it('ran without page errors or CSP violations', () => {
    expect(pageProblems).toEqual([]);
  });
});
