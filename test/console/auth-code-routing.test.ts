import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeConsole, ok, type FakeConsole } from './helpers';
import { makeTempDir } from '../support';

const BILINGUAL = /^[^/]*[\u4e00-\u9fff][^/]* \/ .*[A-Za-z]{3}/;
const WECHAT_CODE = '134567890123456789';
const ALIPAY_CODE = '281000000000000001';

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
const stored = async (c: FakeConsole): Promise<number> => (await ok(c.host.dispatch('orders.list', {}))).items.length;

describe('付款码 routing in main: one scanner input, the provider from the code', () => {
  it('an Alipay code goes through as before, to the Alipay provider', async () => {
    const c = await start();
    const order = await ok(c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode: ALIPAY_CODE }));
    expect(order).toMatchObject({ method: 'code', amount: '12.00' });
    expect(c.core().createInputs).toMatchObject([{ method: 'code', authCode: ALIPAY_CODE, provider: 'alipay' }]);
  });

  it('a WeChat Pay code is refused with PROVIDER_NOT_CONFIGURED (bilingual) while only Alipay is hosted; nothing is stored', async () => {
    const c = await start();
    const r = await c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode: WECHAT_CODE });
    expect(r).toMatchObject({ ok: false, error: { code: 'PROVIDER_NOT_CONFIGURED' } });
    if (!r.ok) {
      expect(r.error.message).toMatch(BILINGUAL);
      expect(r.error.message).toContain('微信支付尚未设置');
      expect(r.error.message).toContain('WeChat Pay is not set up yet');
      expect(r.error.message).not.toContain(WECHAT_CODE);
    }
    expect(c.core().createInputs).toEqual([]);
    expect(await stored(c)).toBe(0);
    // The refusal charged nothing: the same code is not held as a duplicate, and Alipay still works.
    expect(await c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode: WECHAT_CODE })).toMatchObject({
      ok: false,
      error: { code: 'PROVIDER_NOT_CONFIGURED' },
    });
    await ok(c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode: ALIPAY_CODE }));
  });

  it.each([
    ['311234567890129876', 'a prefix no provider issues'],
    ['13456789012345678', 'a WeChat prefix, 17 digits'],
    ['6901234567892', 'a product barcode'],
    ['28100000000000000x', 'a letter'],
  ])('%s (%s) is refused with AUTH_CODE_INVALID before anything is stored, naming the accepted codes', async (authCode) => {
    const c = await start();
    const r = await c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode });
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_CODE_INVALID' } });
    if (!r.ok) {
      expect(r.error.message).toMatch(BILINGUAL);
      expect(r.error.message).toContain('WeChat Pay codes (18 digits starting 10–15) and Alipay codes (16–24 digits starting 25–30)');
      expect(r.error.message).toContain(authCode.slice(-4));
      expect(r.error.message).not.toContain(authCode.slice(0, 8));
    }
    expect(c.core().createInputs).toEqual([]);
    expect(await stored(c)).toBe(0);
  });

  it('once the core hosts WeChat Pay, a WeChat code is carried by it, and the double-scan guard holds for it too', async () => {
    const c = await start();
    c.core().alsoHost.push('wechat');
    const order = await ok(c.host.dispatch('orders.create', { amount: '9.90', method: 'code', authCode: WECHAT_CODE }));
    expect(order).toMatchObject({ amount: '9.90' });
    expect(c.core().createInputs).toMatchObject([{ authCode: WECHAT_CODE, provider: 'wechat' }]);
    const again = await c.host.dispatch('orders.create', { amount: '9.90', method: 'code', authCode: WECHAT_CODE });
    expect(again).toMatchObject({ ok: false, error: { code: 'DUPLICATE_AUTH_CODE' } });
    expect(c.core().createInputs).toHaveLength(1);
  });

  it('QR and link sales name no provider (the default carries them), whatever the hosted list', async () => {
    const c = await start();
    await ok(c.host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    expect(c.core().createInputs[0]).not.toHaveProperty('provider');
  });
});
