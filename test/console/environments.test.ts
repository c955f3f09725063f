/**
 * An order belongs to the environment (demo / sandbox / production) and app it was created with. The
 * field defect this reproduces: production (here an emulator on 127.0.0.1 standing in for Alipay's
 * gateway) paid 10.00, a 4.00 refund's outcome was unknown (the gateway HAD refunded), then PayDesk
 * started in demo — after a corrupt settings.json, a deliberate switch, or a one-run `--provider demo` —
 * and the demo sweep asked the demo emulator, got "trade does not exist" and failed the refund, so the
 * cashier refunded the same 4.00 again in production. Every switch below must leave the refund alone.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/main/console';
import type { ConsoleConfig, ConsoleHost } from '../../src/main/console-host';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index';
import { cleanupStack, ok } from './helpers';
import { makeTempDir, memoryLogger, waitFor } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

interface World {
  emu: RunningEmulator;
  dir: string;
  start(over?: Partial<ConsoleConfig>): Promise<ConsoleHost>;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
}

async function world(): Promise<World> {
  const emu = await startEmulator({ port: 0 });
  cleanups.push(() => emu.close());
  const { dir, cleanup } = makeTempDir('paydesk-env-');
  cleanups.push(cleanup);
  const c = emu.credentials;
  await writeFile(
    join(dir, 'settings.json'),
    JSON.stringify({ environment: 'production', alipay: { appId: c.appId, sellerId: c.sellerId }, notifyMode: 'none' }),
  );
  const start = async (over: Partial<ConsoleConfig> = {}): Promise<ConsoleHost> => {
    const host = await createConsole(
      {
        dataDir: dir,
        vault: { kind: 'file', env: {} },
        gateways: { production: c.gateway },
        tuning: { pollInitialMs: 50, pollMaxMs: 100, refundMinGapMs: 50 },
        ...over,
      },
      { logger: memoryLogger() },
    );
    cleanups.push(() => host.close());
    return host;
  };
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${c.control}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  return { emu, dir, start, control };
}

/** Production: paid 10.00, then a 4.00 refund the gateway applied but whose outcome PayDesk never learnt. */
async function unknownProductionRefund(w: World): Promise<{ orderId: string; refundId: string }> {
  const host = await w.start();
  const c = w.emu.credentials;
  await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: c.appPrivateKey }));
  await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: c.alipayPublicKey }));
  const order = await ok(host.dispatch('orders.create', { amount: '10.00', method: 'qr' }));
  expect(order).toMatchObject({ environment: 'production', appId: c.appId, foreign: false });
  await w.control('POST', `/trades/${order.id}/pay`, {});
  await waitFor(async () => (await ok(host.dispatch('orders.get', { id: order.id }))).status === 'PAID', 'paid', 5_000);
  // The refund is applied, then answered with HTTP 500; every refund query fails too.
  await w.control('POST', '/faults', { kind: 'http500', method: 'alipay.trade.refund', apply: true });
  await w.control('POST', '/faults', { kind: 'http500', method: 'alipay.trade.fastpay.refund.query', count: 1000 });
  const r = await host.dispatch('orders.refund', { id: order.id, amount: '4.00' });
  if (!r.ok) throw new Error(`refund refused: ${r.error.code} ${r.error.message}`);
  const after = await ok(host.dispatch('orders.get', { id: order.id }));
  const refund = after.refunds[0];
  expect(refund?.status).toBe('UNKNOWN');
  await host.close();
  return { orderId: order.id, refundId: refund!.id };
}

function refundRow(dir: string, id: string): { status: string; message: string | null } {
  const db = new BetterSqlite3(join(dir, 'paydesk.db'), { readonly: true });
  try {
    return db.prepare('SELECT status, message FROM refunds WHERE id = ?').get(id) as { status: string; message: string | null };
  } finally {
    db.close();
  }
}

/** Give the demo console's start-up sweep time to do whatever it would do (a negative check needs a wait). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 800));

/** Back in production with a healthy gateway: the refund resolves to the one refund the gateway made. */
async function backToProduction(w: World, ids: { orderId: string; refundId: string }): Promise<void> {
  await w.control('DELETE', '/faults');
  const host = await w.start();
  await waitFor(
    async () => (await ok(host.dispatch('orders.get', { id: ids.orderId }))).refunds[0]?.status === 'SUCCESS',
    'refund resolved in production',
    5_000,
  );
  const order = await ok(host.dispatch('orders.get', { id: ids.orderId }));
  expect(order).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded: '4.00', refundable: '6.00', foreign: false });
  const trade = (await w.control('GET', `/trades/${ids.orderId}`)) as { refundFee: string; refunds: unknown[] };
  expect(trade.refundFee).toBe('4.00');
  expect(trade.refunds).toHaveLength(1);
  expect(await ok(host.dispatch('summary.today', {}))).toMatchObject({ count: 1, gross: '10.00', refunded: '4.00', net: '6.00' });
}

describe('an order belongs to its environment and app', () => {
  it('a corrupt settings.json in a production data dir: payments stay disabled (bilingual), nothing is touched or overwritten', async () => {
    const w = await world();
    const ids = await unknownProductionRefund(w);
    const settingsFile = join(w.dir, 'settings.json');
    await writeFile(settingsFile, '{"providerMode": "produ');

    const host = await w.start();
    const status = await ok(host.dispatch('status.get', {}));
    expect(status.emulatorUrl).toBeNull();
    expect(existsSync(join(w.dir, 'emulator'))).toBe(false); // the demo emulator was never started
    const create = await host.dispatch('orders.create', { amount: '1.00', method: 'qr' });
    expect(create.ok).toBe(false);
    if (!create.ok) {
      expect(create.error.code).toBe('SETTINGS_REQUIRED');
      expect(create.error.message).toMatch(/设置文件.*生产.* \/ .*settings.*production/i);
      expect(status.warnings).toContain(create.error.message);
    }
    await settle();
    await host.close();

    expect(refundRow(w.dir, ids.refundId).status).toBe('UNKNOWN');
    expect(await readFile(settingsFile, 'utf8')).toBe('{"providerMode": "produ'); // nothing overwritten
    await writeFile(
      settingsFile,
      JSON.stringify({ environment: 'production', alipay: { appId: w.emu.credentials.appId, sellerId: w.emu.credentials.sellerId }, notifyMode: 'none' }),
    );
    await backToProduction(w, ids);
  });

  it('a missing settings.json next to production keys and orders: disabled until the merchant saves settings, then payments start', async () => {
    const w = await world();
    const ids = await unknownProductionRefund(w);
    await rm(join(w.dir, 'settings.json'));
    await w.control('DELETE', '/faults');

    const host = await w.start();
    const create = await host.dispatch('orders.create', { amount: '1.00', method: 'qr' });
    expect(create.ok ? null : create.error.code).toBe('SETTINGS_REQUIRED');
    await settle();
    expect(existsSync(join(w.dir, 'settings.json'))).toBe(false); // nothing written by itself
    expect(existsSync(join(w.dir, 'emulator'))).toBe(false);

    const c = w.emu.credentials;
    await ok(host.dispatch('settings.update', { environment: 'production', alipay: { appId: c.appId, sellerId: c.sellerId }, notifyMode: 'none' }));
    // Payments start without a restart, and the production sweep settles the refund the gateway made.
    await waitFor(
      async () => (await ok(host.dispatch('orders.get', { id: ids.orderId }))).refunds[0]?.status === 'SUCCESS',
      'refund resolved once settings were saved',
      5_000,
    );
    expect(await ok(host.dispatch('orders.get', { id: ids.orderId }))).toMatchObject({ refunded: '4.00', refundable: '6.00' });
    expect((await ok(host.dispatch('status.get', {}))).warnings).toEqual([]);
  });

  it('a deliberate switch to demo: production orders are shown read-only and marked; the demo sweep never touches them', async () => {
    const w = await world();
    const ids = await unknownProductionRefund(w);
    const prod = await w.start();
    await ok(prod.dispatch('settings.update', { environment: 'demo' }));
    await prod.close();

    const demo = await w.start();
    expect(demo.info().environment).toBe('demo');
    await settle();
    const order = await ok(demo.dispatch('orders.get', { id: ids.orderId }));
    expect(order).toMatchObject({ environment: 'production', foreign: true, status: 'PAID' });
    expect(order.refunds[0]?.status).toBe('UNKNOWN');
    const listed = await ok(demo.dispatch('orders.list', {}));
    expect(listed.items.find((o) => o.id === ids.orderId)).toMatchObject({ foreign: true, environment: 'production' });
    const again = await demo.dispatch('orders.refund', { id: ids.orderId, amount: '4.00' });
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.code).toBe('ORDER_FOREIGN');
      expect(again.error.message).toMatch(/生产.*\/.*production/i);
    }
    // 今日 in demo adds up demo money only: the production 10.00 is not in it.
    expect(await ok(demo.dispatch('summary.today', {}))).toMatchObject({ count: 0, gross: '0.00' });
    // A demo order of its own works as usual.
    const own = await ok(demo.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    expect(own).toMatchObject({ environment: 'demo', foreign: false });
    await demo.close();
    expect(refundRow(w.dir, ids.refundId).status).toBe('UNKNOWN');

    const prod2 = await w.start();
    await ok(prod2.dispatch('settings.update', { environment: 'production' }));
    await prod2.close();
    await backToProduction(w, ids);
  });

  it('a one-run --provider demo override leaves production orders alone', async () => {
    const w = await world();
    const ids = await unknownProductionRefund(w);
    const demo = await w.start({ environment: 'demo' });
    await settle();
    const order = await ok(demo.dispatch('orders.get', { id: ids.orderId }));
    expect(order).toMatchObject({ environment: 'production', foreign: true });
    expect(order.refunds[0]?.status).toBe('UNKNOWN');
    await demo.close();
    expect(refundRow(w.dir, ids.refundId).status).toBe('UNKNOWN');
    await backToProduction(w, ids);
  });

  it('another app id in the same environment is foreign too: its refund is left to that app', async () => {
    const w = await world();
    const ids = await unknownProductionRefund(w);
    const c = w.emu.credentials;
    const other = (await w.control('POST', '/apps', { publicKey: c.alipayPublicKey })) as { appId: string };
    await writeFile(
      join(w.dir, 'settings.json'),
      JSON.stringify({ environment: 'production', alipay: { appId: other.appId, sellerId: c.sellerId }, notifyMode: 'none' }),
    );
    await w.control('DELETE', '/faults');
    const host = await w.start();
    await settle();
    const order = await ok(host.dispatch('orders.get', { id: ids.orderId }));
    expect(order).toMatchObject({ environment: 'production', appId: c.appId, foreign: true });
    expect(order.refunds[0]?.status).toBe('UNKNOWN');
    const cancel = await host.dispatch('orders.refund', { id: ids.orderId, amount: '1.00' });
    expect(cancel.ok).toBe(false);
  });

  it('orders from before environments were recorded: foreign until the environment named by the saved settings runs, then adopted', async () => {
    const w = await world();
    const ids = await unknownProductionRefund(w);
    // What migration 0005 leaves on rows of an older version.
    const db = new BetterSqlite3(join(w.dir, 'paydesk.db'));
    db.prepare("UPDATE orders SET environment = 'unknown', app_id = ''").run();
    db.close();
    await w.control('DELETE', '/faults');

    const demo = await w.start({ environment: 'demo' }); // not what settings.json says: no adoption
    await settle();
    expect(await ok(demo.dispatch('orders.get', { id: ids.orderId }))).toMatchObject({ environment: 'unknown', foreign: true });
    await demo.close();
    expect(refundRow(w.dir, ids.refundId).status).toBe('UNKNOWN');

    const prod = await w.start(); // settings.json says production: its orders are adopted and swept
    await waitFor(async () => (await ok(prod.dispatch('orders.get', { id: ids.orderId }))).refunds[0]?.status === 'SUCCESS', 'adopted refund resolved', 5_000);
    expect(await ok(prod.dispatch('orders.get', { id: ids.orderId }))).toMatchObject({
      environment: 'production',
      appId: w.emu.credentials.appId,
      foreign: false,
      refunded: '4.00',
    });
  });
});
