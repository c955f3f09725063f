/**
 * Benchmark 4 — scale. A database of 1,000,000 generated orders (quick: 200,000) spread over the last 90
 * days, ~10% refunded (partially or fully, with their refund rows), with the audit events and raw
 * notifications a real database would hold, written straight into the store's schema (one transaction,
 * prepared statements). Then, through the payment core's public API:
 * - listMs: list page, status + date range (first page, and a deep page reached by walking the cursor);
 * - summaryMs: today's summary; lookupMs: getOrder by order no;
 * - searchMs: orders.list with a search text (the worst median of: a whole order number in upper case, a whole
 *   trade number, the last 4 digits of a trade number, the last 6 characters of an order number, an amount
 *   "123.45"), first page of 50, newest first;
 * - coldStartMs: createConsole (the composition root; demo mode) + its first orders.list on that database
 *   (falls back to createPaymentCore + start + first list if the console cannot start), median of runs;
 * - bytesPerOrder: database file size after a TRUNCATE checkpoint / order rows.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../src/main/store';
import { createPaymentCore, type PaymentCore } from '../src/main/payments';
import { AlipayProvider } from '../src/main/providers/alipay';
import { median, round, silentLogger, tempDir, type BenchOptions } from './util';

export interface ScaleResult {
  listMs: number;
  listFirstPageMs: number;
  listDeepPageMs: number;
  summaryMs: number;
  summaryTodayMs: number;
  summaryFullDayMs: number;
  lookupMs: number;
  searchMs: number;
  search: Record<string, number>;
  coldStartMs: number;
  coldStartOf: string;
  bytesPerOrder: number;
  rows: number;
  refundedRows: number;
  generateS: number;
}

const DAY = 86_400_000;

function stamp(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function localDate(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Deterministic PRNG (mulberry32): the same database every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generate `n` orders over 90 days ending now. Returns ids to look up and the refunded count. */
export function generate(dbPath: string, n: number, now: number): { sampleIds: string[]; refunded: number } {
  const store = openStore(dbPath); // migrations: the real schema
  const db = store.db;
  db.pragma('synchronous = OFF'); // generation only
  const insOrder = db.prepare(`INSERT INTO orders (id, method, status, amount_fen, refunded_fen, subject, qr_code, pay_url, trade_no,
      buyer_logon_id, notify_url, created_at, updated_at, paid_at, expires_at, closed_at, user_paying, message)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`);
  const insRefund = db.prepare(`INSERT INTO refunds (id, order_id, amount_fen, reason, status, created_at, updated_at, settled_at, attempts, message)
    VALUES (?, ?, ?, NULL, 'SUCCESS', ?, ?, ?, 1, NULL)`);
  const insEvent = db.prepare('INSERT INTO events (order_id, source, kind, payload, at) VALUES (?, ?, ?, ?, ?)');
  const insNotify = db.prepare(`INSERT INTO notifications (received_at, body, headers, verdict, reason, order_id, notify_id, processed_at)
    VALUES (?, ?, ?, 'applied', NULL, ?, ?, ?)`);
  const rand = rng(42);
  const sampleIds: string[] = [];
  let refunded = 0;
  const notifyUrl = 'https://paydesk-demo.loca.lt/notify/alipay';
  const headers = JSON.stringify({
    host: 'paydesk-demo.loca.lt',
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'user-agent': 'Mozilla/4.0',
  });
  const start = now - 90 * DAY;
  const step = (90 * DAY) / n;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const created = Math.floor(start + i * step + rand() * step);
      const id = `PD${stamp(created)}${randomBytes(5).toString('hex')}`;
      const amount = 100 + Math.floor(rand() * 50_000);
      const r = rand();
      // 85% paid (of which ~10% of all orders refunded), 10% closed unpaid, 3% failed, a few recent ones waiting.
      let status = r < 0.85 ? 'PAID' : r < 0.95 ? 'CLOSED' : 'FAILED';
      if (now - created < 60_000) status = 'AWAITING_PAYMENT';
      let refundedFen = 0;
      if (status === 'PAID' && rand() < 0.1 / 0.85) {
        refundedFen = rand() < 0.5 ? amount : Math.max(1, Math.floor(amount * rand()));
        status = refundedFen === amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
      }
      const paid = status === 'PAID' || status === 'PARTIALLY_REFUNDED' || status === 'REFUNDED';
      const tradeNo = paid ? `2026${stamp(created).slice(4, 8)}22001${String(i).padStart(11, '0')}` : null;
      insOrder.run(
        id,
        'qr',
        status,
        amount,
        refundedFen,
        'PayDesk 收银',
        `https://qr.alipay.com/bax0${randomBytes(10).toString('hex')}`,
        tradeNo,
        paid ? 'ali***@example.com' : null,
        notifyUrl,
        created,
        created + 30_000,
        paid ? created + 25_000 : null,
        created + 300_000,
        paid ? null : status === 'AWAITING_PAYMENT' ? null : created + 300_000,
        status === 'CLOSED' ? '订单已超时关闭 / Order expired' : status === 'FAILED' ? '支付宝拒绝 / Refused' : null,
      );
      insEvent.run(id, 'user', 'created', `{"method":"qr","amountFen":${amount},"notifyUrl":"${notifyUrl}"}`, created);
      insEvent.run(id, 'user', 'qr_issued', '{}', created + 200);
      if (paid) {
        insEvent.run(
          id,
          'notify',
          'paid',
          `{"from":"AWAITING_PAYMENT","tradeNo":"${tradeNo}","buyerLogonId":"ali***@example.com","totalFen":${amount}}`,
          created + 25_000,
        );
        const body = `gmt_create=${stamp(created)}&charset=utf-8&seller_email=shop%40example.com&subject=PayDesk+%E6%94%B6%E9%93%B6&sign=${randomBytes(256).toString('base64')}&buyer_id=2088102177846875&invoice_amount=${amount / 100}&notify_id=2026${i}&fund_bill_list=%5B%7B%22amount%22%3A%22${amount / 100}%22%2C%22fundChannel%22%3A%22ALIPAYACCOUNT%22%7D%5D&notify_type=trade_status_sync&trade_status=TRADE_SUCCESS&receipt_amount=${amount / 100}&app_id=2021000000000001&buyer_pay_amount=${amount / 100}&sign_type=RSA2&seller_id=2088000000000001&gmt_payment=${stamp(created)}&notify_time=${stamp(created)}&version=1.0&out_trade_no=${id}&total_amount=${amount / 100}&trade_no=${tradeNo}&auth_app_id=2021000000000001&buyer_logon_id=ali***%40example.com&point_amount=0.00`;
        insNotify.run(created + 25_000, body, headers, id, `2026${i}`, created + 25_001);
      } else if (status !== 'AWAITING_PAYMENT') {
        insEvent.run(id, 'poll', status === 'CLOSED' ? 'closed_by_provider' : 'failed', '{"message":"…"}', created + 300_000);
      }
      if (refundedFen > 0) {
        refunded++;
        const rid = `RF${stamp(created + 3_600_000)}${randomBytes(5).toString('hex')}`;
        insRefund.run(rid, id, refundedFen, created + 3_600_000, created + 3_601_000, created + 3_601_000);
        insEvent.run(id, 'user', 'refund_succeeded', `{"refundId":"${rid}","amountFen":${refundedFen},"was":"PENDING"}`, created + 3_601_000);
      }
      if (i % Math.floor(n / 200) === 0) sampleIds.push(id);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { sampleIds, refunded };
}

/** Median wall time (ms) of `fn` over `runs` runs after `warm` unmeasured ones. */
function time(fn: () => unknown, runs: number, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

async function coldStartConsole(dataDir: string, expectRows: boolean): Promise<number> {
  const { createConsole } = await import('../src/main/console');
  const t0 = performance.now();
  const host = await createConsole({ dataDir }, { logger: silentLogger });
  const r = await host.dispatch('orders.list', { status: 'PAID', limit: 50 });
  const dt = performance.now() - t0;
  await host.close();
  if (!r.ok) throw new Error(`orders.list failed: ${JSON.stringify(r.error)}`);
  if (r.value.items.length === 0 && expectRows) throw new Error('orders.list returned nothing on the generated database');
  return dt;
}

export async function benchScale(opts: BenchOptions): Promise<ScaleResult> {
  const n = opts.quick ? 200_000 : 1_000_000;
  const dir = tempDir('paydesk-bench-scale-');
  let core: PaymentCore | null = null;
  try {
    const now = Date.now();
    const dataDir = join(dir.path, 'data');
    // Prime a console data dir (settings, demo emulator keys) on an empty database first: a second
    // launch is what "cold start" means for a shop (the first ever launch generates keys).
    let coldStartOf = 'createConsole + first orders.list';
    let consoleOk = true;
    try {
      await coldStartConsole(dataDir, false);
    } catch (err) {
      consoleOk = false;
      coldStartOf = 'createPaymentCore + start + first listOrders (createConsole failed)';
      opts.log(`scale: createConsole unusable (${err instanceof Error ? err.message : String(err)}); measuring the core`);
    }
    const dbPath = join(dataDir, 'paydesk.db');
    const t0 = performance.now();
    const genPath = join(dir.path, 'generated.db');
    const { sampleIds, refunded } = generate(genPath, n, now);
    const generateS = (performance.now() - t0) / 1000;
    const bytesPerOrder = statSync(genPath).size / n;
    opts.log(`scale: generated ${n} orders (${refunded} refunded) in ${generateS.toFixed(1)} s, ${(statSync(genPath).size / 1e6).toFixed(0)} MB`);
    for (const ext of ['-wal', '-shm']) {
      try {
        copyFileSync(`${genPath}${ext}`, `${dbPath}${ext}`);
      } catch {
        /* none after the TRUNCATE checkpoint */
      }
    }
    copyFileSync(genPath, dbPath);

    // Cold starts (the page cache is warm: we cannot drop it without root; the figure is CPU + I/O syscalls).
    const colds: number[] = [];
    for (let i = 0; i < (opts.quick ? 3 : 5); i++) {
      if (consoleOk) {
        colds.push(await coldStartConsole(dataDir, true));
      } else {
        const c0 = performance.now();
        const c = makeCore(dbPath);
        await c.start();
        c.listOrders({ status: 'PAID', limit: 50 });
        colds.push(performance.now() - c0);
        await c.close();
      }
    }

    core = makeCore(dbPath);
    const c = core;
    const from = now - 30 * DAY;
    const to = now + 1;
    const first = time(() => c.listOrders({ status: 'PAID', from, to, limit: 50 }), 30);
    // Deep page: walk 40 pages (2,000 rows) down with the cursor, time the 40th.
    let cursor: string | null = null;
    for (let p = 0; p < 39; p++) {
      const page = c.listOrders({ status: 'PAID', from, to, limit: 50, ...(cursor ? { cursor } : {}) });
      cursor = page.nextCursor;
    }
    const deepCursor = cursor as string;
    const deep = time(() => c.listOrders({ status: 'PAID', from, to, limit: 50, cursor: deepCursor }), 30);
    // "Today" at the time of the run may be a few hours old; a full day (yesterday, ~n/90 orders) is the
    // harder case. summaryMs is the worse of the two.
    const today = localDate(now);
    const yesterday = localDate(now - DAY);
    const summaryTodayMs = time(() => c.summary(today), 15);
    const summaryFullDayMs = time(() => c.summary(yesterday), 15);
    const summaryMs = Math.max(summaryTodayMs, summaryFullDayMs);
    let k = 0;
    const lookupMs = time(() => {
      const id = sampleIds[k++ % sampleIds.length] as string;
      if (!c.getOrder(id)) throw new Error(`lookup ${id} found nothing`);
    }, 200);
    // Search: each kind over a rotating sample, so no single row stays hot in the page cache.
    const samples = sampleIds.map((id) => c.getOrder(id)).filter((o) => o !== null);
    const paidSamples = samples.filter((o) => o.tradeNo !== null);
    const search: Record<string, number> = {};
    const kinds: [string, (i: number) => string][] = [
      ['orderNo', (i) => (samples[i % samples.length]?.id ?? '').toUpperCase()],
      ['tradeNo', (i) => paidSamples[i % paidSamples.length]?.tradeNo ?? ''],
      ['tradeTail4', (i) => (paidSamples[i % paidSamples.length]?.tradeNo ?? '').slice(-4)],
      ['orderTail6', (i) => (samples[i % samples.length]?.id ?? '').slice(-6)],
      ['amount', (i) => `${100 + ((i * 7919) % 500)}.${String(i % 100).padStart(2, '0')}`],
    ];
    for (const [kind, q] of kinds) {
      let j = 0;
      search[kind] = round(
        time(() => {
          const page = c.listOrders({ q: q(j++), limit: 50 });
          if (kind !== 'amount' && page.items.length === 0) throw new Error(`search ${kind} found nothing`);
        }, 50),
        3,
      );
    }
    const searchMs = Math.max(...Object.values(search));
    return {
      listMs: round(Math.max(first, deep), 3),
      listFirstPageMs: round(first, 3),
      listDeepPageMs: round(deep, 3),
      summaryMs: round(summaryMs, 3),
      summaryTodayMs: round(summaryTodayMs, 3),
      summaryFullDayMs: round(summaryFullDayMs, 3),
      lookupMs: round(lookupMs, 3),
      searchMs,
      search,
      coldStartMs: round(median(colds), 1),
      coldStartOf,
      bytesPerOrder: Math.round(bytesPerOrder),
      rows: n,
      refundedRows: refunded,
      generateS: round(generateS, 1),
    };
  } finally {
    await core?.close();
    dir.remove();
  }
}

function makeCore(dbPath: string): PaymentCore {
  return createPaymentCore({
    dbPath,
    providers: [
      new AlipayProvider(
        {
          appId: '2021000000000001',
          sellerId: '2088000000000001',
          privateKey: APP_KEY.privateKey,
          alipayPublicKey: APP_KEY.publicKey,
          gateway: 'http://127.0.0.1:9/gateway.do', // unreachable: the sweep fails fast, nothing else calls
        },
        silentLogger,
      ),
    ],
    notify: { port: 0, publicUrl: null },
    logger: silentLogger,
  });
}

const APP_KEY = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
