import { request } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebBridge, type WebBridge } from '../../src/main/web/server';
import { extractMetaCsp } from '../../src/main/web/static';
import type { OrderDto } from '../../src/shared/contract';
import { fakeConsole, type FakeConsole } from './helpers';
import { makeTempDir, rawRequest, waitFor } from '../support';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";
const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;

let cleanup: () => Promise<void>;
let consoleHost: FakeConsole;
let bridge: WebBridge;
let port: number;

beforeAll(async () => {
  const tmp = makeTempDir('paydesk-web-');
  cleanup = tmp.cleanup;
  const site = join(tmp.dir, 'site');
  await mkdir(join(site, 'assets'), { recursive: true });
  await writeFile(
    join(site, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${CSP}" /></head><body><div id="root"></div></body></html>`,
  );
  await writeFile(join(site, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(site, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(tmp.dir, 'secret.txt'), 'top secret');
  consoleHost = await fakeConsole({ dataDir: join(tmp.dir, 'data') });
  bridge = await startWebBridge({ host: consoleHost.host, staticDir: site, keepAliveMs: 50 });
  port = bridge.port;
});

afterAll(async () => {
  await bridge?.close();
  await consoleHost?.host.close();
  await cleanup?.();
});

const bearer = (): Record<string, string> => ({ Authorization: `Bearer ${bridge.token}` });
const json = { 'Content-Type': 'application/json' };

function post(channel: string, body: unknown, headers: Record<string, string> = bearer()) {
  return rawRequest(port, {
    method: 'POST',
    path: `/api/${channel}`,
    headers: { ...json, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('web bridge', () => {
  it('binds 127.0.0.1 and describes itself', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${port}/#token=${bridge.token}`);
    expect(bridge.api).toBe(`http://127.0.0.1:${port}/api`);
    expect(bridge.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without a token, or with a wrong one', async () => {
    const none = await post('status.get', {}, {});
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const wrong = await post('status.get', {}, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const sse = await rawRequest(port, { path: '/api/events' });
    expect(sse.status).toBe(401);
  });

  it('runs a command with the Bearer token', async () => {
    const res = await post('status.get', {});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { environment: 'demo' } });
  });

  it('never sets or accepts a cookie: ?token= is refused, a stale token cookie is expired', async () => {
    const page = await rawRequest(port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    // the token in the query string (older versions): refused, no cookie, told where the token goes now
    const query = await rawRequest(port, { path: `/?token=${bridge.token}` });
    expect(query.status).toBe(400);
    expect(query.headers['set-cookie']).toBeUndefined();
    expect(query.body).toMatch(/#token=/);
    expect(query.body).toMatch(BILINGUAL);
    // the old cookie, right token and all, authenticates nothing
    const cookie = `paydesk_token_${port}=${bridge.token}`;
    const viaCookie = await post('settings.get', {}, { Cookie: cookie });
    expect(viaCookie.status).toBe(401);
    expect(JSON.parse(viaCookie.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringMatching(BILINGUAL) } });
    expect((await rawRequest(port, { path: '/api/events', headers: { Cookie: cookie } })).status).toBe(401);
    // a page load carrying such cookies (this port's or another's: cookies ignore ports) expires them
    const stale = await rawRequest(port, { path: '/', headers: { Cookie: `a=1; ${cookie}; paydesk_token_1234=x` } });
    expect(stale.status).toBe(200);
    expect([...(stale.headers['set-cookie'] ?? [])].sort()).toEqual([
      `paydesk_token_1234=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`,
      `paydesk_token_${port}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`,
    ]);
  });

  it('404s an unknown channel (after authentication)', async () => {
    const res = await post('orders.explode', {});
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect((await post('__proto__', {})).status).toBe(404);
    expect((await post('toString', {})).status).toBe(404);
  });

  it('returns INVALID_INPUT (bilingual) for bad input and AMOUNT_FORMAT for a bad amount', async () => {
    const bad = JSON.parse((await post('orders.create', { amount: 12.34, method: 'qr' })).body) as unknown;
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(BILINGUAL) } });
    const amount = JSON.parse((await post('orders.create', { amount: '12.345', method: 'qr' })).body) as unknown;
    expect(amount).toMatchObject({ ok: false, error: { code: 'AMOUNT_FORMAT', message: expect.stringMatching(BILINGUAL) } });
    const notJson = await post('orders.create', '{nope');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'INVALID_JSON' } });
  });

  it('only takes JSON POSTs', async () => {
    const form = await rawRequest(port, {
      method: 'POST',
      path: '/api/orders.create',
      headers: { ...bearer(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'amount=1',
    });
    expect(form.status).toBe(415);
    const get = await rawRequest(port, { path: '/api/status.get', headers: bearer() });
    expect(get.status).toBe(405);
  });

  it('rejects a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const rebinding = await rawRequest(port, {
      path: '/api/status.get',
      method: 'POST',
      headers: { ...bearer(), ...json, Host: `evil.example:${port}` },
      body: '{}',
    });
    expect(rebinding.status).toBe(403);
    const page = await rawRequest(port, { path: '/', headers: { Host: 'evil.example' } });
    expect(page.status).toBe(403);
    const localhost = await rawRequest(port, { path: '/', headers: { Host: `localhost:${port}` } });
    expect(localhost.status).toBe(200);
    const origin = await post('status.get', {}, { ...bearer(), Origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    const same = await post('status.get', {}, { ...bearer(), Origin: `http://127.0.0.1:${port}` });
    expect(same.status).toBe(200);
  });

  it('limits the body size', async () => {
    const big = JSON.stringify({ amount: '1', method: 'qr', subject: 'x'.repeat(70 * 1024) });
    const res = await post('orders.create', big);
    expect(res.status).toBe(413);
  });

  it('serves the renderer with content types, the CSP header and no traversal', async () => {
    const index = await rawRequest(port, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(index.headers['content-security-policy']);
    expect(csp.startsWith(CSP)).toBe(true);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await rawRequest(port, { path: '/assets/index-abc.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await rawRequest(port, { path: '/assets/index-abc.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%5c..%5csecret.txt',
      '/assets',
      '/missing.js',
      '/%00',
    ]) {
      const res = await rawRequest(port, { path });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('top secret');
    }
  });

  it('pushes order.updated over SSE (Bearer header), with keep-alive comments', async () => {
    const chunks: string[] = [];
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/api/events',
      headers: { Host: `127.0.0.1:${port}`, ...bearer() },
    });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    res.setEncoding('utf8');
    res.on('data', (c: string) => chunks.push(c));
    await waitFor(() => chunks.join('').includes(': connected'), 'SSE hello', 5_000);

    const created = JSON.parse((await post('orders.create', { amount: '12.34', method: 'qr' })).body) as { ok: true; value: OrderDto };
    consoleHost.core().pay(created.value.id);
    const frame = await waitFor(
      () => {
        const text = chunks.join('');
        const frames = text.split('\n\n');
        return frames.find((f) => f.startsWith('event: order.updated\n') && f.includes('"PAID"'));
      },
      'order.updated PAID',
      5_000,
    );
    const data = JSON.parse(
      frame
        .split('\n')
        .find((l) => l.startsWith('data: '))
        ?.slice(6) ?? '',
    ) as OrderDto;
    expect(data).toMatchObject({ id: created.value.id, status: 'PAID', amount: '12.34' });
    expect(chunks.join('')).toContain('event: status.changed\n');
    await waitFor(() => chunks.join('').includes(': keep-alive'), 'keep-alive', 5_000);
    req.destroy();
  });

  it('extracts the meta CSP the header is built from, including from the real index.html', async () => {
    expect(extractMetaCsp(`<meta http-equiv="Content-Security-Policy" content="${CSP}" />`)).toBe(CSP);
    const html = await readFile(join(import.meta.dirname, '../../src/renderer/index.html'), 'utf8');
    const real = extractMetaCsp(html);
    expect(real).toMatch(/connect-src 'self'/);
    expect(real).toMatch(/img-src 'self' data:/);
    expect(real).toMatch(/script-src 'self'(;|$)/);
  });
});

describe('web bridge start-up', () => {
  it('tells to run npm run build when the renderer is missing', async () => {
    const tmp = makeTempDir('paydesk-web-missing-');
    try {
      await expect(startWebBridge({ host: consoleHost.host, staticDir: join(tmp.dir, 'nothing') })).rejects.toThrow(/npm run build/);
    } finally {
      await tmp.cleanup();
    }
  });
});
