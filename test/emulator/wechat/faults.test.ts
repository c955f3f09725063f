import { describe, expect, it } from 'vitest';
import { clientFor, EmulatorTransport, nativeOrder, setup, verified, verify, wxControl, type RawAnswer } from './helpers';

describe('WeChat fault injection: unknown outcomes the merchant must resolve by querying', () => {
  it('500 SYSTEM_ERROR (signed): without apply nothing happened; with apply the order exists anyway', async () => {
    const t = await setup();
    await wxControl(t.emu, 'POST', '/faults', { kind: 'system-error', method: 'native' });
    const order = (no: string): Promise<unknown> =>
      t.pay.transactions_native({ description: 'x', out_trade_no: no, notify_url: 'https://example.com/n', amount: { total: 100 } });
    const a = await verified(t.pay, t.emu, order('FLT00001'), t.http);
    expect(a.status).toBe(500);
    expect(a.data).toMatchObject({ code: 'SYSTEM_ERROR' });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'FLT00001' }), t.http)).status).toBe(404);
    await wxControl(t.emu, 'POST', '/faults', { kind: 'system-error', method: 'native', apply: true });
    expect((await verified(t.pay, t.emu, order('FLT00002'), t.http)).status).toBe(500);
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'FLT00002' }), t.http)).data).toMatchObject({ trade_state: 'NOTPAY' });
    // The retry with the same body gets the code_url (same order).
    expect((await verified(t.pay, t.emu, order('FLT00002'), t.http)).data).toMatchObject({ code_url: expect.stringMatching(/^weixin:/) });
  });

  it('429 FREQUENCY_LIMITED on refunds (signed, nothing refunded); the method filter leaves other APIs alone', async () => {
    const t = await setup();
    await nativeOrder(t, 'FLT00003', 100);
    await wxControl(t.emu, 'POST', '/trades/FLT00003/pay', {});
    await wxControl(t.emu, 'POST', '/faults', { kind: 'frequency-limited', method: 'refund', count: 2 });
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'FLT00003' }), t.http)).status).toBe(200);
    const refund = (): Promise<unknown> =>
      t.pay.refunds({ out_trade_no: 'FLT00003', out_refund_no: 'FLT3-1', amount: { refund: 100, total: 100, currency: 'CNY' } });
    for (let i = 0; i < 2; i += 1) {
      const a = await verified(t.pay, t.emu, refund(), t.http);
      expect(a.status).toBe(429);
      expect(a.data).toMatchObject({ code: 'FREQUENCY_LIMITED' });
    }
    expect((await wxControl<{ refunds: unknown[] }>(t.emu, 'GET', '/trades/FLT00003')).body.refunds).toEqual([]);
    expect((await verified(t.pay, t.emu, refund(), t.http)).data).toMatchObject({ status: 'PROCESSING' });
  });

  it('an HTML 500 from a proxy carries no signature (the library cannot verify it); with apply the refund happened', async () => {
    const t = await setup();
    await nativeOrder(t, 'FLT00004', 100);
    await wxControl(t.emu, 'POST', '/trades/FLT00004/pay', {});
    await wxControl(t.emu, 'POST', '/faults', { kind: 'http500', method: 'refund', apply: true });
    await t.pay.refunds({ out_trade_no: 'FLT00004', out_refund_no: 'FLT4-1', amount: { refund: 40, total: 100, currency: 'CNY' } });
    const a = t.http.last as RawAnswer;
    expect(a.status).toBe(500);
    expect(a.text).toContain('500 Internal Server Error');
    expect(a.headers['wechatpay-signature']).toBeUndefined();
    expect((await verified(t.pay, t.emu, t.pay.find_refunds('FLT4-1'), t.http)).data).toMatchObject({ status: 'PROCESSING', amount: { refund: 40 } });
  });

  it('hang: the client gives up, yet with apply the close happened; latency delays an answer', async () => {
    const t = await setup();
    const slow = clientFor(t.emu);
    slow.pay.createHttp(new EmulatorTransport(t.c.baseUrl, 300)); // gives up after 300 ms
    await nativeOrder(t, 'FLT00005', 100);
    await wxControl(t.emu, 'POST', '/faults', { kind: 'hang', method: 'close', apply: true, ms: 2000 });
    await expect(slow.pay.close('FLT00005')).rejects.toThrow();
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'FLT00005' }), t.http)).data).toMatchObject({ trade_state: 'CLOSED' });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'latency', method: 'query', ms: 250 });
    const started = Date.now();
    const a = await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'FLT00005' }), t.http);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(await verify(t.pay, a, t.c.apiV3Key)).toBe(true);
    expect((await wxControl<unknown[]>(t.emu, 'GET', '/faults')).body).toEqual([]);
  });

  it('bad fault bodies are refused; DELETE clears; reset forgets trades', async () => {
    const t = await setup();
    expect((await wxControl(t.emu, 'POST', '/faults', { kind: 'explode' })).status).toBe(400);
    expect((await wxControl(t.emu, 'POST', '/faults', { kind: 'tamper', method: 'gateway.do' })).status).toBe(400);
    await wxControl(t.emu, 'POST', '/faults', { kind: 'tamper', count: 5 });
    expect((await wxControl(t.emu, 'DELETE', '/faults')).status).toBe(200);
    await nativeOrder(t, 'FLT00006', 100);
    expect((await wxControl(t.emu, 'POST', '/reset')).status).toBe(200);
    expect((await wxControl<unknown[]>(t.emu, 'GET', '/trades')).body).toEqual([]);
  });
});

describe('WeChat /v3 routing edges', () => {
  it('unknown paths → 404 NOT_FOUND, a wrong method → 405, a malformed %-escape → 404 (never a crash)', async () => {
    const t = await setup();
    for (const [method, path, status] of [
      ['GET', '/v3/pay/transactions/h5', 404],
      ['GET', '/v3/pay/transactions/native', 405],
      ['GET', '/v3/refund/domestic/refunds/%E0%A4%A', 404],
    ] as const) {
      const res = await fetch(`${t.c.baseUrl}${path}`, { method });
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { code: string }).code).toMatch(/^(NOT_FOUND|INVALID_REQUEST)$/);
    }
    expect((await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'still-fine' }), t.http)).status).toBe(404);
  });
});
