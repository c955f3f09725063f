/**
 * Benchmark 3 — payment → screen. The browser host (`src/main/web/cli.ts`, demo mode: the embedded
 * emulator) and its renderer in Chromium (playwright-core, Debian's /usr/bin/chromium). For each payment:
 * the cashier charges in the page (amount → 收款 → QR shown), then the buyer pays through the emulator's
 * control API; we measure from the moment the pay call is sent (Date.now() in Node) to the moment the
 * page's DOM shows 已支付 for that order (a MutationObserver in the page, performance.timeOrigin +
 * performance.now(); same machine, same wall clock).
 * - payToScreen: notifications delivered (emulator → notify server → commit → SSE → React);
 * - payToScreenPolling: every notification dropped (emulator fault `notify-drop`), so only the
 *   tracker's polling of alipay.trade.query finds the payment (default schedule: first poll 2 s after
 *   the QR is issued, then ×1.5 up to 10 s). The buyer pays as soon as the QR shows, so this measures
 *   the first poll; a buyer paying later waits for the next poll (up to 10 s apart). Several tabs run
 *   in parallel to keep the run short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureRendererBuilt, RENDERER_DIR } from '../test/e2e/build';
import { percentile, round, tempDir, type BenchOptions } from './util';

export interface PayToScreenFigures {
  p50Ms: number;
  p95Ms: number;
  payments: number;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Runs in the page before any script: remember when each order first shows PAID. */
const OBSERVER = `
  window.__paidAt = {};
  const check = () => {
    const panel = document.querySelector('[data-testid="order-panel"]');
    const status = document.querySelector('[data-testid="order-status"]');
    if (!panel || !status) return;
    const id = panel.getAttribute('data-order-id');
    if (id && status.getAttribute('data-status') === 'PAID' && !(id in window.__paidAt)) {
      window.__paidAt[id] = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
`;

export interface Serve {
  child: ChildProcess;
  url: string;
  control: string;
}

/** `imports`: extra modules the child loads first (the tunnel bench: *.localhost resolution). */
export async function startServe(dataDir: string, imports: string[] = []): Promise<Serve> {
  const repo = join(import.meta.dirname, '..');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...imports.flatMap((m) => ['--import', m]),
      join(repo, 'src/main/web/cli.ts'),
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--renderer-dir',
      RENDERER_DIR,
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const rl = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start in 60 s')), 60_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  rl.close();
  const info = JSON.parse(line) as { url: string; emulator?: { control: string } };
  if (!info.emulator) throw new Error('serve is not in demo mode (no emulator)');
  return { child, url: info.url, control: info.emulator.control };
}

export async function stopServe(s: Serve): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 900, height: 900 }, locale: 'zh-CN' });
  await context.addInitScript(OBSERVER);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('[data-app-state="ready"]', { timeout: 30_000 });
  return page;
}

/** One payment in `page`: charge, wait for the QR, pay, wait for 已支付. Returns pay → screen in ms. */
export async function onePayment(page: Page, control: string, amount: string, timeoutMs: number): Promise<number> {
  await page.fill('[data-testid="amount-input"]', amount);
  await page.click('[data-testid="charge-button"]');
  await page.waitForSelector('[data-testid="order-panel"]:has([data-testid="order-status"][data-status="AWAITING_PAYMENT"]) [data-testid="order-qr"]', {
    state: 'visible',
    timeout: 15_000,
  });
  const id = await page.locator('[data-testid="order-panel"]').getAttribute('data-order-id');
  if (!id) throw new Error('order panel without an order id');
  const t0 = Date.now();
  const res = await fetch(`${control}/trades/${encodeURIComponent(id)}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (res.status !== 200) throw new Error(`pay ${id}: HTTP ${res.status} ${await res.text()}`);
  // Runs in the page (globalThis = window; this file is type-checked without the DOM lib). Not a
  // string: the renderer's CSP forbids eval.
  const handle = await page.waitForFunction((orderId: string) => (globalThis as unknown as { __paidAt: Record<string, number> }).__paidAt[orderId], id, {
    timeout: timeoutMs,
    polling: 'raf',
  });
  const t1 = (await handle.jsonValue()) as number;
  return t1 - t0;
}

const figures = (xs: number[]): PayToScreenFigures => ({ p50Ms: round(percentile(xs, 50), 1), p95Ms: round(percentile(xs, 95), 1), payments: xs.length });

export async function benchPayToScreen(
  opts: BenchOptions,
): Promise<{ payToScreen: PayToScreenFigures; payToScreenPolling: PayToScreenFigures & { tabs: number } }> {
  const n = 50;
  const tabs = 5;
  const perTab = opts.quick ? 2 : 10;
  await ensureRendererBuilt();
  const dir = tempDir('paydesk-bench-screen-');
  let serve: Serve | null = null;
  let browser: Browser | null = null;
  try {
    serve = await startServe(join(dir.path, 'data'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
    const page = await openPage(browser, serve.url);
    for (let i = 0; i < 3; i++) await onePayment(page, serve.control, `0.0${i + 1}`, 15_000); // warm-up
    const pushed: number[] = [];
    for (let i = 0; i < n; i++) pushed.push(await onePayment(page, serve.control, `${1 + i}.${String(i % 100).padStart(2, '0')}`, 15_000));
    opts.log(`screen (notify): p50 ${percentile(pushed, 50).toFixed(1)} ms, p95 ${percentile(pushed, 95).toFixed(1)} ms over ${n}`);

    // Notifications blocked: only polling can find the payments.
    const fault = await fetch(`${serve.control}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'notify-drop', count: 1_000_000 }),
    });
    if (fault.status !== 200) throw new Error(`fault: HTTP ${fault.status}`);
    const pages = [page, ...(await Promise.all(Array.from({ length: tabs - 1 }, () => openPage(browser as Browser, (serve as Serve).url))))];
    const polled: number[] = [];
    await Promise.all(
      pages.map(async (p, t) => {
        for (let i = 0; i < perTab; i++) polled.push(await onePayment(p, (serve as Serve).control, `${100 + t}.${String(i).padStart(2, '0')}`, 30_000));
      }),
    );
    opts.log(`screen (polling): p50 ${percentile(polled, 50).toFixed(1)} ms, p95 ${percentile(polled, 95).toFixed(1)} ms over ${polled.length}`);
    return { payToScreen: figures(pushed), payToScreenPolling: { ...figures(polled), tabs } };
  } finally {
    await browser?.close();
    if (serve) await stopServe(serve);
    dir.remove();
  }
}
