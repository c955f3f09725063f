/**
 * The data directory at start-up: a vanished or corrupt database stops start-up with a clear bilingual
 * error (never a silent empty database, never INTERNAL on every call), files are 0600 and the directory
 * 0700; 订单有效期 applies to new orders at once; 测试连接 tests the mode a `--provider` override runs.
 */
import { chmod, mkdir, open, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsole, type EmulatorHandle } from '../../src/main/console';
import type { ConsoleConfig, ConsoleHost } from '../../src/main/console-host';
import { openStore } from '../../src/main/store';
import { startEmulator } from '../../src/emulator/index';
import { cleanupStack, fakeEmulatorHandle, ok, testKeys } from './helpers';
import { makeTempDir, memoryLogger } from '../support';

const cleanups = cleanupStack();
afterEach(() => cleanups.run());

/** A fake embedded emulator (credentials only; no order here ever reaches its gateway). */
const fakeEmulator = async (): Promise<EmulatorHandle> => fakeEmulatorHandle();

/** The console with the real payment core (real database) and a fake embedded emulator. */
async function start(dir: string, over: Partial<ConsoleConfig> = {}): Promise<ConsoleHost> {
  const host = await createConsole({ dataDir: dir, vault: { kind: 'file', env: {} }, ...over }, { logger: memoryLogger(), startEmulator: fakeEmulator });
  cleanups.push(() => host.close());
  return host;
}

async function dataDir(): Promise<string> {
  const { dir, cleanup } = makeTempDir('paydesk-datadir-');
  cleanups.push(cleanup);
  return dir;
}

/** A database with a few paid orders (what a merchant's data dir holds). */
function seed(dir: string, n = 300): void {
  const store = openStore(join(dir, 'paydesk.db'));
  for (let i = 0; i < n; i++) {
    store.orders.insert({
      id: `PD${String(i).padStart(6, '0')}`,
      method: 'qr',
      status: 'PAID',
      amountFen: 1000 + i,
      refundedFen: 0,
      subject: '商品 goods '.repeat(8),
      qrCode: null,
      payUrl: null,
      tradeNo: `T${i}`,
      buyerLogonId: null,
      notifyUrl: null,
      createdAt: 1_700_000_000_000 + i,
      updatedAt: 1_700_000_000_000 + i,
      paidAt: 1_700_000_000_000 + i,
      expiresAt: null,
      closedAt: null,
      userPaying: false,
      message: null,
      environment: 'demo',
      appId: '2021000000000001',
    });
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('the database at start-up', () => {
  it('a database that vanished next to settings and vault is an error in words, and no empty one is created', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    await ok(first.dispatch('settings.update', { voice: false }));
    await ok(first.dispatch('orders.create', { amount: '1.00', method: 'link' }));
    await first.close();
    for (const f of ['paydesk.db', 'paydesk.db-wal', 'paydesk.db-shm']) await rm(join(dir, f), { force: true });

    const err = await start(dir).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code).toBe('DATABASE_MISSING');
    expect(err?.message).toMatch(/订单数据库.*不见了.* \/ .*database.*missing/);
    expect(err?.message).toContain(join(dir, 'paydesk.db'));
    expect(existsSync(join(dir, 'paydesk.db'))).toBe(false);
  });

  it.each([
    [
      'damaged pages',
      async (file: string) => {
        const f = await open(file, 'r+');
        const size = (await f.stat()).size;
        await f.write(Buffer.alloc(size - 8192, 0x5a), 0, size - 8192, 8192); // everything after page 2
        await f.close();
      },
    ],
    ['not a database at all', async (file: string) => writeFile(file, 'x'.repeat(9000))],
    // Cut short (a copy interrupted, a full disk): at a page boundary the size no longer matches the page
    // count in the header; elsewhere it is not a whole number of pages.
    ['truncated at a page boundary', async (file: string) => truncate(file, Math.floor((await stat(file)).size / 8192) * 4096)],
    ['truncated mid-page', async (file: string) => truncate(file, (await stat(file)).size - 1000)],
    // Only free pages at the end are cut (every table and index edge is still readable): the page count
    // in the header no longer fits in the file.
    [
      'truncated in its free pages',
      async (file: string) => {
        const db = new BetterSqlite3(file);
        db.exec(
          'CREATE TABLE junk (x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200) INSERT INTO junk SELECT randomblob(3000) FROM c; DROP TABLE junk;',
        );
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        await truncate(file, (await stat(file)).size - 40 * 4096);
      },
    ],
  ])('a corrupt database (%s) stops start-up with DATABASE_CORRUPT in words, not INTERNAL later', async (_, corrupt) => {
    const dir = await dataDir();
    seed(dir);
    await corrupt(join(dir, 'paydesk.db'));
    const err = await start(dir).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code).toBe('DATABASE_CORRUPT');
    expect(err?.message).toMatch(/订单数据库.*已损坏.* \/ .*database.*corrupt/);
  });

  it('a fresh data dir starts (the marker is written with the database); a healthy database starts again', async () => {
    const dir = await dataDir();
    seed(dir, 3);
    const host = await start(dir);
    expect((await ok(host.dispatch('orders.list', {}))).items).toHaveLength(3);
    await host.close();
    expect(existsSync(join(dir, 'database.json'))).toBe(true);
    const again = await start(dir);
    expect((await ok(again.dispatch('orders.list', {}))).items).toHaveLength(3);
  });
});

describe('file modes', () => {
  it('the data dir is 0700 and every file PayDesk writes in it 0600, also when they were looser before', async () => {
    const { dir: parent, cleanup } = makeTempDir('paydesk-modes-');
    cleanups.push(cleanup);
    const dir = join(parent, 'data');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    seed(dir, 1);
    await chmod(join(dir, 'paydesk.db'), 0o644);

    const host = await start(dir, { environment: 'demo' });
    await ok(host.dispatch('settings.update', { voice: false }));
    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: testKeys().privatePem }));
    await ok(host.dispatch('orders.create', { amount: '1.00', method: 'link' }));
    expect(await mode(dir)).toBe(0o700);
    const files = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    expect(files).toEqual(expect.arrayContaining(['paydesk.db', 'paydesk.db-wal', 'paydesk.db-shm', 'settings.json', 'vault.json', 'database.json']));
    for (const f of files) expect([f, await mode(join(dir, f))]).toEqual([f, 0o600]);
    await host.close();

    // A brand-new data dir too.
    const fresh = join(parent, 'fresh', 'nested');
    const second = await start(fresh);
    await ok(second.dispatch('orders.create', { amount: '1.00', method: 'link' }));
    expect(await mode(fresh)).toBe(0o700);
    for (const f of ['paydesk.db', 'paydesk.db-wal', 'paydesk.db-shm', 'database.json']) {
      expect([f, await mode(join(fresh, f))]).toEqual([f, 0o600]);
    }
  });
});

describe('settings that apply at once', () => {
  it('a changed 订单有效期 applies to the next order (and its timeout at the gateway) without a restart', async () => {
    const dir = await dataDir();
    const host = await createConsole({ dataDir: dir, vault: { kind: 'file', env: {} } }, { logger: memoryLogger() });
    cleanups.push(() => host.close());
    const before = await ok(host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    expect(before.expiresAt! - before.createdAt).toBe(5 * 60_000);
    await ok(host.dispatch('settings.update', { orderExpiryMinutes: 7 }));
    expect((await ok(host.dispatch('status.get', {}))).warnings).toEqual([]);
    const after = await ok(host.dispatch('orders.create', { amount: '1.00', method: 'qr' }));
    expect(after.expiresAt! - after.createdAt).toBe(7 * 60_000);
    // The gateway was told the same (timeout_express 7m): its trade expires 7 minutes after creation.
    const control = host.info().emulator?.['control'];
    const trade = (await (await fetch(`${control}/trades/${after.id}`)).json()) as { createdAt: number; expiresAt: number };
    expect(trade.expiresAt - trade.createdAt).toBe(7 * 60_000);
  });
});

describe('测试连接 under --provider', () => {
  it('tests the overriding mode with the vault keys (not "demo starts after a restart")', async () => {
    const emu = await startEmulator({ port: 0 });
    cleanups.push(() => emu.close());
    const c = emu.credentials;
    const dir = await dataDir();
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'demo', alipay: { appId: c.appId, sellerId: c.sellerId } }));
    const host = await start(dir, { environment: 'sandbox', gateways: { sandbox: c.gateway } });
    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: c.appPrivateKey }));
    await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: c.alipayPublicKey }));
    const test = await ok(host.dispatch('keys.test', {}));
    expect(test).toMatchObject({ ok: true, code: null, environment: 'sandbox' });
    expect(test.message).not.toMatch(/演示模式将在重启后启用/);
  });
});
