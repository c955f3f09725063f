/**
 * 交班 (shift handover) through the console's dispatch (what both hosts call), on the real payment core
 * and a real SQLite file in a temp dir, with a real emulator: production runs against an emulator on
 * 127.0.0.1 standing in for Alipay's gateway (keys imported through keys.import), demo against the
 * embedded one. Ending a shift needs the manager PIN (real scrypt cost), ends it exactly once, stores its
 * totals, and a refused call changes nothing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/main/console';
import type { ConsoleConfig, ConsoleHost } from '../../src/main/console-host';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index';
import type { OrderDto, ShiftDto } from '../../src/shared/contract';
import { formatFen, parseYuan } from '../../src/shared/money';
import { cleanupStack, ok } from './helpers';
import { makeTempDir, memoryLogger, waitFor } from '../support';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;
const PIN = '271828';
const cleanups = cleanupStack();
afterEach(() => cleanups.run());

interface World {
  emu: RunningEmulator;
  dir: string;
  /** A console on the data dir: production (the emulator as its gateway) unless overridden. */
  start(over?: Partial<ConsoleConfig>): Promise<ConsoleHost>;
  /** A production console with the emulator's keys imported (and the PIN set, unless told otherwise). */
  production(options?: { pin?: boolean }): Promise<ConsoleHost>;
  pay(host: ConsoleHost, amount: string): Promise<OrderDto>;
}

async function world(): Promise<World> {
  const emu = await startEmulator({ port: 0 });
  cleanups.push(() => emu.close());
  const { dir, cleanup } = makeTempDir('paydesk-shift-');
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
  return {
    emu,
    dir,
    start,
    async production({ pin = true } = {}) {
      const host = await start();
      const status = await ok(host.dispatch('pin.status', {}));
      const auth = status.set ? { pin: PIN } : {};
      await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'appPrivateKey', text: c.appPrivateKey, ...auth }));
      await ok(host.dispatch('keys.import', { provider: 'alipay', which: 'alipayPublicKey', text: c.alipayPublicKey, ...auth }));
      if (pin && !status.set) await ok(host.dispatch('pin.set', { next: PIN }));
      return host;
    },
    async pay(host, amount) {
      const order = await ok(host.dispatch('orders.create', { amount, method: 'qr' }));
      const res = await fetch(`${c.control}/trades/${order.id}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
      await waitFor(async () => (await ok(host.dispatch('orders.get', { id: order.id }))).status === 'PAID', 'paid', 5_000);
      return order;
    },
  };
}

function refusal(r: { ok: boolean; error?: { code: string; message: string } }): string {
  if (r.ok) return 'OK';
  expect(r.error?.message).toMatch(BILINGUAL);
  return r.error?.code ?? '?';
}

/** The order list for [from, to), every page: this counter's own paid orders, added up in fen. */
async function listTotals(host: ConsoleHost, from: number, to: number): Promise<{ count: number; gross: string; refunded: string; net: string }> {
  const items: OrderDto[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(host.dispatch('orders.list', { from, to, limit: 2, ...(cursor ? { cursor } : {}) }));
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const paid = items.filter((o) => !o.foreign && ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(o.status));
  const gross = paid.reduce((n, o) => n + parseYuan(o.amount), 0);
  const refunded = paid.reduce((n, o) => n + (o.refunded === '0.00' ? 0 : parseYuan(o.refunded)), 0);
  return { count: paid.length, gross: formatFen(gross), refunded: formatFen(refunded), net: formatFen(gross - refunded) };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('交班 (console)', () => {
  it('start → current with live totals → end with the PIN (the next cashier takes over) → history newest first with the snapshot', async () => {
    const w = await world();
    const host = await w.production();
    await w.pay(host, '9.99'); // before the shift
    await tick();
    expect(await ok(host.dispatch('shift.current', {}))).toBeNull();
    const shift = await ok(host.dispatch('shift.start', { cashier: '  张三  ' }));
    expect(shift).toMatchObject({ cashier: '张三', endedAt: null, endedBy: null, authorization: null, totals: { count: 0, net: '0.00' } });
    const a = await w.pay(host, '12.34');
    await w.pay(host, '5.00');
    await ok(host.dispatch('orders.refund', { id: a.id, amount: '2.34', pin: PIN }));
    await ok(host.dispatch('orders.create', { amount: '3.00', method: 'qr' })); // never paid

    const live = await ok(host.dispatch('shift.current', {}));
    expect(live).toMatchObject({ id: shift.id, cashier: '张三', totals: { count: 2, gross: '17.34', refunded: '2.34', net: '15.00' } });
    expect(live?.totals.byMethod).toEqual([{ provider: 'alipay', method: 'qr', count: 2, gross: '17.34', refunded: '2.34', net: '15.00' }]);
    expect(live?.totals.byProvider).toEqual([{ provider: 'alipay', count: 2, gross: '17.34', refunded: '2.34', net: '15.00' }]);

    const { ended, next } = await ok(host.dispatch('shift.end', { id: shift.id, pin: PIN, nextCashier: '李四' }));
    expect(ended).toMatchObject({ id: shift.id, cashier: '张三', endedBy: '张三', handedTo: '李四', authorization: 'manager_pin' });
    expect(ended.totals).toMatchObject({ count: 2, gross: '17.34', refunded: '2.34', net: '15.00' });
    expect(ended.totals).toMatchObject(await listTotals(host, ended.startedAt, ended.endedAt!));
    expect(next).toMatchObject({ cashier: '李四', startedAt: ended.endedAt, endedAt: null, totals: { count: 0 } });
    expect(await ok(host.dispatch('shift.current', {}))).toMatchObject({ id: next?.id, cashier: '李四' });

    const history = await ok(host.dispatch('shift.list', {}));
    expect(history.items.map((s) => [s.cashier, s.endedAt === null])).toEqual([
      ['李四', true],
      ['张三', false],
    ]);
    expect(history.items[1]).toEqual(ended);
    // Pages: newest first, one at a time.
    const p1 = await ok(host.dispatch('shift.list', { limit: 1 }));
    expect(p1.items.map((s) => s.cashier)).toEqual(['李四']);
    const p2 = await ok(host.dispatch('shift.list', { limit: 1, cursor: p1.nextCursor! }));
    expect(p2).toEqual({ items: [ended], nextCursor: null });
    expect(JSON.stringify(history)).not.toContain(PIN);
  });

  it('the PIN: missing or wrong → refused (a wrong one counts toward the lockout, shared with refunds) and nothing changes', async () => {
    const w = await world();
    const host = await w.production();
    const shift = await ok(host.dispatch('shift.start', { cashier: '张三' }));
    expect(refusal(await host.dispatch('shift.end', { id: shift.id }))).toBe('PIN_REQUIRED');
    expect(refusal(await host.dispatch('shift.end', { id: shift.id, pin: '000000', nextCashier: '李四' }))).toBe('PIN_WRONG');
    expect(refusal(await host.dispatch('shift.end', { id: shift.id, pin: '12' }))).toBe('PIN_FORMAT');
    expect((await ok(host.dispatch('pin.status', {}))).triesLeft).toBe(4);
    expect(await ok(host.dispatch('shift.current', {}))).toMatchObject({ id: shift.id, endedAt: null });
    expect((await ok(host.dispatch('shift.list', {}))).items).toHaveLength(1);
    // Locked after 5 wrong tries, wherever they were typed: even the right PIN cannot end the shift.
    for (let i = 0; i < 3; i++) await host.dispatch('orders.refund', { id: 'PDnothing', amount: '1.00', pin: '000000' });
    expect(refusal(await host.dispatch('shift.end', { id: shift.id, pin: '000000' }))).toBe('PIN_LOCKED');
    expect(refusal(await host.dispatch('shift.end', { id: shift.id, pin: PIN }))).toBe('PIN_LOCKED');
    expect(await ok(host.dispatch('shift.current', {}))).toMatchObject({ id: shift.id, endedAt: null });
  });

  it('without a manager PIN set the end goes through, recorded as not PIN-authorised', async () => {
    const w = await world();
    const host = await w.production({ pin: false });
    const shift = await ok(host.dispatch('shift.start', { cashier: '张三' }));
    const { ended } = await ok(host.dispatch('shift.end', { id: shift.id }));
    expect(ended).toMatchObject({ authorization: 'none', endedBy: '张三' });
  });

  it('cannot be ended twice: again afterwards, or two ends at once (each starting a next shift) → exactly one succeeds, one next shift', async () => {
    const w = await world();
    const host = await w.production();
    const first = await ok(host.dispatch('shift.start', { cashier: '张三' }));
    await ok(host.dispatch('shift.end', { id: first.id, pin: PIN }));
    expect(refusal(await host.dispatch('shift.end', { id: first.id, pin: PIN }))).toBe('SHIFT_ALREADY_ENDED');
    expect(refusal(await host.dispatch('shift.end', { id: 'SHnothing', pin: PIN }))).toBe('SHIFT_NOT_FOUND');

    const shift = await ok(host.dispatch('shift.start', { cashier: '王五' }));
    await w.pay(host, '8.00');
    const results = await Promise.all([
      host.dispatch('shift.end', { id: shift.id, pin: PIN, nextCashier: '赵六' }),
      host.dispatch('shift.end', { id: shift.id, pin: PIN, nextCashier: '钱七' }),
    ]);
    expect(results.map(refusal).sort()).toEqual(['OK', 'SHIFT_ALREADY_ENDED']);
    const winner = results.find((r) => r.ok);
    const won = winner?.ok ? winner.value : null;
    const history = await ok(host.dispatch('shift.list', {}));
    expect(history.items.filter((s) => s.endedAt === null)).toEqual([won?.next]);
    expect(history.items.find((s) => s.id === shift.id)).toEqual(won?.ended);
    expect(won?.ended.totals).toMatchObject({ count: 1, net: '8.00' });
    expect(history.items).toHaveLength(3);
  });

  it('a second open shift is refused (SHIFT_OPEN, naming the cashier on duty); nothing changes', async () => {
    const w = await world();
    const host = await w.production();
    const shift = await ok(host.dispatch('shift.start', { cashier: '张三' }));
    const r = await host.dispatch('shift.start', { cashier: '李四' });
    expect(refusal(r)).toBe('SHIFT_OPEN');
    if (!r.ok) expect(r.error.message).toContain('张三');
    expect((await ok(host.dispatch('shift.list', {}))).items).toEqual([expect.objectContaining({ id: shift.id, cashier: '张三' })]);
  });

  it('bad cashier names are refused in both languages, change nothing and cost no PIN try', async () => {
    const w = await world();
    const host = await w.production();
    const bad = ['', '   ', '张\n三', 'a\u0000b', 'ab\u200bc', '\u202eevil', 'x'.repeat(33), '名'.repeat(33)];
    for (const cashier of bad) expect(refusal(await host.dispatch('shift.start', { cashier })), JSON.stringify(cashier)).toBe('CASHIER_INVALID');
    expect(await ok(host.dispatch('shift.current', {}))).toBeNull();
    expect(refusal(await host.dispatch('shift.start', { cashier: 'x'.repeat(257) }))).toBe('INVALID_INPUT');
    const ok32 = await ok(host.dispatch('shift.start', { cashier: '名'.repeat(32) }));
    for (const nextCashier of bad) {
      expect(refusal(await host.dispatch('shift.end', { id: ok32.id, pin: '000000', nextCashier }))).toBe('CASHIER_INVALID');
    }
    expect((await ok(host.dispatch('pin.status', {}))).triesLeft).toBe(5);
    expect(await ok(host.dispatch('shift.current', {}))).toMatchObject({ id: ok32.id, endedAt: null });
    expect((await ok(host.dispatch('shift.list', {}))).items).toHaveLength(1);
  });

  it('a restart keeps the open shift open, with its totals', async () => {
    const w = await world();
    let host = await w.production();
    const shift = await ok(host.dispatch('shift.start', { cashier: '张三' }));
    await w.pay(host, '6.60');
    await host.close();
    host = await w.start();
    const after = await ok(host.dispatch('shift.current', {}));
    expect(after).toMatchObject({ id: shift.id, cashier: '张三', startedAt: shift.startedAt, endedAt: null, totals: { count: 1, net: '6.60' } });
    const { ended } = await ok(host.dispatch('shift.end', { id: shift.id, pin: PIN }));
    expect(ended.totals).toMatchObject({ count: 1, net: '6.60' });
  });

  it("another environment's shift is not visible there, nor can it be ended there; each environment has its own open shift", async () => {
    const w = await world();
    let host = await w.production();
    const prod = await ok(host.dispatch('shift.start', { cashier: '张三' }));
    await host.close();

    host = await w.start({ environment: 'demo' });
    expect(await ok(host.dispatch('shift.current', {}))).toBeNull();
    expect((await ok(host.dispatch('shift.list', {}))).items).toEqual([]);
    expect(refusal(await host.dispatch('shift.end', { id: prod.id, pin: PIN }))).toBe('SHIFT_NOT_FOUND');
    const demo: ShiftDto = await ok(host.dispatch('shift.start', { cashier: '演示员' }));
    await host.close();

    host = await w.start();
    expect(await ok(host.dispatch('shift.current', {}))).toMatchObject({ id: prod.id, cashier: '张三', endedAt: null });
    expect((await ok(host.dispatch('shift.list', {}))).items.map((s) => s.id)).toEqual([prod.id]);
    expect(refusal(await host.dispatch('shift.end', { id: demo.id, pin: PIN }))).toBe('SHIFT_NOT_FOUND');
  });
});
