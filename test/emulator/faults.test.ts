import { describe, expect, it } from 'vitest';
import { TEST_AUTH_CODES } from '../../src/emulator';
import { control, exec, precreate, sdkFor, setup, type TradeView } from './helpers';

async function paid(sdk: Awaited<ReturnType<typeof setup>>['sdk'], outTradeNo: string): Promise<void> {
  await exec(sdk, 'alipay.trade.pay', { outTradeNo, scene: 'bar_code', authCode: TEST_AUTH_CODES.PAID, subject: 's', totalAmount: '10.00' });
}

describe('gateway faults (docs/emulator.md)', () => {
  it('latency adds ms before answering, limited to its method and count', async () => {
    const { emu, sdk } = await setup();
    expect((await control<{ id: string }>(emu, 'POST', '/faults', { kind: 'latency', ms: 400, method: 'alipay.trade.query' })).body.id).toBeTruthy();
    await precreate(sdk, 'L1');
    // Another method does not consume it.
    expect((await control<unknown[]>(emu, 'GET', '/faults')).body).toHaveLength(1);
    const t = Date.now();
    expect((await exec(sdk, 'alipay.trade.query', { outTradeNo: 'L1' })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    expect(Date.now() - t).toBeGreaterThanOrEqual(390);
    expect((await control<unknown[]>(emu, 'GET', '/faults')).body).toHaveLength(0);
  });

  it('http500 answers HTTP 500 (SDK throws); apply:true still processes the request', async () => {
    const { emu, sdk } = await setup();
    await control(emu, 'POST', '/faults', { kind: 'http500', method: 'alipay.trade.precreate' });
    await expect(exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'H1', totalAmount: '1.00', subject: 's' })).rejects.toThrow(/status: 500/);
    expect((await control(emu, 'GET', '/trades/H1')).status).toBe(404);
    await control(emu, 'POST', '/faults', { kind: 'http500', method: 'alipay.trade.precreate', apply: true });
    await expect(exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'H2', totalAmount: '1.00', subject: 's' })).rejects.toThrow(/status: 500/);
    expect((await control(emu, 'GET', '/trades/H2')).status).toBe(200);
  });

  it('hang never answers: the client times out; with apply the refund happened anyway', async () => {
    const { emu, sdk } = await setup();
    await paid(sdk, 'G1');
    await control(emu, 'POST', '/faults', { kind: 'hang', method: 'alipay.trade.refund', apply: true, ms: 5000 });
    const impatient = sdkFor(emu, { timeout: 300 });
    await expect(exec(impatient, 'alipay.trade.refund', { outTradeNo: 'G1', refundAmount: '1.00', outRequestNo: 'G1-1' })).rejects.toThrow(
      /HttpClient Request error/,
    );
    expect((await control<TradeView>(emu, 'GET', '/trades/G1')).body.refundFee).toBe('1.00');
    // The retry with the same out_request_no resolves it: fund_change N.
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'G1', refundAmount: '1.00', outRequestNo: 'G1-1' })).toMatchObject({
      code: '10000',
      fundChange: 'N',
      refundFee: '1.00',
    });
  });

  it('hang closes the socket after ms', async () => {
    const { emu, sdk } = await setup();
    // count 3: the HTTP client may retry once on a reset connection.
    await control(emu, 'POST', '/faults', { kind: 'hang', ms: 100, count: 3 });
    const t = Date.now();
    await expect(exec(sdkFor(emu, { timeout: 3000 }), 'alipay.trade.query', { outTradeNo: 'x' })).rejects.toThrow();
    expect(Date.now() - t).toBeLessThan(2500);
    await control(emu, 'DELETE', '/faults');
    expect((await exec(sdk, 'alipay.trade.query', { outTradeNo: 'x' })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
  });

  it('unsigned-error: error_response without sign (SDK throws with validateSign)', async () => {
    const { emu, sdk } = await setup();
    await control(emu, 'POST', '/faults', { kind: 'unsigned-error', count: 2 });
    await expect(exec(sdk, 'alipay.trade.query', { outTradeNo: 'x' })).rejects.toThrow(TypeError);
    const plain = (await sdk.exec('alipay.trade.query', { bizContent: { outTradeNo: 'x' } })) as Record<string, unknown>;
    expect(plain).toMatchObject({ code: '40002', subCode: 'isv.invalid-app-id' });
    expect((await exec(sdk, 'alipay.trade.query', { outTradeNo: 'x' })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
  });

  it('unknown-error (20000) and system-error (ACQ.SYSTEM_ERROR) are signed; apply moves the money', async () => {
    const { emu, sdk } = await setup();
    await paid(sdk, 'E1');
    await control(emu, 'POST', '/faults', { kind: 'unknown-error', method: 'alipay.trade.refund', apply: true });
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'E1', refundAmount: '2.00', outRequestNo: 'E1-1' })).toMatchObject({
      code: '20000',
      msg: 'Service Currently Unavailable',
      subCode: 'isp.unknow-error',
    });
    expect((await control<TradeView>(emu, 'GET', '/trades/E1')).body.refundFee).toBe('2.00');
    await control(emu, 'POST', '/faults', { kind: 'system-error', method: 'alipay.trade.refund' });
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'E1', refundAmount: '3.00', outRequestNo: 'E1-2' })).toMatchObject({
      code: '40004',
      subCode: 'ACQ.SYSTEM_ERROR',
    });
    expect((await control<TradeView>(emu, 'GET', '/trades/E1')).body.refundFee).toBe('2.00');
    expect(await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'E1', refundAmount: '3.00', outRequestNo: 'E1-2' })).toMatchObject({
      code: '10000',
      fundChange: 'Y',
      refundFee: '5.00',
    });
  });

  it('tamper: one amount digit changed after signing — the SDK verification fails', async () => {
    const { emu, sdk } = await setup();
    await paid(sdk, 'T1');
    await control(emu, 'POST', '/faults', { kind: 'tamper', method: 'alipay.trade.query' });
    const err = await exec(sdk, 'alipay.trade.query', { outTradeNo: 'T1' }).then(
      () => null,
      (e: unknown) => e as Error & { responseDataRaw?: string },
    );
    expect(err?.message).toMatch(/验签失败/);
    expect(err?.responseDataRaw).toMatch(/"buyer_pay_amount":"10\.10"/);
    expect((await exec(sdk, 'alipay.trade.query', { outTradeNo: 'T1' })).totalAmount).toBe('10.00');
  });

  it('DELETE faults clears them; reset forgets trades and notifications but keeps keys', async () => {
    const { emu, sdk } = await setup();
    await control(emu, 'POST', '/faults', { kind: 'system-error', count: 5 });
    expect((await control(emu, 'DELETE', '/faults')).status).toBe(200);
    await paid(sdk, 'Z1');
    expect((await control<TradeView[]>(emu, 'GET', '/trades')).body).toHaveLength(1);
    await control(emu, 'POST', '/reset', {});
    expect((await control<TradeView[]>(emu, 'GET', '/trades')).body).toHaveLength(0);
    expect((await exec(sdk, 'alipay.trade.query', { outTradeNo: 'Z1' })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    expect((await control(emu, 'POST', '/faults', { kind: 'nope' })).status).toBe(400);
    expect((await control<{ ok: boolean }>(emu, 'GET', '/health')).body).toEqual({ ok: true });
  });
});
