import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDuplicateCodeGuard } from '../../src/main/console/sale-guard';
import { PaymentError } from '../../src/main/payments/api';
import { fakeConsole, ok, type FakeConsole } from './helpers';
import { makeTempDir } from '../support';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;

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

describe('maximum per sale (enforced in main)', () => {
  it('defaults: confirmation above ¥500, at most ¥5,000 per sale, scanner gap 60 ms', async () => {
    const c = await start();
    expect(await ok(c.host.dispatch('settings.get', {}))).toMatchObject({ confirmAbove: '500.00', maxPerSale: '5000.00', scanMaxGapMs: 60 });
  });

  it('refuses a sale above the maximum with a bilingual AMOUNT_OVER_LIMIT and creates nothing', async () => {
    const c = await start();
    const r = await c.host.dispatch('orders.create', { amount: '5000.01', method: 'qr' });
    expect(r).toMatchObject({ ok: false, error: { code: 'AMOUNT_OVER_LIMIT' } });
    if (!r.ok) expect(r.error.message).toMatch(BILINGUAL);
    const code = await c.host.dispatch('orders.create', { amount: '281000000000000001', method: 'code', authCode: '281000000000000001' });
    expect(code).toMatchObject({ ok: false, error: { code: 'AMOUNT_FORMAT' } });
    expect((await ok(c.host.dispatch('orders.list', {}))).items).toHaveLength(0);
    await ok(c.host.dispatch('orders.create', { amount: '5000.00', method: 'qr' }));
  });

  it('the limits are settings (yuan in, fen in settings.json), checked strictly and against each other', async () => {
    const c = await start();
    const s = await ok(c.host.dispatch('settings.update', { maxPerSale: '20000', confirmAbove: '1000.5', scanMaxGapMs: 80 }));
    expect(s).toMatchObject({ maxPerSale: '20000.00', confirmAbove: '1000.50', scanMaxGapMs: 80 });
    const file = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ maxPerSaleFen: 2_000_000, confirmAboveFen: 100_050, scanMaxGapMs: 80 });
    await ok(c.host.dispatch('orders.create', { amount: '19999.99', method: 'qr' }));

    for (const bad of [{ maxPerSale: '1.234' }, { confirmAbove: '0' }, { maxPerSale: '999.99' }, { scanMaxGapMs: 5 }]) {
      const r = await c.host.dispatch('settings.update', bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(BILINGUAL);
    }
    expect(await ok(c.host.dispatch('settings.get', {}))).toMatchObject({ maxPerSale: '20000.00', confirmAbove: '1000.50' });
  });
});

describe('the same 付款码 twice within a minute (enforced in main)', () => {
  it('refuses the second charge of one code, bilingual; another code goes through', async () => {
    const c = await start();
    await ok(c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode: '281000000000000001' }));
    const again = await c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode: '281000000000000001' });
    expect(again).toMatchObject({ ok: false, error: { code: 'DUPLICATE_AUTH_CODE' } });
    if (!again.ok) expect(again.error.message).toMatch(BILINGUAL);
    await ok(c.host.dispatch('orders.create', { amount: '12.00', method: 'code', authCode: '281000000000000009' }));
    expect((await ok(c.host.dispatch('orders.list', {}))).items).toHaveLength(2);
  });

  it('a code whose first attempt failed may be tried again (it cannot have been charged)', async () => {
    const c = await start();
    c.core().failNext('createOrder', new PaymentError('PROVIDER_ERROR', '网关错误 / Gateway error'));
    expect(await c.host.dispatch('orders.create', { amount: '3.00', method: 'code', authCode: '282000000000000002' })).toMatchObject({ ok: false });
    await ok(c.host.dispatch('orders.create', { amount: '3.00', method: 'code', authCode: '282000000000000002' }));
  });

  it('two scans of one code at the same moment: only one is charged', async () => {
    const c = await start();
    const [a, b] = await Promise.all([
      c.host.dispatch('orders.create', { amount: '8.00', method: 'code', authCode: '283000000000000003' }),
      c.host.dispatch('orders.create', { amount: '8.00', method: 'code', authCode: '283000000000000003' }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
  });

  it('the window is one minute on the clock', () => {
    let now = 1_000_000;
    const guard = createDuplicateCodeGuard(() => now);
    guard.begin('281000000000000001')('charged');
    now += 59_999;
    expect(() => guard.begin('281000000000000001')).toThrow(/DUPLICATE|刚刚已扫过/);
    now += 1;
    expect(() => guard.begin('281000000000000001')).not.toThrow();
  });
});
