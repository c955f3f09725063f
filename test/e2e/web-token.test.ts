/**
 * The browser host's token in real Chromium. Browsers do not scope cookies by port, so anything the
 * console keeps as an ambient credential (a cookie) is sent to every other server on 127.0.0.1: a second
 * loopback server stands in for any local process, and the console page navigates to it (typed URL, a
 * link, window.open). It must receive no token in any header or URL. The console still works after a
 * reload (the token lives in the tab's sessionStorage), events included.
 * Then the host restarts on the same data dir: it reuses its port, the open tab says plainly that it must
 * be reopened from the new URL (a new token each start), and pasting that URL into the same tab works.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServeLine, REPO, spawnServe, type ServeLine, type ServeProcess } from '../console/serve-process';
import { ensureRendererBuilt, RENDERER_DIR } from './build';
import { makeTempDir } from '../support';

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
const tid = (id: string): string => `[data-testid="${id}"]`;
const SHOTS = join(REPO, 'test-results', 'e2e');

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let spy: Server | undefined;
let spyBase = '';
const seen: Seen[] = [];
const procs: ServeProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const problems: string[] = [];

beforeAll(async () => {
  await ensureRendererBuilt();
  await mkdir(SHOTS, { recursive: true });
  // "Another local process": a plain server on another loopback port that records what it is sent.
  spy = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>other</title><p>other local server</p>');
  });
  await new Promise<void>((r) => spy!.listen(0, '127.0.0.1', r));
  spyBase = `http://127.0.0.1:${(spy.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60_000 });
  context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const p of procs) await p.stop();
  await new Promise((r) => (spy ? spy.close(r) : r(undefined)));
  for (const c of cleanups) await c();
});

async function serve(dataDir: string, extra: string[] = []): Promise<{ proc: ServeProcess; line: ServeLine; port: number }> {
  const proc = spawnServe(['--data-dir', dataDir, '--renderer-dir', RENDERER_DIR, '--poll-ms', '60000', ...extra]);
  procs.push(proc);
  const line = await readServeLine(proc);
  return { proc, line, port: Number(new URL(line.api).port) };
}

async function dataDir(): Promise<string> {
  const tmp = makeTempDir('paydesk-web-token-');
  cleanups.push(tmp.cleanup);
  return join(tmp.dir, 'data');
}

async function ready(p: Page): Promise<void> {
  await p.waitForSelector('[data-app-state="ready"]', { timeout: 30_000 });
  await p.waitForSelector(`${tid('connection')}[data-state="online"]`, { timeout: 30_000 });
}

/** Every place a token could travel in a request another server receives. */
function leaks(token: string): string[] {
  const out: string[] = [];
  for (const s of seen) {
    if (s.url.includes(token)) out.push(`URL ${s.url}`);
    for (const [name, value] of Object.entries(s.headers)) {
      const text = Array.isArray(value) ? value.join('; ') : String(value ?? '');
      if (text.includes(token)) out.push(`${name}: ${text}`);
      if (name === 'cookie') out.push(`cookie sent: ${text}`);
    }
  }
  return out;
}

describe('the token never reaches another loopback server', { timeout: 120_000 }, () => {
  let line: ServeLine;

  it('opens from the printed URL, keeps no cookie, and drops the token from the address bar', async () => {
    ({ line } = await serve(await dataDir(), ['--port', '0']));
    await page.goto(line.url);
    await ready(page);
    const url = new URL(page.url());
    expect(url.hash).toBe('');
    expect(url.search).toBe('');
    expect(page.url()).not.toContain(line.token);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate('document.cookie')).toBe('');
  });

  it('a typed URL, a link and window.open to another 127.0.0.1 port carry no token', async () => {
    // typed into the address bar of the console's tab
    await page.goto(`${spyBase}/typed`);
    await page.goBack();
    await ready(page);
    // a link on the console page, clicked
    await page.evaluate(
      `(() => { const a = document.createElement('a'); a.href = '${spyBase}/link'; a.id = 'e2e-link'; a.textContent = 'x'; document.body.appendChild(a); })()`,
    );
    await Promise.all([page.waitForURL(`${spyBase}/link`), page.click('#e2e-link')]);
    await page.goBack();
    await ready(page);
    // window.open from the console page
    const [popup] = await Promise.all([context.waitForEvent('page'), page.evaluate(`window.open('${spyBase}/popup', '_blank')`)]);
    await popup.waitForLoadState();
    await popup.close();
    expect(seen.map((s) => s.url)).toEqual(expect.arrayContaining(['/typed', '/link', '/popup']));
    expect(leaks(line.token)).toEqual([]);
  });

  it('still works after a reload: commands and the pushed events', async () => {
    await page.reload();
    await ready(page);
    expect(page.url()).not.toContain(line.token);
    await page.fill(tid('amount-input'), '3.21');
    await page.click(tid('charge-button'));
    await page.waitForSelector(tid('order-qr'), { state: 'visible', timeout: 15_000 });
    const orderId = ((await page.textContent(tid('order-id'))) ?? '').trim();
    const paid = await fetch(`${line.emulator?.control}/trades/${encodeURIComponent(orderId)}/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(paid.status).toBe(200);
    // --poll-ms 60000: only the pushed event can flip it this fast
    await page.waitForSelector(`${tid('order-status')}[data-status="PAID"]`, { timeout: 15_000 });
    expect(leaks(line.token)).toEqual([]);
  });
});

describe('restart of the browser host with an open tab', { timeout: 120_000 }, () => {
  it('reuses its port; the tab says to reopen from the new URL, and the new URL works in the same tab', async () => {
    const dir = await dataDir();
    const first = await serve(dir);
    const tab = await context.newPage();
    tab.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await tab.goto(first.line.url);
    await ready(tab);
    await tab.evaluate('window.__e2eMark = 1');
    expect(await first.proc.stop()).toBe(0);

    const second = await serve(dir);
    expect(second.port).toBe(first.port);
    expect(second.line.token).not.toBe(first.line.token);
    // within seconds, not "已连接" while the old token is dead
    await tab.waitForSelector(tid('reauth-banner'), { timeout: 15_000 });
    expect(await tab.getAttribute(tid('connection'), 'data-state')).toBe('offline');
    expect(await tab.textContent(tid('reauth-banner'))).toMatch(/重新打开/);
    await tab.screenshot({ path: join(SHOTS, 'web-token-reauth.png') });
    // pasting the new URL into the same tab (only the #fragment differs) takes the new token
    await tab.goto(second.line.url);
    await ready(tab);
    expect(await tab.isVisible(tid('reauth-banner'))).toBe(false);
    expect(tab.url()).not.toContain(second.line.token);
    expect(await second.proc.stop()).toBe(0);

    // the old port is taken by someone else now: a new port, and the tab says plainly what to do
    const squatter: TcpServer = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(first.port, '127.0.0.1', r));
    try {
      const third = await serve(dir);
      expect(third.port).not.toBe(first.port);
      expect(third.proc.stderr()).toMatch(new RegExp(`${first.port}`));
      await tab.waitForSelector(tid('offline-banner'), { timeout: 15_000 });
      expect(await tab.textContent(tid('offline-banner'))).toMatch(/打印的新链接/);
      await tab.screenshot({ path: join(SHOTS, 'web-token-moved.png') });
      await tab.goto(third.line.url);
      await ready(tab);
      await third.proc.stop();
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    await tab.close();
  });

  it('ran without page errors', () => {
    expect(problems).toEqual([]);
  });
});
