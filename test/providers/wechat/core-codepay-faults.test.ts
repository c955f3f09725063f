/**
 * WeChat 付款码 through the payment core under the faults the Alipay 付款码 is tested with
 * (test/main/barcode.emulator.test.ts): USERPAYING → poll → PAID, never confirmed → 撤销 (reverse) at the
 * deadline, a reverse WeChat answers "系统异常，请稍后重试" (SYSTEM_ERROR, the documented answer asking to
 * call again), a payment request WeChat processed whose answer was lost past the lowered client timeout.
 * Real core, notify server and WeChat emulator over HTTP; the emulator's test codes (docs/emulator.md).
 */
import { describe, expect, it } from 'vitest';
import { WECHAT_TEST_AUTH_CODES as CODES } from '../../../src/emulator';
import { waitFor } from '../../support';
import { advance } from './helpers';
import { wxFaultEnv } from './fault-harness';

describe('WeChat 付款码 through the core', () => {
  it('USERPAYING (the buyer enters the password 8 s later) → user_paying → polled → PAID', async () => {
    const env = await wxFaultEnv({ barcode: { pollIntervalMs: 50, maxWaitMs: 5000 } });
    const flags: boolean[] = [];
    env.core.on('order.updated', (o) => flags.push(o.userPaying));
    const pending = env.core.createOrder({ amountFen: 2500, method: 'code', provider: 'wechat', authCode: CODES.USERPAYING_THEN_PAID });
    await waitFor(() => flags.includes(true), 'user paying', 3000);
    await advance(env.emu, 9_000); // the buyer's password, 8 emulated seconds later
    const o = await pending;
    expect(o).toMatchObject({ status: 'PAID', provider: 'wechat', userPaying: false, tradeNo: expect.stringMatching(/^4200/) });
    expect(env.core.events(o.id).map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'user_paying', 'paid']));
    expect((await env.trade(o.id)).state).toBe('SUCCESS');
  });

  it('never confirmed → reversed (撤销) at the deadline: CLOSED here, REVOKED at WeChat, can no longer be paid', async () => {
    const env = await wxFaultEnv({ barcode: { pollIntervalMs: 50, maxWaitMs: 500 } });
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', provider: 'wechat', authCode: CODES.USERPAYING_NEVER });
    expect(o.status).toBe('CLOSED');
    expect(o.message).toMatch(/did not confirm/);
    expect(env.core.events(o.id).at(-1)).toMatchObject({ kind: 'cancelled', source: 'system' });
    expect((await env.trade(o.id)).state).toBe('REVOKED');
    expect(await env.pay(o.id)).toBe(409);
  });

  it('never confirmed, and the reverse at the deadline is answered SYSTEM_ERROR 4 times (past the inline retries) → reversed again until WeChat has REVOKED it', async () => {
    const env = await wxFaultEnv({ barcode: { pollIntervalMs: 50, maxWaitMs: 500 } });
    await env.fault({ kind: 'system-error', method: 'reverse', count: 4 });
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', provider: 'wechat', authCode: CODES.USERPAYING_NEVER });
    await waitFor(async () => (await env.trade(o.id)).state === 'REVOKED', 'reversed at WeChat', 10_000);
    await waitFor(() => env.core.getOrder(o.id)?.status === 'CLOSED', 'closed here', 5000);
    expect(await env.faults()).toEqual([]); // every SYSTEM_ERROR answer was given: the reverse was sent 5 times
    expect(await env.pay(o.id)).toBe(409);
    expect(env.core.getOrder(o.id)).toMatchObject({ status: 'CLOSED', tradeNo: null });
  });

  it('the cashier cancels while the buyer is entering the password → reversed: CLOSED here, REVOKED at WeChat', async () => {
    const env = await wxFaultEnv({ barcode: { pollIntervalMs: 50, maxWaitMs: 5000 } });
    let id = '';
    const off = env.core.on('order.updated', (x) => {
      if (x.userPaying) id = x.id;
    });
    const pending = env.core.createOrder({ amountFen: 2500, method: 'code', provider: 'wechat', authCode: CODES.USERPAYING_NEVER });
    await waitFor(() => id !== '', 'user paying', 3000);
    off();
    expect(await env.core.cancelOrder(id)).toMatchObject({ status: 'CLOSED' });
    expect((await pending).status).toBe('CLOSED');
    expect((await env.trade(id)).state).toBe('REVOKED');
  });

  it('the payment request processed by WeChat, its answer lost (hang past the 300 ms client timeout) → the query finds it PAID', async () => {
    const env = await wxFaultEnv({ timeoutMs: 300 });
    await env.fault({ kind: 'hang', method: 'codepay', apply: true, ms: 1500 });
    const started = Date.now();
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', provider: 'wechat', authCode: CODES.PAID });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(o).toMatchObject({ status: 'PAID', tradeNo: expect.stringMatching(/^4200/) });
    expect(env.core.events(o.id).find((x) => x.kind === 'user_paying')?.payload).toMatchObject({ reason: 'timeout' });
  });

  it('the payment request answered by a connection reset after WeChat processed it → the query finds it PAID', async () => {
    const env = await wxFaultEnv({ timeoutMs: 300 });
    await env.fault({ kind: 'reset', method: 'codepay', apply: true });
    const o = await env.core.createOrder({ amountFen: 2500, method: 'code', provider: 'wechat', authCode: CODES.PAID });
    expect(o).toMatchObject({ status: 'PAID', tradeNo: expect.stringMatching(/^4200/) });
    expect(env.core.events(o.id).find((x) => x.kind === 'user_paying')).toBeDefined(); // the answer was lost: asked by query
    expect(await env.faults()).toEqual([]);
    expect((await env.trade(o.id)).state).toBe('SUCCESS');
  });
});
