/**
 * Keys and 测试连接 (README, "Security" and "Switching to the Alipay sandbox or production") through the
 * console: sandbox mode with its gateway pointed at a local emulator (the real
 * Alipay is never called), keys imported through `keys.import` into the file vault, 测试连接 through
 * `keys.test`, and a real payment with the vault's keys — the whole path a merchant takes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/main/console';
import type { ConsoleHost } from '../../src/main/console-host';
import { startEmulator, type RunningEmulator as Emulator } from '../../src/emulator/index';
import { cleanupStack, ok } from '../console/helpers';
import { makeTempDir, memoryLogger, type MemoryLogger } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

/** PEM → the bare base64 body Alipay's key tool shows. */
const bare = (pem: string): string => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

async function setup(): Promise<{ emu: Emulator; host: ConsoleHost; dir: string; logs: MemoryLogger }> {
  const emu = await startEmulator({ port: 0 });
  cleanups.push(() => emu.close());
  const { dir, cleanup } = makeTempDir('paydesk-keys-');
  cleanups.push(cleanup);
  const c = emu.credentials;
  await writeFile(
    join(dir, 'settings.json'),
    JSON.stringify({ environment: 'sandbox', alipay: { appId: c.appId, sellerId: c.sellerId }, notifyMode: 'loopback' }),
  );
  const logs = memoryLogger();
  const host = await createConsole(
    {
      dataDir: dir,
      vault: { kind: 'file', env: {} },
      gateways: { sandbox: c.gateway },
      tuning: { pollInitialMs: 100, pollMaxMs: 100 },
    },
    { logger: logs },
  );
  cleanups.push(() => host.close());
  return { emu, host, dir, logs };
}

describe('sandbox keys through the console (emulator as the gateway)', () => {
  it('import (bare base64 and PEM) → payments start → 测试连接 ok → a payment with the vault keys; nothing secret leaves', async () => {
    const { emu, host, dir, logs } = await setup();
    const c = emu.credentials;
    expect((await host.dispatch('orders.create', { amount: '1.00', method: 'qr' })).ok).toBe(false);

    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: bare(c.appPrivateKey) }));
    const settings = await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: c.alipayPublicKey }));
    expect(settings.alipay.keys.appPrivateKey.configured && settings.alipay.keys.alipayPublicKey.configured).toBe(true);
    expect(settings.vault.backend).toBe('file');

    const test = await ok(host.dispatch('keys.test', {}));
    expect(test).toMatchObject({ ok: true, code: null, environment: 'sandbox' });
    expect(test.message).toMatch(/连接正常.*Connection OK/);

    // payments started without a restart, signed with the vault's keys, verified by the emulator
    const order = await ok(host.dispatch('orders.create', { amount: '12.34', method: 'qr' }));
    expect(order.qrCode).toMatch(/^http/);
    await fetch(`${c.control}/trades/${order.id}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const deadline = Date.now() + 5_000;
    for (;;) {
      const o = await ok(host.dispatch('orders.get', { id: order.id }));
      if (o.status === 'PAID') break;
      if (Date.now() > deadline) throw new Error(`not paid: ${o.status}`);
      await new Promise((r) => setTimeout(r, 30));
    }

    // at rest: ciphertext only; in answers and logs: no key text
    const vaultFile = await readFile(join(dir, 'vault.json'), 'utf8');
    for (const secret of [bare(c.appPrivateKey), bare(c.alipayPublicKey)]) {
      expect(vaultFile).not.toContain(secret.slice(40, 100));
    }
    const everything = JSON.stringify([
      await ok(host.dispatch('settings.get', {})),
      await ok(host.dispatch('status.get', {})),
      await ok(host.dispatch('orders.get', { id: order.id })),
      logs.lines,
    ]);
    expect(everything).not.toMatch(/BEGIN|PRIVATE KEY/);
    expect(everything).not.toContain(bare(c.appPrivateKey).slice(40, 100));
  });

  it('测试连接 explains the wrong Alipay public key and a wrong app id', async () => {
    const { emu, host } = await setup();
    const c = emu.credentials;
    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: c.appPrivateKey }));
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: stranger }));
    const wrongKey = await ok(host.dispatch('keys.test', {}));
    expect(wrongKey).toMatchObject({ ok: false, code: 'ALIPAY_KEY_WRONG' });
    expect(wrongKey.message).toMatch(/支付宝公钥.*Alipay public key/);

    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: c.alipayPublicKey }));
    await ok(host.dispatch('settings.update', { alipay: { appId: '2021009999999999' } }));
    const wrongApp = await ok(host.dispatch('keys.test', {}));
    expect(wrongApp).toMatchObject({ ok: false, code: 'INVALID_APP_ID' });
  });

  it('the classic mistake — the app public key as the Alipay public key — is refused in words', async () => {
    const { emu, host } = await setup();
    const c = emu.credentials;
    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: c.appPrivateKey }));
    const { createPublicKey } = await import('node:crypto');
    const appPublic = createPublicKey(c.appPrivateKey).export({ type: 'spki', format: 'pem' }).toString();
    const r = await host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: appPublic });
    expect(r).toMatchObject({ ok: false, error: { code: 'SAME_AS_APP_PUBLIC_KEY' } });
    if (!r.ok) expect(r.error.message).toMatch(/应用公钥.*app public key/s);
    expect((await ok(host.dispatch('settings.get', {}))).alipay.keys.alipayPublicKey.configured).toBe(false);
    expect((await host.dispatch('orders.create', { amount: '1.00', method: 'qr' })).ok).toBe(false);
  });
});
