import type {
  BarcodeOutcome,
  CreateTradeInput,
  PaymentProvider,
  ProviderResult,
  RefundInput,
  TradeFacts,
  TradeStatus,
} from '../../src/main/providers/provider';

type Method = 'precreate' | 'payWithCode' | 'query' | 'close' | 'cancel' | 'refund' | 'refundQuery';

interface FakeTrade {
  status: TradeStatus | 'NOT_SCANNED';
  amountFen: number;
  refunds: Map<string, number>;
}

/**
 * An in-memory provider for unit tests of the services (no HTTP). Behaves like a tiny Alipay; `next()`
 * queues a scripted outcome for a method, optionally applying the real effect first (like the
 * emulator's `apply: true`). Notification parsing is delegated (to the real AlipayProvider).
 */
export class FakeProvider implements PaymentProvider {
  readonly name = 'fake';
  readonly trades = new Map<string, FakeTrade>();
  readonly calls: { method: Method; outTradeNo: string; extra?: unknown }[] = [];
  private readonly scripts = new Map<Method, { result: ProviderResult<unknown>; apply: boolean }[]>();

  constructor(private readonly parse: PaymentProvider['parseNotification'] = () => ({ ok: false, reason: 'n/a' })) {}

  next(method: Method, result: ProviderResult<unknown>, apply = false): void {
    const q = this.scripts.get(method) ?? [];
    q.push({ result, apply });
    this.scripts.set(method, q);
  }

  pay(outTradeNo: string): void {
    const t = this.trades.get(outTradeNo);
    if (t) t.status = 'TRADE_SUCCESS';
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
    if (!t || t.status === 'NOT_SCANNED') return null;
    return { status: t.status, tradeNo: `T${no}`, totalFen: t.amountFen, buyerLogonId: 'b***@x.com', paidAt: null };
  }

  async precreate(input: CreateTradeInput): Promise<ProviderResult<{ qrCode: string }>> {
    this.calls.push({ method: 'precreate', outTradeNo: input.outTradeNo });
    return this.scripted('precreate', () => {
      this.trades.set(input.outTradeNo, { status: 'NOT_SCANNED', amountFen: input.amountFen, refunds: new Map() });
      return { kind: 'ok', value: { qrCode: `fake://qr/${input.outTradeNo}` } };
    });
  }

  async payWithCode(input: CreateTradeInput & { authCode: string }): Promise<ProviderResult<BarcodeOutcome>> {
    this.calls.push({ method: 'payWithCode', outTradeNo: input.outTradeNo, extra: input.authCode });
    return this.scripted('payWithCode', () => {
      this.trades.set(input.outTradeNo, { status: 'TRADE_SUCCESS', amountFen: input.amountFen, refunds: new Map() });
      return { kind: 'ok', value: { state: 'paid', facts: this.facts(input.outTradeNo) as TradeFacts } };
    });
  }

  pagePayUrl(input: CreateTradeInput): string {
    this.trades.set(input.outTradeNo, { status: 'NOT_SCANNED', amountFen: input.amountFen, refunds: new Map() });
    return `fake://pay/${input.outTradeNo}`;
  }

  async query(no: string): Promise<ProviderResult<TradeFacts>> {
    this.calls.push({ method: 'query', outTradeNo: no });
    return this.scripted('query', () => {
      const f = this.facts(no);
      return f ? { kind: 'ok', value: f } : { kind: 'business', code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST', message: 'not exist' };
    });
  }

  async close(no: string): Promise<ProviderResult<void>> {
    this.calls.push({ method: 'close', outTradeNo: no });
    return this.scripted('close', () => {
      const t = this.trades.get(no);
      if (!t || t.status === 'NOT_SCANNED') return { kind: 'business', code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST', message: 'not exist' };
      if (t.status !== 'WAIT_BUYER_PAY') return { kind: 'business', code: '40004', subCode: 'ACQ.TRADE_STATUS_ERROR', message: 'status' };
      t.status = 'TRADE_CLOSED';
      return { kind: 'ok', value: undefined };
    });
  }

  async cancel(no: string): Promise<ProviderResult<{ action: string | null; retry: boolean }>> {
    this.calls.push({ method: 'cancel', outTradeNo: no });
    return this.scripted('cancel', () => {
      const t = this.trades.get(no);
      // Like Alipay: a trade it does not know yet (unscanned QR) → 10000 without action, number voided.
      const known = t !== undefined && t.status !== 'NOT_SCANNED';
      if (t) t.status = 'TRADE_CLOSED';
      return { kind: 'ok', value: { action: known ? 'close' : null, retry: false } };
    });
  }

  async refund(input: RefundInput): Promise<ProviderResult<{ fundChange: boolean; cumulativeFen: number | null }>> {
    this.calls.push({ method: 'refund', outTradeNo: input.outTradeNo, extra: input.outRequestNo });
    return this.scripted<{ fundChange: boolean; cumulativeFen: number | null }>('refund', () => {
      const t = this.trades.get(input.outTradeNo);
      if (!t) return { kind: 'business', code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST', message: 'not exist' };
      if (t.refunds.has(input.outRequestNo)) return { kind: 'ok', value: { fundChange: false, cumulativeFen: sum(t) } };
      if (sum(t) + input.amountFen > t.amountFen) {
        return { kind: 'business', code: '40004', subCode: 'ACQ.REASON_TRADE_REFUND_FEE_ERR', message: 'too much' };
      }
      t.refunds.set(input.outRequestNo, input.amountFen);
      return { kind: 'ok', value: { fundChange: true, cumulativeFen: sum(t) } };
    });
  }

  async refundQuery(no: string, req: string): Promise<ProviderResult<{ succeeded: boolean; amountFen: number | null }>> {
    this.calls.push({ method: 'refundQuery', outTradeNo: no, extra: req });
    return this.scripted('refundQuery', () => {
      const amount = this.trades.get(no)?.refunds.get(req);
      return { kind: 'ok', value: { succeeded: amount !== undefined, amountFen: amount ?? null } };
    });
  }

  parseNotification(fields: Record<string, string>) {
    return this.parse(fields);
  }
}

function sum(t: FakeTrade): number {
  let s = 0;
  for (const v of t.refunds.values()) s += v;
  return s;
}

export const UNKNOWN = { kind: 'unknown', reason: 'timeout', message: 'timeout' } as const;
