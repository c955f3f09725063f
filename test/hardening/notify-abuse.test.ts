/**
 * Notify server abuse suite (README, "Security"): the payment core's real notify server, real SQLite
 * in a temp dir, the real embedded Alipay emulator. Whatever arrives — huge, slow, malformed, fuzzed,
 * replayed or genuinely signed with the wrong amount — the server stays up, answers within its
 * timeouts, changes no order, and keeps every request it parsed in the raw inbox with a rejecting
 * verdict (docs/architecture.md, Invariants: "Record first, act second" and "Check what the provider
 * says to check"). Extends test/main/notify-security.emulator.test.ts (single
 * forged/mismatched notices) and test/main/notify-server.test.ts (HTTP surface on a stub handler).
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NotificationSeen } from '../../src/main/payments/api';
import { withEmulator } from '../main/emulator-harness';
import { formBody, signNotify } from '../main/helpers';
import { lastInboxId, prng, rawHttp, readInbox, statusOf } from './helpers';
import { waitFor } from '../support';

/** Every node:http server created in this file, to read the limits the notify server was given. */
const created = vi.hoisted(() => [] as Server[]);
vi.mock('node:http', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:http')>();
  const createServer = ((...args: unknown[]) => {
    const server = (actual.createServer as (...a: unknown[]) => Server)(...args);
    created.push(server);
    return server;
  }) as typeof actual.createServer;
  return { ...actual, createServer, default: { ...actual, createServer } };
});

type Env = Awaited<ReturnType<typeof withEmulator>>;

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1000;
const FORM = 'application/x-www-form-urlencoded';

let env: Env;
let url: string;
let port: number;
/** Order A: paid by the emulator's own (genuine) notification. Order B: waiting for its payment. */
let orderA: string;
let orderB: string;
/** The genuine notification the emulator delivered for A, exactly as posted. */
let genuineA: Record<string, string>;
const seen: NotificationSeen[] = [];

async function post(body: string | Buffer, contentType = FORM): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, text: await res.text() };
}

/** What must not change: every order (status, amounts, refunds, trade) and its audit trail. */
function snapshot(): string {
  const orders = env.core.listOrders({ limit: 200 }).items;
  return JSON.stringify(orders.map((o) => ({ ...o, events: env.core.events(o.id).length })));
}

function serverOnPort(p: number): Server {
  const server = created.find((s) => {
    const address = s.address();
    return typeof address === 'object' && address?.port === p;
  });
  if (!server) throw new Error(`no server on port ${p}`);
  return server;
}

beforeAll(async () => {
  env = await withEmulator({
    core: {
      notify: { port: 0, headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      // Nothing but the notifications under test may change an order: no polling, no expiry in the run.
      poll: { initialMs: 600_000, maxMs: 600_000 },
      orderExpiryMs: 30 * 60_000,
    },
  });
  url = env.core.notifyUrl()!;
  port = Number(new URL(url).port);
  env.core.on('notification.received', (n) => seen.push(n));
  const a = await env.core.createOrder({ amountFen: 1000, method: 'qr' });
  const b = await env.core.createOrder({ amountFen: 1000, method: 'qr' });
  orderA = a.id;
  orderB = b.id;
  await env.control.pay(orderA);
  await waitFor(() => env.core.getOrder(orderA)?.status === 'PAID', 'A paid by its notification');
  const delivered = await waitFor(
    async () => (await env.control.notifications()).find((n) => n.outTradeNo === orderA && n.accepted),
    'the genuine notification of A',
  );
  genuineA = delivered.params;
  expect(genuineA.sign).toBeTruthy();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('notify server limits', () => {
  it('the core passes the configured timeouts on, and defaults to 10 s / 15 s when none are given', async () => {
    const ours = serverOnPort(port);
    expect(ours.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(ours.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(ours.timeout).toBe(REQUEST_TIMEOUT_MS);

    const plain = await env.newCore({ dbPath: join(env.dir, 'defaults.db'), notify: { port: 0 } });
    const server = serverOnPort(Number(new URL(plain.localNotifyBase()!).port));
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(15_000);
    expect(server.timeout).toBe(15_000);
    expect(server.address()).toMatchObject({ address: '127.0.0.1' });
  });
});

describe('notify server abuse', () => {
  it('a 10 MB body, declared or chunked, gets 413 at once and leaves no trace', async () => {
    const before = snapshot();
    const inboxBefore = lastInboxId(env.config.dbPath);
    const TEN_MB = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');

    let sent = 0;
    const declared = await rawHttp(port, `POST /notify/alipay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: ${TEN_MB}\r\n\r\n`, {
      next: () => (sent < TEN_MB ? ((sent += chunk.length), chunk) : null),
      giveUpMs: 5_000,
    });
    expect(statusOf(declared.response)).toBe(413);
    expect(declared.closedAfterMs).toBeLessThan(2_000);
    expect(declared.bytesWritten).toBeLessThan(TEN_MB);

    let chunkedSent = 0;
    const chunked = await rawHttp(port, `POST /notify/alipay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nTransfer-Encoding: chunked\r\n\r\n`, {
      next: () => {
        if (chunkedSent >= TEN_MB) return '0\r\n\r\n';
        chunkedSent += chunk.length;
        return Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      },
      giveUpMs: 5_000,
    });
    expect(statusOf(chunked.response)).toBe(413);
    expect(chunked.closedAfterMs).toBeLessThan(2_000);
    expect(chunked.bytesWritten).toBeLessThan(TEN_MB);

    expect(readInbox(env.config.dbPath, inboxBefore)).toEqual([]); // never reached the handler
    expect(snapshot()).toBe(before);
    expect(await post(formBody(genuineA))).toEqual({ status: 200, text: 'success' });
  });

  it('slowloris: trickled headers and trickled bodies are cut off at the timeouts while genuine notices are served', async () => {
    const before = snapshot();
    const inboxBefore = lastInboxId(env.config.dbPath);
    const trickle = (text: string) => {
      let i = 0;
      return () => (i < text.length ? text[i++]! : null);
    };
    const headers = `POST /notify/alipay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nX-Pad: ${'p'.repeat(400)}\r\n\r\n`;
    const body = formBody(genuineA);
    const slowHeaders = Array.from({ length: 10 }, () => rawHttp(port, '', { next: trickle(headers), everyMs: 20, giveUpMs: 15_000 }));
    const slowBodies = Array.from({ length: 10 }, () =>
      rawHttp(port, `POST /notify/alipay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`, {
        next: trickle(body),
        everyMs: 20,
        giveUpMs: 15_000,
      }),
    );

    // Meanwhile a genuine notice is answered promptly, again and again.
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      expect(await post(body)).toEqual({ status: 200, text: 'success' });
      expect(Date.now() - t0).toBeLessThan(REQUEST_TIMEOUT_MS);
    }

    for (const r of await Promise.all(slowHeaders)) {
      expect(r.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1_500);
      expect(r.response === '' || statusOf(r.response) === 408).toBe(true);
    }
    for (const r of await Promise.all(slowBodies)) {
      expect(r.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
      expect(r.response === '' || statusOf(r.response) === 408).toBe(true);
      expect(r.response).not.toContain('success');
    }
    // Only the three genuine posts reached the inbox (duplicates of A's payment); nothing changed.
    expect(readInbox(env.config.dbPath, inboxBefore).map((r) => [r.verdict, r.order_id])).toEqual([
      ['duplicate', orderA],
      ['duplicate', orderA],
      ['duplicate', orderA],
    ]);
    expect(snapshot()).toBe(before);
  });

  it('wrong method → 405, wrong path → 404, nothing recorded', async () => {
    const inboxBefore = lastInboxId(env.config.dbPath);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await fetch(url, { method, ...(method === 'GET' || method === 'OPTIONS' ? {} : { body: formBody(genuineA) }) });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(405);
    for (const path of [
      '/',
      '/notify',
      '/notify/alipay/',
      '/notify/ALIPAY',
      '//notify/alipay',
      '/notify/alipay%2f',
      '/notify/wechat',
      '/notify/alipay/../alipay',
    ]) {
      const r = await rawHttp(port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=1`);
      expect(statusOf(r.response), path).toBe(404);
    }
    // absolute-form request target naming another host
    const abs = await rawHttp(
      port,
      `POST http://evil.example/notify/alipay HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=1`,
    );
    expect(statusOf(abs.response)).toBe(404);
    expect(readInbox(env.config.dbPath, inboxBefore)).toEqual([]);
  });

  it('invalid encodings are answered "fail", recorded as rejected, and change nothing', async () => {
    const before = snapshot();
    const inboxBefore = lastInboxId(env.config.dbPath);
    const seenBefore = seen.length;
    const g = formBody(genuineA);
    const key = env.alipayPrivateKey();
    // Genuinely Alipay-signed over the text 收银台, but sent GBK-encoded with charset=gbk: PayDesk speaks
    // UTF-8 only, so the signature cannot verify — rejected rather than guessed at.
    const gbkSigned = signNotify({ ...genuineA, out_trade_no: orderB, charset: 'gbk', subject: '收银台', notify_id: 'gbk-1' }, key);
    const gbkBody = formBody({ ...gbkSigned, subject: 'SUBJECT' }).replace('subject=SUBJECT', 'subject=%CA%D5%D2%F8%CC%A8');
    const cases: { name: string; body: string | Buffer; type?: string }[] = [
      { name: 'bad percent-escapes', body: g.replace(/out_trade_no=[^&]*/, 'out_trade_no=%ZZ%E4%B8') + '&subject2=%' },
      { name: 'lone %', body: '%' },
      {
        name: 'invalid UTF-8 bytes',
        body: Buffer.concat([Buffer.from(g.replace(/&subject=[^&]*/, '')), Buffer.from('&subject='), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80])]),
      },
      { name: 'charset=gbk', body: gbkBody, type: `${FORM}; charset=gbk` },
      { name: 'NUL bytes', body: `${g}&note=a\u0000b&k%00ey=%00` },
      { name: 'raw NUL in a key', body: Buffer.concat([Buffer.from(`${g}&x`), Buffer.from([0]), Buffer.from('y=1')]) },
      { name: 'duplicated amount', body: `${g}&total_amount=0.01` },
      { name: 'duplicated out_trade_no', body: `${g}&out_trade_no=${orderB}` },
      { name: 'enormous single field', body: `${g}&subject_extra=${'x'.repeat(60_000)}` },
      { name: 'empty', body: '' },
      { name: 'separators only', body: '&&&&==&=' },
      { name: 'key without value', body: 'out_trade_no' },
      { name: 'prototype keys', body: `__proto__=x&__proto__[polluted]=1&constructor[prototype][polluted]=1&sign=${encodeURIComponent(genuineA.sign!)}` },
      { name: 'JSON', body: JSON.stringify(genuineA), type: 'application/json' },
      {
        name: 'multipart',
        body: `--b\r\nContent-Disposition: form-data; name="out_trade_no"\r\n\r\n${orderB}\r\n--b--\r\n`,
        type: 'multipart/form-data; boundary=b',
      },
    ];
    for (const c of cases) {
      expect(await post(c.body, c.type), c.name).toEqual({ status: 200, text: 'fail' });
    }
    const rows = readInbox(env.config.dbPath, inboxBefore);
    expect(rows).toHaveLength(cases.length); // each attempt kept raw …
    for (const [i, row] of rows.entries()) {
      expect(row.verdict, cases[i]!.name).toBe('rejected'); // … and flagged
      expect(row.reason, cases[i]!.name).toBeTruthy();
    }
    expect(rows[0]!.body).toBe(cases[0]!.body); // stored as received (valid UTF-8 cases)
    expect(rows.find((r) => r.reason?.includes('malformed'))).toBeTruthy();
    expect(seen.slice(seenBefore).map((s) => s.verdict)).toEqual(cases.map(() => 'rejected'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(snapshot()).toBe(before);
    expect(env.core.getOrder(orderB)?.status).toBe('AWAITING_PAYMENT');
  });

  it('2000 fuzzed variants of a genuine notice: all answered, each recorded, no state change, still serving', async () => {
    const before = snapshot();
    const inboxBefore = lastInboxId(env.config.dbPath);
    const rand = prng(0x7a11_2026);
    const genuine = formBody(genuineA);
    const forgedSign = signNotify({ ...genuineA }, env.emu.credentials.appPrivateKey).sign!;
    const keys = Object.keys(genuineA);
    const junk = ['%', '%2', '&', '=', '+', '%00', '\u0000', '中', '\uFFFD', '%E4', ' ', '"', "'", '<', '\n', 'A', '0', '9'];

    type Fields = [string, string][];
    const mutations: ((f: Fields) => Fields)[] = [
      (f) => {
        // flip one character of one value (the sign included)
        const i = rand.int(f.length);
        const [k, v] = f[i]!;
        if (v.length === 0) return f;
        const at = rand.int(v.length);
        let c = rand.pick(junk);
        if (c === v[at]) c = v[at] === 'x' ? 'y' : 'x';
        const copy = f.slice();
        copy[i] = [k, v.slice(0, at) + c + v.slice(at + 1)];
        return copy;
      },
      (f) => f.filter((_, i) => i !== rand.int(f.length)), // drop a field
      (f) => {
        // duplicate a field, same or other value
        const [k, v] = f[rand.int(f.length)]!;
        return [...f, [k, rand.next() < 0.5 ? v : `${v}0`]];
      },
      (f) => f.map(([k, v]) => [k, k === 'sign' ? forgedSign : v]), // a signature made with the wrong key
      (f) => f.map(([k, v]) => [k, k === 'out_trade_no' ? orderB : v]), // A's signed fields, B's order
      (f) => f.map(([k, v]) => [k, k === 'total_amount' ? rand.pick(['0.01', '10.01', '1000', '-10.00', '1e3', '10.000']) : v]),
      (f) => f.map(([k, v]) => [k, k === 'sign_type' ? rand.pick(['RSA', 'rsa2', 'HMAC', 'NONE', '']) : v]),
      (f) => f.map(([k, v]) => [k === keys[rand.int(keys.length)] ? k.toUpperCase() : k, v]), // rename a key
      (f) => [...f, [rand.pick(['x', 'sign', 'app_id', 'evil', '']), rand.pick(['1', '', 'success'])]], // add a field
      (f) => f.slice().sort(() => rand.next() - 0.5), // reorder (an equivalent notice)
      (f) => f.map(([k, v]) => [k, k === 'trade_status' ? rand.pick(['TRADE_CLOSED', 'TRADE_FINISHED', 'WAIT_BUYER_PAY', 'PAID']) : v]),
    ];
    const textMutations: ((s: string) => string)[] = [
      (s) => s.slice(0, rand.int(s.length)), // truncated
      (s) => {
        // junk inserted at a random place
        const at = rand.int(s.length);
        return s.slice(0, at) + rand.pick(junk) + s.slice(at);
      },
      (s) => s.replace(/%20|\+/g, () => rand.pick(['%20', '+'])), // re-encoding (equivalent)
    ];

    const bodies: string[] = [];
    for (let n = 0; n < 2000; n++) {
      let fields: Fields = Object.entries(genuineA);
      const rounds = 1 + rand.int(3);
      for (let r = 0; r < rounds; r++) fields = rand.pick(mutations)(fields);
      let body = new URLSearchParams(fields).toString();
      if (rand.next() < 0.25) body = rand.pick(textMutations)(body);
      bodies.push(body);
    }

    /** Independent oracle: a body is the genuine notice iff it parses to the very same fields. */
    const decoded = (b: string) => Buffer.from(b, 'base64').toString('hex');
    const isGenuine = (body: string): boolean => {
      const map = new Map<string, string>();
      for (const [k, v] of new URLSearchParams(body)) {
        if (map.has(k)) return false; // a repeated key is never accepted
        map.set(k, v);
      }
      // Like alipay-sdk's checkNotifySignV2, an empty KEY is not part of the signed text (`&=` or `&=1`
      // added to a genuine notice leaves it genuine); empty values are.
      map.delete('');
      const type = map.get('sign_type');
      if (type !== undefined && type !== '' && type !== genuineA.sign_type) return false;
      const sign = map.get('sign');
      if (sign === undefined || decoded(sign) !== decoded(genuineA.sign!)) return false;
      map.delete('sign');
      map.delete('sign_type');
      const want = Object.entries(genuineA).filter(([k]) => k !== 'sign' && k !== 'sign_type');
      return map.size === want.length && want.every(([k, v]) => map.get(k) === v);
    };

    const answers = new Array<{ status: number; text: string }>(bodies.length);
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < bodies.length) {
          const i = next++;
          answers[i] = await post(bodies[i]!);
        }
      }),
    );
    const elapsed = Date.now() - t0;

    let rejected = 0;
    for (const [i, body] of bodies.entries()) {
      const expected = isGenuine(body) ? 'success' : 'fail';
      if (expected === 'fail') rejected++;
      expect(answers[i], `case ${i}: ${body.slice(0, 300)}`).toEqual({ status: 200, text: expected });
    }
    expect(rejected).toBeGreaterThan(1_700); // the fuzzer mostly produces what must be refused

    const rows = readInbox(env.config.dbPath, inboxBefore);
    expect(rows).toHaveLength(bodies.length); // every attempt kept raw
    const verdicts = new Map<string, number>();
    for (const r of rows) verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
    expect(verdicts.get('rejected')).toBe(rejected);
    expect(verdicts.get('pending') ?? 0).toBe(0);
    expect(verdicts.get('applied') ?? 0).toBe(0);
    expect(rows.filter((r) => r.verdict === 'duplicate').every((r) => r.order_id === orderA)).toBe(true);
    expect(new Set(rows.map((r) => r.body))).toEqual(new Set(bodies));

    expect(snapshot()).toBe(before);
    expect(env.core.getOrder(orderB)?.status).toBe('AWAITING_PAYMENT');
    expect(elapsed).toBeLessThan(20_000);
    // still answering a genuine notice afterwards
    expect(await post(genuine)).toEqual({ status: 200, text: 'success' });
  });

  it("replaying A's genuine notice while B waits leaves B unchanged", async () => {
    const before = snapshot();
    const inboxBefore = lastInboxId(env.config.dbPath);
    const g = formBody(genuineA);
    expect(await post(g)).toEqual({ status: 200, text: 'success' }); // a duplicate of A: acknowledged, idempotent
    const asB = { ...genuineA, out_trade_no: orderB };
    expect(await post(formBody(asB))).toEqual({ status: 200, text: 'fail' });
    // B's number and B's (equal) amount, A's signature and trade_no: still not B's.
    expect(await post(formBody({ ...asB, total_amount: '10.00', notify_id: 'replay-2' }))).toEqual({ status: 200, text: 'fail' });
    const rows = readInbox(env.config.dbPath, inboxBefore);
    // Rejected rows keep the order number the notice claimed (diagnostics), not a verdict about it.
    expect(rows.map((r) => [r.verdict, r.order_id])).toEqual([
      ['duplicate', orderA],
      ['rejected', orderB],
      ['rejected', orderB],
    ]);
    expect(rows[1]!.reason).toMatch(/signature/);
    expect(env.core.getOrder(orderB)).toMatchObject({ status: 'AWAITING_PAYMENT', tradeNo: null, paidAt: null });
    expect(snapshot()).toBe(before);
  });

  it('a genuinely Alipay-signed notice for B with another total_amount: not paid, mismatch recorded', async () => {
    const before = snapshot();
    const inboxBefore = lastInboxId(env.config.dbPath);
    const seenBefore = seen.length;
    const signed = signNotify(
      { ...genuineA, out_trade_no: orderB, total_amount: '0.01', receipt_amount: '0.01', buyer_pay_amount: '0.01', notify_id: 'mismatch-1' },
      env.alipayPrivateKey(),
    );
    for (const k of Object.keys(signed)) if (signed[k] === '') delete signed[k];
    expect(await post(formBody(signed))).toEqual({ status: 200, text: 'fail' });
    expect(readInbox(env.config.dbPath, inboxBefore)).toEqual([
      expect.objectContaining({ verdict: 'rejected', reason: 'total_amount mismatch', order_id: orderB, body: formBody(signed) }),
    ]);
    expect(seen.slice(seenBefore)).toEqual([expect.objectContaining({ verdict: 'rejected', reason: 'total_amount mismatch', orderId: orderB })]);
    expect(env.core.getOrder(orderB)?.status).toBe('AWAITING_PAYMENT');
    expect(snapshot()).toBe(before);
  });

  it('after all of the above, a real payment notice from the emulator still settles a new order', async () => {
    const c = await env.core.createOrder({ amountFen: 2345, method: 'qr' });
    await env.control.pay(c.id);
    await waitFor(() => env.core.getOrder(c.id)?.status === 'PAID', 'C paid by notification');
    const attempts = (await env.control.notifications()).filter((n) => n.outTradeNo === c.id);
    expect(attempts[0]).toMatchObject({ status: 200, responseBody: 'success', accepted: true });
    expect(env.core.getOrder(orderB)?.status).toBe('AWAITING_PAYMENT');
  });
});
