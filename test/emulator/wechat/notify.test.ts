import http from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WECHAT_NOTIFY_RETRY_DELAYS_MS } from '../../../src/emulator';
import { nativeOrder, setup, verified, wxControl, wxMerchant, type TestPay, type WxMerchant } from './helpers';
import { waitFor } from '../../support';

type Json = Record<string, unknown>;
interface Notice {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary: string;
  resource: { algorithm: string; ciphertext: string; associated_data: string; original_type: string; nonce: string };
}
interface Attempt {
  notifyId: string;
  attempt: number;
  at: number;
  status: number | null;
  accepted: boolean;
  eventType: string;
  outTradeNo: string;
}

function checkSigned(pay: TestPay, r: WxMerchant['received'][number], apiSecret: string): Promise<boolean> {
  return pay.verifySign({
    timestamp: r.headers['wechatpay-timestamp'] as string,
    nonce: r.headers['wechatpay-nonce'] as string,
    serial: r.headers['wechatpay-serial'] as string,
    signature: r.headers['wechatpay-signature'] as string,
    body: r.raw,
    apiSecret,
  });
}

describe('支付成功回调通知 with wechatpay-node-v3 (verifySign + decipher_gcm)', () => {
  for (const mode of ['publicKey', 'platform'] as const) {
    it(`TRANSACTION.SUCCESS on a Native payment: encrypted transaction equal to the query, signed (${mode} mode)`, async () => {
      const t = await setup({}, mode);
      const m = await wxMerchant();
      await nativeOrder(t, 'NT000001', 999, { notify_url: m.url, attach: 'a&b' });
      await wxControl(t.emu, 'POST', '/trades/NT000001/pay', { buyer: '王五' });
      await waitFor(() => m.received.length === 1, 'notice', 3000);
      const r = m.received[0] as WxMerchant['received'][number];
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['wechatpay-serial']).toMatch(mode === 'publicKey' ? t.c.wechatpayPublicKeyId : /^[0-9A-F]{40}$/);
      expect(await checkSigned(t.pay, r, t.c.apiV3Key)).toBe(true);
      expect(await checkSigned(t.pay, { ...r, raw: r.raw.replace('TRANSACTION', 'TRANSACTIOM') }, t.c.apiV3Key)).toBe(false);
      const n = JSON.parse(r.raw) as Notice;
      expect(n).toMatchObject({
        event_type: 'TRANSACTION.SUCCESS',
        resource_type: 'encrypt-resource',
        summary: '支付成功',
        resource: { algorithm: 'AEAD_AES_256_GCM', original_type: 'transaction', associated_data: 'transaction' },
      });
      expect(n.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(n.create_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      const plain = t.pay.decipher_gcm<Json>(n.resource.ciphertext, n.resource.associated_data, n.resource.nonce, t.c.apiV3Key);
      const q = await verified(t.pay, t.emu, t.pay.query({ out_trade_no: 'NT000001' }), t.http);
      expect(plain).toEqual(q.data);
      expect(plain).toMatchObject({ trade_state: 'SUCCESS', attach: 'a&b', amount: { total: 999 } });
      // A wrong key yields no transaction (note: the library's decipher_gcm never calls final(), so the GCM
      // tag is not checked and it returns garbage text instead of throwing).
      expect(t.pay.decipher_gcm(n.resource.ciphertext, n.resource.associated_data, n.resource.nonce, 'x'.repeat(32))).not.toEqual(plain);
    });
  }

  it('retried at 15s, 15s, 30s, 3m … (time scale 200×) until the merchant answers 200 or 204; same id every time', async () => {
    const t = await setup({ timeScale: 200 }); // 15 s ≈ 75 ms, 3 min ≈ 0.9 s
    const m = await wxMerchant((i) => [500, 404, 302, 500][i] ?? 204);
    await nativeOrder(t, 'NT000002', 1, { notify_url: m.url });
    await wxControl(t.emu, 'POST', '/trades/NT000002/pay', {});
    await waitFor(() => m.received.length === 5, 'five attempts', 10_000);
    const attempts = (await wxControl<Attempt[]>(t.emu, 'GET', '/notifications')).body;
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.map((a) => a.status)).toEqual([500, 404, 302, 500, 204]);
    expect(attempts.map((a) => a.accepted)).toEqual([false, false, false, false, true]);
    expect(new Set(m.received.map((r) => (JSON.parse(r.raw) as Notice).id)).size).toBe(1);
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i] as Attempt).at);
    [15_000, 15_000, 30_000, 180_000].forEach((want, i) => {
      expect((gaps[i] as number) / want, `gap ${i}`).toBeGreaterThan(0.9);
    });
    expect((gaps[3] as number) / (gaps[0] as number)).toBeGreaterThan(5);
    await new Promise((r) => setTimeout(r, 100));
    expect(m.received).toHaveLength(5);
  });

  it('a merchant that does not answer within the timeout counts as a failure and gets the retry', async () => {
    const t = await setup({ timeScale: 1000, notifyTimeoutMs: 150 });
    let first = true;
    const server = http.createServer((req, res) => {
      req.resume();
      if (first) {
        first = false; // never answered: the emulator gives up after 150 ms
        return;
      }
      res.writeHead(204);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    onTestFinished(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
    const addr = server.address() as { port: number };
    await nativeOrder(t, 'NT000004', 1, { notify_url: `http://127.0.0.1:${addr.port}/slow` });
    await wxControl(t.emu, 'POST', '/trades/NT000004/pay', {});
    const attempts = await waitFor(
      async () => {
        const list = (await wxControl<(Attempt & { error?: string })[]>(t.emu, 'GET', '/notifications')).body;
        return list.length === 2 && list[1]?.accepted ? list : undefined;
      },
      'timeout then retry',
      5000,
    );
    expect(attempts[0]).toMatchObject({ status: null, accepted: false, error: expect.stringContaining('timeout') });
    expect(attempts[1]).toMatchObject({ status: 204, accepted: true, attempt: 2 });
  });

  it('16 attempts in all (about 24 hours), then it gives up', async () => {
    const t = await setup();
    const m = await wxMerchant(() => 500);
    await nativeOrder(t, 'NT000003', 1, { notify_url: m.url });
    await wxControl(t.emu, 'POST', '/trades/NT000003/pay', {});
    const advance = (ms: number): Promise<Response> =>
      fetch(`${t.emu.credentials.control}/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
    // The documented schedule, in seconds (支付成功回调通知): each retry comes neither early nor late.
    const schedule = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];
    expect(WECHAT_NOTIFY_RETRY_DELAYS_MS).toEqual(schedule.map((sec) => sec * 1000));
    for (const [i, sec] of schedule.entries()) {
      await waitFor(() => m.received.length === i + 1, `attempt ${i + 1}`, 3000);
      await new Promise((r) => setTimeout(r, 20)); // let the failed attempt schedule its retry
      await advance(sec * 1000 - 1000);
      await new Promise((r) => setTimeout(r, 30));
      expect(m.received, `attempt ${i + 2} came early`).toHaveLength(i + 1);
      await advance(1000);
    }
    await waitFor(() => m.received.length === 16, 'attempt 16', 3000);
    await fetch(`${t.emu.credentials.control}/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 86_400_000 }),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(m.received).toHaveLength(16);
    expect(WECHAT_NOTIFY_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) / 3600_000).toBeCloseTo(24 + 4 / 60, 2);
  });

  it('faults: notify-duplicate (3 copies, one id), notify-drop (never sent), notify-reorder (later one first)', async () => {
    const t = await setup();
    const m = await wxMerchant();
    for (const no of ['NT000010', 'NT000011', 'NT000012', 'NT000013']) await nativeOrder(t, no, 1, { notify_url: m.url });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'notify-duplicate' });
    await wxControl(t.emu, 'POST', '/trades/NT000010/pay', {});
    await waitFor(() => m.received.length === 3, 'three copies', 3000);
    expect(new Set(m.received.map((r) => (JSON.parse(r.raw) as Notice).id)).size).toBe(1);
    await wxControl(t.emu, 'POST', '/faults', { kind: 'notify-drop' });
    await wxControl(t.emu, 'POST', '/trades/NT000011/pay', {});
    await wxControl(t.emu, 'POST', '/faults', { kind: 'notify-reorder', count: 2 });
    await wxControl(t.emu, 'POST', '/trades/NT000012/pay', {});
    await wxControl(t.emu, 'POST', '/trades/NT000013/pay', {});
    await waitFor(() => m.received.length === 5, 'reordered pair', 3000);
    const order = m.received.slice(3).map((r) => {
      const n = JSON.parse(r.raw) as Notice;
      return t.pay.decipher_gcm<Json>(n.resource.ciphertext, n.resource.associated_data, n.resource.nonce, t.c.apiV3Key).out_trade_no;
    });
    expect(order).toEqual(['NT000013', 'NT000012']);
    await new Promise((r) => setTimeout(r, 100));
    expect(m.received).toHaveLength(5);
    expect((await wxControl<Attempt[]>(t.emu, 'GET', '/notifications')).body.some((a) => a.outTradeNo === 'NT000011')).toBe(false);
  });
});
