/**
 * Shared pieces of the console screens E2E (test/e2e/screens.test.ts and the other Chromium files):
 * launching the browser host and Chromium (once per file), opening the console, screenshots at both
 * window sizes, and small waits on data-testid / data-* attributes.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { readServeLine, REPO, spawnServe, type ServeLine, type ServeProcess } from '../console/serve-process';
import { ensureRendererBuilt, RENDERER_DIR } from './build';
import { makeTempDir } from '../support';

export const SHOTS = join(REPO, 'test-results', 'screens');
export const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
] as const;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--lang=zh-CN',
];

export interface Harness {
  serve: ServeProcess;
  line: ServeLine;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  problems: string[];
  navigations: string[];
  close(): Promise<void>;
}

/** Debian's Chromium (the E2E tests never download a browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** Launch Chromium, or say plainly that it is missing and how to install it. */
export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `找不到 Chromium：${executablePath} 不存在（apt-get install chromium）/ Chromium is missing: ${executablePath} does not exist (apt-get install chromium)`,
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000, env: { ...process.env, LANG: 'zh_CN.UTF-8', LANGUAGE: 'zh_CN' } });
}

/**
 * Start Chromium, then `serve` (demo mode, embedded emulator), and a page on it, watching for page
 * errors. Chromium first: when it is missing nothing else has started; a later failure stops what did.
 */
export async function startHarness(rendererDir: string, options: { executablePath?: string } = {}): Promise<Harness> {
  await mkdir(SHOTS, { recursive: true });
  const browser = await launchChromium(options.executablePath);
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  let serve: ServeProcess | undefined;
  try {
    tmp = makeTempDir('paydesk-screens-');
    serve = spawnServe(['--port', '0', '--data-dir', join(tmp.dir, 'data'), '--renderer-dir', rendererDir]);
    const line = await readServeLine(serve);
    const context = await browser.newContext({ viewport: SIZES[0], locale: 'zh-CN', acceptDownloads: true });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems: string[] = [];
    const navigations: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('response', (res) => res.status() >= 400 && problems.push(`HTTP ${res.status()} ${res.url()}`));
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
    const started = { serve, tmp };
    return {
      serve,
      line,
      browser,
      context,
      page,
      problems,
      navigations,
      async close() {
        await browser.close().catch(() => undefined);
        const code = await started.serve.stop();
        if (code !== 0) console.error(`serve exited with ${code}\n${started.serve.stderr()}`);
        await started.tmp.cleanup();
      },
    };
  } catch (err) {
    await browser.close().catch(() => undefined);
    await serve?.stop();
    await tmp?.cleanup();
    throw err;
  }
}

/**
 * One harness for the whole file: beforeAll builds the renderer if needed and starts it (handing it to
 * `started`), afterAll closes it.
 */
export function harnessForFile(started: (h: Harness) => void): void {
  let harness: Harness | undefined;
  beforeAll(async () => {
    await ensureRendererBuilt();
    harness = await startHarness(RENDERER_DIR);
    started(harness);
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  });
}

/** Open the console in the harness page and wait until it is ready. */
export async function openConsole(h: Harness): Promise<void> {
  await h.page.goto(h.line.url);
  await h.page.waitForSelector('[data-app-state="ready"]', { timeout: 30_000 });
}

export const tid = (id: string): string => `[data-testid="${id}"]`;

/** A screenshot of the current screen at both sizes (1280×800, 1024×768), back to 1280×800 after. */
export async function shotBoth(page: Page, name: string): Promise<void> {
  for (const size of [SIZES[1], SIZES[0]]) {
    await page.setViewportSize(size);
    // let antd re-layout (Tabs ink bar, Table widths) before the picture
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    // and let transitions (Segmented thumb, Drawer, Tabs ink bar) finish so nothing is caught mid-way
    await expect
      .poll(
        () =>
          page.evaluate("document.getAnimations().filter((a) => a.playState === 'running' && a.effect && a.effect.getTiming().iterations !== Infinity).length"),
        POLL,
      )
      .toBe(0);
    await page.screenshot({ path: join(SHOTS, `${name}-${size.width}x${size.height}.png`), fullPage: true });
  }
}

/** Wait until the element's attribute has the value (Playwright polls; no fixed sleeps). */
export async function waitAttr(page: Page, selector: string, attr: string, value: string, timeout = 30_000): Promise<void> {
  await page.waitForSelector(`${selector}[${attr}="${value}"]`, { timeout });
}

/** The text of the first match, trimmed. */
export async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').trim();
}

/*
 * Waits poll from the test side (expect.poll): the page's CSP forbids the eval that a string
 * waitForFunction needs, and the node tsconfig has no DOM lib for function bodies.
 */
const POLL = { timeout: 30_000, interval: 100 };

/** Wait until exactly `n` elements match. */
export async function waitCount(page: Page, selector: string, n: number): Promise<void> {
  await expect.poll(() => page.locator(selector).count(), POLL).toBe(n);
}

/** Wait until the first match's text is `value`. */
export async function waitText(page: Page, selector: string, value: string): Promise<void> {
  await expect.poll(async () => (await page.locator(selector).count()) > 0 && (await page.locator(selector).first().textContent()), POLL).toBe(value);
}

/** Wait until the input's value is `value`. */
export async function waitValue(page: Page, selector: string, value: string): Promise<void> {
  await expect.poll(() => page.locator(selector).first().inputValue(), POLL).toBe(value);
}

/** Wait until the focused element has this data-testid. */
export async function waitFocus(page: Page, testId: string): Promise<void> {
  await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("data-testid")'), POLL).toBe(testId);
}
