/**
 * WeChat Native QR orders through the payment core under every fault the Alipay QR path is tested with
 * (test/main/qr.emulator.test.ts, provider-faults, late-payment, notify-security), checked against the WeChat
 * emulator over real HTTP. Where each fault of the Alipay path is covered for WeChat:
 *
 * | fault / behaviour (Alipay path)                          | WeChat through the core                                         |
 * | -------------------------------------------------------- | --------------------------------------------------------------- |
 * | hang past the client timeout (applied / not)             | core-refund-faults, core-codepay-faults, this file (close, query) |
 * | 5xx / SYSTEM_ERROR / unsigned or tampered answer         | core-refund-faults, core-codepay-faults, this file (polling)    |
 * | connection reset                                         | core-codepay-faults, this file (polling, 下单)                  |
 * | keep-alive socket reused as the server closes it idle    | core-refund-faults (idle-close fault)                           |
 * | create answered by a fault → order FAILED                | this file (Native 下单)                                         |
 * | notice before the call's own answer                      | core-refund-faults (REFUND.SUCCESS before the refund answer)    |
 * | notification duplicated / dropped / retried late         | this file; core-refund-faults (REFUND.SUCCESS duplicated)       |
 * | out of order (refund notice before the payment notice)   | this file                                                       |
 * | refund PENDING → settled by notice / by query; NOT_FOUND | core-refund-faults                                              |
 * | refund resolved after a restart (same out_refund_no)     | core-refund-faults                                              |
 * | 付款码 USERPAYING → poll → reverse at the deadline       | core-codepay-faults                                             |
 * | late payment after a cancel that could not void          | no counterpart (a closed Native trade cannot be paid); this file: |
 * |                                                          | the close unanswered at cancel and expiry, paid meanwhile → PAID |
 * | start-up sweep after a crash                             | this file                                                       |
 * | poll only (no notify URL)                                | core.test.ts                                                    |
 * | expiry (closed at the provider; paid meanwhile → PAID)   | this file                                                       |
 */
import { describe, expect, it } from 'vitest';
import { WechatProvider } from '../../../src/main/providers/wechat';
import { waitFor } from '../../support';
import { advance, configFor } from './helpers';
import { wxFaultEnv } from './fault-harness';

const pollOnly = { notify: { port: 0, publicUrl: null } } as const;
const slowPoll = { poll: { initialMs: 60_000, maxMs: 60_000 } } as const;

describe('WeChat QR through the core: notifications', () => {
  it('the payment notice dropped → polling converges', async () => {
    const env = await wxFaultEnv();
    await env.fault({ kind: 'notify-drop' });
    const o = await env.core.createOrder({ amountFen: 500, method: 'qr', provider: 'wechat' });
    expect(await env.pay(o.id)).toBe(200);
    await waitFor(() => env.core.getOrder(o.id)?.status === 'PAID', 'PAID by polling', 5000);
    expect(env.core.events(o.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'poll' });
    expect(await env.deliveries(o.id)).toEqual([]);
  });

  it('the notice duplicated by WeChat (3 copies, one notify id) → one transition, the copies acknowledged', async () => {
    const env = await wxFaultEnv(slowPoll);
    await env.fault({ kind: 'notify-duplicate' });
    const verdicts: string[] = [];
    env.core.on('notification.received', (n) => verdicts.push(n.verdict));
    const o = await env.core.createOrder({ amountFen: 1000, method: 'qr', provider: 'wechat' });
    await env.pay(o.id);
    await waitFor(() => verdicts.length >= 3, '3 deliveries', 5000);
    expect(verdicts.sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(env.core.events(o.id).filter((e) => e.kind === 'paid')).toEqual([expect.objectContaining({ source: 'notify' })]);
    const d = await waitFor(async () => ((await env.deliveries(o.id)).every((x) => x.accepted) ? env.deliveries(o.id) : null), 'all acknowledged', 3000);
    expect(new Set(d.map((x) => x.notifyId)).size).toBe(1);
  });

  it('delivered while PayDesk was down, queries failing: WeChat retries 15 s (emulated) later on the same address → PAID by the late notice', async () => {
    const env = await wxFaultEnv(slowPoll);
    const o = await env.core.createOrder({ amountFen: 700, method: 'qr', provider: 'wechat' });
    const port = Number(new URL(o.notifyUrl as string).port);
    await env.core.close(); // the app is down when WeChat delivers
    await env.pay(o.id);
    await waitFor(async () => (await env.deliveries(o.id)).length === 1, 'first attempt (refused)', 3000);
    expect((await env.deliveries(o.id))[0]).toMatchObject({ accepted: false });
    await env.fault({ kind: 'http500', method: 'query', count: 1000 }); // the start-up sweep cannot see it
    const again = await env.newCore({ ...slowPoll, notify: { port } });
    await advance(env.emu, 16_000);
    await waitFor(() => again.getOrder(o.id)?.status === 'PAID', 'PAID by the retried notice', 5000);
    expect(again.events(o.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'notify' });
    expect((await env.deliveries(o.id)).map((d) => [d.attempt, d.accepted])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('out of order: REFUND.SUCCESS (a refund made in the merchant platform) before TRANSACTION.SUCCESS → paid + the refund recorded once', async () => {
    const env = await wxFaultEnv(slowPoll);
    await env.fault({ kind: 'notify-reorder', count: 2 });
    const o = await env.core.createOrder({ amountFen: 1000, method: 'qr', provider: 'wechat' });
    await env.pay(o.id); // its notice is held back
    const elsewhere = new WechatProvider(configFor(env.emu.credentials.wechat));
    const refund = await elsewhere.refund({
      outTradeNo: o.id,
      outRequestNo: 'PLATFORM-R1',
      amountFen: 300,
      totalFen: 1000,
      reason: null,
      notifyUrl: o.notifyUrl,
    });
    expect(refund.kind).toBe('ok');
    await advance(env.emu, 61_000); // settles SUCCESS: its notice goes first, then the held payment notice
    await waitFor(async () => (await env.deliveries(o.id)).filter((d) => d.accepted).length === 2, 'both notices acknowledged', 5000);
    expect((await env.deliveries(o.id)).map((d) => d.eventType)).toEqual(['REFUND.SUCCESS', 'TRANSACTION.SUCCESS']);
    expect(env.core.getOrder(o.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedFen: 300, tradeNo: expect.stringMatching(/^4200/) });
    expect(env.core.events(o.id).filter((e) => e.kind === 'refund_succeeded')).toHaveLength(1);
  });
});

describe('WeChat QR through the core: no answer from WeChat', () => {
  it.each([
    ['http500', false],
    ['tamper', false],
    ['system-error', false],
    ['hang', true],
    ['reset', true],
  ])('Native 下单 answered by %s (processed by WeChat: %s) → order FAILED with a bilingual reason, its QR never shown', async (kind, apply) => {
    const env = await wxFaultEnv({ timeoutMs: 300 });
    await env.fault({ kind, method: 'native', apply, ms: 1000 });
    const o = await env.core.createOrder({ amountFen: 100, method: 'qr', provider: 'wechat' });
    expect(o).toMatchObject({ status: 'FAILED', qrCode: null });
    expect(o.message).toMatch(/^[^A-Za-z]*[\u4e00-\u9fff].* \/ [A-Z]/);
    expect(await env.faults()).toEqual([]);
  });

  it('queries answered SYSTEM_ERROR, HTML 500, a connection reset and a hang past the client timeout while polling → converges to PAID', async () => {
    const env = await wxFaultEnv({ ...pollOnly, timeoutMs: 300 });
    const o = await env.core.createOrder({ amountFen: 100, method: 'qr', provider: 'wechat' });
    for (const kind of ['system-error', 'http500', 'reset']) await env.fault({ kind, method: 'query' });
    await env.fault({ kind: 'hang', method: 'query', ms: 1000 });
    await env.pay(o.id);
    await waitFor(() => env.core.getOrder(o.id)?.status === 'PAID', 'PAID despite faults', 8000);
    expect(await env.faults()).toEqual([]);
  });

  it('cashier cancel when WeChat does not answer the close (hang past the timeout) → clear error, still waiting; later it works', async () => {
    const env = await wxFaultEnv({ ...slowPoll, timeoutMs: 300 });
    const o = await env.core.createOrder({ amountFen: 100, method: 'qr', provider: 'wechat' });
    await env.fault({ kind: 'hang', method: 'close', ms: 1000 });
    await expect(env.core.cancelOrder(o.id)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/ \/ /) });
    expect(env.core.getOrder(o.id)?.status).toBe('AWAITING_PAYMENT');
    expect(await env.core.cancelOrder(o.id)).toMatchObject({ status: 'CLOSED' });
    expect((await env.trade(o.id)).state).toBe('CLOSED');
  });

  it('process down while the buyer pays (poll only) → the start-up sweep finds it PAID', async () => {
    const env = await wxFaultEnv(pollOnly);
    const paid = await env.core.createOrder({ amountFen: 800, method: 'qr', provider: 'wechat' });
    const waiting = await env.core.createOrder({ amountFen: 900, method: 'qr', provider: 'wechat' });
    await env.core.close();
    await env.pay(paid.id);
    const again = await env.newCore({ ...pollOnly, ...slowPoll });
    await waitFor(() => again.getOrder(paid.id)?.status === 'PAID', 'sweep → PAID', 5000);
    expect(again.events(paid.id).at(-1)).toMatchObject({ source: 'sweep', kind: 'paid' });
    expect(again.getOrder(waiting.id)?.status).toBe('AWAITING_PAYMENT');
  });
});

describe('WeChat QR through the core: closed, expired, paid late', () => {
  it('the close unanswered (SYSTEM_ERROR) at the cancel and at the expiry → the order keeps waiting, and the QR paid meanwhile → PAID, nothing lost; refunded in one call', async () => {
    // A WeChat Native trade exists from its creation and cannot be paid once WeChat answered its close
    // (关闭订单), so the Alipay case "cancel could not void the number" has no WeChat counterpart: here the
    // close itself goes unanswered.
    const env = await wxFaultEnv({ ...pollOnly, orderExpiryMs: 400, timeoutMs: 300 });
    await env.fault({ kind: 'system-error', method: 'close', count: 1000 });
    const o = await env.core.createOrder({ amountFen: 6600, method: 'qr', provider: 'wechat' });
    await expect(env.core.cancelOrder(o.id)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    await new Promise((r) => setTimeout(r, 600)); // past the order's expiry: its close is unanswered too
    expect(env.core.getOrder(o.id)?.status).toBe('AWAITING_PAYMENT');
    expect(await env.pay(o.id)).toBe(200); // WeChat now holds 66.00
    await waitFor(() => env.core.getOrder(o.id)?.status === 'PAID', 'the payment noticed', 5000);
    expect(env.core.events(o.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'poll' });
    const r = await env.core.refund({ orderId: o.id, amountFen: 6600 });
    expect(r.status).toBe('UNKNOWN'); // PROCESSING at WeChat
    await advance(env.emu, 61_000);
    await waitFor(() => env.core.getOrder(o.id)?.status === 'REFUNDED', 'refunded', 5000);
    expect((await env.trade(o.id)).refunds).toEqual([expect.objectContaining({ outRefundNo: r.id, refund: 6600, status: 'SUCCESS' })]);
  });

  it('expiry: the order is closed at WeChat (its QR can no longer be paid)', async () => {
    const env = await wxFaultEnv({ orderExpiryMs: 400 });
    const o = await env.core.createOrder({ amountFen: 100, method: 'qr', provider: 'wechat' });
    await waitFor(() => env.core.getOrder(o.id)?.status === 'CLOSED', 'expired', 5000);
    expect(env.core.events(o.id).at(-1)).toMatchObject({ kind: 'expired' });
    expect((await env.trade(o.id)).state).toBe('CLOSED');
    expect(await env.pay(o.id)).toBe(409);
  });

  it('expiry when the buyer paid meanwhile (notice lost, polling slow) → close refused ORDERPAID → query → PAID', async () => {
    const env = await wxFaultEnv({ orderExpiryMs: 400, ...slowPoll });
    await env.fault({ kind: 'notify-drop' });
    const o = await env.core.createOrder({ amountFen: 100, method: 'qr', provider: 'wechat' });
    await env.pay(o.id);
    await waitFor(() => env.core.getOrder(o.id)?.status === 'PAID', 'PAID via close → query', 5000);
    expect((await env.trade(o.id)).state).toBe('SUCCESS');
  });
});
