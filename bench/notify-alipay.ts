/**
 * The Alipay side of the notify-ingest benchmark: TRADE_SUCCESS notifications signed by the emulator's
 * signing code with an "Alipay" key as Alipay's 异步通知说明 describes, and the tutorial-style server they
 * are compared with (node:http + alipay-sdk `checkNotifySign(postData)` + one better-sqlite3 UPDATE).
 */
import type { KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlipaySdk } from 'alipay-sdk';
import BetterSqlite3 from 'better-sqlite3';
import { canonicalString, signNotifyParams } from '../src/emulator/signing';

export const APP_ID = '2021000000000001';
export const SELLER_ID = '2088000000000001';

export interface BenchOrder {
  id: string;
  amountFen: number;
}

export interface AlipayRound {
  orders: BenchOrder[];
  bodies: string[];
  canonical: Buffer[];
  signatures: Buffer[];
}

export const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const alipayTime = (ms: number): string => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/** N orders and their TRADE_SUCCESS notifications, signed exactly like the emulator's notifier does. */
export function makeAlipayRound(tag: string, n: number, alipayKey: KeyObject): AlipayRound {
  const orders: BenchOrder[] = [];
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

/** The scope a seeded order must carry, or the core refuses its notifications as foreign. */
export interface SeedScope {
  environment: 'demo';
  /** the provider's account: Alipay's app id, WeChat Pay's mchid */
  appId: string;
  provider: 'alipay' | 'wechat';
}

/** Pre-create AWAITING_PAYMENT orders in PayDesk's schema (a second connection; WAL allows it). */
export function seedPaydesk(dbPath: string, batches: { scope: SeedScope; orders: BenchOrder[] }[]): void {
  const db = new BetterSqlite3(dbPath);
  db.pragma('busy_timeout = 5000');
  const ins =
    db.prepare(`INSERT INTO orders (id, method, status, amount_fen, refunded_fen, subject, notify_url, created_at, updated_at, expires_at, user_paying,
      environment, app_id, provider)
    VALUES (?, 'qr', 'AWAITING_PAYMENT', ?, 0, 'bench', NULL, ?, ?, ?, 0, ?, ?, ?)`);
  const ev = db.prepare("INSERT INTO events (order_id, source, kind, payload, at) VALUES (?, 'user', 'created', '{}', ?)");
  const now = Date.now();
  db.transaction(() => {
    for (const { scope, orders } of batches)
      for (const o of orders) {
        ins.run(o.id, o.amountFen, now, now, now + 3600_000, scope.environment, scope.appId, scope.provider);
        ev.run(o.id, now);
      }
  })();
  db.close();
}

export interface RunningServer {
  url: string;
  /** orders the server marked paid */
  paid(): number;
  close(): Promise<void>;
}

export async function listenLocal(server: Server, path: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The tutorial-style server: node:http, checkNotifySign, one UPDATE, `success`. */
export async function startAlipayBaseline(dbPath: string, alipayPublicKeyPem: string, appPrivateKeyPem: string, orders: BenchOrder[]): Promise<RunningServer> {
  const db = new BetterSqlite3(dbPath);
  if (process.env.BENCH_BASELINE_JOURNAL !== 'delete') db.pragma('journal_mode = WAL'); // better-sqlite3's README recommends it; the default (rollback journal) is slower
  db.exec('CREATE TABLE orders (out_trade_no TEXT PRIMARY KEY, total_amount TEXT NOT NULL, status TEXT NOT NULL)');
  const seed = db.prepare("INSERT INTO orders VALUES (?, ?, 'WAIT_BUYER_PAY')");
  db.transaction(() => {
    for (const o of orders) seed.run(o.id, yuan(o.amountFen));
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
  const url = await listenLocal(server, '/notify/alipay');
  return {
    url,
    paid: () => (db.prepare("SELECT count(*) AS n FROM orders WHERE status = 'PAID'").get() as { n: number }).n,
    close: async () => {
      await closeServer(server);
      db.close();
    },
  };
}
