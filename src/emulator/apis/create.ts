/**
 * Trade creation: alipay.trade.precreate (counter QR) and alipay.trade.pay (付款码, scene bar_code),
 * after Alipay's 统一收单线下交易预创建 and 统一收单交易支付接口.
 */
import { z } from 'zod';
import { formatFen } from '../../shared/money';
import { formatAlipayTime } from '../clock';
import { authCodeOutcome, resolveBuyer } from '../test-codes';
import { parseTimeoutExpress } from '../trades';
import type { TradeKind, TradeRecord } from '../types';
import { businessError, invalidParameter, ok, parseAmount, parseBiz, text, type ApiContext, type Content } from './common';

const commonFields = {
  out_trade_no: text(64),
  total_amount: text(16),
  subject: text(256),
  body: text(128).optional(),
  timeout_express: z.string().optional(),
  product_code: text(64).optional(),
  store_id: text(32).optional(),
  operator_id: text(28).optional(),
  terminal_id: text(32).optional(),
};

const precreateSchema = z.looseObject(commonFields);
const paySchema = z.looseObject({ ...commonFields, scene: text(32), auth_code: text(32) });

/** Default time to pay when the merchant gives no timeout_express. */
export const DEFAULT_TIMEOUT: Record<TradeKind, string> = { precreate: '2h', pay: '2h', page: '15d' };

/** Checks shared by the creating APIs; returns the parsed amount and timeout. */
export function checkCreate(
  ctx: ApiContext,
  input: { total_amount: string; timeout_express?: string | undefined },
  kind: TradeKind,
): { ok: true; fen: number; timeoutMs: number; timeoutExpress: string } | { ok: false; content: Content } {
  const amount = parseAmount('total_amount', input.total_amount);
  if (!amount.ok) return amount;
  const timeoutExpress = input.timeout_express || DEFAULT_TIMEOUT[kind];
  const timeoutMs = parseTimeoutExpress(timeoutExpress, ctx.deps.clock.now());
  if (timeoutMs === null) {
    return { ok: false, content: invalidParameter('参数无效 timeout_express: 取值范围 1m～15d') };
  }
  return { ok: true, fen: amount.fen, timeoutMs, timeoutExpress };
}

/** What an existing trade with the same out_trade_no means for a new create request. */
export function existingTradeAnswer(trade: TradeRecord | undefined, fen: number): Content | 'reuse' | 'create' {
  if (!trade || trade.expired) return 'create';
  if (trade.status === 'TRADE_SUCCESS' || trade.status === 'TRADE_FINISHED') {
    return businessError('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
  }
  if (trade.status === 'TRADE_CLOSED') return businessError('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
  if (trade.totalFen !== fen) return businessError('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
  return 'reuse';
}

/** alipay.trade.precreate → out_trade_no, qr_code (the emulator's /qr/<token> page). */
export function precreate(ctx: ApiContext): Content {
  const biz = parseBiz(precreateSchema, ctx.biz);
  if (!biz.ok) return biz.content;
  const b = biz.value;
  const checked = checkCreate(ctx, b, 'precreate');
  if (!checked.ok) return checked.content;
  const { engine } = ctx.deps;
  const previous = engine.get(ctx.app.appId, b.out_trade_no);
  if (previous) engine.touch(previous);
  const answer = existingTradeAnswer(previous, checked.fen);
  if (typeof answer === 'object') return answer;
  let trade = previous;
  if (answer === 'create' || !trade || trade.kind !== 'precreate') {
    trade = engine.create({
      appId: ctx.app.appId,
      outTradeNo: b.out_trade_no,
      kind: 'precreate',
      scanned: false,
      totalFen: checked.fen,
      subject: b.subject,
      ...optionalFields(b),
      timeoutExpress: checked.timeoutExpress,
      timeoutMs: checked.timeoutMs,
      signType: ctx.signType,
      ...(ctx.params.notify_url ? { notifyUrl: ctx.params.notify_url } : {}),
    });
  }
  return ok({ out_trade_no: trade.outTradeNo, qr_code: `${ctx.deps.baseUrl()}/qr/${trade.token}` });
}

/** Optional descriptive fields copied onto a new trade. */
export function optionalFields(b: {
  body?: string | undefined;
  product_code?: string | undefined;
  store_id?: string | undefined;
  operator_id?: string | undefined;
  terminal_id?: string | undefined;
}): Partial<TradeRecord> {
  const out: Partial<TradeRecord> = {};
  if (b.body) out.body = b.body;
  if (b.product_code) out.productCode = b.product_code;
  if (b.store_id) out.storeId = b.store_id;
  if (b.operator_id) out.operatorId = b.operator_id;
  if (b.terminal_id) out.terminalId = b.terminal_id;
  return out;
}

/** The paid-trade fields of pay / query answers. */
export function paymentFields(trade: TradeRecord): Content {
  const paid = trade.paidAt !== undefined;
  const amount = paid ? formatFen(trade.totalFen) : '0.00';
  return {
    buyer_logon_id: trade.buyer?.logonId,
    buyer_user_id: trade.buyer?.id,
    buyer_pay_amount: amount,
    invoice_amount: amount,
    point_amount: '0.00',
    receipt_amount: amount,
    total_amount: formatFen(trade.totalFen),
    out_trade_no: trade.outTradeNo,
    trade_no: trade.tradeNo,
    fund_bill_list: paid ? [{ amount, fund_channel: 'ALIPAYACCOUNT' }] : undefined,
  };
}

/** 10003: the buyer is confirming on the phone (alipay.trade.pay only; 公共错误码 and 统一收单交易支付接口). */
function inProcess(trade: TradeRecord): Content {
  return { code: '10003', msg: ' order success pay inprocess', ...paymentFields(trade) };
}

/** alipay.trade.pay (scene bar_code) with the test 付款码 outcomes of docs/emulator.md. */
export function pay(ctx: ApiContext): Content {
  const biz = parseBiz(paySchema, ctx.biz);
  if (!biz.ok) return biz.content;
  const b = biz.value;
  if (b.scene !== 'bar_code') return invalidParameter('参数无效 scene: 仅支持 bar_code');
  const checked = checkCreate(ctx, b, 'pay');
  if (!checked.ok) return checked.content;
  const { engine } = ctx.deps;
  const previous = engine.get(ctx.app.appId, b.out_trade_no);
  if (previous) engine.touch(previous);
  const answer = existingTradeAnswer(previous, checked.fen);
  if (typeof answer === 'object') return answer;
  if (answer === 'reuse' && previous && previous.kind === 'pay') return inProcess(previous);
  const outcome = authCodeOutcome(b.auth_code);
  if (outcome.kind === 'error') return businessError(outcome.subCode, outcome.subMsg);
  const buyer = resolveBuyer(undefined);
  const trade = engine.create({
    appId: ctx.app.appId,
    outTradeNo: b.out_trade_no,
    kind: 'pay',
    scanned: true,
    buyer,
    authCode: b.auth_code,
    totalFen: checked.fen,
    subject: b.subject,
    ...optionalFields(b),
    timeoutExpress: checked.timeoutExpress,
    timeoutMs: checked.timeoutMs,
    signType: ctx.signType,
    ...(ctx.params.notify_url ? { notifyUrl: ctx.params.notify_url } : {}),
    ...(outcome.kind === 'confirming' ? { confirm: outcome.confirm } : {}),
  });
  if (outcome.kind === 'confirming') return inProcess(trade);
  engine.pay(trade, buyer);
  return ok({ ...paymentFields(trade), gmt_payment: formatAlipayTime(trade.paidAt as number) });
}
