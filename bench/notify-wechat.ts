/**
 * The WeChat Pay side of the notify-ingest benchmark. Notices are built by the emulator's own code, as its
 * notifier builds them (支付成功回调通知): the transaction resource of src/emulator/wechat/views.ts,
 * AEAD_AES_256_GCM with the APIv3 key and Wechatpay-* headers signed with the WeChat Pay key
 * (src/emulator/wechat/crypto.ts); keys are generated at run time. The tutorial-style server they are
 * compared with: node:http + wechatpay-node-v3's `verifySign` (the WeChat Pay public key registered in
 * `Pay.certificates`) and `decipher_gcm`, one better-sqlite3 UPDATE, 204.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import BetterSqlite3 from 'better-sqlite3';
import Pay from 'wechatpay-node-v3';
import { encryptResource, rfc3339, signedHeaders } from '../src/emulator/wechat/crypto';
import { randomAlnum, randomDigits } from '../src/emulator/wechat/keys';
import type { WxTrade } from '../src/emulator/wechat/types';
import { sortedJson, transactionJson } from '../src/emulator/wechat/views';
import type { WechatConfig } from '../src/main/providers/wechat';
import type { Posted } from './load-client';
import { closeServer, listenLocal, type BenchOrder, type RunningServer } from './notify-alipay';

/** The merchant of the bench: ids and the APIv3 key made at run time. */
export interface WxMerchant {
  mchid: string;
  appid: string;
  apiV3Key: string;
  /** the WeChat Pay public key's id (Wechatpay-Serial in public-key mode) */
  publicKeyId: string;
  merchantSerialNo: string;
}

export function makeWxMerchant(): WxMerchant {
  return {
    mchid: `19${randomDigits(8)}`,
    appid: `wx${randomAlnum(16).toLowerCase()}`,
    apiV3Key: randomAlnum(32),
    publicKeyId: `PUB_KEY_ID_${randomDigits(20)}`,
    merchantSerialNo: randomBytes(20).toString('hex').toUpperCase(),
  };
}

/** The adapter's configuration for the bench merchant (its API is never called: no order is tracked). */
export function wxConfig(m: WxMerchant, merchantPrivateKey: string, wechatpayPublicKey: string): WechatConfig {
  return {
    environment: 'demo',
    baseUrl: 'http://127.0.0.1:9',
    mchid: m.mchid,
    appid: m.appid,
    merchantSerialNo: m.merchantSerialNo,
    merchantPrivateKey,
    apiV3Key: m.apiV3Key,
    wechatpayPublicKeyId: m.publicKeyId,
    wechatpayPublicKey,
  };
}

/** N orders (numbers and amounts only: the notices are signed later, just before they are sent). */
export function wxOrders(tag: string, n: number): BenchOrder[] {
  return Array.from({ length: n }, (_, i) => ({ id: `WXB${tag}${String(i).padStart(6, '0')}`, amountFen: 1 + ((i * 7919) % 99_999) }));
}

/**
 * One TRANSACTION.SUCCESS notice per order, exactly as the emulator's notifier builds and signs them, at
 * the current time (the adapter refuses a Wechatpay-Timestamp more than 5 minutes off).
 */
export function signWxNotices(m: WxMerchant, orders: readonly BenchOrder[], wechatpayKey: KeyObject): Posted[] {
  const now = Date.now();
  const signer = { key: wechatpayKey, serial: m.publicKeyId };
  return orders.map((o, i) => {
    const trade: WxTrade = {
      mchid: m.mchid,
      appid: m.appid,
      outTradeNo: o.id,
      transactionId: `42000000002026120${String(i).padStart(11, '0')}${o.id.slice(3, 4)}`,
      kind: 'native',
      state: 'SUCCESS',
      totalFen: o.amountFen,
      description: 'PayDesk 收银',
      token: randomAlnum(16),
      createdAt: now - 60_000,
      expiresAt: now + 3600_000,
      paidAt: now,
      payer: { openid: 'oBenchBuyerOpenid000000000', name: 'bench' },
      fingerprint: '',
      refunds: [],
    };
    const resource = { ...encryptResource(sortedJson(transactionJson(trade)), m.apiV3Key, 'transaction'), original_type: 'transaction' };
    const body = JSON.stringify({
      id: `bench-${o.id}-${randomAlnum(8)}`,
      create_time: rfc3339(now),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource,
    });
    return { body, headers: { ...signedHeaders(body, signer, Math.floor(now / 1000)) } };
  });
}

/** wechatpay-node-v3, with its verification key map reachable (verifySign looks keys up there by Wechatpay-Serial). */
class BaselinePay extends Pay {
  static trust(serial: string, publicKeyPem: string): void {
    Pay.certificates[serial] = publicKeyPem;
  }
}

interface WxNoticeBody {
  resource: { ciphertext: string; associated_data: string; nonce: string };
}

/** The tutorial-style server: node:http, wechatpay-node-v3 verifySign + decipher_gcm, one UPDATE, 204. */
export async function startWechatBaseline(
  dbPath: string,
  m: WxMerchant,
  merchantPrivateKey: string,
  wechatpayPublicKey: string,
  orders: BenchOrder[],
): Promise<RunningServer> {
  const db = new BetterSqlite3(dbPath);
  if (process.env.BENCH_BASELINE_JOURNAL !== 'delete') db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE orders (out_trade_no TEXT PRIMARY KEY, total INTEGER NOT NULL, status TEXT NOT NULL)');
  const seed = db.prepare("INSERT INTO orders VALUES (?, ?, 'NOTPAY')");
  db.transaction(() => {
    for (const o of orders) seed.run(o.id, o.amountFen);
  })();
  const pay = new BaselinePay({
    appid: m.appid,
    mchid: m.mchid,
    serial_no: m.merchantSerialNo,
    publicKey: Buffer.from('unused'), // only read to derive serial_no, which is given
    privateKey: Buffer.from(merchantPrivateKey),
    key: m.apiV3Key,
  });
  BaselinePay.trust(m.publicKeyId, wechatpayPublicKey);
  const update = db.prepare("UPDATE orders SET status = 'SUCCESS' WHERE out_trade_no = ?");
  const header = (v: string | string[] | undefined): string => (typeof v === 'string' ? v : '');
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      void (async () => {
        let ok: boolean;
        try {
          ok = await pay.verifySign({
            timestamp: header(req.headers['wechatpay-timestamp']),
            nonce: header(req.headers['wechatpay-nonce']),
            serial: header(req.headers['wechatpay-serial']),
            signature: header(req.headers['wechatpay-signature']),
            body,
          });
          if (ok) {
            const { resource } = JSON.parse(body) as WxNoticeBody;
            const plain = pay.decipher_gcm<{ out_trade_no: string; trade_state: string }>(resource.ciphertext, resource.associated_data, resource.nonce);
            if (plain.trade_state === 'SUCCESS') update.run(plain.out_trade_no);
          }
        } catch {
          ok = false;
        }
        res.statusCode = ok ? 204 : 400;
        res.end(ok ? undefined : JSON.stringify({ code: 'FAIL', message: 'fail' }));
      })();
    });
  });
  const url = await listenLocal(server, '/notify/wechat');
  return {
    url,
    paid: () => (db.prepare("SELECT count(*) AS n FROM orders WHERE status = 'SUCCESS'").get() as { n: number }).n,
    close: async () => {
      await closeServer(server);
      db.close();
    },
  };
}
