/**
 * The browser host's gate (README, "Security": API without the token → 401; only 127.0.0.1; no CORS
 * for other origins), beyond test/console/web-bridge.test.ts: every channel, every wrong token shape,
 * loopback-only binding, foreign Origin/Host on every route, CORS preflights, slow clients.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebBridge, type WebBridge } from '../../src/main/web/server';
import { CHANNELS } from '../../src/shared/contract';
import { fakeConsole, type FakeConsole } from '../console/helpers';
import { RENDERER_DIR } from '../e2e/build';
import { rawHttp, statusOf } from './helpers';
import { makeTempDir, rawRequest, type RawResponse } from '../support';

let cleanup: () => Promise<void>;
let fc: FakeConsole;
let bridge: WebBridge;
let port: number;
let calls = 0;

beforeAll(async () => {
  const tmp = makeTempDir('paydesk-web-host-');
  cleanup = tmp.cleanup;
  fc = await fakeConsole({ dataDir: join(tmp.dir, 'data') });
  const dispatch = fc.host.dispatch.bind(fc.host);
  const host = { ...fc.host, dispatch: ((channel, input) => (calls++, dispatch(channel, input))) as typeof fc.host.dispatch };
  bridge = await startWebBridge({ host, staticDir: RENDERER_DIR, keepAliveMs: 60_000, headersTimeoutMs: 400, requestTimeoutMs: 800 });
  port = bridge.port;
});

afterAll(async () => {
  await bridge?.close();
  await fc?.host.close();
  await cleanup?.();
});

const cookieName = (p: number): string => `paydesk_token_${p}`; // older versions' cookie
const JSON_TYPE = { 'Content-Type': 'application/json' };
const bearer = (): Record<string, string> => ({ Authorization: `Bearer ${bridge.token}` });
const post = (channel: string, headers: Record<string, string>, body = '{}'): Promise<RawResponse> =>
  rawRequest(port, { method: 'POST', path: `/api/${channel}`, headers: { ...JSON_TYPE, ...headers }, body });

function expectNoCors(res: RawResponse, what: string): void {
  for (const name of Object.keys(res.headers)) expect(name, `${what}: ${name}`).not.toMatch(/^access-control-/);
}

describe('browser host: the token', () => {
  it('every channel, the event stream and unknown names answer 401 without the token — before anything runs', async () => {
    const before = calls;
    for (const channel of [...CHANNELS, 'orders.explode', '__proto__']) {
      const res = await post(channel, {});
      expect(res.status, channel).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expectNoCors(res, channel);
    }
    expect((await rawRequest(port, { path: '/api/events' })).status).toBe(401);
    expect(calls).toBe(before);
  });

  it('every wrong token shape is refused (401), for every channel', async () => {
    const t = bridge.token;
    const wrong: Record<string, string>[] = [
      { Authorization: 'Bearer' },
      { Authorization: 'Bearer ' },
      { Authorization: `Bearer ${t}x` },
      { Authorization: `Bearer ${t.slice(0, -1)}` },
      { Authorization: `Bearer ${t.toUpperCase()}` },
      { Authorization: `bearer ${t}` },
      { Authorization: `Basic ${Buffer.from(`user:${t}`).toString('base64')}` },
      { Authorization: t },
      { Cookie: `${cookieName(port)}=${t}` }, // the right token as a cookie: ambient credentials are not accepted
      { Cookie: `${cookieName(port)}=` },
      { Cookie: `${cookieName(port)}=${t}x` },
      { Cookie: `${cookieName(port + 1)}=${t}` }, // another bridge's cookie
      { Cookie: `paydesk_token=${t}` },
      { Authorization: 'Bearer nope', Cookie: `${cookieName(port)}=${t}` }, // a wrong header is not rescued by the cookie
    ];
    const before = calls;
    for (const channel of CHANNELS) {
      for (const headers of wrong) {
        const res = await post(channel, headers);
        expect(res.status, `${channel} ${JSON.stringify(headers).slice(0, 60)}`).toBe(401);
      }
    }
    // the token in the query string is never accepted (the page takes it from the #fragment)
    const query = await rawRequest(port, { method: 'POST', path: `/api/status.get?token=${t}`, headers: JSON_TYPE, body: '{}' });
    expect(query.status).toBe(401);
    expect(calls).toBe(before);
    // the right one still works (the gate is not just closed)
    expect((await post('status.get', bearer())).status).toBe(200);
  });
});

describe('browser host: loopback only', () => {
  const tryConnect = (host: string): Promise<string> =>
    new Promise((resolve) => {
      const s = connect({ host, port, timeout: 2_000 });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      s.once('timeout', () => {
        s.destroy();
        resolve('timeout');
      });
    });

  it('listens on 127.0.0.1 and on no other address', async () => {
    expect(await tryConnect('127.0.0.1')).toBe('connected');
    expect(await tryConnect('127.0.0.2')).not.toBe('connected'); // same loopback net, other address
    expect(await tryConnect('::1')).not.toBe('connected');
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal)
      .map((i) => i!.address);
    for (const address of external) expect(await tryConnect(address), address).not.toBe('connected');
  });
});

describe('browser host: other origins get nothing', () => {
  const foreignOrigins = (): string[] => [
    'http://evil.example',
    'null', // sandboxed iframes, file: pages
    `http://127.0.0.1:${port + 1}`,
    `https://127.0.0.1:${port}`,
    `http://localhost.evil.example:${port}`,
    `http://127.0.0.1:${port}.evil.example`,
    `http://[::1]:${port}`,
  ];

  it('a foreign Origin is refused on every channel, with the right token, and no CORS header is ever sent', async () => {
    const before = calls;
    for (const origin of foreignOrigins()) {
      for (const channel of CHANNELS) {
        const res = await post(channel, { ...bearer(), Origin: origin });
        expect(res.status, `${channel} from ${origin}`).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
        expectNoCors(res, origin);
      }
      const sse = await rawRequest(port, { path: '/api/events', headers: { ...bearer(), Origin: origin } });
      expect(sse.status, `events from ${origin}`).toBe(403);
    }
    expect(calls).toBe(before);
  });

  it('CORS preflights from other origins are not granted', async () => {
    for (const origin of foreignOrigins()) {
      for (const path of ['/api/orders.refund', '/api/settings.update', '/api/events', '/']) {
        const res = await rawRequest(port, {
          method: 'OPTIONS',
          path,
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
        });
        expect(res.status, `${path} from ${origin}`).toBeGreaterThanOrEqual(400);
        expectNoCors(res, `${path} from ${origin}`);
      }
    }
    // Even our own origin gets no CORS grant (it needs none: same-origin requests are not preflighted).
    const own = await rawRequest(port, {
      method: 'OPTIONS',
      path: '/api/status.get',
      headers: { Origin: `http://127.0.0.1:${port}`, 'Access-Control-Request-Method': 'POST' },
    });
    expectNoCors(own, 'own origin');
  });

  it('a foreign or missing Host is refused everywhere, and never gets a cookie', async () => {
    for (const host of [
      'evil.example',
      `127.0.0.1.evil.example:${port}`,
      `127.0.0.1:${port}.evil.example`,
      `127.0.0.1:${port + 1}`,
      `[::1]:${port}`,
      '127.0.0.1',
    ]) {
      for (const path of ['/', `/?token=${bridge.token}`, '/api/status.get', '/api/events', '/assets/']) {
        const res = await rawRequest(port, {
          method: path.startsWith('/api/status') ? 'POST' : 'GET',
          path,
          headers: { ...bearer(), ...JSON_TYPE, Host: host },
          body: path.startsWith('/api/status') ? '{}' : undefined,
        });
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(res.headers['set-cookie']).toBeUndefined();
        expectNoCors(res, host);
      }
    }
    // HTTP/1.0 without any Host header
    const noHost = await rawHttp(port, `GET /?token=${bridge.token} HTTP/1.0\r\n\r\n`, { giveUpMs: 3_000 });
    expect(statusOf(noHost.response)).toBe(403);
    expect(noHost.response).not.toMatch(/set-cookie/i);
  });

  it('a JSON POST from an HTML form is impossible: other content types are refused, even with the token', async () => {
    const auth = bearer(); // a form can carry no header; defence in depth
    const before = calls;
    for (const type of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/jsonx',
      '',
    ]) {
      const res = await rawRequest(port, { method: 'POST', path: '/api/settings.update', headers: { ...auth, 'Content-Type': type }, body: '{"voice":false}' });
      expect(res.status, type).toBe(415);
    }
    expect(calls).toBe(before);
  });
});

describe('browser host: slow clients', () => {
  it('trickled headers and bodies are cut off at the timeouts while real calls are served', async () => {
    const headers = `POST /api/status.get HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Type: application/json\r\nX-Pad: ${'p'.repeat(300)}\r\n\r\n`;
    const trickle = (text: string) => {
      let i = 0;
      return () => (i < text.length ? text[i++]! : null);
    };
    const slowHeaders = Array.from({ length: 5 }, () => rawHttp(port, '', { next: trickle(headers), everyMs: 20, giveUpMs: 10_000 }));
    const body = JSON.stringify({ pad: 'x'.repeat(200) });
    const slowBodies = Array.from({ length: 5 }, () =>
      rawHttp(
        port,
        `POST /api/status.get HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        {
          next: trickle(body),
          everyMs: 20,
          giveUpMs: 10_000,
        },
      ),
    );
    for (let i = 0; i < 3; i++) expect((await post('status.get', bearer())).status).toBe(200);
    for (const r of await Promise.all(slowHeaders)) {
      expect(r.closedAfterMs).toBeLessThan(400 + 1_500);
      expect(statusOf(r.response) === 0 || statusOf(r.response) === 408).toBe(true);
    }
    for (const r of await Promise.all(slowBodies)) {
      expect(r.closedAfterMs).toBeLessThan(800 + 1_500);
      expect(r.response).not.toMatch(/"ok":true/);
    }
  });
});
