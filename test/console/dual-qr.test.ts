/**
 * orders.create with 双码 ('dual') in main: both providers' orders of one sale in one answer, or a clear
 * refusal that creates nothing while WeChat Pay is not hosted. The pair rules themselves are tested
 * against the emulators in test/providers/wechat/dual-qr.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeConsole, ok, type FakeConsole } from './helpers';
import { makeTempDir } from '../support';

const BILINGUAL = /^[^/]*[\u4e00-\u9fff][^/]* \/ .*[A-Za-z]{3}/;

let dir: string;
let cleanup: () => Promise<void>;
let running: FakeConsole[] = [];
beforeEach(async () => {
  ({ dir, cleanup } = makeTempDir());
});
afterEach(async () => {
  for (const c of running) await c.host.close();
  running = [];
  await cleanup();
});
async function start(): Promise<FakeConsole> {
  const c = await fakeConsole({ dataDir: dir });
  running.push(c);
  return c;
}

describe('orders.create 双码', () => {
  it('refused with PROVIDER_NOT_CONFIGURED (bilingual) while WeChat Pay is not hosted; nothing is created', async () => {
    const c = await start();
    const r = await c.host.dispatch('orders.create', { amount: '12.00', method: 'qr', provider: 'dual' });
    expect(r).toMatchObject({ ok: false, error: { code: 'PROVIDER_NOT_CONFIGURED' } });
    if (!r.ok) {
      expect(r.error.message).toMatch(BILINGUAL);
      expect(r.error.message).toContain('微信支付尚未设置');
      expect(r.error.message).toContain('WeChat Pay is not set up yet');
    }
    expect(c.core().createInputs).toEqual([]);
    expect((await ok(c.host.dispatch('orders.list', {}))).items).toEqual([]);
  });

  it('answers the Alipay order with the WeChat order of the same sale as `paired`, linked both ways', async () => {
    const c = await start();
    c.core().alsoHost.push('wechat');
    const order = await ok(c.host.dispatch('orders.create', { amount: '12.00', method: 'qr', provider: 'dual', subject: '咖啡' }));
    expect(order).toMatchObject({ provider: 'alipay', method: 'qr', amount: '12.00', subject: '咖啡', status: 'AWAITING_PAYMENT' });
    expect(order.paired).toMatchObject({ provider: 'wechat', method: 'qr', amount: '12.00', subject: '咖啡', pairedWith: order.id });
    expect(order.pairedWith).toBe(order.paired?.id);
    expect(c.core().createInputs).toMatchObject([
      { provider: 'alipay', method: 'qr', amountFen: 1200 },
      { provider: 'wechat', method: 'qr', amountFen: 1200 },
    ]);
    // Listed as two orders, each naming the other; an ordinary order names none.
    const single = await ok(c.host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    expect(single.pairedWith).toBeUndefined();
    const items = (await ok(c.host.dispatch('orders.list', {}))).items;
    expect(items.filter((o) => o.pairedWith).map((o) => [o.id, o.pairedWith])).toEqual(
      expect.arrayContaining([
        [order.id, order.paired?.id],
        [order.paired?.id, order.id],
      ]),
    );
  });
});
