/**
 * Trade management APIs (docs/emulator.md, "Alipay sources"): alipay.trade.query, alipay.trade.close,
 * alipay.trade.cancel, alipay.trade.refund and alipay.trade.fastpay.refund.query.
 */
import { z } from 'zod';
import { formatFen } from '../../shared/money';
import { formatAlipayTime } from '../clock';
import { paymentFields } from './create';
import { businessError, findTrade, invalidParameter, ok, parseAmount, parseBiz, text, tradeRef, type ApiContext, type Content } from './common';

const refSchema = z.looseObject({ ...tradeRef, operator_id: text(28).optional() });

/** alipay.trade.query: trade_status and amounts; ACQ.TRADE_NOT_EXIST before the QR is scanned. */
export function query(ctx: ApiContext): Content {
  const biz = parseBiz(refSchema, ctx.biz);
  if (!biz.ok) return biz.content;
  const found = findTrade(ctx, biz.value);
  if (!found.ok) return found.content;
  const t = found.trade;
  return ok({
    ...paymentFields(t),
    trade_status: t.status,
    send_pay_date: t.paidAt !== undefined ? formatAlipayTime(t.paidAt) : undefined,
    store_id: t.storeId,
    terminal_id: t.terminalId,
  });
}

/** alipay.trade.close: only WAIT_BUYER_PAY; else ACQ.TRADE_STATUS_ERROR. */
export function close(ctx: ApiContext): Content {
  const biz = parseBiz(refSchema, ctx.biz);
  if (!biz.ok) return biz.content;
  const found = findTrade(ctx, biz.value);
  if (!found.ok) return found.content;
  const t = found.trade;
  if (t.status !== 'WAIT_BUYER_PAY') return businessError('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  ctx.deps.engine.close(t);
  return ok({ out_trade_no: t.outTradeNo, trade_no: t.tradeNo });
}

/**
 * alipay.trade.cancel (撤销): an unpaid trade is closed (action close), a paid one fully refunded (action
 * refund); retry_flag N. Alipay's reference for this API (统一收单交易撤销接口, response field `action`)
 * says `action` is returned only "when the call succeeds and the trade exists", and "not returned: the
 * trade was not found" — so a cancel by out_trade_no of a trade Alipay does not know (a precreated QR
 * nobody scanned yet, or a number never used) answers 10000 without action and without trade_no.
 * Integrators widely report that such a cancel still voids the number: a later scan of that QR fails
 * ("交易已关闭"). The emulator models that: the unscanned QR is voided (TRADE_CLOSED, still invisible to
 * query/close, no notification) and can no longer be paid. A cancel by an unknown trade_no alone
 * answers ACQ.TRADE_NOT_EXIST.
 */
export function cancel(ctx: ApiContext): Content {
  const biz = parseBiz(refSchema, ctx.biz);
  if (!biz.ok) return biz.content;
  const b = biz.value;
  if (!b.out_trade_no && !b.trade_no) return invalidParameter('缺少必选参数 out_trade_no 或 trade_no');
  const { engine } = ctx.deps;
  const trade = engine.lookup(ctx.app.appId, b.out_trade_no, b.trade_no);
  if (trade) engine.touch(trade);
  if (trade === undefined || !trade.scanned || trade.expired) {
    // Not visible to the merchant (engine.exists): no trade yet, or an unscanned QR that expired.
    if (!b.out_trade_no) return businessError('ACQ.TRADE_NOT_EXIST', '交易不存在');
    if (trade && !trade.expired) engine.voidUnscanned(trade);
    return ok({ out_trade_no: b.out_trade_no, retry_flag: 'N' });
  }
  const base = { out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo, retry_flag: 'N' };
  if (trade.status === 'WAIT_BUYER_PAY') {
    trade.cancelled = 'close';
    engine.close(trade);
    return ok({ ...base, action: 'close' });
  }
  if (trade.status === 'TRADE_SUCCESS') {
    const remaining = trade.totalFen - trade.refundFen;
    trade.cancelled = 'refund';
    const refund = engine.refund(trade, `CANCEL${trade.tradeNo}`, remaining, '撤销');
    return ok({ ...base, action: 'refund', gmt_refund_pay: formatAlipayTime(refund.at), refund_settlement_id: refund.outRequestNo });
  }
  if (trade.status === 'TRADE_CLOSED' && (trade.cancelled || trade.refundFen === 0)) {
    // Repeating a cancel (or cancelling an already closed unpaid trade) is harmless.
    return ok({ ...base, action: trade.cancelled ?? 'close' });
  }
  return businessError('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
}

const refundSchema = z.looseObject({
  ...tradeRef,
  refund_amount: text(16),
  out_request_no: text(64).optional(),
  refund_reason: text(256).optional(),
  operator_id: text(28).optional(),
  store_id: text(32).optional(),
  terminal_id: text(32).optional(),
});

/**
 * alipay.trade.refund: partial and multiple refunds up to the total; a repeat with the same
 * out_request_no and amount is idempotent (`fund_change=N`), with another amount it is
 * ACQ.DISCORDANT_REPEAT_REQUEST; `refund_fee` is cumulative (统一收单交易退款接口).
 */
export function refund(ctx: ApiContext): Content {
  const biz = parseBiz(refundSchema, ctx.biz);
  if (!biz.ok) return biz.content;
  const b = biz.value;
  const amount = parseAmount('refund_amount', b.refund_amount);
  if (!amount.ok) return amount.content;
  const found = findTrade(ctx, b);
  if (!found.ok) return found.content;
  const t = found.trade;
  // Without out_request_no Alipay uses out_trade_no (one refund per trade).
  const outRequestNo = b.out_request_no ?? t.outTradeNo;
  const base = {
    buyer_logon_id: t.buyer?.logonId,
    buyer_user_id: t.buyer?.id,
    out_trade_no: t.outTradeNo,
    trade_no: t.tradeNo,
  };
  const previous = t.refunds.find((r) => r.outRequestNo === outRequestNo);
  if (previous) {
    if (previous.refundFen !== amount.fen) {
      return businessError('ACQ.DISCORDANT_REPEAT_REQUEST', '请求信息不一致');
    }
    return ok({
      ...base,
      fund_change: 'N',
      gmt_refund_pay: formatAlipayTime(previous.at),
      refund_fee: formatFen(t.refundFen),
      send_back_fee: '0.00',
    });
  }
  if (t.status === 'TRADE_FINISHED') return businessError('ACQ.TRADE_HAS_FINISHED', '交易已完结');
  if (t.status !== 'TRADE_SUCCESS') return businessError('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  if (amount.fen > t.totalFen - t.refundFen) {
    return businessError('ACQ.REASON_TRADE_REFUND_FEE_ERR', '退款金额无效');
  }
  const r = ctx.deps.engine.refund(t, outRequestNo, amount.fen, b.refund_reason);
  return ok({
    ...base,
    fund_change: 'Y',
    gmt_refund_pay: formatAlipayTime(r.at),
    refund_fee: formatFen(t.refundFen),
    send_back_fee: formatFen(r.refundFen),
  });
}

const refundQuerySchema = z.looseObject({ ...tradeRef, out_request_no: text(64) });

/** alipay.trade.fastpay.refund.query: refund_status=REFUND_SUCCESS, or no refund_status when unknown. */
export function refundQuery(ctx: ApiContext): Content {
  const biz = parseBiz(refundQuerySchema, ctx.biz);
  if (!biz.ok) return biz.content;
  const found = findTrade(ctx, biz.value);
  if (!found.ok) return found.content;
  const t = found.trade;
  const r = t.refunds.find((x) => x.outRequestNo === biz.value.out_request_no);
  if (!r) return ok({ out_trade_no: t.outTradeNo, trade_no: t.tradeNo });
  return ok({
    gmt_refund_pay: formatAlipayTime(r.at),
    out_request_no: r.outRequestNo,
    out_trade_no: t.outTradeNo,
    refund_amount: formatFen(r.refundFen),
    refund_reason: r.reason,
    refund_status: 'REFUND_SUCCESS',
    total_amount: formatFen(t.totalFen),
    trade_no: t.tradeNo,
  });
}
