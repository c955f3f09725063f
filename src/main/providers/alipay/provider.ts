import { createPrivateKey, createPublicKey } from 'node:crypto';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { z } from 'zod';
import { formatFen } from '../../../shared/money';
import type { Logger } from '../../kernel';
import type {
  BarcodeOutcome,
  CancelOutcome,
  CreateTradeInput,
  Environment,
  FailureReason,
  NotificationAck,
  NotificationCheck,
  NotificationRequest,
  NotificationVerdict,
  OrderMethod,
  PaymentProvider,
  ProviderResult,
  RefundAccepted,
  RefundFacts,
  RefundInput,
  TradeFacts,
} from '../../domain';
import type { AlipayConfig } from './config';
import { alipayMessage, UNKNOWN_MESSAGES } from './messages';
import { parseAlipayNotification, parseForm } from './notification';
import { createNotifyVerifier } from './notify-verify';
import { ALIPAY_TRADE_STATUSES, fenOrNull, parseAlipayTime, tradeFactsFrom } from './parse';

type Raw = Record<string, unknown>;

/** The fields every gateway.do response carries (Alipay 公共响应参数). */
const baseSchema = z.object({
  code: z.string(),
  msg: z.string().optional(),
  sub_code: z.string().optional(),
  sub_msg: z.string().optional(),
});

const precreateSchema = z.object({ qr_code: z.string().min(1) });
const tradeSchema = z.object({
  trade_status: z.enum(ALIPAY_TRADE_STATUSES),
  trade_no: z.string().optional(),
  total_amount: z.string().optional(),
  buyer_logon_id: z.string().optional(),
  send_pay_date: z.string().optional(),
});
const paySchema = z.object({
  trade_no: z.string().optional(),
  total_amount: z.string().optional(),
  buyer_logon_id: z.string().optional(),
  gmt_payment: z.string().optional(),
});
const cancelSchema = z.object({ retry_flag: z.string().optional(), action: z.string().optional() });
const refundSchema = z.object({ fund_change: z.enum(['Y', 'N']), refund_fee: z.string().optional() });
const refundQuerySchema = z.object({ refund_status: z.string().optional(), refund_amount: z.string().optional() });

/**
 * Key material may come as PEM (PKCS#1 or PKCS#8) or bare base64 (as Alipay's console shows it).
 * We parse it once into a KeyObject: node:crypto accepts KeyObjects wherever the SDK passes its key
 * string, and re-parsing a PEM on every sign/verify is measurable on the notify path.
 */
function privateKeyObject(key: string) {
  if (key.includes('-----BEGIN')) return createPrivateKey(key);
  const der = Buffer.from(key.replace(/\s+/g, ''), 'base64');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

function publicKeyObject(key: string) {
  if (key.includes('-----BEGIN')) return createPublicKey(key);
  return createPublicKey({ key: Buffer.from(key.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
}

/** Timeout in whole minutes for `timeout_express` (Alipay accepts `1m` … `15d`). */
function timeoutExpress(minutes: number): string {
  return `${Math.max(1, Math.min(Math.ceil(minutes), 15 * 24 * 60))}m`;
}

/** Alipay's sub_codes in the neutral failure words (anything else is UNKNOWN, its message says which). */
const FAILURES: Readonly<Record<string, FailureReason>> = {
  'ACQ.TRADE_NOT_EXIST': 'NOT_FOUND',
  'ACQ.TRADE_HAS_SUCCESS': 'PAID_ALREADY',
  'ACQ.TRADE_HAS_CLOSE': 'CLOSED_ALREADY',
  'ACQ.TRADE_HAS_FINISHED': 'CLOSED_ALREADY',
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': 'INSUFFICIENT_FUNDS',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH': 'INSUFFICIENT_FUNDS',
  'ACQ.PAYMENT_AUTH_CODE_INVALID': 'CODE_INVALID',
  'ACQ.REASON_TRADE_REFUND_FEE_ERR': 'REFUND_EXCEEDS',
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR': 'DECLINED',
  'ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT': 'DECLINED',
  'ACQ.TOTAL_FEE_EXCEED': 'DECLINED',
  'ACQ.EXIST_FORBIDDEN_WORD': 'DECLINED',
  'ACQ.TRADE_BUYER_NOT_MATCH': 'DECLINED',
};

/** The answers Alipay expects to a notification: exactly `success` stops its retries. */
const ACKS: Readonly<Record<NotificationVerdict, NotificationAck>> = {
  accepted: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'success' },
  rejected: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'fail' },
  retry: { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'fail' },
};

const LINK_FAILED = '无法生成支付链接 / Could not build the pay link';

/**
 * PaymentProvider for Alipay over gateway.do v2 via the official alipay-sdk (当面付 precreate / pay,
 * 电脑网站支付 page.pay, query, close, cancel, refund, refund query, async notifications).
 * Every response is signature-checked (`validateSign: true`) and mapped to ok | business | unknown;
 * Alipay's trade states and ACQ.* codes become the neutral words of the domain here and nowhere else.
 */
export class AlipayProvider implements PaymentProvider {
  readonly id = 'alipay';
  readonly methods: readonly OrderMethod[] = ['qr', 'code', 'link'];
  readonly environment: Environment;
  readonly accountId: string;
  private readonly sdk: AlipaySdk;
  /** checkNotifySignV2-equivalent with the cached KeyObject, one RSA verification per genuine notice. */
  private readonly verifyNotify: (fields: Record<string, string>) => boolean;

  constructor(
    /** What this adapter was built with (holds key material: never logged). */
    readonly config: AlipayConfig,
    private readonly logger: Logger,
    environment: Environment = 'demo',
  ) {
    this.environment = environment;
    this.accountId = config.appId;
    const priv = privateKeyObject(config.privateKey);
    const pub = publicKeyObject(config.alipayPublicKey);
    this.sdk = new AlipaySdk({
      appId: config.appId,
      // The SDK re-wraps the key text into a PEM; hand it the normalised PKCS#8 PEM it expects…
      privateKey: priv.export({ format: 'pem', type: 'pkcs8' }).toString(),
      keyType: 'PKCS8',
      alipayPublicKey: pub.export({ format: 'pem', type: 'spki' }).toString(),
      gateway: config.gateway,
      signType: config.signType ?? 'RSA2',
      timeout: config.timeoutMs ?? 5000,
      // Keep Alipay's snake_case field names: they are what Alipay's docs use.
      camelcase: false,
    });
    // …then swap in the parsed KeyObjects (see privateKeyObject). The SDK only hands these to
    // node:crypto's sign()/verify(), which accept KeyObjects.
    const sdkConfig = this.sdk.config as unknown as { privateKey: unknown; alipayPublicKey: unknown };
    sdkConfig.privateKey = priv;
    sdkConfig.alipayPublicKey = pub;
    this.verifyNotify = createNotifyVerifier(pub, config.signType ?? 'RSA2');
  }

  async createQr(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>> {
    const r = await this.call(
      'alipay.trade.precreate',
      {
        out_trade_no: input.outTradeNo,
        total_amount: formatFen(input.amountFen),
        subject: input.subject,
        timeout_express: timeoutExpress(input.timeoutMinutes),
        product_code: 'FACE_TO_FACE_PAYMENT',
      },
      input.notifyUrl,
    );
    if (r.kind !== 'ok') return r;
    const p = precreateSchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.precreate');
    return { kind: 'ok', value: { qrCode: p.data.qr_code } };
  }

  async payWithCode(input: CreateTradeInput & { authCode: string }): Promise<ProviderResult<BarcodeOutcome>> {
    const r = await this.call(
      'alipay.trade.pay',
      {
        out_trade_no: input.outTradeNo,
        scene: 'bar_code',
        auth_code: input.authCode,
        subject: input.subject,
        total_amount: formatFen(input.amountFen),
        timeout_express: timeoutExpress(input.timeoutMinutes),
      },
      input.notifyUrl,
      // 10003 = the buyer is confirming on the phone (等待用户付款): not an error.
      ['10003'],
    );
    if (r.kind !== 'ok') return r;
    if (r.value.code === '10003') return { kind: 'ok', value: { state: 'confirming' } };
    const p = paySchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.pay');
    const facts: TradeFacts = {
      state: 'PAID',
      tradeNo: p.data.trade_no ?? null,
      totalFen: fenOrNull(p.data.total_amount),
      buyerLogonId: p.data.buyer_logon_id ?? null,
      paidAt: parseAlipayTime(p.data.gmt_payment),
    };
    return { kind: 'ok', value: { state: 'paid', facts } };
  }

  /** Pay link (alipay.trade.page.pay GET URL): built and signed locally, no request is sent. */
  async createLink(input: CreateTradeInput): Promise<ProviderResult<{ url: string }>> {
    try {
      return { kind: 'ok', value: { url: this.pagePayUrl(input) } };
    } catch (err) {
      this.logger.error('alipay: page pay url failed', { error: err instanceof Error ? err.name : 'unknown' });
      return { kind: 'unknown', reason: 'link', message: LINK_FAILED };
    }
  }

  private pagePayUrl(input: CreateTradeInput): string {
    const params: Record<string, unknown> = {
      bizContent: {
        out_trade_no: input.outTradeNo,
        total_amount: formatFen(input.amountFen),
        subject: input.subject,
        product_code: 'FAST_INSTANT_TRADE_PAY',
        timeout_express: timeoutExpress(input.timeoutMinutes),
      },
    };
    if (input.notifyUrl) params.notifyUrl = input.notifyUrl;
    return this.sdk.pageExecute('alipay.trade.page.pay', 'GET', params);
  }

  async query(outTradeNo: string): Promise<ProviderResult<TradeFacts>> {
    const r = await this.call('alipay.trade.query', { out_trade_no: outTradeNo }, null);
    if (r.kind !== 'ok') return r;
    const p = tradeSchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.query');
    return { kind: 'ok', value: tradeFactsFrom(p.data) };
  }

  async close(outTradeNo: string): Promise<ProviderResult<void>> {
    const r = await this.call('alipay.trade.close', { out_trade_no: outTradeNo }, null);
    return r.kind === 'ok' ? { kind: 'ok', value: undefined } : r;
  }

  /** alipay.trade.cancel; `retry_flag=Y` = call again. Without `action`: Alipay had no trade (unscanned QR). */
  async cancel(outTradeNo: string): Promise<ProviderResult<CancelOutcome>> {
    const r = await this.call('alipay.trade.cancel', { out_trade_no: outTradeNo }, null);
    if (r.kind !== 'ok') return r;
    const p = cancelSchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.cancel');
    return { kind: 'ok', value: { action: p.data.action ?? null, retry: p.data.retry_flag === 'Y' } };
  }

  /**
   * alipay.trade.refund. fund_change=Y → SUCCESS; fund_change=N means "no money moved by THIS request",
   * which on a first try proves nothing either way → PENDING (resolved by refundQuery).
   */
  async refund(input: RefundInput): Promise<ProviderResult<RefundAccepted>> {
    const biz: Raw = {
      out_trade_no: input.outTradeNo,
      refund_amount: formatFen(input.amountFen),
      out_request_no: input.outRequestNo,
    };
    if (input.reason) biz.refund_reason = input.reason;
    const r = await this.call('alipay.trade.refund', biz, null);
    if (r.kind !== 'ok') return r;
    const p = refundSchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.refund');
    return {
      kind: 'ok',
      value: { state: p.data.fund_change === 'Y' ? 'SUCCESS' : 'PENDING', cumulativeFen: fenOrNull(p.data.refund_fee) },
    };
  }

  async refundQuery(outTradeNo: string, outRequestNo: string): Promise<ProviderResult<RefundFacts>> {
    const r = await this.call('alipay.trade.fastpay.refund.query', { out_trade_no: outTradeNo, out_request_no: outRequestNo }, null);
    if (r.kind !== 'ok') return r;
    const p = refundQuerySchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.fastpay.refund.query');
    // No refund_status = the refund was not received or failed (统一收单交易退款查询): send it again with
    // the same number, which Alipay treats as the same refund.
    return {
      kind: 'ok',
      value: { state: p.data.refund_status === 'REFUND_SUCCESS' ? 'SUCCESS' : 'NOT_FOUND', amountFen: fenOrNull(p.data.refund_amount) },
    };
  }

  /**
   * Verify an async notification from its raw form body: the signature (same verdict as the SDK's
   * `checkNotifySignV2`, at half the cost for a genuine notice, notify-verify.ts), the fields, then
   * that it names OUR app and OUR seller. Signed by Alipay is not enough: a notice for another app or
   * seller is refused. A notice refused only for its seller_id says which seller id it named
   * (`detail.sellerIdSent`): most likely the PID in Settings is blank or wrong.
   */
  async verifyNotification(request: NotificationRequest): Promise<NotificationCheck> {
    const fields = parseForm(request.rawBody.toString('utf8'));
    if (!fields) return { ok: false, reason: 'malformed form body', outTradeNo: null };
    const outTradeNo = typeof fields.out_trade_no === 'string' ? fields.out_trade_no.slice(0, 64) : null;
    const parsed = parseAlipayNotification(fields, this.verifyNotify);
    if (!parsed.ok) return { ok: false, reason: parsed.reason, outTradeNo };
    const n = parsed.value;
    if (n.appId !== this.config.appId) return { ok: false, reason: 'app_id mismatch', outTradeNo: n.notification.outTradeNo };
    if (n.sellerId !== this.config.sellerId) {
      return {
        ok: false,
        reason: 'seller_id mismatch',
        detail: { sellerIdSent: n.sellerId ?? '' },
        outTradeNo: n.notification.outTradeNo,
      };
    }
    return { ok: true, notification: n.notification };
  }

  /** `success` (text/plain) stops Alipay's retries; anything else is retried on its schedule. */
  ack(verdict: NotificationVerdict): NotificationAck {
    return ACKS[verdict];
  }

  /** Call gateway.do with signature verification and map the outcome (Alipay 公共错误码). */
  private async call(method: string, bizContent: Raw, notifyUrl: string | null, okCodes: string[] = []): Promise<ProviderResult<Raw & { code: string }>> {
    let raw: unknown;
    const params: Record<string, unknown> = { bizContent };
    if (notifyUrl) params.notifyUrl = notifyUrl;
    try {
      raw = await this.sdk.exec(method, params, { validateSign: true });
    } catch (err) {
      return this.failure(method, err);
    }
    const base = baseSchema.safeParse(raw);
    if (!base.success) return this.malformed(method);
    const { code, sub_code: subCode, sub_msg: subMsg, msg } = base.data;
    const value = raw as Raw & { code: string };
    if (code === '10000' || okCodes.includes(code)) return { kind: 'ok', value };
    // 20000 and ACQ.SYSTEM_ERROR: the request may or may not have been processed.
    if (code === '20000' || subCode === 'ACQ.SYSTEM_ERROR') {
      this.logger.warn('alipay: outcome unknown', { method, code, subCode });
      return { kind: 'unknown', reason: subCode ?? code, message: alipayMessage(code, subCode ?? null, subMsg, msg) };
    }
    this.logger.info('alipay: business error', { method, code, subCode });
    return {
      kind: 'business',
      failure: (subCode && FAILURES[subCode]) || 'UNKNOWN',
      code,
      subCode: subCode ?? null,
      message: alipayMessage(code, subCode ?? null, subMsg, msg),
    };
  }

  /**
   * An exception from the SDK means no trustworthy answer: a timeout, a connection error, HTTP 5xx, an
   * unparseable body, a signature mismatch, or (TypeError) an unsigned error body under validateSign
   * (Alipay returns some errors unsigned). All are `unknown`. The SDK's messages can embed the server's `sign` and the
   * signed text, so only a classification is logged, never err.message.
   */
  private failure(method: string, err: unknown): ProviderResult<never> {
    let reason: keyof typeof UNKNOWN_MESSAGES = 'network';
    let status: number | undefined;
    if (err instanceof AlipayRequestError) {
      const message = err.message;
      status = err.responseHttpStatus;
      const causeName = (err.cause as { name?: string } | undefined)?.name ?? '';
      if (/timeout/i.test(causeName) || /timeout/i.test(message)) reason = 'timeout';
      else if (message.startsWith('HTTP 请求错误')) reason = 'http';
      else if (message.includes('验签')) reason = 'badSign';
      else if (message.startsWith('Response 格式错误')) reason = 'malformed';
    } else if (err instanceof TypeError) {
      reason = 'unsigned';
    }
    this.logger.warn('alipay: no usable answer', { method, reason, status });
    return { kind: 'unknown', reason, message: UNKNOWN_MESSAGES[reason] };
  }

  private malformed(method: string): ProviderResult<never> {
    this.logger.warn('alipay: response failed schema check', { method });
    return { kind: 'unknown', reason: 'malformed', message: UNKNOWN_MESSAGES.malformed };
  }
}
