/**
 * settings.json shapes: the earlier flat file (`providerMode`, `appId`, `sellerId` at the top) is read
 * and converted, and the next save writes the grouped shape (`environment`, `alipay: {…}`); a file that
 * is neither, or mixes both, is refused like any unusable file and nothing is written. Real files in
 * temp dirs, through loadSettings/saveSettings and through a whole console.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings, saveSettings } from '../../src/main/console/settings';
import { cleanupStack, fakeConsole, ok, testKeys, testKeys2 } from './helpers';
import { makeTempDir } from '../support';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]/;
const LEGACY = {
  providerMode: 'sandbox',
  appId: '9021000000000000',
  sellerId: '2088000000000002',
  notifyMode: 'none',
  orderExpiryMinutes: 7,
  voice: false,
  language: 'en',
};

let dir: string;
const cleanups = cleanupStack();
beforeEach(async () => {
  const t = makeTempDir('paydesk-settings-');
  dir = t.dir;
  cleanups.push(t.cleanup);
});
afterEach(() => cleanups.run());

const file = (): string => join(dir, 'settings.json');
const readJson = async (): Promise<Record<string, unknown>> => JSON.parse(await readFile(file(), 'utf8')) as Record<string, unknown>;

describe('settings.json: the earlier flat shape', () => {
  it('is read and converted; the file is not touched until the next save, which writes the grouped shape', async () => {
    const text = JSON.stringify(LEGACY);
    await writeFile(file(), text);
    const loaded = await loadSettings(dir);
    expect(loaded).toMatchObject({ found: true, problem: null, legacy: true });
    expect(loaded.settings).toMatchObject({
      environment: 'sandbox',
      alipay: { appId: '9021000000000000', sellerId: '2088000000000002' },
      notifyMode: 'none',
      orderExpiryMinutes: 7,
      voice: false,
      language: 'en',
    });
    expect(await readFile(file(), 'utf8')).toBe(text); // reading writes nothing

    await saveSettings(dir, loaded.settings, false);
    const saved = await readJson();
    expect(saved).toMatchObject({ environment: 'sandbox', alipay: { appId: '9021000000000000', sellerId: '2088000000000002' }, orderExpiryMinutes: 7 });
    for (const old of ['providerMode', 'appId', 'sellerId']) expect(saved).not.toHaveProperty(old);
    const again = await loadSettings(dir);
    expect(again).toMatchObject({ problem: null, legacy: false });
    expect(again.settings).toEqual(loaded.settings);
  });

  it('a console on an old file runs it (sandbox with its app id), and its next settings save migrates the file', async () => {
    await writeFile(file(), JSON.stringify(LEGACY));
    const c = await fakeConsole({ dataDir: dir });
    cleanups.push(() => c.host.close());
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: testKeys().privatePem }));
    await ok(c.host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: testKeys2().publicPem }));
    expect(c.core().config.providers[0]?.environment).toBe('sandbox');
    expect(c.core().alipay).toMatchObject({ appId: '9021000000000000', sellerId: '2088000000000002' });
    const s = await ok(c.host.dispatch('settings.get', {}));
    expect(s).toMatchObject({ environment: 'sandbox', alipay: { appId: '9021000000000000', sellerId: '2088000000000002' }, voice: false });
    expect((await ok(c.host.dispatch('status.get', {}))).warnings).toEqual([]);
    expect(await readJson()).toHaveProperty('providerMode', 'sandbox'); // still the old file

    await ok(c.host.dispatch('settings.update', { voice: true }));
    const saved = await readJson();
    expect(saved).toMatchObject({ environment: 'sandbox', alipay: { appId: '9021000000000000', sellerId: '2088000000000002' }, voice: true, language: 'en' });
    expect(saved).not.toHaveProperty('providerMode');
    expect((await readdir(dir)).filter((f) => f.startsWith('settings.json.'))).toEqual([]); // nothing set aside: it was not corrupt
  });
});

describe('settings.json that is neither shape', () => {
  for (const [name, content] of [
    ['an old file with an unknown mode', { providerMode: 'paper', appId: '1' }],
    ['a new file with an unknown environment', { environment: 'paper' }],
    ['a new file whose alipay group is not an object', { environment: 'sandbox', alipay: '2021' }],
    ['a file mixing both shapes', { providerMode: 'sandbox', environment: 'production', alipay: { appId: '1', sellerId: '2' } }],
    ['an array', [1, 2]],
  ] as const) {
    it(`${name}: defaults in effect, a bilingual problem, nothing written`, async () => {
      const text = JSON.stringify(content);
      await writeFile(file(), text);
      const loaded = await loadSettings(dir);
      expect(loaded.found).toBe(true);
      expect(loaded.problem).toMatch(BILINGUAL);
      expect(loaded.settings.environment).toBe('demo');
      expect(await readFile(file(), 'utf8')).toBe(text);
    });
  }

  it('next to sandbox keys the console refuses payments with SETTINGS_REQUIRED and writes nothing', async () => {
    // A first run stores keys in the vault (sandbox data in this dir).
    const first = await fakeConsole({ dataDir: dir, environment: 'sandbox' });
    await ok(first.host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: testKeys().privatePem }));
    await first.host.close();

    const text = JSON.stringify({ providerMode: 'sandbox', environment: 'sandbox', alipay: { appId: '9021000000000000' } });
    await writeFile(file(), text);
    const c = await fakeConsole({ dataDir: dir });
    cleanups.push(() => c.host.close());
    expect(c.cores).toHaveLength(0);
    const r = await c.host.dispatch('orders.create', { amount: '1.00', method: 'qr' });
    expect(r).toMatchObject({ ok: false, error: { code: 'SETTINGS_REQUIRED' } });
    if (!r.ok) expect(r.error.message).toMatch(BILINGUAL);
    const status = await ok(c.host.dispatch('status.get', {}));
    expect(status.warnings.join('\n')).toMatch(/混用.*mixes/);
    expect(await readFile(file(), 'utf8')).toBe(text);
    expect((await readdir(dir)).filter((f) => f.startsWith('settings.json'))).toEqual(['settings.json']);
  });
});
