/**
 * The control API under `/__emulator` (docs/emulator.md "Control API"): JSON in and out, bodies parsed
 * with zod. Extra (beyond the contract): `GET/DELETE faults` listing, `GET clock`,
 * `POST clock/advance {ms}` to jump emulated time.
 */
import { z } from 'zod';
import { formatFen } from '../shared/money';
import { newAppId, newSellerId, type AppRegistry } from './apps';
import type { ScaledClock } from './clock';
import { faultInputSchema, type FaultRegistry } from './faults';
import type { Notifier } from './notifier';
import { resolveBuyer } from './test-codes';
import type { TradeEngine } from './trades';
import type { TradeRecord } from './types';

/** What the control API needs. */
export interface ControlDeps {
  engine: TradeEngine;
  apps: AppRegistry;
  faults: FaultRegistry;
  notifier: Notifier;
  clock: ScaledClock;
  baseUrl: () => string;
  persist: () => void;
}

/** A JSON answer. */
export interface ControlAnswer {
  status: number;
  body: unknown;
}

const appSchema = z.object({
  publicKey: z.string().min(1),
  appId: z
    .string()
    .regex(/^[0-9A-Za-z]{1,32}$/)
    .optional(),
  sellerId: z
    .string()
    .regex(/^[0-9]{1,32}$/)
    .optional(),
});
const buyerSchema = z.object({ buyer: z.string().min(1).optional(), appId: z.string().optional() });
const advanceSchema = z.object({ ms: z.number().int().nonnegative() });

/** The JSON view of a trade. */
export function tradeView(t: TradeRecord, baseUrl: string): Record<string, unknown> {
  return {
    appId: t.appId,
    outTradeNo: t.outTradeNo,
    tradeNo: t.tradeNo,
    kind: t.kind,
    status: t.status,
    scanned: t.scanned,
    expired: t.expired,
    totalAmount: formatFen(t.totalFen),
    refundFee: formatFen(t.refundFen),
    refunds: t.refunds.map((r) => ({ outRequestNo: r.outRequestNo, refundAmount: formatFen(r.refundFen), at: r.at, reason: r.reason ?? null })),
    subject: t.subject,
    buyer: t.buyer ?? null,
    notifyUrl: t.notifyUrl ?? null,
    returnUrl: t.returnUrl ?? null,
    authCode: t.authCode ?? null,
    customerUrl: `${baseUrl}/${t.kind === 'page' ? 'cashier' : 'qr'}/${t.token}`,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    paidAt: t.paidAt ?? null,
    closedAt: t.closedAt ?? null,
  };
}

/** Parse a control body with zod (a missing body is `{}`); a 400 answer listing the issues when it fails. */
export function parse<S extends z.ZodType>(schema: S, body: unknown): { ok: true; value: z.output<S> } | { ok: false; answer: ControlAnswer } {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, answer: { status: 400, body: { error: 'invalid body', issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } } };
}

/** What the calls both providers share need. */
export interface CommonControlDeps<S extends z.ZodType> {
  engine: { reset(): void };
  notifier: { reset(): void; list(): unknown };
  faults: { list(): unknown; add(input: z.output<S>): { id: string }; clear(): void };
  /** the provider's fault body */
  faultSchema: S;
}

/**
 * The calls both providers' control APIs share: `GET notifications`, `GET/POST/DELETE faults`,
 * `POST reset`. undefined when `sub` is none of them.
 */
export function handleCommonControl<S extends z.ZodType>(method: string, sub: string, body: unknown, deps: CommonControlDeps<S>): ControlAnswer | undefined {
  if (sub === '/notifications' && method === 'GET') return { status: 200, body: deps.notifier.list() };
  if (sub === '/faults' && method === 'GET') return { status: 200, body: deps.faults.list() };
  if (sub === '/faults' && method === 'POST') {
    const p = parse(deps.faultSchema, body);
    if (!p.ok) return p.answer;
    return { status: 200, body: { id: deps.faults.add(p.value).id } };
  }
  if (sub === '/faults' && method === 'DELETE') {
    deps.faults.clear();
    return { status: 200, body: { ok: true } };
  }
  if (sub === '/reset' && method === 'POST') {
    deps.engine.reset();
    deps.notifier.reset();
    deps.faults.clear();
    return { status: 200, body: { ok: true } };
  }
  return undefined;
}

/** Handle `{control}/<sub>`; sub is the path after /__emulator. */
export function handleControl(method: string, sub: string, query: URLSearchParams, body: unknown, deps: ControlDeps): ControlAnswer {
  const base = deps.baseUrl();
  const notFound: ControlAnswer = { status: 404, body: { error: 'not found' } };
  if (sub === '/health' && method === 'GET') return { status: 200, body: { ok: true } };
  if (sub === '/apps' && method === 'GET') return { status: 200, body: deps.apps.list().map((a) => ({ appId: a.appId, sellerId: a.sellerId })) };
  if (sub === '/apps' && method === 'POST') {
    const p = parse(appSchema, body);
    if (!p.ok) return p.answer;
    const appId = p.value.appId ?? newAppId();
    if (deps.apps.get(appId)) return { status: 409, body: { error: `app ${appId} already exists` } };
    try {
      const app = deps.apps.add({ appId, sellerId: p.value.sellerId ?? newSellerId(), publicKeyPem: p.value.publicKey });
      deps.persist();
      return { status: 200, body: { appId: app.appId, sellerId: app.sellerId } };
    } catch (e) {
      return { status: 400, body: { error: `invalid publicKey: ${(e as Error).message}` } };
    }
  }
  if (sub === '/trades' && method === 'GET') return { status: 200, body: deps.engine.list().map((t) => tradeView(t, base)) };
  const tm = /^\/trades\/([^/]+)(?:\/(scan|pay|fail|finish))?$/.exec(sub);
  if (tm) {
    let outTradeNo: string;
    try {
      outTradeNo = decodeURIComponent(tm[1] as string);
    } catch {
      return { status: 400, body: { error: 'malformed trade number' } };
    }
    const action = tm[2];
    const b = action ? parse(buyerSchema, body) : { ok: true as const, value: {} as z.output<typeof buyerSchema> };
    if (!b.ok) return b.answer;
    const appId = query.get('appId') ?? b.value.appId;
    const matches = deps.engine.list().filter((t) => t.outTradeNo === outTradeNo && (!appId || t.appId === appId));
    if (matches.length === 0) return { status: 404, body: { error: `no trade ${outTradeNo}` } };
    if (matches.length > 1) return { status: 409, body: { error: 'several apps use this out_trade_no: pass ?appId=' } };
    const trade = matches[0] as TradeRecord;
    deps.engine.touch(trade);
    if (!action) return method === 'GET' ? { status: 200, body: tradeView(trade, base) } : notFound;
    if (method !== 'POST') return notFound;
    const buyer = b.value.buyer ? resolveBuyer(b.value.buyer) : undefined;
    const r =
      action === 'scan'
        ? deps.engine.scan(trade, buyer)
        : action === 'pay'
          ? deps.engine.pay(trade, buyer ?? trade.buyer ?? resolveBuyer(undefined))
          : action === 'finish'
            ? deps.engine.finish(trade)
            : deps.engine.close(trade, buyer);
    if (!r.ok) return { status: 409, body: { error: `cannot ${action}: trade is ${r.reason}`, trade: tradeView(trade, base) } };
    return { status: 200, body: tradeView(trade, base) };
  }
  const common = handleCommonControl(method, sub, body, { ...deps, faultSchema: faultInputSchema });
  if (common) return common;
  if (sub === '/clock' && method === 'GET') return { status: 200, body: { now: deps.clock.now(), timeScale: deps.clock.timeScale } };
  if (sub === '/clock/advance' && method === 'POST') {
    const p = parse(advanceSchema, body);
    if (!p.ok) return p.answer;
    deps.clock.advance(p.value.ms);
    for (const t of deps.engine.list()) deps.engine.touch(t);
    return { status: 200, body: { now: deps.clock.now() } };
  }
  return notFound;
}
