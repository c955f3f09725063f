/**
 * Benchmark 1 — notify ingest, for Alipay and WeChat Pay, side by side in one run. For each provider, three
 * servers get the same notifications from the same client (a child process with 16 keep-alive node:http
 * connections on 127.0.0.1), in the same process as each other:
 * - PayDesk: one payment core hosting both providers, its real notify server (`/notify/alipay`,
 *   `/notify/wechat`): record raw → verify (Alipay: RSA2 over the form; WeChat: SHA256withRSA over the
 *   Wechatpay-* headers + AES-256-GCM decrypt) → checks → durable commit → ack. The seeded orders carry the
 *   core's environment, account and provider, and every notification must be acknowledged and pay its order,
 *   or the bench fails instead of printing a figure;
 * - the tutorial-style baseline (notify-alipay.ts, notify-wechat.ts);
 * - the ceiling: a bare node:http server that reads each POST body and answers (`success` / 204) with no
 *   work at all.
 * Rounds rotate who goes first so drift (thermal, page cache, other tenants) hits all sides equally; each
 * figure is the median over rounds of per-round rates and ratios. Also for Alipay, as before: the rate of
 * `crypto.verify` with a cached KeyObject over the same canonical strings, one core.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { generateRsaKeyPair } from '../src/emulator';
import { createPaymentCore, type PaymentCore } from '../src/main/payments';
import { AlipayProvider } from '../src/main/providers/alipay';
import { WechatProvider } from '../src/main/providers/wechat';
import type { AckRule, Posted } from './load-client';
import {
  APP_ID,
  SELLER_ID,
  closeServer,
  listenLocal,
  makeAlipayRound,
  seedPaydesk,
  startAlipayBaseline,
  type AlipayRound,
  type RunningServer,
} from './notify-alipay';
import { makeWxMerchant, signWxNotices, startWechatBaseline, wxConfig, wxOrders } from './notify-wechat';
import { median, round, silentLogger, tempDir, type BenchOptions } from './util';

/** One provider's figures (rates are acknowledged notifications per second; latencies per request). */
export interface ProviderIngestFigures {
  paydeskPerSec: number;
  p50Ms: number;
  p99Ms: number;
  baselinePerSec: number;
  baselineP50Ms: number;
  baselineP99Ms: number;
  /** PayDesk / baseline */
  ratio: number;
  bareHttpPerSec: number;
  /** PayDesk / bare node:http */
  fractionOfBareHttp: number;
}

/** Alipay's figures at the top level (as before), WeChat Pay's under `wechat`. */
export interface NotifyIngestResult extends ProviderIngestFigures {
  rawVerifyPerSec: number;
  fractionOfRaw: number;
  notificationsPerRound: number;
  rounds: number;
  concurrency: number;
  /** The baselines' SQLite journal: 'wal' (default here: the stricter comparison) or 'delete' (better-sqlite3's
   *  default, what many tutorials run; BENCH_BASELINE_JOURNAL=delete). */
  baselineJournal: 'wal' | 'delete';
  wechat: ProviderIngestFigures;
}

/**
 * Keep-alive connections of the load client (BENCH_CONCURRENCY overrides; the targets in README's "Performance"
 * are for 16).
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Driven {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Drive `url` with the items of `file`; every one must be acknowledged or this throws. */
export function drive(child: ChildProcess, url: string, file: string, expected: number, ack: AckRule): Promise<Driven> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { elapsedMs?: number; ok?: number; other?: number; p50Ms?: number; p99Ms?: number; error?: string }) => {
      if (m.error !== undefined) return reject(new Error(`load client: ${m.error}`));
      if (m.ok !== expected) return reject(new Error(`expected ${expected} acknowledged, got ${m.ok} (other ${m.other}) from ${url}`));
      resolve({ perSec: (expected / (m.elapsedMs as number)) * 1000, p50Ms: m.p50Ms as number, p99Ms: m.p99Ms as number });
    });
    child.send({ url, bodiesFile: file, concurrency: CONCURRENCY, ack });
  });
}

/** crypto.verify with a cached KeyObject over the round's canonical strings, one core. */
function rawVerifyRate(r: AlipayRound, key: KeyObject, minMs: number): number {
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

/** The ceiling: node:http reading each POST body in full and answering it, no work (WeChat: 204, else `success`). */
async function startBareHttp(): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Buffer.concat(chunks);
      if (req.url === '/notify/wechat') {
        res.statusCode = 204;
        res.end();
      } else res.end('success');
    });
  });
  const base = await listenLocal(server, '');
  return { url: base, paid: () => 0, close: () => closeServer(server) };
}

interface Side {
  name: 'paydesk' | 'baseline' | 'bare';
  url: string;
}

/** Per round: each side once, the order rotated by round. */
async function oneRound(child: ChildProcess, sides: Side[], file: string, n: number, ack: AckRule, i: number): Promise<Record<Side['name'], Driven>> {
  const order = sides.map((_, k) => sides[(k + i) % sides.length] as Side);
  const out: Partial<Record<Side['name'], Driven>> = {};
  for (const s of order) out[s.name] = await drive(child, s.url, file, n, ack);
  return out as Record<Side['name'], Driven>;
}

function summarize(runs: Record<Side['name'], Driven>[]): ProviderIngestFigures {
  const m = (f: (r: Record<Side['name'], Driven>) => number) => median(runs.map(f));
  return {
    paydeskPerSec: Math.round(m((r) => r.paydesk.perSec)),
    p50Ms: round(m((r) => r.paydesk.p50Ms)),
    p99Ms: round(m((r) => r.paydesk.p99Ms)),
    baselinePerSec: Math.round(m((r) => r.baseline.perSec)),
    baselineP50Ms: round(m((r) => r.baseline.p50Ms)),
    baselineP99Ms: round(m((r) => r.baseline.p99Ms)),
    ratio: round(m((r) => r.paydesk.perSec / r.baseline.perSec)),
    bareHttpPerSec: Math.round(m((r) => r.bare.perSec)),
    fractionOfBareHttp: round(m((r) => r.paydesk.perSec / r.bare.perSec)),
  };
}

export async function benchNotifyIngest(opts: BenchOptions): Promise<NotifyIngestResult> {
  const perRound = opts.quick ? 1500 : 5000;
  const roundsN = opts.quick ? 3 : 5;
  const warmN = opts.quick ? 1000 : 2000;
  const dir = tempDir('paydesk-bench-notify-');
  const servers: RunningServer[] = [];
  let core: PaymentCore | null = null;
  let child: ChildProcess | null = null;
  try {
    const [alipay, app, wechatpay, merchant] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair(), generateRsaKeyPair(), generateRsaKeyPair()]);
    const alipayPriv = createPrivateKey(alipay.privateKeyPem);
    const alipayPub = createPublicKey(alipay.publicKeyPem);
    const wechatpayPriv = createPrivateKey(wechatpay.privateKeyPem);
    const wx = makeWxMerchant();
    opts.log(`notify: signing ${perRound * roundsN + warmN} Alipay notifications…`);
    const aWarm = makeAlipayRound('W', warmN, alipayPriv); // JIT warm-up of the servers and the client, not counted
    const aRounds = Array.from({ length: roundsN }, (_, i) => makeAlipayRound(String.fromCharCode(65 + i), perRound, alipayPriv));
    const wWarm = wxOrders('W', warmN);
    const wRounds = Array.from({ length: roundsN }, (_, i) => wxOrders(String.fromCharCode(65 + i), perRound));

    const dbPath = join(dir.path, 'paydesk.db');
    core = createPaymentCore({
      dbPath,
      providers: [
        new AlipayProvider(
          { appId: APP_ID, sellerId: SELLER_ID, privateKey: app.privateKeyPem, alipayPublicKey: alipay.publicKeyPem, gateway: 'http://127.0.0.1:9/gateway.do' },
          silentLogger,
        ),
        new WechatProvider(wxConfig(wx, merchant.privateKeyPem, wechatpay.publicKeyPem), { logger: silentLogger }),
      ],
      notify: { port: 0 },
      logger: silentLogger,
    });
    await core.start(); // empty database: the start-up sweep has nothing to ask
    const aOrders = [aWarm, ...aRounds].flatMap((r) => r.orders);
    const wOrders = [wWarm, ...wRounds].flat();
    seedPaydesk(dbPath, [
      { scope: { environment: 'demo', appId: APP_ID, provider: 'alipay' }, orders: aOrders },
      { scope: { environment: 'demo', appId: wx.mchid, provider: 'wechat' }, orders: wOrders },
    ]);
    const aBase = await startAlipayBaseline(join(dir.path, 'baseline-alipay.db'), alipay.publicKeyPem, app.privateKeyPem, aOrders);
    servers.push(aBase);
    const wBase = await startWechatBaseline(join(dir.path, 'baseline-wechat.db'), wx, merchant.privateKeyPem, wechatpay.publicKeyPem, wOrders);
    servers.push(wBase);
    const bare = await startBareHttp();
    servers.push(bare);
    const aSides: Side[] = [
      { name: 'paydesk', url: core.notifyUrl('alipay') as string },
      { name: 'baseline', url: aBase.url },
      { name: 'bare', url: `${bare.url}/notify/alipay` },
    ];
    const wSides: Side[] = [
      { name: 'paydesk', url: core.notifyUrl('wechat') as string },
      { name: 'baseline', url: wBase.url },
      { name: 'bare', url: `${bare.url}/notify/wechat` },
    ];

    child = fork(join(import.meta.dirname, 'load-client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let files = 0;
    const write = (items: Posted[]): string => {
      const f = join(dir.path, `bodies-${files++}.json`);
      writeFileSync(f, JSON.stringify(items));
      return f;
    };
    // Warm the client itself first (node:http needs ~10k requests to be JIT-warm) against the bare server.
    const clientWarmN = opts.quick ? 8000 : 15000;
    await drive(
      child,
      `${bare.url}/notify/alipay`,
      write(Array.from({ length: clientWarmN }, (_, i) => aWarm.bodies[i % warmN] as string)),
      clientWarmN,
      'alipay',
    );
    await oneRound(child, aSides, write(aWarm.bodies), warmN, 'alipay', 0);
    await oneRound(child, wSides, write(signWxNotices(wx, wWarm, wechatpayPriv)), warmN, 'wechat', 0);

    const aRuns: Record<Side['name'], Driven>[] = [];
    const wRuns: Record<Side['name'], Driven>[] = [];
    const raws: number[] = [];
    const fractions: number[] = [];
    for (let i = 0; i < roundsN; i++) {
      // Signed now: a WeChat notice more than 5 minutes old is refused.
      const wFile = write(signWxNotices(wx, wRounds[i] as typeof wWarm, wechatpayPriv));
      const aFile = write((aRounds[i] as AlipayRound).bodies);
      const providersFirst = i % 2 === 0 ? (['alipay', 'wechat'] as const) : (['wechat', 'alipay'] as const);
      for (const p of providersFirst) {
        if (p === 'alipay') aRuns.push(await oneRound(child, aSides, aFile, perRound, 'alipay', i));
        else wRuns.push(await oneRound(child, wSides, wFile, perRound, 'wechat', i));
      }
      const a = aRuns[i] as Record<Side['name'], Driven>;
      const w = wRuns[i] as Record<Side['name'], Driven>;
      const raw = rawVerifyRate(aRounds[i] as AlipayRound, alipayPub, opts.quick ? 200 : 500);
      raws.push(raw);
      fractions.push(a.paydesk.perSec / raw);
      const f = (d: Driven) => d.perSec.toFixed(0);
      opts.log(
        `notify round ${i + 1}/${roundsN}: alipay paydesk ${f(a.paydesk)}/s, baseline ${f(a.baseline)}/s, bare http ${f(a.bare)}/s; ` +
          `wechat paydesk ${f(w.paydesk)}/s, baseline ${f(w.baseline)}/s, bare http ${f(w.bare)}/s; raw verify ${raw.toFixed(0)}/s`,
      );
    }
    // Correctness: every notification paid its order, in PayDesk and in the baselines.
    const expected = warmN + perRound * roundsN;
    const check = new BetterSqlite3(dbPath, { readonly: true });
    const paid = (provider: string) =>
      (check.prepare("SELECT count(*) AS n FROM orders WHERE status = 'PAID' AND provider = ?").get(provider) as { n: number }).n;
    const [paidA, paidW] = [paid('alipay'), paid('wechat')];
    check.close();
    if (paidA !== expected || paidW !== expected) throw new Error(`paydesk paid ${paidA} Alipay and ${paidW} WeChat orders of ${expected} each`);
    if (aBase.paid() !== expected) throw new Error(`alipay baseline paid ${aBase.paid()} of ${expected}`);
    if (wBase.paid() !== expected) throw new Error(`wechat baseline paid ${wBase.paid()} of ${expected}`);
    return {
      ...summarize(aRuns),
      rawVerifyPerSec: Math.round(median(raws)),
      fractionOfRaw: round(median(fractions)),
      notificationsPerRound: perRound,
      rounds: roundsN,
      concurrency: CONCURRENCY,
      baselineJournal: process.env.BENCH_BASELINE_JOURNAL === 'delete' ? 'delete' : 'wal',
      wechat: summarize(wRuns),
    };
  } finally {
    child?.kill();
    await core?.close();
    for (const s of servers) await s.close();
    dir.remove();
  }
}
