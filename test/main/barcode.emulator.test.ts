import { afterEach, describe, expect, it } from 'vitest';
import { withEmulator } from './emulator-harness';

type Env = Awaited<ReturnType<typeof withEmulator>>;

/** 付款码 (alipay.trade.pay) with the emulator's test codes (docs/emulator.md). */
describe('付款码 against the emulator', () => {
  let env: Env | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  it('immediate success (10000) → PAID', async () => {
    env = await withEmulator();
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', authCode: '281000000000000001' });
    expect(o).toMatchObject({ status: 'PAID', userPaying: false });
    expect(o.tradeNo).toBeTruthy();
    expect((await env.control.trade(o.id))?.status).toBe('TRADE_SUCCESS');
    expect(JSON.stringify(env.core.events(o.id))).not.toContain('281000000000000001');
  });

  it('confirm-later (10003) → userPaying while confirming → PAID', async () => {
    env = await withEmulator({ timeScale: 50 }); // 5 s emulated = 100 ms
    const flags: boolean[] = [];
    env.core.on('order.updated', (x) => flags.push(x.userPaying));
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', authCode: '282000000000000002' });
    expect(o.status).toBe('PAID');
    expect(flags).toContain(true);
    expect(flags.at(-1)).toBe(false);
    expect(env.core.events(o.id).map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'user_paying', 'paid']));
  });

  it('never confirms → cancelled (alipay.trade.cancel) with a reason', async () => {
    env = await withEmulator({ core: { barcode: { pollIntervalMs: 50, maxWaitMs: 500 } } });
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', authCode: '283000000000000003' });
    expect(o.status).toBe('CLOSED');
    expect(o.message).toMatch(/did not confirm/);
    expect((await env.control.trade(o.id))?.status).toBe('TRADE_CLOSED');
    expect(env.core.events(o.id).at(-1)).toMatchObject({ kind: 'cancelled', source: 'system' });
  });

  it.each([
    ['284000000000000004', /余额不足 \/ Insufficient balance/],
    ['285000000000000005', /付款码无效或已过期 \/ Payment code invalid or expired/],
  ])('declined (%s) → FAILED with the reason in words', async (code, reason) => {
    env = await withEmulator();
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', authCode: code });
    expect(o.status).toBe('FAILED');
    expect(o.message).toMatch(reason);
  });

  it('a timeout on alipay.trade.pay that was processed → query finds it paid', async () => {
    env = await withEmulator();
    const e = env;
    // Poll only, so that the query (not the emulator's notice) is what finds it paid.
    const core = await e.newCore({ alipay: { ...e.config.alipay, timeoutMs: 300 }, notify: { port: 0, publicUrl: null } });
    await e.control.fault({ kind: 'hang', method: 'alipay.trade.pay', apply: true, ms: 2000 });
    const o = await core.createOrder({ amountFen: 2500, method: 'code', authCode: '281000000000000001' });
    expect(o.status).toBe('PAID');
    expect(core.events(o.id).find((x) => x.kind === 'user_paying')?.payload).toMatchObject({ reason: 'timeout' });
  });

  it('the cashier cancels while the buyer is confirming', async () => {
    env = await withEmulator({ core: { barcode: { pollIntervalMs: 50, maxWaitMs: 5000 } } });
    const { core } = env;
    const pending = core.createOrder({ amountFen: 2500, method: 'code', authCode: '283000000000000003' });
    let id = '';
    await new Promise<void>((resolve) => {
      const off = core.on('order.updated', (x) => {
        if (x.userPaying) {
          id = x.id;
          off();
          resolve();
        }
      });
    });
    const cancelled = await core.cancelOrder(id);
    expect(cancelled.status).toBe('CLOSED');
    expect((await pending).status).toBe('CLOSED');
  });
});
