/**
 * Nothing secret is logged (docs/architecture.md, Invariants: "Secrets stay in main"): keys, `sign` values and
 * the browser host's token never reach a log line, end to end — the real payment core with the real emulator
 * behind createRedactingLogger, and the real browser host process (`npm run serve`), whose stderr is its log.
 * test/vault/redact.test.ts has the unit cases of redact() itself.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRedactingLogger } from '../../src/main/kernel/redact';
import type { Logger } from '../../src/main/payments/api';
import { startWebBridge } from '../../src/main/web/server';
import { fakeConsole } from '../console/helpers';
import { readServeLine, spawnServe, type ServeProcess } from '../console/serve-process';
import { RENDERER_DIR } from '../e2e/build';
import { withEmulator } from '../main/emulator-harness';
import { formBody, postForm, signNotify } from '../main/helpers';
import { findKeyMaterial, keyProbes } from './helpers';
import { makeTempDir, waitFor } from '../support';

/** Notification fields as Alipay sends them for a payment (Alipay's 异步通知说明). */
function paidFields(c: { appId: string; sellerId: string }, outTradeNo: string, totalAmount: string): Record<string, string> {
  return {
    notify_time: '2026-11-30 11:00:00',
    notify_type: 'trade_status_sync',
    notify_id: `forged${Date.now()}`,
    app_id: c.appId,
    charset: 'utf-8',
    version: '1.0',
    trade_no: '2026113022001400000000000099',
    out_trade_no: outTradeNo,
    seller_id: c.sellerId,
    trade_status: 'TRADE_SUCCESS',
    total_amount: totalAmount,
    gmt_payment: '2026-11-30 11:00:00',
  };
}

/** Every secret that could leak, for the assertion messages: the name of what leaked. */
function leaks(text: string, secrets: { name: string; value: string }[], probes: string[]): string[] {
  const found = secrets.filter((s) => s.value.length >= 16 && text.includes(s.value)).map((s) => s.name);
  const key = findKeyMaterial(text, probes);
  if (key) found.push(`key material (${key.slice(0, 20)}…)`);
  return found;
}

describe('logs redact keys, sign values and tokens', () => {
  let env: Awaited<ReturnType<typeof withEmulator>> | null = null;
  afterAll(async () => {
    await env?.close();
  });

  it('payment core + emulator behind createRedactingLogger: payment, forged notice, refunds, faults', async () => {
    const raw: string[] = [];
    const redacted: string[] = [];
    const inner: Logger = {
      info: (m, f) => redacted.push(JSON.stringify({ level: 'info', m, ...f })),
      warn: (m, f) => redacted.push(JSON.stringify({ level: 'warn', m, ...f })),
      error: (m, f) => redacted.push(JSON.stringify({ level: 'error', m, ...f })),
    };
    const safe = createRedactingLogger(inner);
    // Tee: what the core said (raw, for the report below) and what reached the log (redacted).
    const tee: Logger = {
      info: (m, f) => (raw.push(JSON.stringify({ m, ...f })), safe.info(m, f)),
      warn: (m, f) => (raw.push(JSON.stringify({ m, ...f })), safe.warn(m, f)),
      error: (m, f) => (raw.push(JSON.stringify({ m, ...f, error: f?.error instanceof Error ? f.error.stack : f?.error })), safe.error(m, f)),
    };
    env = await withEmulator({ core: { logger: tee, poll: { initialMs: 100, maxMs: 200 } } });
    const { core, control, emu } = env;
    const c = emu.credentials;

    // a genuine payment notification
    const a = await core.createOrder({ amountFen: 1000, method: 'qr' });
    await control.pay(a.id);
    await waitFor(() => core.getOrder(a.id)?.status === 'PAID', 'A paid');
    // a forged one (signed with the app's key) for a waiting order
    const b = await core.createOrder({ amountFen: 500, method: 'qr' });
    const forged = signNotify(paidFields(c, b.id, '5.00'), c.appPrivateKey);
    expect((await postForm(core.notifyUrl()!, formBody(forged))).text).toBe('fail');
    // a genuinely signed one with the wrong amount
    const mismatch = signNotify(paidFields(c, b.id, '0.01'), env.alipayPrivateKey());
    expect((await postForm(core.notifyUrl()!, formBody(mismatch))).text).toBe('fail');
    // a refund (and its notification), then a refund whose signed answer was tampered with
    await core.refund({ orderId: a.id, amountFen: 300 });
    await control.fault({ kind: 'tamper', method: 'alipay.trade.refund' });
    await core.refund({ orderId: a.id, amountFen: 200 });
    await waitFor(() => core.getOrder(a.id)?.refunds.every((r) => r.status === 'SUCCESS'), 'refunds settled');
    // an order whose precreate answer was tampered with: the SDK's error quotes the answer's sign
    await control.fault({ kind: 'tamper', method: 'alipay.trade.precreate' });
    expect((await core.createOrder({ amountFen: 100, method: 'qr' })).status).toBe('FAILED');
    await waitFor(async () => (await control.notifications()).filter((n) => n.accepted).length >= 2, 'refund notice delivered');

    const signs = (await control.notifications()).map((n, i) => ({ name: `sign of notification ${i}`, value: n.params.sign ?? '' }));
    const secrets = [...signs, { name: 'forged sign', value: forged.sign! }, { name: 'mismatch sign', value: mismatch.sign! }];
    const probes = [...keyProbes(c.appPrivateKey), ...keyProbes(c.alipayPublicKey), ...keyProbes(env.alipayPrivateKey())];
    const log = redacted.join('\n');
    expect(redacted.length).toBeGreaterThan(5);
    expect(log).toMatch(/notification rejected/); // the forged and mismatched notices were logged …
    expect(leaks(log, secrets, probes)).toEqual([]); // … without their signatures, or any key
    expect(log).not.toMatch(/PRIVATE KEY-----|PUBLIC KEY-----/);
    // The core itself is careful: even before redaction nothing secret was said.
    expect(leaks(raw.join('\n'), secrets, probes)).toEqual([]);

    // The safety net, with this run's real secrets in the shapes code could log them by mistake.
    const genuine = (await control.notifications())[0]!.params;
    const before = redacted.length;
    safe.error('notify body', { body: formBody(genuine), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    safe.warn(`posted ${formBody(forged)}`);
    safe.error('sdk failed', {
      error: Object.assign(new Error(`验签失败 sign: '${genuine.sign}'`), { responseDataRaw: `{"x_response":{"code":"10000"},"sign":"${mismatch.sign}"}` }),
    });
    safe.info('config', { alipay: env.config.alipay, emulator: c });
    const net = redacted.slice(before).join('\n');
    expect(net).toContain('out_trade_no'); // the lines are there, readable …
    expect(leaks(net, [...secrets, { name: 'genuine sign', value: genuine.sign! }], probes)).toEqual([]); // … and hold no secret
  });

  it('the browser host token in every shape the host handles it', async () => {
    const tmp = makeTempDir('paydesk-logs-token-');
    const fc = await fakeConsole({ dataDir: join(tmp.dir, 'data') });
    const lines: string[] = [];
    const capture: Logger = {
      info: (m, f) => lines.push(JSON.stringify({ m, ...f })),
      warn: (m, f) => lines.push(JSON.stringify({ m, ...f })),
      error: (m, f) => lines.push(JSON.stringify({ m, ...f })),
    };
    const log = createRedactingLogger(capture);
    const bridge = await startWebBridge({ host: fc.host, staticDir: RENDERER_DIR, logger: log });
    try {
      const t = bridge.token;
      const cookie = `paydesk_token_${bridge.port}=${t}`;
      // A request the bridge cannot finish (the client goes away mid-body) makes it log an error.
      await new Promise<void>((resolve) => {
        const req = request({
          host: '127.0.0.1',
          port: bridge.port,
          method: 'POST',
          path: '/api/status.get',
          headers: {
            Host: `127.0.0.1:${bridge.port}`,
            Authorization: `Bearer ${t}`,
            Cookie: cookie,
            'Content-Type': 'application/json',
            'Content-Length': 100,
          },
        });
        req.on('error', () => resolve());
        req.write('{"a":');
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      log.info(`open ${bridge.url}`);
      log.info('ready', { url: bridge.url, api: bridge.api });
      log.warn(`request headers:\nAuthorization: Bearer ${t}\nCookie: ${cookie}`);
      log.warn('request', { headers: { authorization: `Bearer ${t}`, cookie } });
      log.info(`set Set-Cookie: ${cookie}; Path=/; HttpOnly`);
      log.info(`typed ${bridge.url.replace('#', '?')} then #token=${t}&x=1`);
      log.info(`raw cookie ${cookie}; other=1`);
      log.error(`refused Bearer ${t}`);
      const text = lines.join('\n');
      expect(lines.length).toBeGreaterThanOrEqual(7);
      expect(text).toContain(`127.0.0.1:${bridge.port}`);
      expect(text).not.toContain(t);
    } finally {
      await bridge.close();
      await fc.host.close();
      await tmp.cleanup();
    }
  });
});

describe('the browser host process: stderr is its log', () => {
  let proc: ServeProcess | null = null;
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await proc?.stop();
    await cleanup?.();
  });

  it('a payment, a refund, a forged notice and bad requests leave no token, sign or key in stderr', async () => {
    const tmp = makeTempDir('paydesk-logs-serve-');
    cleanup = tmp.cleanup;
    const dataDir = join(tmp.dir, 'data');
    proc = spawnServe(['--port', '0', '--data-dir', dataDir, '--renderer-dir', RENDERER_DIR, '--time-scale', '100', '--poll-ms', '100']);
    const line = await readServeLine(proc);
    const emu = line.emulator!;
    const api = async (channel: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${line.token}` }) => {
      const res = await fetch(`${line.api}/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { ok: boolean; value?: { id: string; status: string }; error?: { code: string } };
    };
    const ctl = (path: string, body: unknown = {}) =>
      fetch(`${emu.control}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const order = await api('orders.create', { amount: '10.00', method: 'qr' });
    expect(order.ok).toBe(true);
    const id = order.value!.id;
    await ctl(`/trades/${encodeURIComponent(id)}/pay`);
    await waitFor(async () => (await api('orders.get', { id })).value?.status === 'PAID', 'paid', 15_000);
    expect((await api('orders.refund', { id, amount: '3.00' })).ok).toBe(true);
    const waiting = await api('orders.create', { amount: '5.00', method: 'qr' });
    const forged = signNotify(paidFields(emu, waiting.value!.id, '5.00'), emu.appPrivateKey);
    expect((await postForm(line.notifyUrl!, formBody(forged))).text).toBe('fail');
    await ctl('/faults', { kind: 'tamper', method: 'alipay.trade.precreate' });
    expect(await api('orders.create', { amount: '1.00', method: 'qr' })).toMatchObject({ ok: true, value: { status: 'FAILED' } });
    // requests that carry the token where it does not belong, or a wrong one
    expect((await api('status.get', {}, { Authorization: `Bearer ${line.token}x` })).ok).toBe(false);
    await fetch(`${line.api}/status.get?token=${line.token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    await fetch(line.url, { redirect: 'manual' });
    await waitFor(
      async () => {
        const res = await fetch(`${emu.control}/notifications`);
        return ((await res.json()) as { accepted: boolean }[]).filter((n) => n.accepted).length >= 2;
      },
      'refund notice delivered',
      15_000,
    );

    const notifications = (await (await fetch(`${emu.control}/notifications`)).json()) as { params: Record<string, string> }[];
    expect(await proc.stop()).toBe(0);
    const stderr = proc.stderr();
    const alipayPrivate = (JSON.parse(readFileSync(join(dataDir, 'emulator', 'state.json'), 'utf8')) as { alipay: { privateKeyPem: string } }).alipay
      .privateKeyPem;
    const secrets = [
      { name: 'the web host token', value: line.token },
      { name: 'forged sign', value: forged.sign! },
      ...notifications.map((n, i) => ({ name: `sign of notification ${i}`, value: n.params.sign ?? '' })),
    ];
    const probes = [...keyProbes(emu.appPrivateKey), ...keyProbes(emu.alipayPublicKey), ...keyProbes(alipayPrivate)];
    expect(stderr).toMatch(/notification rejected/);
    expect(stderr.split('\n').length).toBeGreaterThan(5);
    expect(leaks(stderr, secrets, probes)).toEqual([]);
    expect(stderr).not.toMatch(/PRIVATE KEY-----|PUBLIC KEY-----/);
  }, 60_000);
});
