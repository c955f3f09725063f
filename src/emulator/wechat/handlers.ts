/**
 * The WeChat Pay v3 APIs of a merchant (official docs: Native下单, 付款码支付, 查询订单, 关闭订单, 撤销订单,
 * 申请退款, 查询单笔退款, 获取平台证书列表). Bodies are checked with strict zod schemas: a missing or
 * malformed field → 400 PARAM_ERROR naming `/body/<field>`, an undocumented field → 400 PARAM_ERROR
 * 请求中含有未在API文档中定义的参数 (as real answers do). Each handler returns `{status, body}`; the caller
 * signs and sends it.
 * Not modelled: goods_tag / detail / settle_info semantics (accepted, ignored), profit sharing, merchant balance
 * (refund NOT_ENOUGH), the exact wording of every real error message (codes and HTTP statuses follow the docs).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { encryptResource, parseRfc3339, rfc3339 } from './crypto';
import { MAX_REFUNDS_PER_TRADE, type WxEngine } from './engine';
import type { WechatKeys } from './keys';
import { codeOutcome, resolveWxBuyer } from './test-codes';
import type { WxTrade } from './types';
import { refundJson, transactionJson } from './views';

/** An answer before signing; `body` undefined = 204-style empty body. */
export interface WxAnswer {
  status: number;
  body?: Record<string, unknown>;
}

/** What handlers need. */
export interface WxHandlerDeps {
  engine: WxEngine;
  keys: () => WechatKeys;
  now: () => number;
  certificatePem: () => Promise<string>;
}

/** A v3 error answer `{code, message[, detail]}`. */
export function wxError(status: number, code: string, message: string, detail?: Record<string, unknown>): WxAnswer {
  return { status, body: detail ? { code, message, detail } : { code, message } };
}

const str = (max: number): z.ZodString => z.string().min(1).max(max);
const amountSchema = z.object({ total: z.number().int().min(1).max(2_147_483_647), currency: z.literal('CNY').optional() }).strict();
const loose = z.object({}).passthrough();
const notifyUrl = str(255).refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash;
  } catch {
    return false;
  }
}, '须为http(s)地址且不能携带参数');
/** 只能是数字、大小写字母_-* (Native下单 out_trade_no; the older page adds 最小字符长度为6). */
const outTradeNoNative = z.string().regex(/^[0-9A-Za-z_\-*]{6,32}$/);
const outTradeNoCode = z.string().regex(/^[0-9A-Za-z_\-*]{1,32}$/);

const nativeSchema = z
  .object({
    appid: str(32),
    mchid: str(32),
    description: str(127),
    out_trade_no: outTradeNoNative,
    time_expire: str(64).optional(),
    attach: str(128).optional(),
    notify_url: notifyUrl,
    goods_tag: str(32).optional(),
    support_fapiao: z.boolean().optional(),
    amount: amountSchema,
    detail: loose.optional(),
    scene_info: loose.optional(),
    settle_info: z.object({ profit_sharing: z.boolean().optional() }).strict().optional(),
  })
  .strict();

const codepaySchema = z
  .object({
    appid: str(32),
    mchid: str(32),
    description: str(127),
    out_trade_no: outTradeNoCode,
    attach: str(128).optional(),
    goods_tag: str(32).optional(),
    support_fapiao: z.boolean().optional(),
    payer: z.object({ auth_code: str(128) }).strict(),
    amount: amountSchema,
    scene_info: z.object({ device_ip: str(64), device_id: str(32).optional(), store_info: loose.optional() }).strict(),
    detail: loose.optional(),
    settle_info: z.object({ profit_sharing: z.boolean().optional() }).strict().optional(),
  })
  .strict();

const closeSchema = z.object({ mchid: str(32) }).strict();
const reverseSchema = z.object({ appid: str(32), mchid: str(32) }).strict();

const refundSchema = z
  .object({
    transaction_id: str(32).optional(),
    out_trade_no: str(32).optional(),
    out_refund_no: z.string().regex(/^[0-9A-Za-z_\-|*@]{1,64}$/),
    reason: str(80).optional(),
    notify_url: notifyUrl.optional(),
    funds_account: z.enum(['AVAILABLE', 'UNSETTLED']).optional(),
    amount: z
      .object({
        refund: z.number().int().min(1).max(2_147_483_647),
        from: z.array(loose).optional(),
        total: z.number().int().min(1).max(2_147_483_647),
        currency: z.literal('CNY'),
      })
      .strict(),
    goods_detail: z.array(loose).optional(),
  })
  .strict();

function parseBody<S extends z.ZodType>(schema: S, body: unknown): { ok: true; value: z.output<S> } | { ok: false; answer: WxAnswer } {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `/${issue.path.join('/')}` : '';
    return {
      ok: false,
      answer: wxError(400, 'PARAM_ERROR', '请求中含有未在API文档中定义的参数', { location: 'body', value: issue.keys.map((k) => `/body${prefix}/${k}`) }),
    };
  }
  const where = `/body/${(issue?.path ?? []).join('/')}`;
  return {
    ok: false,
    answer: wxError(400, 'PARAM_ERROR', `输入源“${where}”映射到字段“${(issue?.path ?? []).join('.')}”校验失败：${issue?.message ?? ''}`, {
      location: 'body',
      value: where,
    }),
  };
}

function fingerprint(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex');
}

function merchantCheck(deps: WxHandlerDeps, authMchid: string, mchid: string, appid?: string): WxAnswer | undefined {
  if (mchid !== authMchid) return wxError(400, 'INVALID_REQUEST', '请求参数mchid与签名认证的商户号不一致');
  if (appid !== undefined && appid !== deps.keys().appid) return wxError(400, 'INVALID_REQUEST', 'appid和mch_id不匹配，请检查后再试');
  return undefined;
}

function existingRefusal(t: WxTrade): WxAnswer {
  if (t.state === 'SUCCESS' || t.state === 'REFUND') return wxError(400, 'ORDERPAID', '该订单已支付');
  if (t.state === 'CLOSED' || t.state === 'REVOKED') return wxError(400, 'ORDER_CLOSED', '订单已关闭');
  return wxError(400, 'INVALID_REQUEST', '商户订单号重复，请核实后再试');
}

/** POST /v3/pay/transactions/native */
export function nativeOrder(deps: WxHandlerDeps, authMchid: string, body: unknown): WxAnswer {
  const p = parseBody(nativeSchema, body);
  if (!p.ok) return p.answer;
  const v = p.value;
  const bad = merchantCheck(deps, authMchid, v.mchid, v.appid);
  if (bad) return bad;
  const now = deps.now();
  let expiresAt: number | undefined;
  if (v.time_expire !== undefined) {
    const at = parseRfc3339(v.time_expire);
    if (at === undefined)
      return wxError(400, 'PARAM_ERROR', '输入源“/body/time_expire”映射到字段“time_expire”校验失败：须为rfc3339格式', {
        location: 'body',
        value: '/body/time_expire',
      });
    // 不能早于下单时间后1分钟 (adjusted to +1 min); beyond 90 days adjusted to the 90th day.
    expiresAt = Math.min(Math.max(at, now + 60_000), now + 90 * 86_400_000);
  }
  const fp = fingerprint({ ...v, notify_url: undefined });
  const existing = deps.engine.find(v.mchid, v.out_trade_no);
  if (existing) {
    if (existing.kind === 'native' && existing.state === 'NOTPAY' && existing.fingerprint === fp) return { status: 200, body: { code_url: codeUrl(existing) } };
    return existingRefusal(existing);
  }
  const trade = deps.engine.create({
    mchid: v.mchid,
    appid: v.appid,
    outTradeNo: v.out_trade_no,
    kind: 'native',
    totalFen: v.amount.total,
    description: v.description,
    notifyUrl: v.notify_url,
    fingerprint: fp,
    ...(v.attach !== undefined ? { attach: v.attach } : {}),
    ...(v.goods_tag !== undefined ? { goodsTag: v.goods_tag } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  });
  return { status: 200, body: { code_url: codeUrl(trade) } };
}

/** `weixin://wxpay/bizpayurl?pr=…` */
export function codeUrl(t: WxTrade): string {
  return `weixin://wxpay/bizpayurl?pr=${t.token}`;
}

function codepayAnswer(t: WxTrade): WxAnswer {
  switch (t.state) {
    case 'SUCCESS':
      return { status: 200, body: transactionJson(t) };
    case 'USERPAYING':
      // 付款码支付 错误码: 202 USERPAYING 用户支付中，需要输入密码 — query (every ~10 s, up to ~45 s), then reverse.
      return wxError(202, 'USERPAYING', '用户支付中，需要输入密码');
    case 'PAYERROR':
      return t.stateDesc?.includes('余额不足') ? wxError(403, 'NOT_ENOUGH', '用户余额不足') : wxError(403, 'TRADE_ERROR', t.stateDesc ?? '交易错误');
    default:
      return existingRefusal(t);
  }
}

/** POST /v3/pay/transactions/codepay */
export function codepay(deps: WxHandlerDeps, authMchid: string, body: unknown): WxAnswer {
  const p = parseBody(codepaySchema, body);
  if (!p.ok) return p.answer;
  const v = p.value;
  const bad = merchantCheck(deps, authMchid, v.mchid, v.appid);
  if (bad) return bad;
  const fp = fingerprint(v);
  const existing = deps.engine.find(v.mchid, v.out_trade_no);
  if (existing) {
    // A retry of the same request (after a timeout or SYSTEM_ERROR) answers the order's current state.
    if (existing.kind === 'codepay' && existing.fingerprint === fp) return codepayAnswer(existing);
    return existing.state === 'CLOSED' || existing.state === 'REVOKED'
      ? existingRefusal(existing)
      : wxError(400, 'INVALID_REQUEST', '商户订单号重复，请核实后再试');
  }
  const outcome = codeOutcome(v.payer.auth_code);
  if (outcome.kind === 'invalid') {
    return /^1[0-5][0-9]{16}$/.test(v.payer.auth_code)
      ? wxError(400, 'INVALID_REQUEST', '付款码无效，请用户刷新付款码后重新扫码')
      : wxError(400, 'PARAM_ERROR', '输入源“/body/payer/auth_code”映射到字段“auth_code”校验失败：付款码为18位数字，以10~15开头', {
          location: 'body',
          value: '/body/payer/auth_code',
        });
  }
  const trade = deps.engine.create({
    mchid: v.mchid,
    appid: v.appid,
    outTradeNo: v.out_trade_no,
    kind: 'codepay',
    totalFen: v.amount.total,
    description: v.description,
    authCode: v.payer.auth_code,
    fingerprint: fp,
    ...(v.attach !== undefined ? { attach: v.attach } : {}),
    ...(v.goods_tag !== undefined ? { goodsTag: v.goods_tag } : {}),
  });
  const buyer = resolveWxBuyer(undefined);
  if (outcome.kind === 'paid') deps.engine.pay(trade, buyer);
  else if (outcome.kind === 'userpaying') deps.engine.startUserPaying(trade, buyer, outcome.confirm);
  else if (outcome.kind === 'not-enough') deps.engine.failPayment(trade, '用户余额不足，请用户更换支付方式');
  else deps.engine.failPayment(trade, '交易失败，请重新发起支付');
  return codepayAnswer(trade);
}

function mchidQuery(query: URLSearchParams, authMchid: string): WxAnswer | undefined {
  const mchid = query.get('mchid');
  if (!mchid)
    return wxError(400, 'PARAM_ERROR', '输入源“/query/mchid”映射到字段“mchid”必填性规则校验失败，此字段为必填项', { location: 'query', value: '/query/mchid' });
  return mchid === authMchid ? undefined : wxError(400, 'INVALID_REQUEST', '请求参数mchid与签名认证的商户号不一致');
}

const NOT_EXIST = (): WxAnswer => wxError(404, 'ORDER_NOT_EXIST', '订单不存在');

/** GET …/out-trade-no/{no}?mchid= and …/id/{transaction_id}?mchid= */
export function queryOrder(deps: WxHandlerDeps, authMchid: string, by: 'out-trade-no' | 'id', key: string, query: URLSearchParams): WxAnswer {
  const bad = mchidQuery(query, authMchid);
  if (bad) return bad;
  const t = by === 'id' ? deps.engine.byTransactionId(authMchid, key) : deps.engine.find(authMchid, key);
  return t ? { status: 200, body: transactionJson(t) } : NOT_EXIST();
}

/** POST …/out-trade-no/{no}/close → 204 */
export function closeOrder(deps: WxHandlerDeps, authMchid: string, outTradeNo: string, body: unknown): WxAnswer {
  const p = parseBody(closeSchema, body);
  if (!p.ok) return p.answer;
  const bad = merchantCheck(deps, authMchid, p.value.mchid);
  if (bad) return bad;
  const t = deps.engine.find(authMchid, outTradeNo);
  if (!t) return NOT_EXIST();
  const r = deps.engine.close(t);
  if (r.ok) return { status: 204 };
  return existingRefusal(t);
}

/** POST …/out-trade-no/{no}/reverse → 200 {appid, mchid, out_trade_no} */
export function reverseOrder(deps: WxHandlerDeps, authMchid: string, outTradeNo: string, body: unknown): WxAnswer {
  const p = parseBody(reverseSchema, body);
  if (!p.ok) return p.answer;
  const bad = merchantCheck(deps, authMchid, p.value.mchid, p.value.appid);
  if (bad) return bad;
  const t = deps.engine.find(authMchid, outTradeNo);
  if (!t) return NOT_EXIST();
  if (t.kind !== 'codepay') return wxError(400, 'INVALID_REQUEST', '该订单不是付款码支付订单，不能撤销，请调用关闭订单');
  if (t.state === 'REFUND') return wxError(400, 'INVALID_REQUEST', '订单已发生退款，不能撤销');
  const r = deps.engine.reverse(t);
  if (!r.ok) return existingRefusal(t);
  return { status: 200, body: { appid: t.appid, mchid: t.mchid, out_trade_no: t.outTradeNo } };
}

/** POST /v3/refund/domestic/refunds */
export function createRefund(deps: WxHandlerDeps, authMchid: string, body: unknown): WxAnswer {
  const p = parseBody(refundSchema, body);
  if (!p.ok) return p.answer;
  const v = p.value;
  if (!v.transaction_id && !v.out_trade_no) {
    return wxError(400, 'PARAM_ERROR', 'transaction_id和out_trade_no必须二选一进行传参', { location: 'body', value: '/body/out_trade_no' });
  }
  const t = v.transaction_id ? deps.engine.byTransactionId(authMchid, v.transaction_id) : deps.engine.find(authMchid, v.out_trade_no as string);
  if (!t || (v.transaction_id && v.out_trade_no && t.outTradeNo !== v.out_trade_no)) return wxError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  const same = deps.engine.findRefund(authMchid, v.out_refund_no);
  if (same) {
    // 同一退款单号多次请求只退一笔: the same request answers the refund as it is now.
    if (same.trade === t && same.refund.refundFen === v.amount.refund) return { status: 200, body: refundJson(t, same.refund) };
    return wxError(400, 'INVALID_REQUEST', '退款单号已存在，且与原退款请求参数不一致');
  }
  if (t.state === 'REVOKED') return wxError(400, 'INVALID_REQUEST', '订单已撤销，不能退款');
  if (t.state !== 'SUCCESS' && t.state !== 'REFUND') return wxError(400, 'INVALID_REQUEST', '订单未支付，不能发起退款');
  if (v.amount.total !== t.totalFen) return wxError(400, 'INVALID_REQUEST', '订单金额total与原订单金额不一致');
  if (v.amount.refund > deps.engine.refundable(t)) return wxError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
  if (t.refunds.length >= MAX_REFUNDS_PER_TRADE) return wxError(400, 'INVALID_REQUEST', '订单部分退款次数超过50次');
  const refund = deps.engine.refund(t, {
    outRefundNo: v.out_refund_no,
    refundFen: v.amount.refund,
    ...(v.reason !== undefined ? { reason: v.reason } : {}),
    ...(v.notify_url !== undefined ? { notifyUrl: v.notify_url } : {}),
    ...(v.funds_account !== undefined ? { fundsAccount: v.funds_account } : {}),
  });
  return { status: 200, body: refundJson(t, refund) };
}

/** GET /v3/refund/domestic/refunds/{out_refund_no} */
export function queryRefund(deps: WxHandlerDeps, authMchid: string, outRefundNo: string): WxAnswer {
  const found = deps.engine.findRefund(authMchid, outRefundNo);
  return found ? { status: 200, body: refundJson(found.trade, found.refund) } : wxError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
}

/** GET /v3/certificates: the platform certificate, encrypted with the APIv3 key (获取平台证书列表). */
export async function certificates(deps: WxHandlerDeps): Promise<WxAnswer> {
  const k = deps.keys();
  const pem = await deps.certificatePem();
  const enc = encryptResource(pem, k.apiV3Key, 'certificate');
  return {
    status: 200,
    body: {
      data: [
        {
          serial_no: k.platform.serialNo,
          effective_time: rfc3339(k.platform.effectiveTime),
          expire_time: rfc3339(k.platform.expireTime),
          encrypt_certificate: { algorithm: enc.algorithm, nonce: enc.nonce, associated_data: enc.associated_data, ciphertext: enc.ciphertext },
        },
      ],
    },
  };
}
