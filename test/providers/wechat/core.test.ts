/**
 * WeChat Pay hosted by the payment core beside Alipay: one core, both adapters built through the default
 * registry, both emulators. The WeChat loop runs end to end over real HTTP (Native QR → the buyer pays on
 * the emulator's page → TRANSACTION.SUCCESS at /notify/wechat → PAID → an asynchronous partial refund →
 * REFUND.SUCCESS → SUCCESS), an Alipay order in the same core still works, and a poll-only core confirms
 * a WeChat payment by query.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/kernel';
import { defaultProviderRegistry } from '../../../src/main/providers/registry';
import { memoryLogger, waitFor } from '../../support';
import { twoProviderCore, settingsFor } from './core-harness';
import { setup, wxControl } from './helpers';

interface WxTradeView {
  state: string;
  total: number;
  expiresAt: number;
  refunds: { outRefundNo: string; status: string; refund: number }[];
}

interface WxDelivery {
  eventType: string;
  outTradeNo: string;
  url: string;
  status: number | null;
  responseBody: string | null;
  accepted: boolean;
}

/** The buyer scans the code_url and taps 确认支付 on the emulator's buyer page (its customer API). */
async function buyerPays(baseUrl: string, codeUrl: string): Promise<void> {
  const token = new URL(codeUrl).searchParams.get('pr') ?? '';
  expect((await fetch(`${baseUrl}/wxpay/bizpayurl?pr=${token}`)).status).toBe(200);
  const res = await fetch(`${baseUrl}/wxpay/${token}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  expect(await res.text()).toContain('paid');
}

describe('the registry builds the WeChat Pay adapter', () => {
  it("'wechat' is a default provider; its settings are checked with bilingual errors naming the fields", async () => {
    const t = await setup();
    const registry = defaultProviderRegistry();
    expect(registry.ids()).toEqual(['alipay', 'wechat']);
    const deps = { logger: memoryLogger(), clock: systemClock };
    const good = settingsFor(t.emu).wechat;
    const built = registry.build('wechat', good, deps);
    expect(built).toMatchObject({ id: 'wechat', environment: 'demo', accountId: t.c.mchid, methods: ['qr', 'code'] });
    // The adapter it built talks to the emulator: an unknown trade is NOT_FOUND (signed and verified).
    expect(await built.query('WXNOSUCH01')).toMatchObject({ kind: 'business', failure: 'NOT_FOUND' });
    const bad: [string, Record<string, unknown>][] = [
      ['apiV3Key', { apiV3Key: 'too-short' }],
      ['merchantSerialNo', { merchantSerialNo: 'ABC' }],
      ['wechatpayPublicKeyId', { wechatpayPublicKeyId: 'KEY_1' }],
      ['mchid', { mchid: 'M-1' }],
      ['merchantPrivateKey', { merchantPrivateKey: 'not a key' }],
      ['baseUrl', { baseUrl: 'nowhere' }],
      ['wechatpayPublicKey', { wechatpayPublicKey: undefined }],
    ];
    for (const [field, over] of bad) {
      expect(() => registry.build('wechat', { ...good, ...over }, deps)).toThrow(
        expect.objectContaining({
          code: 'PROVIDER_SETTINGS_INVALID',
          message: expect.stringMatching(
            new RegExp(`^支付机构 wechat 的设置不完整或有误（${field}）/ Settings of provider wechat are incomplete or invalid \\(${field}\\)$`),
          ),
        }),
      );
    }
  });
});

describe('one core, Alipay and WeChat Pay, both emulators', () => {
  it('WeChat: QR → the buyer pays → notice at /notify/wechat (204) → PAID → partial refund PENDING → REFUND.SUCCESS → SUCCESS; Alipay alongside', async () => {
    // Slow polling (2 s): the payment notification, not a poll, moves the WeChat order.
    const { emu, core, inbox } = await twoProviderCore({ poll: { initialMs: 2000, maxMs: 2000 } });
    const w = emu.credentials.wechat;

    const order = await core.createOrder({ amountFen: 2599, method: 'qr', provider: 'wechat', subject: '咖啡 Coffee' });
    expect(order).toMatchObject({ provider: 'wechat', appId: w.mchid, environment: 'demo', status: 'AWAITING_PAYMENT' });
    expect(order.qrCode).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(order.notifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/wechat$/);
    // time_expire is the order's own stored expiry (to the second).
    const trade = (await wxControl<WxTradeView>(emu, 'GET', `/trades/${order.id}`)).body;
    expect(trade).toMatchObject({ state: 'NOTPAY', total: 2599 });
    expect(trade.expiresAt).toBe(Math.floor((order.expiresAt ?? 0) / 1000) * 1000);

    await buyerPays(w.baseUrl, order.qrCode as string);
    const paid = await waitFor(() => (core.getOrder(order.id)?.status === 'PAID' ? core.getOrder(order.id) : null), 'WeChat order PAID', 5000);
    expect(paid).toMatchObject({ provider: 'wechat', tradeNo: expect.stringMatching(/^4200/), buyerLogonId: expect.stringMatching(/^o/) });
    expect(core.events(order.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'notify' });
    // WeChat's acknowledgement: 204, no body; the emulator counts the delivery accepted.
    const deliveries = async () => (await wxControl<WxDelivery[]>(emu, 'GET', '/notifications')).body.filter((d) => d.outTradeNo === order.id);
    const payNotice = await waitFor(
      async () => (await deliveries()).find((d) => d.eventType === 'TRANSACTION.SUCCESS' && d.accepted),
      'delivery accepted',
      3000,
    );
    expect(payNotice).toMatchObject({ url: order.notifyUrl, status: 204, responseBody: '' });

    // An asynchronous partial refund: accepted (PROCESSING), unresolved until WeChat settles it.
    const refund = await core.refund({ orderId: order.id, amountFen: 599, reason: '退一杯' });
    expect(refund.status).toBe('UNKNOWN');
    const emuRefund = (await wxControl<WxTradeView>(emu, 'GET', `/trades/${order.id}`)).body.refunds;
    expect(emuRefund).toEqual([expect.objectContaining({ outRefundNo: refund.id, status: 'PROCESSING', refund: 599 })]);
    await expect(core.refund({ orderId: order.id, amountFen: 100 })).rejects.toMatchObject({ code: 'REFUND_IN_PROGRESS' });
    // WeChat settles it: REFUND.SUCCESS to the refund's notify_url → SUCCESS.
    expect((await wxControl(emu, 'POST', `/refunds/${refund.id}/settle`, { status: 'SUCCESS' })).status).toBe(200);
    await waitFor(() => core.getOrder(order.id)?.status === 'PARTIALLY_REFUNDED', 'refund applied', 5000);
    expect(core.getOrder(order.id)).toMatchObject({ refundedFen: 599, provider: 'wechat' });
    expect(core.getOrder(order.id)?.refunds).toEqual([expect.objectContaining({ id: refund.id, status: 'SUCCESS', amountFen: 599 })]);
    // Whichever comes first, the notice or the refund query, settles it once.
    expect(core.events(order.id).filter((e) => e.kind === 'refund_succeeded')).toHaveLength(1);
    const refundNotice = await waitFor(async () => (await deliveries()).find((d) => d.eventType === 'REFUND.SUCCESS' && d.accepted), 'refund delivery', 3000);
    expect(refundNotice).toMatchObject({ status: 204, url: order.notifyUrl });

    // Alipay in the same core: created, paid, notified at /notify/alipay.
    const ali = await core.createOrder({ amountFen: 1000, method: 'qr', provider: 'alipay' });
    expect(ali).toMatchObject({ provider: 'alipay', appId: emu.credentials.appId, status: 'AWAITING_PAYMENT' });
    expect(ali.notifyUrl).toMatch(/\/notify\/alipay$/);
    await fetch(`${emu.credentials.control}/trades/${ali.id}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await waitFor(() => core.getOrder(ali.id)?.status === 'PAID', 'Alipay order PAID', 5000);
    expect(core.events(ali.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'notify' });

    expect(inbox()).toEqual([
      { provider: 'wechat', verdict: 'applied', reason: null, orderId: order.id },
      { provider: 'wechat', verdict: expect.stringMatching(/^(applied|duplicate)$/), reason: null, orderId: order.id },
      { provider: 'alipay', verdict: 'applied', reason: null, orderId: ali.id },
    ]);
    expect(core.getOrder(order.id)?.status).toBe('PARTIALLY_REFUNDED');
  });

  it('poll only (no notify URL): a WeChat payment is confirmed PAID by the tracker’s query', async () => {
    const { emu, core, inbox } = await twoProviderCore({ notify: { port: 0, publicUrl: null } });
    const order = await core.createOrder({ amountFen: 800, method: 'qr', provider: 'wechat' });
    expect(order.notifyUrl).toBeNull();
    await buyerPays(emu.credentials.wechat.baseUrl, order.qrCode as string);
    await waitFor(() => core.getOrder(order.id)?.status === 'PAID', 'PAID by polling', 5000);
    expect(core.events(order.id).find((e) => e.kind === 'paid')).toMatchObject({ source: 'poll' });
    expect(core.getOrder(order.id)).toMatchObject({ provider: 'wechat', tradeNo: expect.stringMatching(/^4200/) });
    expect(inbox()).toEqual([]);
  });
});
