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

type Method = 'createQr' | 'payWithCode' | 'query' | 'close' | 'cancel' | 'refund' | 'refundQuery';

interface FakeTrade {
  state: TradeState;
  amountFen: number;
  refunds: Map<string, number>;
}

/** A refusal as an adapter maps it: NOT_FOUND etc. plus the provider's own code for the audit trail. */
export const notFound = { kind: 'business', failure: 'NOT_FOUND', code: '40004', subCode: 'NOT_FOUND', message: 'not exist' } as const;

/**
 * An in-memory provider for unit tests of the services (no HTTP). Behaves like a tiny provider in the
 * neutral words of the port (a trade nobody scanned is NOT_FOUND to query and close, cancel voids it);
 * `next()` queues a scripted outcome for a method, optionally applying the real effect first (like the
 * emulator's `apply: true`). Notification verification is delegated (to a test's function).
 * Models: scripted unknown / refused answers, repeat refunds with the same number. Does not model
 * timing, signatures or HTTP.
 */
export class FakeProvider implements PaymentProvider {
  readonly id: string;
  readonly methods: readonly OrderMethod[] = ['qr', 'code', 'link'];
  readonly environment: Environment;
  readonly accountId: string;
  readonly trades = new Map<string, FakeTrade>();
  readonly calls: { method: Method; outTradeNo: string; extra?: unknown }[] = [];
  private readonly scripts = new Map<Method, { result: ProviderResult<unknown>; apply: boolean }[]>();

  constructor(
    private readonly verify: (request: NotificationRequest) => NotificationCheck | Promise<NotificationCheck> = () => ({
      ok: false,
      reason: 'n/a',
    }),
    scope: { id?: string; environment?: Environment; accountId?: string } = {},
  ) {
    this.id = scope.id ?? 'alipay';
    this.environment = scope.environment ?? 'demo';
    this.accountId = scope.accountId ?? 'app';
  }

  next(method: Method, result: ProviderResult<unknown>, apply = false): void {
    const q = this.scripts.get(method) ?? [];
    q.push({ result, apply });
    this.scripts.set(method, q);
  }

  pay(outTradeNo: string): void {
    const t = this.trades.get(outTradeNo);
    if (t) t.state = 'PAID';
  }

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  private scripted<T>(method: Method, real: () => ProviderResult<T>): ProviderResult<T> {
    const s = this.scripts.get(method)?.shift();
    if (!s) return real();
    if (s.apply) real();
    return s.result as ProviderResult<T>;
  }

  private facts(no: string): TradeFacts | null {
    const t = this.trades.get(no);
    if (!t || t.state === 'NOT_FOUND') return null;
    return { state: t.state, tradeNo: `T${no}`, totalFen: t.amountFen, buyerLogonId: 'b***@x.com', paidAt: null };
  }

  async createQr(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>> {
    this.calls.push({ method: 'createQr', outTradeNo: input.outTradeNo });
    return this.scripted('createQr', () => {
      this.trades.set(input.outTradeNo, { state: 'NOT_FOUND', amountFen: input.amountFen, refunds: new Map() });
      return { kind: 'ok', value: { qrCode: `fake://qr/${input.outTradeNo}` } };
    });
  }

  async payWithCode(input: CreateTradeInput & { authCode: string }): Promise<ProviderResult<BarcodeOutcome>> {
    this.calls.push({ method: 'payWithCode', outTradeNo: input.outTradeNo, extra: input.authCode });
    return this.scripted('payWithCode', () => {
      this.trades.set(input.outTradeNo, { state: 'PAID', amountFen: input.amountFen, refunds: new Map() });
      return { kind: 'ok', value: { state: 'paid', facts: this.facts(input.outTradeNo) as TradeFacts } };
    });
  }

  async createLink(input: CreateTradeInput): Promise<ProviderResult<{ url: string }>> {
    this.trades.set(input.outTradeNo, { state: 'NOT_FOUND', amountFen: input.amountFen, refunds: new Map() });
    return { kind: 'ok', value: { url: `fake://pay/${input.outTradeNo}` } };
  }

  async query(no: string): Promise<ProviderResult<TradeFacts>> {
    this.calls.push({ method: 'query', outTradeNo: no });
    return this.scripted('query', () => {
      const f = this.facts(no);
      return f ? { kind: 'ok', value: f } : notFound;
    });
  }

  async close(no: string): Promise<ProviderResult<void>> {
    this.calls.push({ method: 'close', outTradeNo: no });
    return this.scripted('close', () => {
      const t = this.trades.get(no);
      if (!t || t.state === 'NOT_FOUND') return notFound;
      if (t.state !== 'WAITING') return { kind: 'business', failure: 'PAID_ALREADY', code: '40004', subCode: 'STATUS_ERROR', message: 'status' };
      t.state = 'CLOSED';
      return { kind: 'ok', value: undefined };
    });
  }

  async cancel(no: string): Promise<ProviderResult<CancelOutcome>> {
    this.calls.push({ method: 'cancel', outTradeNo: no });
    return this.scripted('cancel', () => {
      const t = this.trades.get(no);
      // Like Alipay: a trade it does not know yet (unscanned QR) → success without action, number voided.
      const known = t !== undefined && t.state !== 'NOT_FOUND';
      if (t) t.state = 'CLOSED';
      return { kind: 'ok', value: { action: known ? 'close' : null, retry: false } };
    });
  }

  async refund(input: RefundInput): Promise<ProviderResult<RefundAccepted>> {
    this.calls.push({ method: 'refund', outTradeNo: input.outTradeNo, extra: input.outRequestNo });
    return this.scripted<RefundAccepted>('refund', () => {
      const t = this.trades.get(input.outTradeNo);
      if (!t) return notFound;
      // A repeat of a refund number already refunded moves no money now: not proof of anything.
      if (t.refunds.has(input.outRequestNo)) return { kind: 'ok', value: { state: 'PENDING', cumulativeFen: sum(t) } };
      if (sum(t) + input.amountFen > t.amountFen) {
        return { kind: 'business', failure: 'REFUND_EXCEEDS', code: '40004', subCode: 'REFUND_FEE_ERR', message: 'too much' };
      }
      t.refunds.set(input.outRequestNo, input.amountFen);
      return { kind: 'ok', value: { state: 'SUCCESS', cumulativeFen: sum(t) } };
    });
  }

  async refundQuery(no: string, req: string): Promise<ProviderResult<RefundFacts>> {
    this.calls.push({ method: 'refundQuery', outTradeNo: no, extra: req });
    return this.scripted('refundQuery', () => {
      const amount = this.trades.get(no)?.refunds.get(req);
      return { kind: 'ok', value: { state: amount !== undefined ? 'SUCCESS' : 'NOT_FOUND', amountFen: amount ?? null } };
    });
  }

  async verifyNotification(request: NotificationRequest): Promise<NotificationCheck> {
    return this.verify(request);
  }

  ack(verdict: NotificationVerdict): NotificationAck {
    return { status: verdict === 'retry' ? 500 : 200, headers: {}, body: verdict === 'accepted' ? 'success' : 'fail' };
  }
}

function sum(t: FakeTrade): number {
  let s = 0;
  for (const v of t.refunds.values()) s += v;
  return s;
}

export const UNKNOWN = { kind: 'unknown', reason: 'timeout', message: 'timeout' } as const;
