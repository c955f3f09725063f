import { afterEach, describe, expect, it } from 'vitest';

import { withEmulator } from './emulator-harness';
import { waitFor } from '../support';

type Env = Awaited<ReturnType<typeof withEmulator>>;

describe('refunds against the emulator', () => {
  let env: Env | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  async function paid(e: Env, amountFen: number) {
    const o = await e.core.createOrder({ amountFen, method: 'code', authCode: '281000000000000001' });
    expect(o.status).toBe('PAID');
    return o.id;
  }

  it('partial + partial + over-limit', async () => {
    env = await withEmulator({ core: { refundMinGapMs: 200 } });
    const id = await paid(env, 1000);
    const r1 = await env.core.refund({ orderId: id, amountFen: 300, reason: '少找零 / change' });
    expect(r1).toMatchObject({ status: 'SUCCESS', amountFen: 300 });
    const r2 = await env.core.refund({ orderId: id, amountFen: 500 });
    expect(r2.status).toBe('SUCCESS');
    expect(r2.createdAt - r1.createdAt).toBeGreaterThanOrEqual(0);
    await expect(env.core.refund({ orderId: id, amountFen: 201 })).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS',
      message: expect.stringContaining('2.00'),
    });
    expect(env.core.getOrder(id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 800 });
    const t = await env.control.trade(id);
    expect(t?.refundFee).toBe('8.00');
    expect(t?.refunds.map((r) => [r.outRequestNo, r.refundAmount])).toEqual([
      [r1.id, '3.00'],
      [r2.id, '5.00'],
    ]);
    // Alipay's spacing rule: the second request went out ≥ refundMinGapMs after the first was answered.
    const [a, b] = t!.refunds;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(150);
    const r3 = await env.core.refund({ orderId: id, amountFen: 200 });
    expect(r3.status).toBe('SUCCESS');
    expect(env.core.getOrder(id)).toMatchObject({ status: 'REFUNDED', refundedFen: 1000 });
  });

  it('a gateway timeout (hang, apply: true) → UNKNOWN → resolved with exactly one refund at the emulator', async () => {
    env = await withEmulator();
    // Poll only: otherwise the emulator's refund notice (sent when it applies the refund) settles it first.
    const core = await env.newCore({ alipay: { ...env.config.alipay, timeoutMs: 300 }, notify: { port: 0, publicUrl: null } });
    const o = await core.createOrder({ amountFen: 1000, method: 'code', authCode: '281000000000000001' });
    await env.control.fault({ kind: 'hang', method: 'alipay.trade.refund', apply: true, ms: 3000 });
    const statuses: string[] = [];
    core.on('refund.updated', (r) => statuses.push(r.status));
    const r = await core.refund({ orderId: o.id, amountFen: 400 });
    expect(statuses).toContain('UNKNOWN');
    expect(r.status).toBe('SUCCESS');
    const t = await env.control.trade(o.id);
    expect(t?.refunds).toHaveLength(1);
    expect(t?.refunds[0]).toMatchObject({ outRequestNo: r.id, refundAmount: '4.00' });
    expect(core.getOrder(o.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 400 });
  });

  it('a timeout before the refund was processed (hang, not applied) → query: not received → retry with the same out_request_no', async () => {
    env = await withEmulator();
    const core = await env.newCore({ alipay: { ...env.config.alipay, timeoutMs: 300 } });
    const o = await core.createOrder({ amountFen: 1000, method: 'code', authCode: '281000000000000001' });
    await env.control.fault({ kind: 'hang', method: 'alipay.trade.refund', ms: 3000 });
    const r = await core.refund({ orderId: o.id, amountFen: 400 });
    expect(r.status).toBe('SUCCESS');
    const t = await env.control.trade(o.id);
    expect(t?.refunds).toEqual([expect.objectContaining({ outRequestNo: r.id, refundAmount: '4.00' })]);
  });

  it.each(['unknown-error', 'system-error', 'http500', 'unsigned-error', 'tamper'])(
    'refund answered by fault %s → UNKNOWN → resolved, one refund only',
    async (kind) => {
      env = await withEmulator();
      const id = await paid(env, 1000);
      await env.control.fault({ kind, method: 'alipay.trade.refund', apply: kind === 'tamper' || kind === 'http500' });
      const r = await env.core.refund({ orderId: id, amountFen: 100 });
      expect(r.status).toBe('SUCCESS');
      expect((await env.control.trade(id))?.refunds).toHaveLength(1);
    },
  );

  it('two concurrent refunds that together exceed the paid amount → one is refused', async () => {
    env = await withEmulator();
    const id = await paid(env, 1000);
    const results = await Promise.allSettled([env.core.refund({ orderId: id, amountFen: 700 }), env.core.refund({ orderId: id, amountFen: 700 })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await env.control.trade(id))?.refunds).toHaveLength(1);
    expect(env.core.getOrder(id)?.refundedFen).toBe(700);
  });

  it('refund notifications are applied idempotently (the API answer and the notice both report it)', async () => {
    env = await withEmulator();
    const o = await env.core.createOrder({ amountFen: 1000, method: 'qr' });
    await env.control.pay(o.id);
    await waitFor(() => env!.core.getOrder(o.id)?.status === 'PAID', 'PAID');
    const verdicts: string[] = [];
    env.core.on('notification.received', (n) => verdicts.push(n.verdict));
    await env.core.refund({ orderId: o.id, amountFen: 1000 });
    await waitFor(() => verdicts.length >= 1, 'refund notice');
    expect(verdicts.every((v) => v !== 'rejected')).toBe(true);
    expect(env.core.getOrder(o.id)).toMatchObject({ status: 'REFUNDED', refundedFen: 1000 });
    expect(env.core.getOrder(o.id)?.refunds).toHaveLength(1);
    expect(env.core.events(o.id).filter((e) => e.kind === 'refund_succeeded')).toHaveLength(1);
  });

  it('restart with an UNKNOWN refund → the start-up sweep resolves it', async () => {
    env = await withEmulator();
    const first = await env.newCore({ alipay: { ...env.config.alipay, timeoutMs: 300 }, notify: { port: 0, publicUrl: null } });
    const o = await first.createOrder({ amountFen: 1000, method: 'code', authCode: '281000000000000001' });
    // The refund and every resolution query fail while the first core runs.
    await env.control.fault({ kind: 'hang', method: 'alipay.trade.refund', apply: true, ms: 3000 });
    await env.control.fault({ kind: 'http500', method: 'alipay.trade.fastpay.refund.query', count: 2 });
    const r = await first.refund({ orderId: o.id, amountFen: 100 });
    expect(r.status).toBe('UNKNOWN');
    await first.close();
    await env.control.clearFaults();
    const second = await env.newCore();
    await waitFor(() => second.getOrder(o.id)?.refunds[0]?.status === 'SUCCESS', 'sweep resolved');
    expect((await env.control.trade(o.id))?.refunds).toHaveLength(1);
  });
});
