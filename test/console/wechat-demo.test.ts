/**
 * WeChat Pay through the console in demo mode: the real console, payment core and embedded emulator
 * (Alipay gateway and WeChat Pay v3 on one port), real HTTP on 127.0.0.1, temp data dirs. A WeChat Native
 * order is created, paid on the emulator's customer page, notified at POST /notify/wechat, refunded,
 * and one whose notification is lost is reconciled by the start-up sweep; 付款码 route by prefix, including
 * USERPAYING until the (lowered) barcode deadline, which reverses the trade.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/main/console';
import type { ConsoleConfig, ConsoleHost } from '../../src/main/console-host';
import { cleanupStack, ok } from './helpers';
import { makeTempDir, memoryLogger, waitFor } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

/** Chinese first, then " / " (or "）/ " after a closing bracket) and the English. */
const BILINGUAL = /^[^/]*[\u4e00-\u9fff][^/]*\/ .*[A-Za-z]{3}/;

interface Demo {
  host: ConsoleHost;
  dir: string;
  emulatorUrl: string;
  /** The emulator's WeChat control API. */
  wx(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  restart(): Promise<Demo>;
}

async function demo(tuning: ConsoleConfig['tuning'] = {}, extra: Partial<ConsoleConfig> = {}, dir?: string): Promise<Demo> {
  if (!dir) {
    const tmp = makeTempDir('paydesk-wxdemo-');
    cleanups.push(tmp.cleanup);
    dir = tmp.dir;
  }
  const dataDir = dir;
  const host = await createConsole({ dataDir, vault: { kind: 'file', env: {} }, tuning, ...extra }, { logger: memoryLogger() });
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) await host.close();
    closed = true;
  };
  cleanups.push(close);
  const status = await ok(host.dispatch('status.get', {}));
  const emulatorUrl = status.emulatorUrl ?? '';
  expect(emulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return {
    host,
    dir: dataDir,
    emulatorUrl,
    async wx(method, path, body) {
      const res = await fetch(`${emulatorUrl}/__emulator/wechat${path}`, {
        method,
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async restart() {
      await close();
      return demo(tuning, extra, dataDir);
    },
  };
}

/** The simulated buyer: open the order's customer page, then press 确认支付 (the page's own form). */
async function payOnCustomerPage(customerUrl: string): Promise<string> {
  const page = await (await fetch(customerUrl)).text();
  expect(page).toContain('data-page-state="cashier"');
  const action = /<form method="post" action="(\/wxpay\/[A-Za-z0-9]+\/pay)"/.exec(page)?.[1];
  expect(action).toBeDefined();
  const res = await fetch(new URL(action as string, customerUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  return res.text();
}

describe('WeChat Pay in demo mode, through the console', () => {
  it('both providers are ready; a WeChat Native order is paid on the customer page, notified at /notify/wechat, refunded', async () => {
    // The first poll comes 3 s after the order: the payment below arrives by the notification first.
    const d = await demo({ pollInitialMs: 3_000, pollMaxMs: 3_000, refundMinGapMs: 0 });
    const status = await ok(d.host.dispatch('status.get', {}));
    expect(status.providers).toEqual([
      { id: 'alipay', ready: true, reason: null },
      { id: 'wechat', ready: true, reason: null },
    ]);
    // The notify line names both hosted providers' notify URLs on the one loopback base.
    const base = /^(http:\/\/127\.0\.0\.1:\d+)\/notify\/alipay$/.exec(status.notify.url ?? '')?.[1];
    expect(base).toBeDefined();
    expect(status.notify.urls).toEqual([
      { provider: 'alipay', url: `${base}/notify/alipay` },
      { provider: 'wechat', url: `${base}/notify/wechat` },
    ]);

    const order = await ok(d.host.dispatch('orders.create', { amount: '12.34', method: 'qr', provider: 'wechat' }));
    expect(order).toMatchObject({ provider: 'wechat', method: 'qr', status: 'AWAITING_PAYMENT', amount: '12.34', environment: 'demo' });
    const pr = /^weixin:\/\/wxpay\/bizpayurl\?pr=([A-Za-z0-9]+)$/.exec(order.qrCode ?? '')?.[1];
    expect(pr).toBeDefined();
    expect(order.customerUrl).toBe(`${d.emulatorUrl}/wxpay/bizpayurl?pr=${pr}`);

    expect(await payOnCustomerPage(order.customerUrl as string)).toContain('支付成功');
    const paid = await waitFor(
      async () => {
        const o = await ok(d.host.dispatch('orders.get', { id: order.id }));
        return o.status === 'PAID' ? o : null;
      },
      'PAID by the WeChat notification',
      10_000,
    );
    expect(paid.events.some((e) => e.source === 'notify')).toBe(true);
    expect(paid.tradeNo).toMatch(/^\d{20,}$/);
    expect((await ok(d.host.dispatch('status.get', {}))).lastNotificationAt).not.toBeNull();

    // A partial refund: accepted (PROCESSING at WeChat), then settled by WeChat's refund notification.
    await ok(d.host.dispatch('orders.refund', { id: order.id, amount: '2.34' }));
    const trade = await d.wx('GET', `/trades/${order.id}`);
    const refunds = trade.body.refunds as { outRefundNo: string; status: string }[];
    expect(refunds).toHaveLength(1);
    expect((await d.wx('POST', `/refunds/${refunds[0]?.outRefundNo}/settle`, { status: 'SUCCESS' })).status).toBe(200);
    const refunded = await waitFor(
      async () => {
        const o = await ok(d.host.dispatch('orders.get', { id: order.id }));
        return o.status === 'PARTIALLY_REFUNDED' && o.refunds[0]?.status === 'SUCCESS' ? o : null;
      },
      'refund settled',
      10_000,
    );
    expect(refunded).toMatchObject({ refunded: '2.34', refundable: '10.00', customerUrl: `${d.emulatorUrl}/wxpay/bizpayurl?pr=${pr}` });

    // 今日 by provider: the WeChat sale is WeChat's.
    // An Alipay sale the same day, and the list filtered by provider.
    await ok(d.host.dispatch('orders.create', { amount: '1.00', method: 'code', authCode: '281000000000000001' }));
    const today = await ok(d.host.dispatch('summary.today', {}));
    expect(today.byProvider).toEqual([
      { provider: 'alipay', count: 1, gross: '1.00', refunded: '0.00', net: '1.00' },
      { provider: 'wechat', count: 1, gross: '12.34', refunded: '2.34', net: '10.00' },
    ]);
    expect(today.byMethod.map((m) => `${m.provider}/${m.method}`)).toEqual(['alipay/code', 'wechat/qr']);
    expect((await ok(d.host.dispatch('orders.list', { provider: 'wechat' }))).items.map((o) => o.id)).toEqual([order.id]);
    expect((await ok(d.host.dispatch('orders.list', { provider: 'alipay' }))).items.map((o) => o.provider)).toEqual(['alipay']);
  }, 30_000);

  it('a WeChat order whose notifications are all lost is reconciled by the next start-up sweep', async () => {
    // No polling within the test: only the sweep can find the payment.
    const d = await demo({ pollInitialMs: 60_000, pollMaxMs: 60_000 });

    // A second order whose notification is lost: paid at the emulator while PayDesk hears nothing …
    expect((await d.wx('POST', '/faults', { kind: 'notify-drop', count: 10 })).status).toBeLessThan(300);
    const lost = await ok(d.host.dispatch('orders.create', { amount: '3.00', method: 'qr', provider: 'wechat' }));
    expect((await d.wx('POST', `/trades/${lost.id}/pay`, {})).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await ok(d.host.dispatch('orders.get', { id: lost.id }))).status).toBe('AWAITING_PAYMENT');
    // … and the next start's sweep asks WeChat Pay (the emulator keeps its trades in the data dir).
    const again = await d.restart();
    const swept = await waitFor(
      async () => {
        const o = await ok(again.host.dispatch('orders.get', { id: lost.id }));
        return o.status === 'PAID' ? o : null;
      },
      'PAID by the start-up sweep',
      10_000,
    );
    expect(swept.events.some((e) => e.source === 'sweep')).toBe(true);
  }, 30_000);

  it('refuses a WeChat pay link, a 双码 pay link and a 付款码 that disagrees with the chosen provider, bilingually, storing nothing', async () => {
    const d = await demo();
    const tries: [Record<string, unknown>, string][] = [
      [{ amount: '1.00', method: 'link', provider: 'wechat' }, 'METHOD_NOT_SUPPORTED'],
      [{ amount: '1.00', method: 'link', provider: 'dual' }, 'DUAL_NOT_AVAILABLE'],
      [{ amount: '1.00', method: 'code', authCode: '100000000000000001', provider: 'alipay' }, 'PROVIDER_MISMATCH'],
      [{ amount: '1.00', method: 'code', authCode: '281000000000000001', provider: 'wechat' }, 'PROVIDER_MISMATCH'],
    ];
    for (const [input, code] of tries) {
      const r = await d.host.dispatch('orders.create', input);
      expect(r).toMatchObject({ ok: false, error: { code } });
      if (!r.ok) expect(r.error.message).toMatch(BILINGUAL);
    }
    expect((await ok(d.host.dispatch('orders.list', {}))).items).toEqual([]);
    // The default QR is still Alipay's, and its customer page is the emulator's own QR / pay URL.
    const alipay = await ok(d.host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    expect(alipay.provider).toBe('alipay');
    expect(alipay.customerUrl).toBe(alipay.qrCode);
    expect(alipay.customerUrl?.startsWith(`${d.emulatorUrl}/`)).toBe(true);
  });

  it('付款码: a WeChat code is charged by WeChat Pay; USERPAYING is polled until paid; past the barcode deadline the trade is reversed', async () => {
    // Emulated time × 40: the buyer of 110… confirms after 8 s emulated = 0.2 s; the deadline is lowered to 1.5 s.
    const d = await demo({ barcodePollMs: 100, barcodeMaxWaitMs: 1_500 }, { emulatorTimeScale: 40 });
    const paid = await ok(d.host.dispatch('orders.create', { amount: '5.00', method: 'code', authCode: '100000000000000001' }));
    expect(paid).toMatchObject({ provider: 'wechat', method: 'code', status: 'PAID', customerUrl: null });

    const confirming = await ok(d.host.dispatch('orders.create', { amount: '6.00', method: 'code', authCode: '110000000000000002' }));
    expect(confirming).toMatchObject({ provider: 'wechat', status: 'PAID' });
    const events = (await ok(d.host.dispatch('orders.get', { id: confirming.id }))).events.map((e) => e.kind);
    expect(events.join(',')).toMatch(/user_paying|userpaying|confirming/i);

    const started = Date.now();
    const never = await ok(d.host.dispatch('orders.create', { amount: '7.00', method: 'code', authCode: '120000000000000003' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(never.status).not.toBe('PAID');
    expect(['CLOSED', 'FAILED']).toContain(never.status);
    const trade = await d.wx('GET', `/trades/${never.id}`);
    expect(trade.body.state).toBe('REVOKED');

    // Alipay's 付款码 still go to Alipay in the same core.
    const alipay = await ok(d.host.dispatch('orders.create', { amount: '1.00', method: 'code', authCode: '281000000000000001' }));
    expect(alipay.provider).toBe('alipay');
  });
});
