/**
 * Status-bar warnings from the payments, through the real console, core and emulator:
 * a blank seller id refused in Settings outside demo; a genuine notification refused only for its
 * seller_id names the seller id Alipay sent; an order paid after it was cancelled is shown loudly until
 * it is refunded.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index';
import { createConsole } from '../../src/main/console';
import type { ConsoleHost } from '../../src/main/console-host';
import { cleanupStack, ok } from './helpers';
import { makeTempDir, waitFor } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

const fast = { pollInitialMs: 100, pollMaxMs: 100 };

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
  return res.status;
}

/** A sandbox console whose gateway is a local emulator, keys imported; `sellerId` as the merchant typed it. */
async function sandboxConsole(
  sellerId: (emulatorSellerId: string) => string,
): Promise<{ host: ConsoleHost; control: string; emuSellerId: string; dir: string }> {
  const emu = await startEmulator({ port: 0 });
  cleanups.push(() => emu.close());
  const { dir, cleanup } = makeTempDir('paydesk-warn-');
  cleanups.push(cleanup);
  const c = emu.credentials;
  await writeFile(
    join(dir, 'settings.json'),
    JSON.stringify({ environment: 'sandbox', alipay: { appId: c.appId, sellerId: sellerId(c.sellerId) }, notifyMode: 'loopback' }),
  );
  const host = await createConsole({ dataDir: dir, vault: { kind: 'file', env: {} }, gateways: { sandbox: c.gateway }, tuning: fast });
  cleanups.push(() => host.close());
  await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: c.appPrivateKey }));
  await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: c.alipayPublicKey }));
  return { host, control: c.control, emuSellerId: c.sellerId, dir };
}

describe('seller id', () => {
  it('outside demo, Settings refuses a blank seller id with a bilingual error and changes nothing', async () => {
    const { host, dir } = await sandboxConsole((s) => s);
    const before = await readFile(join(dir, 'settings.json'), 'utf8');
    for (const patch of [
      { alipay: { sellerId: '' }, voice: false },
      { alipay: { sellerId: '   ' }, voice: false },
      { alipay: { appId: '2021000000000777', sellerId: '' } },
    ]) {
      const r = await host.dispatch('settings.update', patch);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_INPUT');
        expect(r.error.message).toMatch(/^[^A-Za-z]*PID.*\/ .*seller id/);
      }
    }
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(before);
    expect(await ok(host.dispatch('settings.get', {}))).toMatchObject({ voice: true });
    // Demo needs no seller id (the embedded emulator's is used); switching to sandbox without one is refused.
    expect((await host.dispatch('settings.update', { environment: 'demo', alipay: { sellerId: '' } })).ok).toBe(true);
    expect((await host.dispatch('settings.update', { environment: 'production' })).ok).toBe(false);
  });

  it('a genuine notification refused only for its seller_id raises a status warning naming the seller id Alipay sent', async () => {
    const { host, control, emuSellerId } = await sandboxConsole(() => '2088000000000999');
    expect((await ok(host.dispatch('status.get', {}))).warnings.join('\n')).not.toContain(emuSellerId);
    const order = await ok(host.dispatch('orders.create', { amount: '3.00', method: 'qr' }));
    expect(await post(`${control}/trades/${order.id}/pay`, {})).toBe(200);
    const warning = await waitFor(async () => (await ok(host.dispatch('status.get', {}))).warnings.find((w) => w.includes(emuSellerId)), 'seller id warning');
    expect(warning).toContain('2088000000000999'); // what Settings has
    expect(warning).toMatch(/PID.*\/ .*seller id/);
    // Polling still settles the payment.
    await waitFor(async () => (await ok(host.dispatch('orders.get', { id: order.id }))).status === 'PAID', 'PAID by polling');
  });
});

describe('late payment', () => {
  it('an order paid after it was cancelled: loud status warning and order flag until it is refunded in one call', async () => {
    const { dir, cleanup } = makeTempDir('paydesk-late-');
    cleanups.push(cleanup);
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'demo', notifyMode: 'none' }));
    const host = await createConsole({ dataDir: dir, tuning: fast });
    cleanups.push(() => host.close());
    const emulatorUrl = (await ok(host.dispatch('status.get', {}))).emulatorUrl;
    const control = `${emulatorUrl}/__emulator`;
    // Alipay does not void the number this time (the cancel fails): only watching can catch the payment.
    expect(await post(`${control}/faults`, { kind: 'system-error', method: 'alipay.trade.cancel', count: 10 })).toBe(200);
    const order = await ok(host.dispatch('orders.create', { amount: '66.00', method: 'qr' }));
    expect((await ok(host.dispatch('orders.cancel', { id: order.id }))).status).toBe('CLOSED');
    expect(await post(`${control}/trades/${order.id}/pay`, {})).toBe(200);
    const paid = await waitFor(async () => {
      const o = await ok(host.dispatch('orders.get', { id: order.id }));
      return o.status === 'PAID' ? o : null;
    }, 'late payment');
    expect(paid.latePayment).toBe('after_cancel');
    expect(paid.events.at(-1)?.kind).toBe('paid_after_cancel');
    const warnings = (await ok(host.dispatch('status.get', {}))).warnings;
    expect(warnings[0]).toContain(order.id);
    expect(warnings[0]).toMatch(/取消后收到付款 66\.00 元.*\/ .*AFTER it was cancelled/);
    await ok(host.dispatch('orders.refund', { id: order.id, amount: paid.refundable }));
    await waitFor(async () => (await ok(host.dispatch('orders.get', { id: order.id }))).status === 'REFUNDED', 'refunded');
    expect((await ok(host.dispatch('status.get', {}))).warnings.join('\n')).not.toContain(order.id);
    const trade = (await (await fetch(`${control}/trades/${order.id}`)).json()) as { refundFee: string };
    expect(trade.refundFee).toBe('66.00');
  });
});
