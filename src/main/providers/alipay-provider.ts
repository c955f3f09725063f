import { createPrivateKey, createPublicKey } from 'node:crypto';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { z } from 'zod';
import { formatFen } from '../../shared/money';
import type { Logger } from '../kernel';
import type { AlipayConfig } from '../payments/api';
import { alipayMessage, UNKNOWN_MESSAGES } from './alipay-messages';
import { parseAlipayNotification } from './alipay-notification';
import { createNotifyVerifier } from './alipay-notify-verify';
import { fenOrNull, parseAlipayTime, tradeFactsFrom } from './alipay-parse';
import type {
  BarcodeOutcome,
  CreateTradeInput,
  PaymentProvider,
  ProviderResult,
  RefundInput,
  TradeFacts,
} from './provider';

type Raw = Record<string, unknown>;

/** The fields every gateway.do response carries (protocols.md A3/A4). */
const baseSchema = z.object({
  code: z.string(),
  msg: z.string().optional(),
  sub_code: z.string().optional(),
  sub_msg: z.string().optional(),
});

const precreateSchema = z.object({ qr_code: z.string().min(1) });
const tradeSchema = z.object({
  trade_status: z.enum(['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED']),
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

/**
 * PaymentProvider for Alipay over gateway.do v2 via the official alipay-sdk (protocols.md A, C, D).
 * Every response is signature-checked (`validateSign: true`) and mapped to ok | business | unknown.
 */
export class AlipayProvider implements PaymentProvider {
  readonly name = 'alipay';
  private readonly sdk: AlipaySdk;
  /** checkNotifySignV2-equivalent with the cached KeyObject, one RSA verification per genuine notice. */
  private readonly verifyNotify: (fields: Record<string, string>) => boolean;

  constructor(
    private readonly config: AlipayConfig,
    private readonly logger: Logger,
  ) {
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
      // Keep Alipay's snake_case field names: they are what protocols.md and the docs use.
      camelcase: false,
    });
    // …then swap in the parsed KeyObjects (see privateKeyObject). The SDK only hands these to
    // node:crypto's sign()/verify(), which accept KeyObjects.
    const sdkConfig = this.sdk.config as unknown as { privateKey: unknown; alipayPublicKey: unknown };
    sdkConfig.privateKey = priv;
    sdkConfig.alipayPublicKey = pub;
    this.verifyNotify = createNotifyVerifier(pub, config.signType ?? 'RSA2');
  }

  async precreate(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>> {
    const r = await this.call('alipay.trade.precreate', {
      out_trade_no: input.outTradeNo,
      total_amount: formatFen(input.amountFen),
      subject: input.subject,
      timeout_express: timeoutExpress(input.timeoutMinutes),
      product_code: 'FACE_TO_FACE_PAYMENT',
    }, input.notifyUrl);
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
      // 10003 = the buyer is confirming on the phone (protocols.md A4): not an error.
      ['10003'],
    );
    if (r.kind !== 'ok') return r;
    if (r.value.code === '10003') return { kind: 'ok', value: { state: 'confirming' } };
    const p = paySchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.pay');
    const facts: TradeFacts = {
      status: 'TRADE_SUCCESS',
      tradeNo: p.data.trade_no ?? null,
      totalFen: fenOrNull(p.data.total_amount),
      buyerLogonId: p.data.buyer_logon_id ?? null,
      paidAt: parseAlipayTime(p.data.gmt_payment),
    };
    return { kind: 'ok', value: { state: 'paid', facts } };
  }

  pagePayUrl(input: CreateTradeInput): string {
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

  async cancel(outTradeNo: string): Promise<ProviderResult<{ action: string | null; retry: boolean }>> {
    const r = await this.call('alipay.trade.cancel', { out_trade_no: outTradeNo }, null);
    if (r.kind !== 'ok') return r;
    const p = cancelSchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.cancel');
    return { kind: 'ok', value: { action: p.data.action ?? null, retry: p.data.retry_flag === 'Y' } };
  }

  async refund(input: RefundInput): Promise<ProviderResult<{ fundChange: boolean; cumulativeFen: number | null }>> {
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
    return { kind: 'ok', value: { fundChange: p.data.fund_change === 'Y', cumulativeFen: fenOrNull(p.data.refund_fee) } };
  }

  async refundQuery(
    outTradeNo: string,
    outRequestNo: string,
  ): Promise<ProviderResult<{ succeeded: boolean; amountFen: number | null }>> {
    const r = await this.call(
      'alipay.trade.fastpay.refund.query',
      { out_trade_no: outTradeNo, out_request_no: outRequestNo },
      null,
    );
    if (r.kind !== 'ok') return r;
    const p = refundQuerySchema.safeParse(r.value);
    if (!p.success) return this.malformed('alipay.trade.fastpay.refund.query');
    // No refund_status = the refund was not received or failed (protocols.md C).
    return {
      kind: 'ok',
      value: { succeeded: p.data.refund_status === 'REFUND_SUCCESS', amountFen: fenOrNull(p.data.refund_amount) },
    };
  }

  parseNotification(fields: Record<string, string>) {
    // Same verdict as `this.sdk.checkNotifySignV2(f)` (see alipay-notify-verify.ts and its equivalence
    // test), at half the cost for a genuine notification.
    return parseAlipayNotification(fields, this.verifyNotify);
  }

  /** Call gateway.do with signature verification and map the outcome (protocols.md A3, A4). */
  private async call(
    method: string,
    bizContent: Raw,
    notifyUrl: string | null,
    okCodes: string[] = [],
  ): Promise<ProviderResult<Raw & { code: string }>> {
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
    // 20000 and ACQ.SYSTEM_ERROR: the request may or may not have been processed (protocols.md A4, C).
    if (code === '20000' || subCode === 'ACQ.SYSTEM_ERROR') {
      this.logger.warn('alipay: outcome unknown', { method, code, subCode });
      return { kind: 'unknown', reason: subCode ?? code, message: alipayMessage(code, subCode ?? null, subMsg, msg) };
    }
    this.logger.info('alipay: business error', { method, code, subCode });
    return { kind: 'business', code, subCode: subCode ?? null, message: alipayMessage(code, subCode ?? null, subMsg, msg) };
  }

  /**
   * An exception from the SDK means no trustworthy answer: a timeout, a connection error, HTTP 5xx, an
   * unparseable body, a signature mismatch, or (TypeError) an unsigned error body under validateSign
   * (protocols.md A3). All are `unknown`. The SDK's messages can embed the server's `sign` and the
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
