/**
 * Benchmark 1 — notify ingest. PayDesk's notify server (record raw → verify → checks → durable commit →
 * `success`) against a baseline written the way the tutorials do it (node:http + alipay-sdk
 * `checkNotifySign(postData)` + one better-sqlite3 UPDATE), same machine, same run, same signed notifications
 * (signed by the emulator's signing code with an "Alipay" key as Alipay's 异步通知说明 describes), driven by
 * the same client: a child process with 16 keep-alive node:http connections on 127.0.0.1. Plus the ceiling:
 * `crypto.verify` with a cached KeyObject over the same canonical strings, one core.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import BetterSqlite3 from 'better-sqlite3';
import { generateRsaKeyPair } from '../src/emulator';
import { canonicalString, signNotifyParams } from '../src/emulator/signing';
import { createPaymentCore, type PaymentCore } from '../src/main/payments';
import { AlipayProvider } from '../src/main/providers/alipay';
import { median, round, silentLogger, tempDir, type BenchOptions } from './util';

export interface NotifyIngestResult {
  paydeskPerSec: number;
  baselinePerSec: number;
  ratio: number;
  rawVerifyPerSec: number;
  fractionOfRaw: number;
  notificationsPerRound: number;
  rounds: number;
  concurrency: number;
  /** The baseline's SQLite journal: 'wal' (default here: the stricter comparison) or 'delete' (better-sqlite3's
   *  default, what many tutorials run; BENCH_BASELINE_JOURNAL=delete). */
  baselineJournal: 'wal' | 'delete';
}

const APP_ID = '2021000000000001';
const SELLER_ID = '2088000000000001';
/**
 * Keep-alive connections of the load client (BENCH_CONCURRENCY overrides; the targets in README's "Performance"
 * are for 16).
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Round {
  orders: { id: string; amountFen: number }[];
  bodies: string[];
  canonical: Buffer[];
  signatures: Buffer[];
}

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const alipayTime = (ms: number): string => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/** N orders and their TRADE_SUCCESS notifications, signed exactly like the emulator's notifier does. */
export function makeRound(tag: string, n: number, alipayKey: KeyObject): Round {
  const orders: Round['orders'] = [];
  const bodies: string[] = [];
  const canonical: Buffer[] = [];
  const signatures: Buffer[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const id = `BENCH${tag}${String(i).padStart(6, '0')}`;
    const amountFen = 1 + ((i * 7919) % 99_999);
    const total = yuan(amountFen);
    orders.push({ id, amountFen });
    const params: Record<string, string> = {
      notify_time: alipayTime(now),
      notify_type: 'trade_status_sync',
      notify_id: `2026112200222${tag}${i}`,
      app_id: APP_ID,
      auth_app_id: APP_ID,
      charset: 'utf-8',
      version: '1.0',
      trade_no: `2026112222001${tag}${String(i).padStart(8, '0')}`,
      out_trade_no: id,
      buyer_id: '2088102177846875',
      buyer_logon_id: 'ali***@example.com',
      seller_id: SELLER_ID,
      trade_status: 'TRADE_SUCCESS',
      total_amount: total,
      receipt_amount: total,
      invoice_amount: total,
      buyer_pay_amount: total,
      point_amount: '0.00',
      subject: `PayDesk 收银 #${i}`,
      gmt_create: alipayTime(now - 60_000),
      gmt_payment: alipayTime(now),
      fund_bill_list: JSON.stringify([{ amount: total, fundChannel: 'ALIPAYACCOUNT' }]),
    };
    const signed = signNotifyParams(params, alipayKey, 'RSA2');
    bodies.push(new URLSearchParams(signed).toString());
    canonical.push(Buffer.from(canonicalString(signed, ['sign', 'sign_type']), 'utf8'));
    signatures.push(Buffer.from(signed.sign as string, 'base64'));
  }
  return { orders, bodies, canonical, signatures };
}

/** Pre-create AWAITING_PAYMENT orders in PayDesk's schema (a second connection; WAL allows it). */
export function seedPaydesk(dbPath: string, rounds: Round[]): void {
  const db = new BetterSqlite3(dbPath);
  db.pragma('busy_timeout = 5000');
  const ins =
    db.prepare(`INSERT INTO orders (id, method, status, amount_fen, refunded_fen, subject, notify_url, created_at, updated_at, expires_at, user_paying,
      environment, app_id, provider)
    VALUES (?, 'qr', 'AWAITING_PAYMENT', ?, 0, 'bench', NULL, ?, ?, ?, 0, 'demo', '${APP_ID}', 'alipay')`);
  const ev = db.prepare("INSERT INTO events (order_id, source, kind, payload, at) VALUES (?, 'user', 'created', '{}', ?)");
  const now = Date.now();
  db.transaction(() => {
    for (const r of rounds)
      for (const o of r.orders) {
        ins.run(o.id, o.amountFen, now, now, now + 3600_000);
        ev.run(o.id, now);
      }
  })();
  db.close();
}

/** The tutorial-style server: node:http, checkNotifySign, one UPDATE, `success`. */
async function startBaseline(dbPath: string, alipayPublicKeyPem: string, appPrivateKeyPem: string, rounds: Round[]) {
  const db = new BetterSqlite3(dbPath);
  if (process.env.BENCH_BASELINE_JOURNAL !== 'delete') db.pragma('journal_mode = WAL'); // better-sqlite3's README recommends it; the default (rollback journal) is slower
  db.exec('CREATE TABLE orders (out_trade_no TEXT PRIMARY KEY, total_amount TEXT NOT NULL, status TEXT NOT NULL)');
  const seed = db.prepare("INSERT INTO orders VALUES (?, ?, 'WAIT_BUYER_PAY')");
  db.transaction(() => {
    for (const r of rounds) for (const o of r.orders) seed.run(o.id, yuan(o.amountFen));
  })();
  const sdk = new AlipaySdk({
    appId: APP_ID,
    privateKey: appPrivateKeyPem,
    keyType: 'PKCS8',
    alipayPublicKey: alipayPublicKeyPem,
    gateway: 'http://127.0.0.1:9/gateway.do',
  });
  const update = db.prepare("UPDATE orders SET status = 'PAID' WHERE out_trade_no = ?");
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const postData = Object.fromEntries(new URLSearchParams(body));
      let ok: boolean;
      try {
        ok = sdk.checkNotifySign(postData);
      } catch {
        ok = false;
      }
      if (ok && (postData.trade_status === 'TRADE_SUCCESS' || postData.trade_status === 'TRADE_FINISHED')) {
        update.run(postData.out_trade_no);
      }
      res.end(ok ? 'success' : 'fail');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/notify/alipay`,
    paid: () => (db.prepare("SELECT count(*) AS n FROM orders WHERE status = 'PAID'").get() as { n: number }).n,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}

/** Drive `url` with `bodies` from the child client; returns notifications per second. */
export function drive(child: ChildProcess, url: string, bodiesFile: string, expected: number): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { elapsedMs?: number; ok?: number; other?: number; error?: string }) => {
      if (m.error !== undefined) return reject(new Error(`load client: ${m.error}`));
      if (m.ok !== expected) return reject(new Error(`expected ${expected} × success, got ${m.ok} (other ${m.other}) from ${url}`));
      resolve((expected / (m.elapsedMs as number)) * 1000);
    });
    child.send({ url, bodiesFile, concurrency: CONCURRENCY });
  });
}

/** crypto.verify with a cached KeyObject over the round's canonical strings, one core. */
function rawVerifyRate(r: Round, key: KeyObject, minMs: number): number {
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < r.canonical.length; i++) {
      if (!verify('sha256', r.canonical[i] as Buffer, key, r.signatures[i] as Buffer)) throw new Error('raw verify failed');
    }
    n += r.canonical.length;
    elapsed = performance.now() - t0;
  }
  return (n / elapsed) * 1000;
}

export async function benchNotifyIngest(opts: BenchOptions): Promise<NotifyIngestResult> {
  const perRound = opts.quick ? 1500 : 5000;
  const roundsN = opts.quick ? 3 : 5;
  const dir = tempDir('paydesk-bench-notify-');
  let core: PaymentCore | null = null;
  let baseline: Awaited<ReturnType<typeof startBaseline>> | null = null;
  let child: ChildProcess | null = null;
  try {
    const [alipay, app] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
    const alipayPriv = createPrivateKey(alipay.privateKeyPem);
    const alipayPub = createPublicKey(alipay.publicKeyPem);
    opts.log(`notify: signing ${perRound * roundsN + (opts.quick ? 1000 : 2000)} notifications…`);
    const warm = makeRound('W', opts.quick ? 1000 : 2000, alipayPriv); // JIT warm-up of both servers and the client, not counted
    const rounds = Array.from({ length: roundsN }, (_, i) => makeRound(String.fromCharCode(65 + i), perRound, alipayPriv));

    core = createPaymentCore({
      dbPath: join(dir.path, 'paydesk.db'),
      providers: [
        new AlipayProvider(
          {
            appId: APP_ID,
            sellerId: SELLER_ID,
            privateKey: app.privateKeyPem,
            alipayPublicKey: alipay.publicKeyPem,
            gateway: 'http://127.0.0.1:9/gateway.do', // never called: no order is tracked
          },
          silentLogger,
        ),
      ],
      notify: { port: 0 },
      logger: silentLogger,
    });
    await core.start(); // empty database: the start-up sweep has nothing to ask
    seedPaydesk(join(dir.path, 'paydesk.db'), [warm, ...rounds]);
    baseline = await startBaseline(join(dir.path, 'baseline.db'), alipay.publicKeyPem, app.privateKeyPem, [warm, ...rounds]);
    const paydeskUrl = core.notifyUrl() as string;

    child = fork(join(import.meta.dirname, 'load-client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const files = [warm, ...rounds].map((r, i) => {
      const f = join(dir.path, `bodies-${i}.json`);
      writeFileSync(f, JSON.stringify(r.bodies));
      return f;
    });
    // Warm the client itself first (node:http needs ~10k requests to be JIT-warm) against a server that
    // only answers `success`, so round 1 is not limited by a cold client.
    const trivial = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('success'));
    });
    await new Promise<void>((resolve) => trivial.listen(0, '127.0.0.1', resolve));
    const trivialUrl = `http://127.0.0.1:${(trivial.address() as AddressInfo).port}/`;
    const clientWarm = join(dir.path, 'client-warm.json');
    writeFileSync(clientWarm, JSON.stringify(Array.from({ length: opts.quick ? 8000 : 15000 }, (_, i) => warm.bodies[i % warm.bodies.length])));
    await drive(child, trivialUrl, clientWarm, opts.quick ? 8000 : 15000);
    await new Promise<void>((resolve) => {
      trivial.close(() => resolve());
      trivial.closeAllConnections();
    });
    await drive(child, paydeskUrl, files[0] as string, warm.bodies.length);
    await drive(child, baseline.url, files[0] as string, warm.bodies.length);

    const pd: number[] = [];
    const bl: number[] = [];
    const ratios: number[] = [];
    const raws: number[] = [];
    const fractions: number[] = [];
    for (let i = 0; i < roundsN; i++) {
      const r = rounds[i] as Round;
      const file = files[i + 1] as string;
      // Alternate who goes first: drift (thermal, page cache, other tenants) hits both sides equally.
      let p: number;
      let b: number;
      if (i % 2 === 0) {
        p = await drive(child, paydeskUrl, file, perRound);
        b = await drive(child, baseline.url, file, perRound);
      } else {
        b = await drive(child, baseline.url, file, perRound);
        p = await drive(child, paydeskUrl, file, perRound);
      }
      const raw = rawVerifyRate(r, alipayPub, opts.quick ? 200 : 500);
      pd.push(p);
      bl.push(b);
      ratios.push(p / b);
      raws.push(raw);
      fractions.push(p / raw);
      opts.log(`notify round ${i + 1}/${roundsN}: paydesk ${p.toFixed(0)}/s, baseline ${b.toFixed(0)}/s, raw verify ${raw.toFixed(0)}/s`);
    }
    // Correctness: every notification was applied by both.
    const expected = warm.orders.length + perRound * roundsN;
    const check = new BetterSqlite3(join(dir.path, 'paydesk.db'), { readonly: true });
    const paidPaydesk = (check.prepare("SELECT count(*) AS n FROM orders WHERE status = 'PAID'").get() as { n: number }).n;
    check.close();
    if (paidPaydesk !== expected) throw new Error(`paydesk paid ${paidPaydesk} of ${expected}`);
    if (baseline.paid() !== expected) throw new Error(`baseline paid ${baseline.paid()} of ${expected}`);
    return {
      paydeskPerSec: Math.round(median(pd)),
      baselinePerSec: Math.round(median(bl)),
      ratio: round(median(ratios)),
      rawVerifyPerSec: Math.round(median(raws)),
      fractionOfRaw: round(median(fractions)),
      notificationsPerRound: perRound,
      rounds: roundsN,
      concurrency: CONCURRENCY,
      baselineJournal: process.env.BENCH_BASELINE_JOURNAL === 'delete' ? 'delete' : 'wal',
    };
  } finally {
    child?.kill();
    await core?.close();
    await baseline?.close();
    dir.remove();
  }
}
