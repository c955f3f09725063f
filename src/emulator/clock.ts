/**
 * The emulator's scaled clock. Emulated time runs `timeScale` times faster than real time, so trade expiry
 * (timeout_express), the 付款码 confirm delay and notify retries (Alipay's 异步通知说明: 4m … 15h) can be
 * exercised in tests without sleeping. Every timer of the emulator goes through here, so `close()` stops them
 * all and `advance()` can jump emulated time forward (firing what became due).
 */

/** A timer handle returned by {@link ScaledClock.setTimeout}. */
export interface ClockTimer {
  readonly id: number;
  /** Emulated epoch ms at which the callback runs. */
  readonly dueAt: number;
}

interface PendingTimer extends ClockTimer {
  fn: () => void;
  handle: NodeJS.Timeout;
}

/** A clock whose time and timers run `timeScale` times faster than the wall clock. */
export class ScaledClock {
  private readonly realStart: number;
  private readonly emulatedStart: number;
  private offset = 0;
  private nextId = 1;
  private readonly timers = new Map<number, PendingTimer>();
  private closed = false;

  /**
   * @param timeScale emulated ms per real ms (> 0); 1000 makes 4 minutes last 0.24 s.
   * @param realNow the wall clock, injectable for tests.
   */
  constructor(
    readonly timeScale = 1,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    }
    this.realStart = realNow();
    this.emulatedStart = this.realStart;
  }

  /** Emulated epoch milliseconds. */
  now(): number {
    return Math.floor(this.emulatedStart + (this.realNow() - this.realStart) * this.timeScale + this.offset);
  }

  /** Run `fn` after `emulatedMs` of emulated time (i.e. emulatedMs / timeScale real ms). */
  setTimeout(fn: () => void, emulatedMs: number): ClockTimer {
    const id = this.nextId++;
    const dueAt = this.now() + Math.max(0, emulatedMs);
    // After close() nothing may keep the process alive.
    if (this.closed) return { id, dueAt };
    const timer: PendingTimer = { id, dueAt, fn, handle: this.arm(id, dueAt) };
    this.timers.set(id, timer);
    return { id, dueAt };
  }

  /** Cancel a timer (no-op when it already ran or was cancelled). */
  clearTimeout(timer: ClockTimer | undefined): void {
    if (!timer) return;
    const pending = this.timers.get(timer.id);
    if (!pending) return;
    clearTimeout(pending.handle);
    this.timers.delete(timer.id);
  }

  /** Jump emulated time forward by `emulatedMs`; timers that became due run promptly. */
  advance(emulatedMs: number): void {
    if (!(emulatedMs >= 0)) throw new RangeError('advance: emulatedMs must be >= 0');
    this.offset += emulatedMs;
    for (const timer of this.timers.values()) {
      clearTimeout(timer.handle);
      timer.handle = this.arm(timer.id, timer.dueAt);
    }
  }

  /** Real milliseconds for a span of emulated milliseconds. */
  toRealMs(emulatedMs: number): number {
    return emulatedMs / this.timeScale;
  }

  /** Number of timers still pending (for diagnostics and tests). */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Stop every pending timer; later setTimeout calls are ignored. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer.handle);
    this.timers.clear();
  }

  private arm(id: number, dueAt: number): NodeJS.Timeout {
    const realDelay = Math.max(0, (dueAt - this.now()) / this.timeScale);
    // Node clamps delays above 2^31-1 ms to 1 ms: re-arm in chunks instead.
    const MAX = 2_000_000_000;
    return setTimeout(
      () => {
        const timer = this.timers.get(id);
        if (!timer || this.closed) return;
        if (this.now() < timer.dueAt) {
          timer.handle = this.arm(id, timer.dueAt);
          return;
        }
        this.timers.delete(id);
        timer.fn();
      },
      Math.min(MAX, Math.ceil(realDelay)),
    );
  }
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

function parts(ms: number): { date: string; time: string; millis: string } {
  // Alipay reports times in Beijing time (UTC+8) without a zone designator.
  const iso = new Date(ms + BEIJING_OFFSET_MS).toISOString(); // 2026-11-22T11:15:00.123Z
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), millis: iso.slice(20, 23) };
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, Alipay's format for gmt_* fields. */
export function formatAlipayTime(ms: number): string {
  const p = parts(ms);
  return `${p.date} ${p.time}`;
}

/**
 * `yyyy-MM-dd HH:mm:ss.SSS` in Beijing time: notify `gmt_refund` carries milliseconds (Alipay's 异步通知说明).
 */
export function formatAlipayTimeMillis(ms: number): string {
  const p = parts(ms);
  return `${p.date} ${p.time}.${p.millis}`;
}

/** `yyyy-MM-dd` (Beijing) of an instant: the bill day it belongs to. */
export function beijingDate(ms: number): string {
  return parts(ms).date;
}

/** Epoch ms of 00:00:00 Beijing time on `yyyy-MM-dd`. */
export function beijingDayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS;
}
