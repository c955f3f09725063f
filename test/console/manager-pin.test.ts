/**
 * The manager PIN (README "Security" → Manager PIN), unit level: scrypt record in the vault, format
 * errors, 5 wrong tries → 5 minutes locked (an injected clock, no sleeping), the lock survives a new
 * instance on the same vault (a restart), nothing about the PIN is readable from the vault's status.
 */
import { describe, expect, it } from 'vitest';
import { createManagerPin, PIN_LOCKOUT_MS, PIN_SCRYPT } from '../../src/main/console/manager-pin';
import type { Vault } from '../../src/main/vault/types';

const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/;
/** Cheap scrypt for most tests; one test checks the real cost parameters are what gets stored. */
const CHEAP = { N: 1024, r: 8, p: 1 };

function memoryVault(): Vault & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (n) => entries.get(n) ?? null,
    set: (n, v) => void entries.set(n, v),
    delete: (n) => void entries.delete(n),
    has: (n) => entries.has(n),
    backend: () => ({ kind: 'file', warning: null }),
  };
}

function clock(start = 1_800_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    expect((err as Error).message).toMatch(BILINGUAL);
    return (err as { code: string }).code;
  }
}

describe('manager PIN', () => {
  it('stores only a salted scrypt hash with its parameters; never the PIN', async () => {
    const vault = memoryVault();
    const pin = createManagerPin({ vault, vaultProblem: null });
    expect(pin.status()).toMatchObject({ available: true, set: false });
    await pin.set({ next: '246810' });
    const stored = JSON.parse(vault.entries.get('manager-pin')!) as { salt: string; hash: string };
    expect(stored).toMatchObject({ kdf: 'scrypt', N: PIN_SCRYPT.N, r: 8, p: 1, refundAboveFen: 0, failures: 0 });
    expect(Buffer.from(stored.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(stored.hash, 'base64')).toHaveLength(32);
    expect(JSON.stringify(stored)).not.toContain('246810');
    expect(JSON.stringify(pin.status())).not.toContain('246810');
    expect(await pin.authorize('246810', 'refund')).toBe(true);
    // the same PIN set again gets a new salt
    await pin.set({ current: '246810', next: '246810' });
    expect((JSON.parse(vault.entries.get('manager-pin')!) as { salt: string }).salt).not.toBe(stored.salt);
  });

  it('refuses empty, short, long and non-digit PINs with a bilingual error and changes nothing', async () => {
    const vault = memoryVault();
    const pin = createManagerPin({ vault, vaultProblem: null, scrypt: CHEAP });
    for (const bad of ['', '12345', '12a456', '１２３４５６', ' 123456', '1234567890123']) {
      expect(await codeOf(pin.set({ next: bad }))).toBe('PIN_FORMAT');
    }
    expect(vault.entries.size).toBe(0);
    await pin.set({ next: '135790' });
    // a malformed PIN is not a try: the count stays
    expect(await codeOf(pin.authorize('12', 'settings'))).toBe('PIN_FORMAT');
    expect(pin.status().triesLeft).toBe(5);
  });

  it('changing the PIN needs the current one', async () => {
    const pin = createManagerPin({ vault: memoryVault(), vaultProblem: null, scrypt: CHEAP });
    await pin.set({ next: '111222' });
    expect(await codeOf(pin.set({ next: '333444' }))).toBe('PIN_REQUIRED');
    expect(await codeOf(pin.set({ current: '999999', next: '333444' }))).toBe('PIN_WRONG');
    await pin.set({ current: '111222', next: '333444' });
    expect(await codeOf(pin.authorize('111222', 'refund'))).toBe('PIN_WRONG');
    expect(await pin.authorize('333444', 'refund')).toBe(true);
  });

  it('5 wrong tries lock it for 5 minutes (even the right PIN), across a restart; then it works again', async () => {
    const vault = memoryVault();
    const c = clock();
    const pin = createManagerPin({ vault, vaultProblem: null, now: c.now, scrypt: CHEAP });
    await pin.set({ next: '424242' });
    for (let i = 0; i < 4; i++) expect(await codeOf(pin.authorize('000000', 'refund'))).toBe('PIN_WRONG');
    expect(pin.status().triesLeft).toBe(1);
    // concurrent tries are all counted (one at a time)
    const codes = await Promise.all([codeOf(pin.authorize('000001', 'refund')), codeOf(pin.authorize('424242', 'refund'))]);
    expect(codes).toEqual(['PIN_LOCKED', 'PIN_LOCKED']);
    expect(pin.status().lockedUntil).toBe(c.now() + PIN_LOCKOUT_MS);
    // a restart: a new instance on the same vault is still locked
    const again = createManagerPin({ vault, vaultProblem: null, now: c.now, scrypt: CHEAP });
    expect(await codeOf(again.authorize('424242', 'settings'))).toBe('PIN_LOCKED');
    c.advance(PIN_LOCKOUT_MS - 1);
    expect(await codeOf(again.authorize('424242', 'settings'))).toBe('PIN_LOCKED');
    c.advance(1);
    expect(await again.authorize('424242', 'settings')).toBe(true);
    expect(again.status()).toMatchObject({ lockedUntil: null, triesLeft: 5 });
  });

  it('a right PIN resets the count', async () => {
    const pin = createManagerPin({ vault: memoryVault(), vaultProblem: null, scrypt: CHEAP });
    await pin.set({ next: '765432' });
    for (let i = 0; i < 4; i++) await codeOf(pin.authorize('000000', 'refund'));
    await pin.authorize('765432', 'refund');
    for (let i = 0; i < 4; i++) expect(await codeOf(pin.authorize('000000', 'refund'))).toBe('PIN_WRONG');
  });

  it('refund threshold: every refund by default; above the threshold once set (with the PIN)', async () => {
    const pin = createManagerPin({ vault: memoryVault(), vaultProblem: null, scrypt: CHEAP });
    expect(pin.refundNeedsPin(1)).toBe(false); // no PIN set: nothing to ask
    await pin.set({ next: '808080' });
    expect(pin.refundNeedsPin(1)).toBe(true);
    expect(await codeOf(pin.setRefundThreshold({ refundAboveFen: 5000 }))).toBe('PIN_REQUIRED');
    await pin.setRefundThreshold({ pin: '808080', refundAboveFen: 5000 });
    expect(pin.status().refundAbove).toBe('50.00');
    expect(pin.refundNeedsPin(5000)).toBe(false);
    expect(pin.refundNeedsPin(5001)).toBe(true);
  });

  it('a damaged record fails closed (never read as "no PIN")', async () => {
    const vault = memoryVault();
    vault.entries.set('manager-pin', '{ not json');
    const pin = createManagerPin({ vault, vaultProblem: null, scrypt: CHEAP });
    expect(await codeOf(pin.authorize('123456', 'refund'))).toBe('PIN_CORRUPT');
    expect(() => pin.refundNeedsPin(1)).toThrow(/damaged/);
    vault.entries.set('manager-pin', JSON.stringify({ v: 1, kdf: 'scrypt' }));
    expect(await codeOf(pin.set({ next: '123456' }))).toBe('PIN_CORRUPT');
  });

  it('fails closed when the vault cannot be opened', async () => {
    const pin = createManagerPin({ vault: null, vaultProblem: '密钥库损坏 / vault damaged' });
    expect(pin.status()).toMatchObject({ available: false });
    expect(await codeOf(pin.authorize('123456', 'refund'))).toBe('VAULT_UNAVAILABLE');
    expect(() => pin.refundNeedsPin(1)).toThrow(/vault/);
  });
});
