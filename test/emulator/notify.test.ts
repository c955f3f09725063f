import http from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { NOTIFY_RETRY_DELAYS_MS, TEST_AUTH_CODES } from '../../src/emulator';
import { control, exec, merchant, precreate, setup, type AttemptView } from './helpers';
import { waitFor } from '../support';

const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('async notifications (Alipay 异步通知说明)', () => {
  it('pay, partial refund and full refund notices verify with checkNotifySignV2 and carry the right fields', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant();
    await precreate(sdk, 'N1', '10.00', { notifyUrl: m.url }, { body: '100% 棉 & 麻' });
    await control(emu, 'POST', '/trades/N1/pay', { buyer: '2088102177846882' });
    await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'N1', refundAmount: '4.00', outRequestNo: 'N1-r1' });
    await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'N1', refundAmount: '6.00', outRequestNo: 'N1-r2' });
    await waitFor(() => m.received.length === 3, 'three notices', 3000);
    const [paid, partial, full] = m.received.map((r) => r.params) as [Record<string, string>, Record<string, string>, Record<string, string>];
    for (const n of [paid, partial, full]) {
      expect(sdk.checkNotifySignV2(n)).toBe(true);
      // sign_type is NOT in the signed set: verifies without it, fails with it (SDK's own check).
      const { sign, sign_type: signType, ...rest } = n;
      expect(signType).toBe('RSA2');
      const content = (p: Record<string, string>): string =>
        Object.keys(p)
          .sort()
          .map((k) => `${k}=${p[k]}`)
          .join('&');
      expect(sdk.rsaCheck(content(rest), sign as string, 'RSA2')).toBe(true);
      expect(sdk.rsaCheck(content({ ...rest, sign_type: 'RSA2' }), sign as string, 'RSA2')).toBe(false);
      expect(Object.values(n).every((v) => v !== '')).toBe(true);
      expect(n).toMatchObject({
        notify_type: 'trade_status_sync',
        app_id: emu.credentials.appId,
        auth_app_id: emu.credentials.appId,
        seller_id: emu.credentials.sellerId,
        charset: 'utf-8',
        version: '1.0',
        out_trade_no: 'N1',
        total_amount: '10.00',
        buyer_id: '2088102177846882',
        body: '100% 棉 & 麻',
      });
      expect(n.notify_time).toMatch(TIME);
    }
    expect(paid).toMatchObject({
      trade_status: 'TRADE_SUCCESS',
      receipt_amount: '10.00',
      buyer_pay_amount: '10.00',
      invoice_amount: '10.00',
      point_amount: '0.00',
    });
    expect(paid.gmt_payment).toMatch(TIME);
    expect(JSON.parse(paid.fund_bill_list as string)).toEqual([{ amount: '10.00', fundChannel: 'ALIPAYACCOUNT' }]);
    expect(paid.refund_fee).toBeUndefined();
    expect(partial).toMatchObject({ trade_status: 'TRADE_SUCCESS', refund_fee: '4.00', out_biz_no: 'N1-r1' });
    expect(partial.gmt_refund).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(full).toMatchObject({ trade_status: 'TRADE_CLOSED', refund_fee: '10.00', out_biz_no: 'N1-r2' });
    expect(full.gmt_close).toMatch(TIME);
    const attempts = await control<AttemptView[]>(emu, 'GET', '/notifications');
    expect(attempts.body).toHaveLength(3);
    expect(attempts.body.every((a) => a.accepted && a.status === 200 && a.responseBody === 'success' && a.attempt === 1)).toBe(true);
  });

  it('sends no notice on a full refund when notifyOnFullRefund is false', async () => {
    const { sdk } = await setup({ notifyOnFullRefund: false });
    const m = await merchant();
    await exec(
      sdk,
      'alipay.trade.pay',
      { outTradeNo: 'N2', scene: 'bar_code', authCode: TEST_AUTH_CODES.PAID, subject: 's', totalAmount: '1.00' },
      { notifyUrl: m.url },
    );
    await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'N2', refundAmount: '1.00', outRequestNo: 'a' });
    await waitFor(() => m.received.length === 1, 'pay notice', 3000);
    await new Promise((r) => setTimeout(r, 100));
    expect(m.received).toHaveLength(1);
  });

  it('retries at 4m, 10m, 10m, 1h… (time scale 5000×) until the answer is exactly "success"', async () => {
    const { emu, sdk } = await setup({ timeScale: 5000 }); // 4m ≈ 48 ms, 1h ≈ 0.72 s
    const m = await merchant((i) => (i < 4 ? (i === 2 ? 'SUCCESS' : 'fail') : 'success'));
    await precreate(sdk, 'N3', '1.00', { notifyUrl: m.url });
    await control(emu, 'POST', '/trades/N3/pay', {});
    await waitFor(() => m.received.length === 5, 'five attempts', 5000);
    const attempts = (await control<AttemptView[]>(emu, 'GET', '/notifications')).body;
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.map((a) => a.accepted)).toEqual([false, false, false, false, true]);
    expect(new Set(attempts.map((a) => a.notifyId)).size).toBe(1);
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i] as AttemptView).at);
    const expected = [4, 10, 10, 60].map((min) => min * 60_000);
    gaps.forEach((gap, i) => {
      const want = expected[i] as number;
      // Never early; late only by scheduling jitter and the merchant round trip.
      expect(gap / want, `gap ${i}`).toBeGreaterThan(0.9);
      expect(gap / want, `gap ${i}`).toBeLessThan(2);
    });
    // Ratios between intervals follow Alipay's schedule (1h / 4m = 15).
    expect((gaps[3] as number) / (gaps[0] as number)).toBeGreaterThan(6);
    expect((gaps[2] as number) / (gaps[1] as number)).toBeGreaterThan(0.6);
    expect((gaps[2] as number) / (gaps[1] as number)).toBeLessThan(1.6);
    await new Promise((r) => setTimeout(r, 50));
    expect(m.received).toHaveLength(5);
  });

  it('makes 8 attempts in all (the full 4m…15h schedule) and then stops', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant(() => 'fail');
    await precreate(sdk, 'N4', '1.00', { notifyUrl: m.url });
    await control(emu, 'POST', '/trades/N4/pay', {});
    const answered = async (n: number): Promise<boolean> => {
      const list = (await control<AttemptView[]>(emu, 'GET', '/notifications')).body;
      // Answer recorded ⇒ the next retry timer is armed (same tick), so advancing is safe.
      return list.length === n && list[n - 1]?.status !== null;
    };
    for (let i = 0; i < NOTIFY_RETRY_DELAYS_MS.length; i++) {
      await waitFor(() => answered(i + 1), `attempt ${i + 1}`, 3000);
      await control(emu, 'POST', '/clock/advance', { ms: NOTIFY_RETRY_DELAYS_MS[i] });
    }
    await waitFor(() => m.received.length === 8, 'attempt 8', 3000);
    await control(emu, 'POST', '/clock/advance', { ms: 48 * 3600_000 });
    await new Promise((r) => setTimeout(r, 100));
    const attempts = (await control<AttemptView[]>(emu, 'GET', '/notifications')).body;
    expect(attempts).toHaveLength(8);
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i] as AttemptView).at);
    gaps.forEach((gap, i) => expect(Math.abs(gap - (NOTIFY_RETRY_DELAYS_MS[i] as number))).toBeLessThan(60_000));
  });

  it('gives up on a merchant that does not answer (delivery timeout) and records the error', async () => {
    const { emu, sdk } = await setup({ notifyTimeoutMs: 150 });
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    onTestFinished(
      () =>
        new Promise<void>((r) => {
          silent.closeAllConnections();
          silent.close(() => r());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    await precreate(sdk, 'N5', '1.00', { notifyUrl: `http://127.0.0.1:${port}/n` });
    await control(emu, 'POST', '/trades/N5/pay', {});
    const attempt = await waitFor(
      async () =>
        (await control<AttemptView[]>(emu, 'GET', '/notifications')).body.find((a) => a.status === null && (a as AttemptView & { error?: string }).error),
      'timeout',
      3000,
    );
    expect((attempt as AttemptView & { error?: string }).error).toMatch(/timeout/);
    expect(attempt.accepted).toBe(false);
  });

  it('notify faults: drop, duplicate (3×), reorder', async () => {
    const { emu, sdk } = await setup();
    const m = await merchant();
    const pay = async (no: string): Promise<void> => {
      await precreate(sdk, no, '1.00', { notifyUrl: m.url });
      await control(emu, 'POST', `/trades/${no}/pay`, {});
    };
    await control(emu, 'POST', '/faults', { kind: 'notify-drop' });
    await pay('D1');
    await pay('D2');
    await waitFor(() => m.received.length === 1, 'D2 notice', 3000);
    expect(m.received[0]?.params.out_trade_no).toBe('D2');
    await control(emu, 'POST', '/faults', { kind: 'notify-duplicate' });
    await pay('D3');
    await waitFor(() => m.received.length === 4, 'three copies', 3000);
    expect(new Set(m.received.slice(1).map((r) => r.params.notify_id)).size).toBe(1);
    expect(m.received.slice(1).every((r) => r.params.out_trade_no === 'D3' && sdk.checkNotifySignV2(r.params))).toBe(true);
    await control(emu, 'POST', '/faults', { kind: 'notify-reorder', count: 2 });
    await pay('D4');
    await new Promise((r) => setTimeout(r, 50));
    expect(m.received).toHaveLength(4); // held
    await pay('D5');
    await waitFor(() => m.received.length === 6, 'reordered pair', 3000);
    expect(m.received.slice(4).map((r) => r.params.out_trade_no)).toEqual(['D5', 'D4']);
    await pay('D6');
    await waitFor(() => m.received.length === 7, 'back to normal', 3000);
  });
});
