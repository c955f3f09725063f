/**
 * Benchmarks of the renderer itself.
 * - rendererBundle: the JavaScript of the production build in out/renderer (what Electron and the
 *   browser host load): every .js file, raw bytes and gzip (zlib's default level, as an HTTP server
 *   would send it), and the part the page needs before its first paint (the entry script and the
 *   chunks index.html preloads). Source maps in out/renderer are counted too: none should ship.
 * - checkoutInteractive: a cold page load of the browser host (`src/main/web/cli.ts`, demo mode: the
 *   embedded emulator) in Chromium (playwright-core, Debian's /usr/bin/chromium), a fresh browser
 *   context each run (empty cache and storage), from the navigation start to the moment the 收款
 *   screen's amount field holds a keystroke: the field is focused and enabled, one "1" is typed
 *   through the keyboard and the field shows it. Includes Playwright's round trips (a few ms each).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { ensureRendererBuilt, RENDERER_DIR } from '../test/e2e/build';
import { CHROMIUM_ARGS, startServe, stopServe, type Serve } from './pay-to-screen';
import { percentile, round, tempDir, type BenchOptions } from './util';

export interface RendererBundleFigures {
  jsBytes: number;
  jsGzipBytes: number;
  /** The entry script plus what index.html preloads: loaded before the first paint. */
  initialJsBytes: number;
  initialJsGzipBytes: number;
  jsFiles: number;
  sourceMaps: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Sizes of the built renderer in `dir` (an electron-vite production build). */
export function measureBundle(dir: string): RendererBundleFigures {
  const files = filesUnder(dir);
  const js = files.filter((f) => f.endsWith('.js'));
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  // <script type="module" src="./assets/index-….js"> and <link rel="modulepreload" href="./assets/….js">
  const initial = new Set([...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.js)"/g)].map((m) => join(dir, m[1] as string)));
  const sizes = js.map((f) => {
    const bytes = readFileSync(f);
    return { f, raw: bytes.length, gz: gzipSync(bytes).length };
  });
  const missing = [...initial].filter((f) => !js.includes(f));
  if (missing.length) throw new Error(`index.html loads scripts that are not in the build: ${missing.map((f) => relative(dir, f)).join(', ')}`);
  const sum = (xs: { raw: number; gz: number }[], k: 'raw' | 'gz') => xs.reduce((s, x) => s + x[k], 0);
  const first = sizes.filter((s) => initial.has(s.f));
  return {
    jsBytes: sum(sizes, 'raw'),
    jsGzipBytes: sum(sizes, 'gz'),
    initialJsBytes: sum(first, 'raw'),
    initialJsGzipBytes: sum(first, 'gz'),
    jsFiles: js.length,
    sourceMaps: files.filter((f) => f.endsWith('.map')).length,
  };
}

export async function benchRendererBundle(opts: BenchOptions): Promise<RendererBundleFigures> {
  await ensureRendererBuilt();
  const figures = measureBundle(RENDERER_DIR);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  opts.log(
    `renderer JS: ${kb(figures.jsBytes)} raw, ${kb(figures.jsGzipBytes)} gzip in ${figures.jsFiles} file(s); before first paint ${kb(figures.initialJsBytes)} / ${kb(figures.initialJsGzipBytes)}`,
  );
  return figures;
}

export interface CheckoutInteractiveFigures {
  p50Ms: number;
  p95Ms: number;
  runs: number;
}

/** One cold load: ms from navigation start to the amount field showing the typed "1". */
async function oneLoad(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    // Runs in the page (globalThis = window; this file is type-checked without the DOM lib).
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document;
        const el = doc.activeElement;
        return el?.getAttribute('data-testid') === 'amount-input' && el.getAttribute('aria-disabled') !== 'true';
      },
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    await page.keyboard.press('1');
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document;
        return doc.querySelector('[data-testid="amount-input"]')?.value === '1';
      },
      undefined,
      { polling: 'raf', timeout: 5_000 },
    );
    // Both clocks are the page's: navigation start (timeOrigin) and now.
    return await page.evaluate(() => performance.now());
  } finally {
    await context.close();
  }
}

export async function benchCheckoutInteractive(opts: BenchOptions): Promise<CheckoutInteractiveFigures> {
  const runs = opts.quick ? 7 : 21;
  await ensureRendererBuilt();
  const dir = tempDir('paydesk-bench-ready-');
  let serve: Serve | null = null;
  let browser: Browser | null = null;
  try {
    serve = await startServe(join(dir.path, 'data'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
    for (let i = 0; i < 2; i++) await oneLoad(browser, serve.url); // warm-up: the host's first requests, Chromium's own start
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await oneLoad(browser, serve.url));
    opts.log(`收款 interactive: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms over ${runs} cold loads`);
    return { p50Ms: round(percentile(times, 50), 0), p95Ms: round(percentile(times, 95), 0), runs };
  } finally {
    await browser?.close();
    if (serve) await stopServe(serve);
    dir.remove();
  }
}
