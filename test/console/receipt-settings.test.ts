import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeConsole, type FakeConsole } from './helpers';
import { makeTempDir } from '../support';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;

let dir: string;
let cleanup: () => Promise<void>;
let running: FakeConsole[] = [];

beforeEach(() => {
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

describe('Settings › 小票 (receipt settings)', () => {
  it('defaults to no shop name, 58 mm and no auto-print, also for a settings file written before receipts', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ environment: 'demo', voice: false }));
    const c = await start();
    const s = await c.host.dispatch('settings.get', {});
    expect(s).toMatchObject({ ok: true, value: { voice: false, receipt: { shopName: '', paperWidth: '58mm', autoPrint: false } } });
  });

  it('saves the group field by field (the shop name trimmed) and reads it back after a restart', async () => {
    const c = await start();
    const r = await c.host.dispatch('settings.update', { receipt: { shopName: '  街角咖啡 Corner Café ', paperWidth: '80mm' } });
    expect(r).toMatchObject({ ok: true, value: { receipt: { shopName: '街角咖啡 Corner Café', paperWidth: '80mm', autoPrint: false } } });
    await c.host.dispatch('settings.update', { receipt: { autoPrint: true } });
    const file = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(file['receipt']).toEqual({ shopName: '街角咖啡 Corner Café', paperWidth: '80mm', autoPrint: true });
    await c.host.close();
    running = [];
    const again = await start();
    expect(await again.host.dispatch('settings.get', {})).toMatchObject({ ok: true, value: { receipt: { paperWidth: '80mm', autoPrint: true } } });
  });

  it('refuses a bad shop name or paper width bilingually and changes nothing', async () => {
    const c = await start();
    await c.host.dispatch('settings.update', { receipt: { shopName: '老店' } });
    for (const receipt of [
      { shopName: '店名\n第二行' },
      { shopName: '很'.repeat(21) },
      { shopName: 'x'.repeat(41), autoPrint: true },
      { paperWidth: '76mm' },
    ]) {
      const r = await c.host.dispatch('settings.update', { receipt });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_INPUT');
        expect(r.error.message).toMatch(BILINGUAL);
      }
    }
    expect(await c.host.dispatch('settings.get', {})).toMatchObject({
      ok: true,
      value: { receipt: { shopName: '老店', paperWidth: '58mm', autoPrint: false } },
    });
    // the limit itself is accepted: 20 Chinese characters
    expect((await c.host.dispatch('settings.update', { receipt: { shopName: '很'.repeat(20) } })).ok).toBe(true);
  });
});
