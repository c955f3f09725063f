/**
 * Forged and tampered WeChat Pay notifications through the payment core (the real notify server at
 * /notify/wechat, the real inbox): each is refused with WeChat's failure answer (400 {"code":"FAIL"}),
 * stored with its reason, and changes nothing: the order still waits, no refund appears. Notices are built
 * with node:crypto in the test helpers (forgeNotice), signed with the emulator's WeChat Pay key when they
 * must look genuine.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support';
import { twoProviderCore } from './core-harness';
import { forgeNotice, paidResource } from './helpers';

async function post(url: string, n: { headers: Record<string, string>; rawBody: Buffer }): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { ...n.headers, 'content-type': 'application/json' }, body: n.rawBody });
  return { status: res.status, body: await res.text() };
}

describe('forged or tampered WeChat notifications through the core', () => {
  it('bad signature, stale timestamp, wrong APIv3 key, wrong mchid, wrong amount, a paid trade claimed for another order: refused, stored, nothing changes', async () => {
    const { emu, core, inbox, wechatpayPrivateKey, merchantPrivateKey } = await twoProviderCore({ poll: { initialMs: 2000, maxMs: 2000 } });
    const c = emu.credentials.wechat;
    const order = await core.createOrder({ amountFen: 1000, method: 'qr', provider: 'wechat' });
    const url = order.notifyUrl as string;

    // A trade genuinely paid for another order of the same amount: its transaction id is on that order.
    const other = await core.createOrder({ amountFen: 1000, method: 'qr', provider: 'wechat' });
    const token = new URL(other.qrCode as string).searchParams.get('pr') ?? '';
    await fetch(`${c.baseUrl}/wxpay/${token}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    const paidOther = await waitFor(() => (core.getOrder(other.id)?.status === 'PAID' ? core.getOrder(other.id) : null), 'the other order PAID', 5000);
    const before = inbox().length;

    const genuine = { signingKey: wechatpayPrivateKey, serial: c.wechatpayPublicKeyId, apiV3Key: c.apiV3Key };
    const nowSec = Math.floor(Date.now() / 1000);
    const cases: [string, { headers: Record<string, string>; rawBody: Buffer }, RegExp][] = [
      [
        'signed with the merchant key',
        forgeNotice({ ...genuine, signingKey: merchantPrivateKey, resource: paidResource(c, order.id, 1000) }),
        /^bad signature$/,
      ],
      [
        'stale timestamp (10 minutes old)',
        forgeNotice({ ...genuine, timestampSec: nowSec - 600, resource: paidResource(c, order.id, 1000) }),
        /^stale Wechatpay-Timestamp/,
      ],
      ['encrypted with another APIv3 key', forgeNotice({ ...genuine, apiV3Key: 'K'.repeat(32), resource: paidResource(c, order.id, 1000) }), /APIv3 key/],
      ['another merchant’s mchid', forgeNotice({ ...genuine, resource: paidResource(c, order.id, 1000, { mchid: '1900000109' }) }), /^mchid does not match$/],
      [
        'an amount other than the order’s',
        forgeNotice({ ...genuine, resource: paidResource(c, order.id, 1, { amount: { total: 1, payer_total: 1, currency: 'CNY', payer_currency: 'CNY' } }) }),
        /^total_amount mismatch$/,
      ],
      [
        'the other order’s paid trade replayed under this order’s number',
        forgeNotice({ ...genuine, resource: paidResource(c, order.id, 1000, { transaction_id: paidOther.tradeNo }) }),
        /trade number .* another order/,
      ],
    ];
    for (const [name, notice, reason] of cases) {
      const r = await post(url, notice);
      expect([name, r.status, JSON.parse(r.body) as unknown]).toEqual([name, 400, { code: 'FAIL', message: expect.any(String) }]);
      const row = inbox().at(-1);
      expect([name, row?.provider, row?.verdict]).toEqual([name, 'wechat', 'rejected']);
      expect(row?.reason, name).toMatch(reason);
      expect(core.getOrder(order.id), name).toMatchObject({ status: 'AWAITING_PAYMENT', tradeNo: null, refundedFen: 0, refunds: [] });
    }
    expect(inbox().length - before).toBe(cases.length);
    expect(core.events(order.id).some((e) => e.kind === 'paid')).toBe(false);
    expect(core.getOrder(other.id)).toMatchObject({ status: 'PAID', tradeNo: paidOther.tradeNo });

    // The control: the same forging, every field right, is applied (so each refusal above is its fault's).
    const right = await post(url, forgeNotice({ ...genuine, resource: paidResource(c, order.id, 1000, { transaction_id: '4200000000202612019999999999' }) }));
    expect(right).toEqual({ status: 204, body: '' });
    expect(core.getOrder(order.id)).toMatchObject({ status: 'PAID', tradeNo: '4200000000202612019999999999' });
    expect(inbox().at(-1)).toMatchObject({ provider: 'wechat', verdict: 'applied', orderId: order.id });
  });
});
