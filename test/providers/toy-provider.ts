/**
 * A toy second payment provider, registered through the provider registry like a real one, to show
 * that adding a provider is adding an adapter: its own wire words and its own notification format.
 *
 * The "gateway" is in memory. Its trade states are its own words (OPEN, PAYING, DONE, SHUT), mapped to
 * the neutral ones by the adapter; refunds are asynchronous (accepted as PENDING, finished later and
 * announced by a notification that carries this refund's amount and its status, no cumulative total,
 * and no trade facts). Notifications are JSON, authenticated by an HMAC-SHA256 of the raw body in the
 * `x-toy-signature` header, and answered 204 (no body) when accepted, 400 with a JSON body when
 * rejected, 503 with a JSON body when they should be sent again.
 *
 * Models: the order of events a real provider shows (it records a payment and sends its notification,
 * and only a later query shows it), duplicate deliveries (the test resends), forged notices, the
 * provider's own retry on a non-success answer (`deliver` returns the answer; the test retries).
 * Does not model: network faults, timeouts, signature key rotation, refund failures.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type {
  BarcodeOutcome,
  CancelOutcome,
  CreateTradeInput,
  Environment,
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
  TradeState,
} from '../../src/main/domain';
import type { ProviderFactory } from '../../src/main/providers/registry';

type ToyState = 'OPEN' | 'PAYING' | 'DONE' | 'SHUT';
const STATE: Record<ToyState, TradeState> = { OPEN: 'WAITING', PAYING: 'USER_PAYING', DONE: 'PAID', SHUT: 'CLOSED' };

interface ToyTrade {
  state: ToyState;
  amountFen: number;
  notifyUrl: string | null;
  refunds: Map<string, { amountFen: number; state: 'PROCESSING' | 'OK'; notifyUrl: string | null }>;
}

export const toySettingsSchema = z.object({
  environment: z.enum(['demo', 'sandbox', 'production']),
  merchant: z.string().min(1),
  secret: z.string().min(8),
});
export type ToySettings = z.infer<typeof toySettingsSchema>;

const notificationSchema = z.object({
  id: z.string().min(1),
  merchant: z.string(),
  order: z.string().min(1).max(64),
  total: z.number().int().positive(),
  state: z.enum(['OPEN', 'PAYING', 'DONE', 'SHUT']).optional(),
  refund: z.object({ no: z.string().min(1), amount: z.number().int().positive(), status: z.enum(['OK', 'FAILED']) }).optional(),
});

const json = (status: number, body: unknown): NotificationAck => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export class ToyProvider implements PaymentProvider {
  readonly id = 'toy';
  readonly methods: readonly OrderMethod[] = ['qr'];
  readonly environment: Environment;
  readonly accountId: string;
  readonly trades = new Map<string, ToyTrade>();
  private seq = 0;

  constructor(private readonly settings: ToySettings) {
    this.environment = settings.environment;
    this.accountId = settings.merchant;
  }

  sign(body: string): string {
    return createHmac('sha256', this.settings.secret).update(body).digest('hex');
  }

  /** POST one notification to `url` as the toy gateway does; returns its HTTP answer. */
  async deliver(url: string, payload: unknown, opts: { forge?: boolean } = {}): Promise<{ status: number; body: string; type: string | null }> {
    const body = JSON.stringify(payload);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-toy-signature': opts.forge ? this.sign(`${body} `) : this.sign(body) },
      body,
    });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  }

  /** The buyer pays: the gateway sends its notification; a query shows DONE once that was answered. */
  async pay(outTradeNo: string): Promise<{ status: number; body: string; type: string | null }> {
    const t = this.trades.get(outTradeNo);
    if (!t?.notifyUrl) throw new Error(`no toy trade ${outTradeNo} with a notify url`);
    const payload = { id: `N${++this.seq}`, merchant: this.accountId, order: outTradeNo, total: t.amountFen, state: 'DONE' };
    const answer = await this.deliver(t.notifyUrl, payload);
    t.state = 'DONE';
    return answer;
  }

  /** The gateway finishes a pending refund and announces it (this refund's amount, no trade facts). */
  async finishRefund(outTradeNo: string, refundNo: string): Promise<{ status: number; body: string; type: string | null }> {
    const t = this.trades.get(outTradeNo);
    const r = t?.refunds.get(refundNo);
    if (!t || !r?.notifyUrl) throw new Error(`no toy refund ${refundNo}`);
    const payload = {
      id: `N${++this.seq}`,
      merchant: this.accountId,
      order: outTradeNo,
      total: t.amountFen,
      refund: { no: refundNo, amount: r.amountFen, status: 'OK' },
    };
    const answer = await this.deliver(r.notifyUrl, payload);
    r.state = 'OK';
    return answer;
  }

  async createQr(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>> {
    this.trades.set(input.outTradeNo, { state: 'OPEN', amountFen: input.amountFen, notifyUrl: input.notifyUrl, refunds: new Map() });
    return { kind: 'ok', value: { qrCode: `toy://pay/${input.outTradeNo}` } };
  }

  async payWithCode(): Promise<ProviderResult<BarcodeOutcome>> {
    return { kind: 'business', failure: 'DECLINED', code: 'NO_CODES', subCode: null, message: 'toy: no 付款码 / no payment codes' };
  }

  async createLink(): Promise<ProviderResult<{ url: string }>> {
    return { kind: 'business', failure: 'DECLINED', code: 'NO_LINKS', subCode: null, message: 'toy: no links' };
  }

  async query(outTradeNo: string): Promise<ProviderResult<TradeFacts>> {
    const t = this.trades.get(outTradeNo);
    if (!t) return { kind: 'business', failure: 'NOT_FOUND', code: 'UNKNOWN_ORDER', subCode: null, message: 'toy: no such order' };
    return { kind: 'ok', value: { state: STATE[t.state], tradeNo: `TOY-${outTradeNo}`, totalFen: t.amountFen, buyerLogonId: null, paidAt: null } };
  }

  async close(outTradeNo: string): Promise<ProviderResult<void>> {
    const t = this.trades.get(outTradeNo);
    if (!t) return { kind: 'business', failure: 'NOT_FOUND', code: 'UNKNOWN_ORDER', subCode: null, message: 'toy: no such order' };
    if (t.state === 'DONE') return { kind: 'business', failure: 'PAID_ALREADY', code: 'ALREADY_DONE', subCode: null, message: 'toy: paid' };
    t.state = 'SHUT';
    return { kind: 'ok', value: undefined };
  }

  async cancel(outTradeNo: string): Promise<ProviderResult<CancelOutcome>> {
    const t = this.trades.get(outTradeNo);
    if (t) t.state = 'SHUT';
    return { kind: 'ok', value: { action: null, retry: false } };
  }

  async refund(input: RefundInput): Promise<ProviderResult<RefundAccepted>> {
    const t = this.trades.get(input.outTradeNo);
    if (!t || t.state !== 'DONE') return { kind: 'business', failure: 'NOT_FOUND', code: 'UNKNOWN_ORDER', subCode: null, message: 'toy: not paid' };
    if (!t.refunds.has(input.outRequestNo)) {
      t.refunds.set(input.outRequestNo, { amountFen: input.amountFen, state: 'PROCESSING', notifyUrl: input.notifyUrl });
    }
    return { kind: 'ok', value: { state: 'PENDING', cumulativeFen: null } };
  }

  async refundQuery(outTradeNo: string, outRequestNo: string): Promise<ProviderResult<RefundFacts>> {
    const r = this.trades.get(outTradeNo)?.refunds.get(outRequestNo);
    if (!r) return { kind: 'ok', value: { state: 'NOT_FOUND', amountFen: null } };
    return { kind: 'ok', value: { state: r.state === 'OK' ? 'SUCCESS' : 'PENDING', amountFen: r.amountFen } };
  }

  async verifyNotification(request: NotificationRequest): Promise<NotificationCheck> {
    const sig = request.headers['x-toy-signature'];
    const expected = Buffer.from(this.sign(request.rawBody.toString('utf8')));
    if (typeof sig !== 'string' || sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), expected)) {
      return { ok: false, reason: 'bad toy signature' };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed toy notification' };
    }
    const p = notificationSchema.safeParse(raw);
    if (!p.success) return { ok: false, reason: 'malformed toy notification' };
    const n = p.data;
    if (n.merchant !== this.accountId) return { ok: false, reason: 'merchant mismatch', detail: { merchantSent: n.merchant }, outTradeNo: n.order };
    return {
      ok: true,
      notification: {
        notifyId: n.id,
        outTradeNo: n.order,
        totalFen: n.total,
        facts: n.state ? { state: STATE[n.state], tradeNo: `TOY-${n.order}`, totalFen: n.total, buyerLogonId: null, paidAt: null } : null,
        refund: n.refund
          ? { outRequestNo: n.refund.no, state: n.refund.status === 'OK' ? 'SUCCESS' : 'FAILED', amountFen: n.refund.amount, cumulativeFen: null, at: null }
          : null,
      },
    };
  }

  ack(verdict: NotificationVerdict): NotificationAck {
    if (verdict === 'accepted') return { status: 204, headers: {}, body: '' };
    if (verdict === 'rejected') return json(400, { code: 'REJECTED', message: 'notification refused' });
    return json(503, { code: 'RETRY', message: 'try again later' });
  }
}

/** The toy's registry entry: settings checked by its schema, then the adapter. */
export const toyFactory: ProviderFactory<ToySettings> = {
  schema: toySettingsSchema,
  create: (settings) => new ToyProvider(settings),
};
