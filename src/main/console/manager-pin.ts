/**
 * The manager PIN (店长密码): what authorises refunds and setting changes (README "Security" → Manager PIN).
 *
 * - Kept in main only, as a slow salted hash: scrypt (node:crypto) with N = 2^15, r = 8, p = 1 (32 MiB,
 *   ≈ 0.1 s per try on a counter PC), a 16-byte random salt and a 32-byte key; compared with
 *   timingSafeEqual. The renderer only ever learns "set / not set", the refund threshold and a lockout.
 * - Stored as ONE entry (`manager-pin`) of the key vault (safeStorage / AES-256-GCM file): a copied or
 *   edited settings.json neither removes nor changes it, and the vault's authenticated encryption means
 *   the hash, the threshold and the failure count cannot be swapped or reset by editing a file. Deleting
 *   the vault resets it — together with the Alipay keys it protects.
 * - 5 wrong PINs in a row → 5 minutes locked (even the right PIN is refused meanwhile). The count and the
 *   lock are in the vault entry, so a restart does not lift them. The clock is injected (tests).
 * - First PIN when none is set: allowed without any other proof (there is nothing to check it against;
 *   until a PIN exists anyone at the counter can already refund and change settings). Settings shows a
 *   warning while no PIN is set. Changing or removing it afterwards needs the current PIN.
 * - Format: 6–12 digits. Every bad input gets a bilingual error and changes nothing.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import type { PinStatusDto } from '../../shared/contract';
import { formatFen } from '../../shared/money';
import type { Vault } from '../vault/types';
import { ConsoleError } from './errors';

export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;
export const PIN_MAX_TRIES = 5;
export const PIN_LOCKOUT_MS = 5 * 60_000;
/** scrypt cost: N = 2^15, r = 8, p = 1 → 128·N·r = 32 MiB of memory per try. */
export const PIN_SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLen: 32, saltLen: 16 } as const;
const VAULT_ENTRY = 'manager-pin';

const recordSchema = z.object({
  v: z.literal(1),
  kdf: z.literal('scrypt'),
  N: z.number().int().min(2),
  r: z.number().int().min(1),
  p: z.number().int().min(1),
  salt: z.string().min(1),
  hash: z.string().min(1),
  /** refunds strictly above this many fen need the PIN; 0 = every refund */
  refundAboveFen: z.number().int().min(0),
  failures: z.number().int().min(0),
  lockedUntil: z.number().int().nullable(),
});
type PinRecord = z.output<typeof recordSchema>;

export type PinPurpose = 'refund' | 'settings' | 'keys' | 'pin' | 'shift';

export interface ManagerPinOptions {
  /** null when the vault cannot be opened: then nothing sensitive is allowed (we cannot know if a PIN exists). */
  vault: Vault | null;
  vaultProblem: string | null;
  now?: () => number;
  /** Tests only: a cheaper scrypt cost for the hashes they create (verification uses what was stored). */
  scrypt?: { N: number; r: number; p: number };
}

export interface ManagerPin {
  status(): PinStatusDto;
  /** Whether a refund of `amountFen` needs the PIN. */
  refundNeedsPin(amountFen: number): boolean;
  /** Throws PIN_REQUIRED / PIN_WRONG / PIN_LOCKED / PIN_FORMAT / VAULT_UNAVAILABLE unless `pin` is right (or none is set). Returns whether a PIN was checked. */
  authorize(pin: string | undefined, purpose: PinPurpose): Promise<boolean>;
  /** Set the first PIN, or change it (the current one is required then). */
  set(input: { current?: string | undefined; next: string }): Promise<PinStatusDto>;
  /** Refunds up to this amount need no PIN (0 = every refund needs it). Needs the PIN. */
  setRefundThreshold(input: { pin?: string | undefined; refundAboveFen: number }): Promise<PinStatusDto>;
}

const PURPOSE_ZH: Record<PinPurpose, string> = { refund: '退款', settings: '修改设置', keys: '导入密钥', pin: '修改店长密码', shift: '交班' };
const PURPOSE_EN: Record<PinPurpose, string> = {
  refund: 'this refund',
  settings: 'changing settings',
  keys: 'importing keys',
  pin: 'changing the manager PIN',
  shift: 'ending a shift',
};

/** A bilingual reason why `pin` is not a usable PIN, or null. */
export function pinFormatError(pin: string): string | null {
  if (pin === '') return '请输入店长密码 / Enter the manager PIN';
  if (!/^\d+$/.test(pin)) return '店长密码只能包含数字 / The manager PIN must be digits only';
  if (pin.length < PIN_MIN_DIGITS) return `店长密码至少 ${PIN_MIN_DIGITS} 位数字 / The manager PIN needs at least ${PIN_MIN_DIGITS} digits`;
  if (pin.length > PIN_MAX_DIGITS) return `店长密码最多 ${PIN_MAX_DIGITS} 位数字 / The manager PIN has at most ${PIN_MAX_DIGITS} digits`;
  return null;
}

function derive(pin: string, salt: Buffer, cost: { N: number; r: number; p: number }, keyLen: number): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(pin, salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export function createManagerPin(options: ManagerPinOptions): ManagerPin {
  const { vault, vaultProblem } = options;
  const now = options.now ?? Date.now;
  const cost = options.scrypt ?? PIN_SCRYPT;
  // One PIN check at a time: two concurrent wrong tries must both be counted.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const unavailable = (): ConsoleError =>
    new ConsoleError(
      'VAULT_UNAVAILABLE',
      `密钥库不可用，无法核对店长密码：退款和修改设置暂不可用 / The key vault cannot be opened, so the manager PIN cannot be checked: refunds and setting changes are unavailable${vaultProblem ? ` (${vaultProblem})` : ''}`,
    );

  const read = (): PinRecord | null => {
    if (!vault) throw unavailable();
    const text = vault.get(VAULT_ENTRY);
    if (text === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = recordSchema.safeParse(json);
    // Fail closed: a damaged record never means "no PIN".
    if (!parsed.success)
      throw new ConsoleError(
        'PIN_CORRUPT',
        '店长密码记录已损坏，请按说明重置 / The stored manager PIN record is damaged; see README Troubleshooting to reset it',
      );
    return parsed.data;
  };
  const write = (record: PinRecord): void => {
    if (!vault) throw unavailable();
    vault.set(VAULT_ENTRY, JSON.stringify(record));
  };

  const lockedError = (until: number): ConsoleError => {
    const minutes = Math.max(1, Math.ceil((until - now()) / 60_000));
    return new ConsoleError(
      'PIN_LOCKED',
      `店长密码连续输错 ${PIN_MAX_TRIES} 次，已锁定，请 ${minutes} 分钟后再试 / Wrong manager PIN ${PIN_MAX_TRIES} times: locked, try again in ${minutes} min`,
    );
  };

  /** Check `pin` against `record` (inside serial()); counts failures and locks. */
  const check = async (record: PinRecord, pin: string | undefined, purpose: PinPurpose): Promise<void> => {
    if (record.lockedUntil !== null && now() < record.lockedUntil) throw lockedError(record.lockedUntil);
    if (pin === undefined || pin === '') {
      throw new ConsoleError('PIN_REQUIRED', `${PURPOSE_ZH[purpose]}需要店长密码 / The manager PIN is required for ${PURPOSE_EN[purpose]}`);
    }
    const format = pinFormatError(pin);
    if (format) throw new ConsoleError('PIN_FORMAT', format); // not a PIN at all: not counted as a try
    const expected = Buffer.from(record.hash, 'base64');
    const actual = await derive(pin, Buffer.from(record.salt, 'base64'), record, expected.length);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) {
      if (record.failures !== 0 || record.lockedUntil !== null) write({ ...record, failures: 0, lockedUntil: null });
      return;
    }
    const failures = record.failures + 1;
    if (failures >= PIN_MAX_TRIES) {
      const until = now() + PIN_LOCKOUT_MS;
      write({ ...record, failures: 0, lockedUntil: until });
      throw lockedError(until);
    }
    write({ ...record, failures, lockedUntil: null });
    const left = PIN_MAX_TRIES - failures;
    throw new ConsoleError('PIN_WRONG', `店长密码不正确，还可再试 ${left} 次 / Wrong manager PIN, ${left} tries left`);
  };

  const statusOf = (record: PinRecord | null): PinStatusDto => {
    const locked = record?.lockedUntil != null && now() < record.lockedUntil ? record.lockedUntil : null;
    return {
      available: vault !== null,
      set: record !== null,
      refundAbove: formatFen(record?.refundAboveFen ?? 0),
      lockedUntil: locked,
      triesLeft: record ? PIN_MAX_TRIES - record.failures : PIN_MAX_TRIES,
    };
  };

  return {
    status() {
      if (!vault) return { available: false, set: false, refundAbove: '0.00', lockedUntil: null, triesLeft: 0 };
      return statusOf(read());
    },
    refundNeedsPin(amountFen) {
      const record = read();
      return record !== null && amountFen > record.refundAboveFen;
    },
    authorize(pin, purpose) {
      return serial(async () => {
        const record = read();
        if (!record) return false;
        await check(record, pin, purpose);
        return true;
      });
    },
    set({ current, next }) {
      return serial(async () => {
        const record = read();
        if (record) await check(record, current, 'pin');
        const format = pinFormatError(next);
        if (format) throw new ConsoleError('PIN_FORMAT', format);
        const salt = randomBytes(PIN_SCRYPT.saltLen);
        const hash = await derive(next, salt, cost, PIN_SCRYPT.keyLen);
        const fresh: PinRecord = {
          v: 1,
          kdf: 'scrypt',
          N: cost.N,
          r: cost.r,
          p: cost.p,
          salt: salt.toString('base64'),
          hash: hash.toString('base64'),
          refundAboveFen: record?.refundAboveFen ?? 0,
          failures: 0,
          lockedUntil: null,
        };
        write(fresh);
        return statusOf(fresh);
      });
    },
    setRefundThreshold({ pin, refundAboveFen }) {
      return serial(async () => {
        const record = read();
        if (!record) {
          throw new ConsoleError('PIN_NOT_SET', '请先设置店长密码 / Set a manager PIN first');
        }
        await check(record, pin, 'pin');
        const updated = { ...read()!, refundAboveFen };
        write(updated);
        return statusOf(updated);
      });
    },
  };
}
