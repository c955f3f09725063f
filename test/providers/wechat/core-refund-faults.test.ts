/**
 * WeChat Pay refunds through the payment core under the faults the Alipay refunds are tested with
 * (test/main/refunds.emulator.test.ts): the real core, notify server and WeChat emulator over HTTP, the
 * adapter's request timeout lowered to 300 ms so the tests run past it. WeChat refunds are asynchronous:
 * an accepted refund is PROCESSING (the core's UNKNOWN) until WeChat settles it, by REFUND.SUCCESS or by
 * the refund query. Poll-only cores (no notify URL) make the refund query, not a notice, settle it.
 */
import { describe, expect, it } from 'vitest';
import { WECHAT_TEST_AUTH_CODES as CODES } from '../../../src/emulator';
import type { PaymentCore } from '../../../src/main/payments';
import { waitFor } from '../../support';
import { advance, wxControl } from './helpers';
import { wxFaultEnv } from './fault-harness';

const wxSettle = (env: Awaited<ReturnType<typeof wxFaultEnv>>, no: string) => wxControl(env.emu, 'POST', `/refunds/${no}/settle`, { status: 'SUCCESS' });
const pollOnly = { notify: { port: 0, publicUrl: null }, timeoutMs: 300 } as const;

async function paidCode(core: PaymentCore, amountFen: number): Promise<string> {
  const o = await core.createOrder({ amountFen, method: 'code', provider: 'wechat', authCode: CODES.PAID });
  expect(o).toMatchObject({ status: 'PAID', provider: 'wechat' });
  return o.id;
}

describe('WeChat refunds through the core: no answer, or no trustworthy answer', () => {
  it('a hang past the client timeout after WeChat took the refund → UNKNOWN, one refund at WeChat; PROCESSING → settled → SUCCESS by the refund query', async () => {
    const env = await wxFaultEnv(pollOnly);
    const id = await paidCode(env.core, 1000);
    await env.fault({ kind: 'hang', method: 'refund', apply: true, ms: 1500 });
    const started = Date.now();
    const r = await env.core.refund({ orderId: id, amountFen: 400 });
    expect(Date.now() - started).toBeLessThan(1400); // gave up at the client timeout, not at the hang
    expect(r.status).toBe('UNKNOWN');
    // The out_refund_no WeChat holds is the one the core reserved (the refund's id).
    expect((await env.trade(id)).refunds).toEqual([expect.objectContaining({ outRefundNo: r.id, status: 'PROCESSING', refund: 400 })]);
    await expect(env.core.refund({ orderId: id, amountFen: 100 })).rejects.toMatchObject({ code: 'REFUND_IN_PROGRESS' });
    // WeChat settles it a minute later (emulated); only the refund query can tell the core.
    await advance(env.emu, 61_000);
    await waitFor(() => env.core.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'refund settled by the query', 5000);
    expect(env.core.getOrder(id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 400 });
    expect((await env.trade(id)).refunds).toEqual([expect.objectContaining({ outRefundNo: r.id, status: 'SUCCESS', refund: 400 })]);
    expect(env.core.events(id).filter((e) => e.kind === 'refund_succeeded')).toHaveLength(1);
  });

  it('a hang before WeChat took the refund → the refund query answers NOT_FOUND → sent again with the same out_refund_no → one refund', async () => {
    const env = await wxFaultEnv(pollOnly);
    const id = await paidCode(env.core, 1000);
    await env.fault({ kind: 'hang', method: 'refund', ms: 1500 });
    const r = await env.core.refund({ orderId: id, amountFen: 300 });
    await waitFor(async () => (await env.trade(id)).refunds.length > 0, 'the refund re-sent', 5000);
    expect((await env.trade(id)).refunds).toEqual([expect.objectContaining({ outRefundNo: r.id, refund: 300 })]);
    await advance(env.emu, 61_000);
    await waitFor(() => env.core.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'refund settled', 5000);
    expect(env.core.getOrder(id)?.refunds).toEqual([expect.objectContaining({ id: r.id, amountFen: 300, status: 'SUCCESS' })]);
    expect((await env.trade(id)).refunds).toHaveLength(1);
  });

  it('keep-alive: WeChat closed the payment answer’s connection for idleness; the refund written on it is reset unread → UNKNOWN → NOT_FOUND → resent with the same out_refund_no → one refund', async () => {
    const env = await wxFaultEnv(pollOnly);
    await env.fault({ kind: 'idle-close', method: 'codepay' });
    const id = await paidCode(env.core, 1000);
    expect(await env.faults()).toEqual([]);
    const r = await env.core.refund({ orderId: id, amountFen: 500 });
    await waitFor(async () => (await env.trade(id)).refunds.length > 0, 'the refund re-sent on a fresh connection', 5000);
    expect((await env.trade(id)).refunds).toEqual([expect.objectContaining({ outRefundNo: r.id, refund: 500 })]);
    expect(env.emuLog.some((l) => l.includes('idle-closed connection'))).toBe(true);
    await advance(env.emu, 61_000);
    await waitFor(() => env.core.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'refund settled', 5000);
    expect(env.core.getOrder(id)).toMatchObject({ refundedFen: 500 });
  });

  it('the REFUND.SUCCESS notice arrives before the refund’s own answer (which then times out) → SUCCESS stays, applied once', async () => {
    const env = await wxFaultEnv({ timeoutMs: 1000 });
    const id = await paidCode(env.core, 1000);
    await env.fault({ kind: 'hang', method: 'refund', apply: true, ms: 3000 });
    const pending = env.core.refund({ orderId: id, amountFen: 600 });
    const no = await waitFor(async () => (await env.trade(id)).refunds[0]?.outRefundNo, 'WeChat took the refund', 3000);
    expect((await wxSettle(env, no)).status).toBe(200); // settled while the answer is still outstanding
    await waitFor(() => env.core.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'applied by the notice', 3000);
    const r = await pending; // the answer never came: the client timed out after the notice
    expect(r).toMatchObject({ id: no, status: 'SUCCESS' });
    expect(env.core.getOrder(id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 600, refunds: [expect.objectContaining({ status: 'SUCCESS' })] });
    expect(env.core.events(id).filter((e) => e.kind === 'refund_succeeded')).toEqual([expect.objectContaining({ source: 'notify' })]);
    expect((await env.trade(id)).refunds).toHaveLength(1);
  });

  it.each(['system-error', 'http500', 'tamper'])('refund taken by WeChat but answered with %s → UNKNOWN → resolved, one refund only', async (kind) => {
    const env = await wxFaultEnv(pollOnly);
    const id = await paidCode(env.core, 1000);
    await env.fault({ kind, method: 'refund', apply: true });
    const r = await env.core.refund({ orderId: id, amountFen: 250 });
    expect(r.status).toBe('UNKNOWN');
    await advance(env.emu, 61_000);
    await waitFor(() => env.core.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'resolved', 5000);
    expect((await env.trade(id)).refunds).toEqual([expect.objectContaining({ outRefundNo: r.id, refund: 250, status: 'SUCCESS' })]);
    expect(env.core.getOrder(id)).toMatchObject({ refundedFen: 250 });
  });

  it('restart with an unresolved refund (every query failing meanwhile) → the start-up sweep resolves it with the same out_refund_no, once', async () => {
    const env = await wxFaultEnv(pollOnly);
    const id = await paidCode(env.core, 1000);
    await env.fault({ kind: 'hang', method: 'refund', apply: true, ms: 1500 });
    await env.fault({ kind: 'http500', method: 'refund-query', count: 1000 });
    const r = await env.core.refund({ orderId: id, amountFen: 100 });
    expect(r.status).toBe('UNKNOWN');
    await env.core.close();
    await env.clearFaults();
    await advance(env.emu, 61_000);
    const again = await env.newCore({ ...pollOnly, poll: { initialMs: 60_000, maxMs: 60_000 } });
    await waitFor(() => again.getOrder(id)?.refunds[0]?.status === 'SUCCESS', 'sweep resolved', 5000);
    expect(again.getOrder(id)?.refunds).toEqual([expect.objectContaining({ id: r.id, status: 'SUCCESS', amountFen: 100 })]);
    expect((await env.trade(id)).refunds).toEqual([expect.objectContaining({ outRefundNo: r.id, refund: 100 })]);
  });

  it('a refund PROCESSING at WeChat (every refund query failing) settles by its REFUND.SUCCESS notice, duplicated, applied once', async () => {
    const env = await wxFaultEnv({ timeoutMs: 300 });
    const id = await paidCode(env.core, 1000);
    await env.fault({ kind: 'http500', method: 'refund-query', count: 1000 });
    const r = await env.core.refund({ orderId: id, amountFen: 1000 });
    expect(r.status).toBe('UNKNOWN');
    await env.fault({ kind: 'notify-duplicate', count: 1 });
    await advance(env.emu, 61_000);
    await waitFor(() => env.core.getOrder(id)?.status === 'REFUNDED', 'settled by the notice', 5000);
    await waitFor(
      async () => (await env.deliveries(id)).filter((d) => d.eventType === 'REFUND.SUCCESS' && d.accepted).length >= 2,
      'both copies acknowledged',
      5000,
    );
    expect(env.core.events(id).filter((e) => e.kind === 'refund_succeeded')).toEqual([expect.objectContaining({ source: 'notify' })]);
    expect(env.core.getOrder(id)).toMatchObject({ refundedFen: 1000, refunds: [expect.objectContaining({ id: r.id, status: 'SUCCESS' })] });
  });
});
