/**
 * alipay.trade.page.pay (pay link): the merchant's browser opens the gateway URL built by
 * `sdk.pageExecute(method, 'GET', …)` (or posts the form) and gets the cashier page. Opening the page
 * counts as the scan. Paying redirects to return_url with signed return parameters (see customer.ts).
 */
import { z } from 'zod';
import { cashierPage, errorPage, statePage } from '../pages';
import { checkCreate, existingTradeAnswer, optionalFields } from './create';
import { parseBiz, text, type ApiContext } from './common';

/** The method name. */
export const PAGE_PAY_METHOD = 'alipay.trade.page.pay';

const schema = z.looseObject({
  out_trade_no: text(64),
  total_amount: text(16),
  subject: text(256),
  product_code: text(64),
  body: text(128).optional(),
  timeout_express: z.string().optional(),
  passback_params: text(512).optional(),
  store_id: text(32).optional(),
  operator_id: text(28).optional(),
  terminal_id: text(32).optional(),
});

function errorOf(content: Record<string, unknown>): { html: string } {
  return { html: errorPage(String(content.sub_code ?? content.code), String(content.sub_msg ?? content.msg)) };
}

/** Serve the cashier page of a verified page.pay request. */
export function pagePay(ctx: ApiContext): { html: string } {
  const biz = parseBiz(schema, ctx.biz);
  if (!biz.ok) return errorOf(biz.content);
  const b = biz.value;
  if (b.product_code !== 'FAST_INSTANT_TRADE_PAY') {
    return { html: errorPage('isv.invalid-parameter', '参数无效 product_code: 应为 FAST_INSTANT_TRADE_PAY') };
  }
  const checked = checkCreate(ctx, b, 'page');
  if (!checked.ok) return errorOf(checked.content);
  const { engine } = ctx.deps;
  const previous = engine.get(ctx.app.appId, b.out_trade_no);
  if (previous) engine.touch(previous);
  const answer = existingTradeAnswer(previous, checked.fen);
  if (typeof answer === 'object') {
    if (previous?.status === 'TRADE_SUCCESS' || previous?.status === 'TRADE_FINISHED') {
      return { html: statePage('ok', '订单已支付', '该订单已付款，请勿重复支付', previous) };
    }
    return errorOf(answer);
  }
  let trade = previous;
  if (answer === 'create' || !trade) {
    trade = engine.create({
      appId: ctx.app.appId,
      outTradeNo: b.out_trade_no,
      kind: 'page',
      scanned: false,
      totalFen: checked.fen,
      subject: b.subject,
      ...optionalFields(b),
      ...(b.passback_params ? { passbackParams: b.passback_params } : {}),
      timeoutExpress: checked.timeoutExpress,
      timeoutMs: checked.timeoutMs,
      signType: ctx.signType,
      ...(ctx.params.notify_url ? { notifyUrl: ctx.params.notify_url } : {}),
      ...(ctx.params.return_url ? { returnUrl: ctx.params.return_url } : {}),
    });
  }
  engine.scan(trade);
  return { html: cashierPage(trade, `/cashier/${trade.token}`) };
}
