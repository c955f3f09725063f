/**
 * PaymentProvider for WeChat Pay API v3, direct merchant (普通商户): Native下单 (`code_url` is the QR) and
 * 付款码支付 (codepay), 查询订单, 关闭订单, 撤销订单 (reverse), 申请退款 and 查询单笔退款, and the
 * notifications. Requests go through WxClient (signed, every answer verified); every answer we rely on is
 * checked with zod; all translation to the port is in mapping.ts. Money is integer fen, as WeChat's.
 *
 * 付款码 follows the official guidance: USERPAYING (HTTP 202) → `confirming`; the caller polls query and,
 * at its deadline, cancels, which here is 撤销订单 (reverse) for a 付款码 trade and 关闭订单 for a Native
 * one (WeChat has no reverse for Native; a Native trade paid meanwhile answers ORDERPAID → PAID_ALREADY).
 */
import type {
  BarcodeOutcome,
  CancelOutcome,
  CreateTradeInput,
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
import { PaymentError, silentLogger, systemClock, type Clock, type Logger } from '../../kernel';
import { verifierKeys, WxClient, type WxReply } from './client';
import { POLL_ONLY_NOTIFY_URL, type WechatConfig } from './config';
import {
  errorSchema,
  hasCode,
  malformed,
  nativeSchema,
  notOk,
  refundSchema,
  refundState,
  rfc3339,
  tradeFacts,
  transactionSchema,
  type WxCall,
} from './mapping';
import { createNotificationVerifier, wechatAck } from './notification';

export interface WechatProviderDeps {
  clock?: Clock;
  logger?: Logger;
}

const path = (no: string): string => `v3/pay/transactions/out-trade-no/${encodeURIComponent(no)}`;

/** description is at most 127 characters. */
function description(subject: string): string {
  const chars = Array.from(subject.trim() || '收银台');
  return chars.slice(0, 127).join('');
}

export class WechatProvider implements PaymentProvider {
  readonly id = 'wechat';
  readonly methods: readonly OrderMethod[] = ['qr', 'code'];
  readonly environment: WechatConfig['environment'];
  readonly accountId: string;
  private readonly client: WxClient;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly verify: (req: NotificationRequest) => NotificationCheck;

  constructor(
    private readonly config: WechatConfig,
    deps: WechatProviderDeps = {},
  ) {
    const keys = verifierKeys(config);
    if (Object.keys(keys).length === 0) {
      throw new PaymentError(
        'KEYS_MISSING',
        '缺少微信支付公钥（及其ID）或平台证书，无法验证微信支付的应答 / The WeChat Pay public key (with its id) or a platform certificate is missing: answers cannot be verified',
      );
    }
    this.environment = config.environment;
    this.accountId = config.mchid;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.client = new WxClient(config);
    this.verify = createNotificationVerifier(config, this.clock, keys);
  }

  async createQr(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>> {
    const body = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: description(input.subject),
      out_trade_no: input.outTradeNo,
      // The order's stored expiry: WeChat refuses a repeat of an out_trade_no whose body differs
      // (商户订单号重复), so a retry, even from a restarted process, must state the very same time.
      time_expire: rfc3339(input.expiresAt),
      notify_url: input.notifyUrl ?? POLL_ONLY_NOTIFY_URL,
      amount: { total: this.fen(input.amountFen), currency: 'CNY' },
    };
    const r = await this.client.post('v3/pay/transactions/native', body);
    if (!this.ok(r)) return this.fail('native', r);
    const p = nativeSchema.safeParse(r.body);
    return p.success ? { kind: 'ok', value: { qrCode: p.data.code_url } } : this.malformed('native');
  }

  async payWithCode(input: CreateTradeInput & { authCode: string }): Promise<ProviderResult<BarcodeOutcome>> {
    const body = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: description(input.subject),
      out_trade_no: input.outTradeNo,
      payer: { auth_code: input.authCode },
      amount: { total: this.fen(input.amountFen), currency: 'CNY' },
      scene_info: { device_ip: this.config.deviceIp ?? '127.0.0.1' },
    };
    const r = await this.client.post('v3/pay/transactions/codepay', body);
    // 202 USERPAYING: the buyer is entering the password; poll, then reverse at the deadline.
    if (r.kind === 'answer' && r.status === 202) {
      return errorSchema.safeParse(r.body).data?.code === 'USERPAYING' ? { kind: 'ok', value: { state: 'confirming' } } : this.malformed('codepay');
    }
    if (!this.ok(r)) return this.fail('codepay', r);
    const p = transactionSchema.safeParse(r.body);
    if (!p.success) return this.malformed('codepay');
    const facts = tradeFacts(p.data);
    if (facts.state === 'PAID') return { kind: 'ok', value: { state: 'paid', facts } };
    if (facts.state === 'USER_PAYING') return { kind: 'ok', value: { state: 'confirming' } };
    // A 200 that is neither paid nor paying proves nothing: resolve by query.
    return this.malformed('codepay');
  }

  createLink(_input: CreateTradeInput): Promise<ProviderResult<{ url: string }>> {
    return Promise.reject(
      new PaymentError('METHOD_UNSUPPORTED', '微信支付不支持收款链接，请用扫码收款或付款码 / WeChat Pay has no pay link here: use the QR or 付款码'),
    );
  }

  async query(outTradeNo: string): Promise<ProviderResult<TradeFacts>> {
    const r = await this.client.get(path(outTradeNo), { mchid: this.config.mchid });
    if (!this.ok(r)) return this.fail('query', r);
    const p = transactionSchema.safeParse(r.body);
    if (!p.success || p.data.out_trade_no !== outTradeNo || p.data.mchid !== this.config.mchid) return this.malformed('query');
    return { kind: 'ok', value: tradeFacts(p.data) };
  }

  async close(outTradeNo: string): Promise<ProviderResult<void>> {
    const r = await this.client.post(`${path(outTradeNo)}/close`, { mchid: this.config.mchid });
    return this.ok(r) ? { kind: 'ok', value: undefined } : this.fail('close', r);
  }

  /**
   * 撤销订单 exists for 付款码 trades only, so the trade's type decides: MICROPAY → reverse (closes an
   * unpaid trade, returns the money of a paid one), NATIVE → close. The query costs one round-trip and
   * keeps this right after a restart.
   */
  async cancel(outTradeNo: string): Promise<ProviderResult<CancelOutcome>> {
    const q = await this.client.get(path(outTradeNo), { mchid: this.config.mchid });
    if (!this.ok(q)) return this.fail('query', q);
    const t = transactionSchema.safeParse(q.body);
    if (!t.success) return this.malformed('query');
    if (t.data.trade_type !== 'MICROPAY') {
      const c = await this.close(outTradeNo);
      return c.kind === 'ok' ? { kind: 'ok', value: { action: 'close', retry: false } } : c;
    }
    const r = await this.client.post(`${path(outTradeNo)}/reverse`, { appid: this.config.appid, mchid: this.config.mchid });
    if (this.ok(r)) return { kind: 'ok', value: { action: 'reverse', retry: false } };
    // USERPAYING on a reverse (正在支付中不能发起撤销): call again shortly.
    if (hasCode(r, 'USERPAYING')) return { kind: 'ok', value: { action: null, retry: true } };
    return this.fail('reverse', r);
  }

  async refund(input: RefundInput): Promise<ProviderResult<RefundAccepted>> {
    const body: Record<string, unknown> = {
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRequestNo,
      amount: { refund: this.fen(input.amountFen), total: this.fen(input.totalFen), currency: 'CNY' },
    };
    if (input.reason) body.reason = Array.from(input.reason).slice(0, 80).join('');
    if (input.notifyUrl) body.notify_url = input.notifyUrl;
    const r = await this.client.post('v3/refund/domestic/refunds', body);
    if (!this.ok(r)) return this.fail('refund', r);
    const p = refundSchema.safeParse(r.body);
    if (!p.success || p.data.out_refund_no !== input.outRequestNo) return this.malformed('refund');
    // Refunds are asynchronous: anything but SUCCESS is settled later by refundQuery or a notice.
    return { kind: 'ok', value: { state: p.data.status === 'SUCCESS' ? 'SUCCESS' : 'PENDING', cumulativeFen: null } };
  }

  async refundQuery(outTradeNo: string, outRequestNo: string): Promise<ProviderResult<RefundFacts>> {
    const r = await this.client.get(`v3/refund/domestic/refunds/${encodeURIComponent(outRequestNo)}`);
    if (!this.ok(r)) {
      const f = this.fail('refund-query', r);
      return f.kind === 'business' && f.failure === 'NOT_FOUND' ? { kind: 'ok', value: { state: 'NOT_FOUND', amountFen: null } } : f;
    }
    const p = refundSchema.safeParse(r.body);
    if (!p.success || p.data.out_refund_no !== outRequestNo || p.data.out_trade_no !== outTradeNo) return this.malformed('refund-query');
    return { kind: 'ok', value: { state: refundState(p.data.status), amountFen: p.data.amount.refund } };
  }

  verifyNotification(request: NotificationRequest): Promise<NotificationCheck> {
    const check = this.verify(request);
    if (!check.ok) this.logger.warn('wechat: notification rejected', { reason: check.reason });
    return Promise.resolve(check);
  }

  ack(verdict: NotificationVerdict): NotificationAck {
    return wechatAck(verdict);
  }

  /** A signed 2xx answer. */
  private ok(r: WxReply): r is WxReply & { kind: 'answer' } {
    return r.kind === 'answer' && r.status >= 200 && r.status < 300;
  }

  private fail(call: WxCall, r: WxReply): ProviderResult<never> {
    const result = notOk(call, r);
    if (result.kind === 'unknown') this.logger.warn('wechat: outcome unknown', { call, reason: result.reason, status: r.status });
    else if (result.kind === 'business') this.logger.info('wechat: business error', { call, code: result.code });
    return result;
  }

  private malformed(call: WxCall): ProviderResult<never> {
    this.logger.warn('wechat: answer failed the schema check', { call });
    return malformed();
  }

  /** Integer fen, as WeChat wants; anything else is a programming error upstream. */
  private fen(amount: number): number {
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw new PaymentError('INVALID_AMOUNT', `金额必须是整数分 / The amount must be whole fen (${String(amount)})`);
    }
    return amount;
  }
}
