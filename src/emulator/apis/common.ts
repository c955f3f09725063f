/**
 * What every gateway API handler gets and returns, plus the shared biz_content parsing (zod) and the
 * error shapes of Alipay's 公共错误码 (docs/emulator.md, "Alipay sources").
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AmountError, parseYuan } from '../../shared/money';
import type { ScaledClock } from '../clock';
import type { ResponseValue, SignType } from '../signing';
import type { TradeEngine } from '../trades';
import type { AppRecord, TradeRecord } from '../types';
import type { BillStore } from '../bill';

/** The inner object of a response (code, msg, … fields). */
export type Content = Record<string, ResponseValue | undefined>;

/** Everything the API handlers need from the running emulator. */
export interface ApiDeps {
  engine: TradeEngine;
  clock: ScaledClock;
  bills: BillStore;
  alipayPrivateKey: KeyObject;
  /** http://127.0.0.1:PORT */
  baseUrl: () => string;
}

/** One verified gateway request. */
export interface ApiContext {
  app: AppRecord;
  method: string;
  /** all request parameters (query + form), decoded once. */
  params: Readonly<Record<string, string>>;
  /** parsed biz_content. */
  biz: Readonly<Record<string, unknown>>;
  signType: SignType;
  deps: ApiDeps;
}

/** 10000 Success with fields. */
export function ok(fields: Content): Content {
  return { code: '10000', msg: 'Success', ...fields };
}

/** 40004 Business Failed (signed, ACQ.* / isp.*). */
export function businessError(subCode: string, subMsg: string, fields: Content = {}): Content {
  return { code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg, ...fields };
}

/** 40002 isv.invalid-parameter. */
export function invalidParameter(subMsg: string): Content {
  return { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-parameter', sub_msg: subMsg };
}

/** A biz_content text field: strings (numbers tolerated, as JSON allows) of at most `max` chars. */
export function text(max: number, min = 1) {
  return z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .pipe(z.string().min(min).max(max));
}

/** Parse biz_content with a schema; on failure a 40002 isv.invalid-parameter naming the field. */
export function parseBiz<S extends z.ZodType>(
  schema: S,
  biz: Readonly<Record<string, unknown>>,
): { ok: true; value: z.output<S> } | { ok: false; content: Content } {
  const parsed = schema.safeParse(biz);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'biz_content';
  const missing = issue !== undefined && issue.path.length > 0 && biz[String(issue.path[0])] === undefined;
  let reason = '格式错误';
  if (issue?.code === 'too_big') reason = `长度超过 ${String(issue.maximum)}`;
  if (issue?.code === 'too_small') reason = '不能为空';
  return { ok: false, content: invalidParameter(missing ? `缺少必选参数 ${field}` : `参数无效 ${field}: ${reason}`) };
}

/** Parse a yuan amount field into fen with Alipay's answers for bad values. */
export function parseAmount(field: string, value: string): { ok: true; fen: number } | { ok: false; content: Content } {
  try {
    return { ok: true, fen: parseYuan(value) };
  } catch (e) {
    if (e instanceof AmountError && e.code === 'AMOUNT_TOO_LARGE') {
      return { ok: false, content: businessError('ACQ.TOTAL_FEE_EXCEED', '订单金额超过限额') };
    }
    return { ok: false, content: invalidParameter(`参数无效 ${field}: 金额格式错误，取值范围 [0.01,100000000]`) };
  }
}

/** Common trade locator of query/close/cancel/refund: out_trade_no | trade_no. */
export const tradeRef = {
  out_trade_no: text(64).optional(),
  trade_no: text(64).optional(),
};

/** Find the trade a request names; answers ACQ.TRADE_NOT_EXIST when the merchant cannot see it. */
export function findTrade(
  ctx: ApiContext,
  ref: { out_trade_no?: string | undefined; trade_no?: string | undefined },
): { ok: true; trade: TradeRecord } | { ok: false; content: Content } {
  if (!ref.out_trade_no && !ref.trade_no) {
    return { ok: false, content: invalidParameter('缺少必选参数 out_trade_no 或 trade_no') };
  }
  const trade = ctx.deps.engine.lookup(ctx.app.appId, ref.out_trade_no, ref.trade_no);
  if (trade) ctx.deps.engine.touch(trade);
  // Before the buyer scans (or after an unscanned QR expired) the trade does not exist at Alipay (query/close
  // answer ACQ.TRADE_NOT_EXIST).
  if (!ctx.deps.engine.exists(trade)) {
    return { ok: false, content: businessError('ACQ.TRADE_NOT_EXIST', '交易不存在') };
  }
  return { ok: true, trade };
}
