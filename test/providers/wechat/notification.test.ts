import { describe, expect, it } from 'vitest';
import { WechatProvider } from '../../../src/main/providers/wechat';
import type { Clock } from '../../../src/main/kernel';
import { configFor, forgeNotice, notifyEndpoint, paidResource, setup, wxControl } from './helpers';
import { waitFor } from '../../support';

const input = (outTradeNo: string, amountFen: number, notifyUrl: string) => ({
  outTradeNo,
  amountFen,
  subject: '测试',
  timeoutMinutes: 5,
  expiresAt: Date.now() + 5 * 60_000,
  notifyUrl,
});

describe('WeChat notifications through verifyNotification and ack', () => {
  it('ack: accepted → 204 with no body; rejected → 400 and retry → 500 with {"code":"FAIL","message":…}', async () => {
    const t = await setup();
    expect(t.provider.ack('accepted')).toEqual({ status: 204, headers: {}, body: '' });
    for (const [verdict, status] of [
      ['rejected', 400],
      ['retry', 500],
    ] as const) {
      const a = t.provider.ack(verdict);
      expect(a.status).toBe(status);
      expect(a.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(a.body)).toEqual({ code: 'FAIL', message: expect.any(String) });
    }
  });

  it('duplicated by the emulator: every copy verifies with the same notify id (de-duplication is the core’s)', async () => {
    const t = await setup();
    const ep = await notifyEndpoint(t.provider);
    await wxControl(t.emu, 'POST', '/faults', { kind: 'notify-duplicate' });
    await t.provider.createQr(input('WXNT0001', 321, ep.url));
    await wxControl(t.emu, 'POST', '/trades/WXNT0001/pay', {});
    await waitFor(() => ep.checks.length === 3, 'three copies (the emulator’s duplicate fault)', 3000);
    const ids = ep.checks.map((c) => (c.ok ? c.notification.notifyId : null));
    expect(ids[0]).toBeTruthy();
    expect(new Set(ids).size).toBe(1);
    expect(ep.checks.every((c) => c.ok && c.notification.totalFen === 321)).toBe(true);
  });

  it('late: answered retry (500 FAIL) first, WeChat sends it again later, re-signed; the second is accepted (204)', async () => {
    const t = await setup({ timeScale: 200 }); // 15 s retry ≈ 75 ms
    const ep = await notifyEndpoint(t.provider, (c, i) => (i === 0 ? 'retry' : c.ok ? 'accepted' : 'rejected'));
    await t.provider.createQr(input('WXNT0002', 100, ep.url));
    await wxControl(t.emu, 'POST', '/trades/WXNT0002/pay', {});
    await waitFor(() => ep.checks.length === 2, 'the retry', 3000);
    expect(ep.checks.map((c) => c.ok)).toEqual([true, true]);
    expect(ep.answers.map((a) => a.status)).toEqual([500, 204]);
    await new Promise((r) => setTimeout(r, 300));
    const attempts = (await wxControl<{ accepted: boolean; status: number }[]>(t.emu, 'GET', '/notifications')).body;
    expect(attempts.map((a) => [a.status, a.accepted])).toEqual([
      [500, false],
      [204, true],
    ]);
  });

  it('REFUND.CLOSED and REFUND.ABNORMAL notices → RefundNotice FAILED with the amount', async () => {
    const t = await setup();
    const ep = await notifyEndpoint(t.provider);
    await t.provider.payWithCode({ ...input('WXNT0003', 1000, ep.url), authCode: '100000000000000001' });
    for (const [no, status] of [
      ['WXNT0003-1', 'CLOSED'],
      ['WXNT0003-2', 'ABNORMAL'],
    ] as const) {
      await t.provider.refund({ outTradeNo: 'WXNT0003', outRequestNo: no, amountFen: 100, totalFen: 1000, reason: null, notifyUrl: ep.url });
      await wxControl(t.emu, 'POST', `/refunds/${no}/settle`, { status });
    }
    await waitFor(() => ep.checks.length === 2, 'two refund notices', 3000);
    const refunds = ep.checks.map((c) => (c.ok ? c.notification.refund : null));
    expect(refunds).toEqual([
      { outRequestNo: 'WXNT0003-1', state: 'FAILED', amountFen: 100, cumulativeFen: null, at: null },
      { outRequestNo: 'WXNT0003-2', state: 'FAILED', amountFen: 100, cumulativeFen: null, at: null },
    ]);
  });
});

describe('forged or tampered notifications are rejected with a reason', () => {
  it('a genuine delivery with the body or a header changed, a signature probe, or missing headers', async () => {
    const t = await setup();
    const ep = await notifyEndpoint(t.provider);
    await t.provider.createQr(input('WXFG0001', 100, ep.url));
    await wxControl(t.emu, 'POST', '/trades/WXFG0001/pay', {});
    await waitFor(() => ep.checks.length === 1, 'notice', 3000);
    const attempt = (await wxControl<{ body: string }[]>(t.emu, 'GET', '/notifications')).body[0];
    const body = attempt?.body ?? '';
    const genuine = forgeNotice({
      signingKey: t.keys.wechat.wechatpay.privateKeyPem,
      serial: t.c.wechatpayPublicKeyId,
      apiV3Key: t.c.apiV3Key,
      resource: paidResource(t.c, 'WXFG0001', 100),
    });
    expect(await t.provider.verifyNotification(genuine)).toMatchObject({ ok: true, notification: { outTradeNo: 'WXFG0001', totalFen: 100 } });
    const cases: [string, { headers: Record<string, string>; rawBody: Buffer }, RegExp][] = [
      ['body changed', { headers: genuine.headers, rawBody: Buffer.from(genuine.rawBody.toString().replace('"id":"', '"id":"x')) }, /bad signature/],
      ['nonce changed', { headers: { ...genuine.headers, 'wechatpay-nonce': 'abc' }, rawBody: genuine.rawBody }, /bad signature/],
      ['another delivery’s signature', { headers: genuine.headers, rawBody: Buffer.from(body) }, /bad signature/],
      ['signature probe', { headers: { ...genuine.headers, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/AAAA' }, rawBody: genuine.rawBody }, /probe/],
      [
        'unknown serial',
        { headers: { ...genuine.headers, 'wechatpay-serial': 'PUB_KEY_ID_0000000000' }, rawBody: genuine.rawBody },
        /unknown Wechatpay-Serial/,
      ],
      ['no signature', { headers: { ...genuine.headers, 'wechatpay-signature': '' }, rawBody: genuine.rawBody }, /missing/],
    ];
    for (const [what, req, reason] of cases) {
      const check = await t.provider.verifyNotification(req);
      expect(check.ok, what).toBe(false);
      expect(!check.ok && check.reason, what).toMatch(reason);
    }
  });

  it('signed by another key (the merchant’s own) → bad signature', async () => {
    const t = await setup();
    const n = forgeNotice({
      signingKey: t.keys.wechat.merchant.privateKeyPem,
      serial: t.c.wechatpayPublicKeyId,
      apiV3Key: t.c.apiV3Key,
      resource: paidResource(t.c, 'WXFG0002', 100),
    });
    expect(await t.provider.verifyNotification(n)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('stale timestamp: validly signed 6 minutes ago → rejected; 4 minutes ago → accepted (by the injected clock)', async () => {
    const t = await setup();
    const now = Date.now();
    const clock: Clock = { now: () => now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    const p = new WechatProvider(configFor(t.c), { clock });
    const at = (secondsAgo: number) =>
      forgeNotice({
        signingKey: t.keys.wechat.wechatpay.privateKeyPem,
        serial: t.c.wechatpayPublicKeyId,
        apiV3Key: t.c.apiV3Key,
        resource: paidResource(t.c, 'WXFG0003', 100),
        timestampSec: Math.floor(now / 1000) - secondsAgo,
      });
    const stale = await p.verifyNotification(at(360));
    expect(stale).toMatchObject({ ok: false, reason: expect.stringMatching(/stale Wechatpay-Timestamp/) });
    expect(await p.verifyNotification(at(240))).toMatchObject({ ok: true });
    expect(await p.verifyNotification(at(-360))).toMatchObject({ ok: false, reason: expect.stringMatching(/stale/) });
  });

  it('encrypted with another APIv3 key → rejected (the GCM tag is checked); our adapter with a wrong key rejects genuine notices', async () => {
    const t = await setup();
    const n = forgeNotice({
      signingKey: t.keys.wechat.wechatpay.privateKeyPem,
      serial: t.c.wechatpayPublicKeyId,
      apiV3Key: 'K'.repeat(32),
      resource: paidResource(t.c, 'WXFG0004', 100),
    });
    expect(await t.provider.verifyNotification(n)).toEqual({ ok: false, reason: 'resource does not decrypt with the APIv3 key' });
    const wrongKey = new WechatProvider(configFor(t.c, { apiV3Key: 'Z'.repeat(32) }));
    const ep = await notifyEndpoint(wrongKey);
    await t.provider.createQr(input('WXFG0005', 100, ep.url));
    await wxControl(t.emu, 'POST', '/trades/WXFG0005/pay', {});
    await waitFor(() => ep.checks.length === 1, 'notice', 3000);
    expect(ep.checks[0]).toEqual({ ok: false, reason: 'resource does not decrypt with the APIv3 key' });
    expect(ep.answers[0]?.status).toBe(400);
  });

  it('wrong mchid or appid → rejected with the value sent in detail; a wrong amount is returned as is (the core checks it)', async () => {
    const t = await setup();
    const sign = (resource: Record<string, unknown>, eventType?: string) =>
      forgeNotice({
        signingKey: t.keys.wechat.wechatpay.privateKeyPem,
        serial: t.c.wechatpayPublicKeyId,
        apiV3Key: t.c.apiV3Key,
        resource,
        ...(eventType ? { eventType } : {}),
      });
    expect(await t.provider.verifyNotification(sign(paidResource(t.c, 'WXFG0006', 100, { mchid: '1900000001' })))).toEqual({
      ok: false,
      reason: 'mchid does not match',
      detail: { mchid: '1900000001' },
    });
    expect(await t.provider.verifyNotification(sign(paidResource(t.c, 'WXFG0006', 100, { appid: 'wx0000000000000000' })))).toEqual({
      ok: false,
      reason: 'appid does not match',
      detail: { appid: 'wx0000000000000000' },
    });
    expect(await t.provider.verifyNotification(sign(paidResource(t.c, 'WXFG0006', 1)))).toMatchObject({
      ok: true,
      notification: { totalFen: 1, facts: { totalFen: 1 } },
    });
    const refund = {
      mchid: '1900000001',
      out_trade_no: 'WXFG0006',
      out_refund_no: 'R1',
      refund_id: '5030',
      refund_status: 'SUCCESS',
      amount: { total: 100, refund: 100, payer_total: 100, payer_refund: 100 },
    };
    expect(await t.provider.verifyNotification(sign(refund, 'REFUND.SUCCESS'))).toMatchObject({ ok: false, reason: 'mchid does not match' });
    expect(await t.provider.verifyNotification(sign({ ...refund, mchid: t.c.mchid }, 'REFUND.SUCCESS'))).toMatchObject({
      ok: true,
      notification: { facts: null, refund: { outRequestNo: 'R1', state: 'SUCCESS', amountFen: 100 } },
    });
    expect(await t.provider.verifyNotification(sign(paidResource(t.c, 'WXFG0006', 100), 'TRANSACTION.PAYERROR'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unsupported event_type/),
    });
    expect(await t.provider.verifyNotification(sign({ ...paidResource(t.c, 'WXFG0006', 100), amount: { total: 1.5 } }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/schema/),
    });
  });
});
