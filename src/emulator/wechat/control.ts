/**
 * The WeChat part of the control API, under `{control}/wechat/…` (docs/emulator.md "WeChat Pay → Control
 * API"): the same shape as the Alipay calls (trades, scan / pay / fail, notifications, faults, reset), plus
 * refund settlement and the response signer. JSON in and out, bodies checked with zod. Amounts are fen.
 * Not modelled: several merchants (one default merchant per emulator).
 */
import { z } from 'zod';
import { handleCommonControl, parse, type ControlAnswer } from '../control';
import type { WxEngine } from './engine';
import { wxFaultInputSchema, type WxFaultRegistry } from './faults';
import { codeUrl } from './handlers';
import type { WxNotifier } from './notifier';
import { resolveWxBuyer } from './test-codes';
import type { WxTrade } from './types';

/** Which key signs answers and notifications. */
export type WxSignerMode = 'publicKey' | 'platform';

/** What the WeChat control calls need. */
export interface WxControlDeps {
  engine: WxEngine;
  faults: WxFaultRegistry;
  notifier: WxNotifier;
  baseUrl: () => string;
  signerMode: () => WxSignerMode;
  setSignerMode: (m: WxSignerMode) => void;
}

const buyerSchema = z.object({ buyer: z.string().min(1).optional() }).strict();
const settleSchema = z.object({ status: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']) }).strict();
const signerSchema = z.object({ signer: z.enum(['publicKey', 'platform']) }).strict();

/** The control view of a transaction. */
export function wxTradeView(t: WxTrade, baseUrl: string, expired: boolean): Record<string, unknown> {
  return {
    mchid: t.mchid,
    appid: t.appid,
    outTradeNo: t.outTradeNo,
    transactionId: t.transactionId,
    kind: t.kind,
    state: t.state,
    stateDesc: t.stateDesc ?? null,
    total: t.totalFen,
    description: t.description,
    attach: t.attach ?? null,
    notifyUrl: t.notifyUrl ?? null,
    codeUrl: t.kind === 'native' ? codeUrl(t) : null,
    customerUrl: t.kind === 'native' ? `${baseUrl}/wxpay/bizpayurl?pr=${t.token}` : null,
    authCode: t.authCode ?? null,
    payer: t.payer ?? null,
    expired,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    paidAt: t.paidAt ?? null,
    closedAt: t.closedAt ?? null,
    scannedAt: t.scannedAt ?? null,
    declinedAt: t.declinedAt ?? null,
    refunds: t.refunds.map((r) => ({
      outRefundNo: r.outRefundNo,
      refundId: r.refundId,
      status: r.status,
      refund: r.refundFen,
      reason: r.reason ?? null,
      notifyUrl: r.notifyUrl ?? null,
      createdAt: r.createdAt,
      settledAt: r.settledAt ?? null,
    })),
  };
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Handle `{control}/wechat<sub>`; undefined when no route matches. */
export function handleWxControl(method: string, sub: string, body: unknown, deps: WxControlDeps): ControlAnswer | undefined {
  const base = deps.baseUrl();
  const view = (t: WxTrade): Record<string, unknown> => wxTradeView(t, base, deps.engine.expired(t));
  if (sub === '/trades' && method === 'GET') return { status: 200, body: deps.engine.list().map(view) };
  const tm = /^\/trades\/([^/]+)(?:\/(scan|pay|fail))?$/.exec(sub);
  if (tm) {
    const no = decode(tm[1] as string);
    if (no === undefined) return { status: 400, body: { error: 'malformed trade number' } };
    const trade = deps.engine.list().find((t) => t.outTradeNo === no);
    if (!trade) return { status: 404, body: { error: `no trade ${no}` } };
    const action = tm[2];
    if (!action) return method === 'GET' ? { status: 200, body: view(trade) } : undefined;
    if (method !== 'POST') return undefined;
    const b = parse(buyerSchema, body);
    if (!b.ok) return b.answer;
    const r =
      action === 'scan'
        ? deps.engine.scan(trade)
        : action === 'pay'
          ? deps.engine.pay(trade, b.value.buyer ? resolveWxBuyer(b.value.buyer) : (trade.payer ?? resolveWxBuyer(undefined)))
          : deps.engine.decline(trade);
    if (!r.ok) return { status: 409, body: { error: `cannot ${action}: trade is ${r.reason}`, trade: view(trade) } };
    return { status: 200, body: view(trade) };
  }
  const rm = /^\/refunds\/([^/]+)\/settle$/.exec(sub);
  if (rm && method === 'POST') {
    const no = decode(rm[1] as string);
    const s = parse(settleSchema, body);
    if (!s.ok) return s.answer;
    for (const t of deps.engine.list()) {
      const refund = t.refunds.find((r) => r.outRefundNo === no);
      if (!refund) continue;
      if (!deps.engine.settleRefund(t, refund, s.value.status)) return { status: 409, body: { error: `refund is already ${refund.status}`, trade: view(t) } };
      return { status: 200, body: view(t) };
    }
    return { status: 404, body: { error: `no refund ${no ?? ''}` } };
  }
  const common = handleCommonControl(method, sub, body, { ...deps, faultSchema: wxFaultInputSchema });
  if (common) return common;
  if (sub === '/signer' && method === 'GET') return { status: 200, body: { signer: deps.signerMode() } };
  if (sub === '/signer' && method === 'POST') {
    const p = parse(signerSchema, body);
    if (!p.ok) return p.answer;
    deps.setSignerMode(p.value.signer);
    return { status: 200, body: { signer: p.value.signer } };
  }
  return undefined;
}
