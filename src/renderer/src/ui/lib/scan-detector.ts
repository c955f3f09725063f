/**
 * Tells a USB barcode scanner from a person by rhythm (pure: the clock is injected, so tests need no
 * sleeping).
 *
 * A USB HID scanner in keyboard-wedge mode "types" the code: one keystroke per character, with the
 * scanner's inter-character delay between them (0 ms by default on common models, so a few ms at the
 * browser; configurable, and some cheap or wireless scanners arrive at 20–50 ms per character), then a
 * suffix — Enter (CR) by default, Tab on some, nothing on others. A person's fastest keystrokes are
 * ≈ 80–150 ms apart; two rolled keys can come 20–40 ms apart, never a run of sixteen.
 *
 * The rule (README "Scanner timing"): digits are held back while they arrive at most `maxGapMs` apart.
 * - The held run ends with Enter or Tab, or with `maxGapMs` of silence (no suffix):
 *   - the shape of any provider's 付款码 (src/shared/auth-code.ts: WeChat Pay 18 digits starting 10–15,
 *     Alipay 16–24 digits starting 25–30) → a scan (`scan`). The suffix is swallowed; the digits never
 *     reach a field. Main routes the code to its provider by the same table.
 *   - ≥ `machineMinLength` (8) digits but not a 付款码 → `rejected`: machine input that is not a
 *     payment code (a product barcode, a receipt's trade number); also swallowed, never an amount.
 *   - fewer → `flush`: they were typed by a person; the caller replays them in order (delayed by at most
 *     `maxGapMs`), and Enter/Tab then goes on as usual.
 * - A digit after a longer gap first flushes the held run, then starts a new one.
 * - Any other key (letters, Backspace, modifiers) flushes the held run first and is passed through.
 */

import { authCodeProvider } from '../../../../shared/auth-code';
import { SCAN_GAP_MS } from '../../../../shared/contract';

export interface ScanClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The default gap (60 ms): covers scanners at 0–50 ms per character with jitter; no run of typing is that fast. */
export const DEFAULT_SCAN_MAX_GAP_MS: number = SCAN_GAP_MS.default;

export interface HeldKey<T> {
  key: string;
  target: T;
}

export type ScanEvent<T> =
  | { kind: 'flush'; keys: HeldKey<T>[] }
  | { kind: 'scan'; code: string; suffix: 'Enter' | 'Tab' | 'none'; target: T }
  | { kind: 'rejected'; length: number; suffix: 'Enter' | 'Tab' | 'none'; target: T };

export interface ScanDetectorOptions<T> {
  clock: ScanClock;
  onEvent: (event: ScanEvent<T>) => void;
  maxGapMs?: number;
  machineMinLength?: number;
}

export interface ScanDetector<T> {
  /**
   * Feed one keydown. `hold` = the caller must stop it (preventDefault); `pass` = let it through. `at` is
   * when the key was pressed (KeyboardEvent.timeStamp, same origin as performance.now()): a busy page
   * that handles queued keys late does not stretch the gaps. Default: the clock's now.
   */
  key(key: string, target: T, modifiers?: boolean, at?: number): 'hold' | 'pass';
  setMaxGap(ms: number): void;
  /** Whether digits are being held right now. */
  holding(): boolean;
  /** Give back whatever is held (e.g. the window lost focus) and stop the timer. */
  flush(): void;
}

const DIGIT = /^[0-9]$/;

export function createScanDetector<T>(options: ScanDetectorOptions<T>): ScanDetector<T> {
  const { clock, onEvent } = options;
  let maxGapMs = options.maxGapMs ?? DEFAULT_SCAN_MAX_GAP_MS;
  const machineMin = options.machineMinLength ?? 8;
  let held: HeldKey<T>[] = [];
  let lastAt = 0;
  let timer: unknown = null;

  const stopTimer = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };

  /** End the held run: a scan, a rejected machine burst, or keys a person typed. */
  const finish = (suffix: 'Enter' | 'Tab' | 'none'): 'scan' | 'rejected' | 'flushed' | 'empty' => {
    stopTimer();
    const run = held;
    held = [];
    if (run.length === 0) return 'empty';
    const target = run[run.length - 1]!.target;
    const code = run.map((k) => k.key).join('');
    if (authCodeProvider(code) !== null) {
      onEvent({ kind: 'scan', code, suffix, target });
      return 'scan';
    }
    if (run.length >= machineMin) {
      onEvent({ kind: 'rejected', length: run.length, suffix, target });
      return 'rejected';
    }
    onEvent({ kind: 'flush', keys: run });
    return 'flushed';
  };

  const armTimer = (): void => {
    stopTimer();
    timer = clock.setTimeout(() => {
      timer = null;
      finish('none');
    }, maxGapMs);
  };

  return {
    key(key, target, modifiers = false, at) {
      const now = at !== undefined && Number.isFinite(at) && at > 0 ? Math.min(at, clock.now()) : clock.now();
      if (!modifiers && DIGIT.test(key)) {
        if (held.length > 0 && now - lastAt > maxGapMs) finish('none');
        held.push({ key, target });
        lastAt = now;
        armTimer();
        return 'hold';
      }
      if (!modifiers && (key === 'Enter' || key === 'Tab') && held.length > 0 && now - lastAt <= maxGapMs) {
        const outcome = finish(key);
        return outcome === 'scan' || outcome === 'rejected' ? 'hold' : 'pass';
      }
      finish('none');
      return 'pass';
    },
    setMaxGap(ms) {
      maxGapMs = ms;
    },
    holding: () => held.length > 0,
    flush() {
      finish('none');
    },
  };
}
