import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScanDetector, type ScanEvent } from '../../../src/renderer/src/ui/lib/scan-detector';
import { humanStrokes, scannerStrokes, type Stroke } from '../keystrokes';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const clock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Feed strokes with their gaps on the fake clock; what was let through and what the detector said. */
function play(strokes: Stroke[], maxGapMs?: number): { events: ScanEvent<string>[]; passed: string[]; held: string[]; typed: string } {
  const events: ScanEvent<string>[] = [];
  const passed: string[] = [];
  const held: string[] = [];
  const detector = createScanDetector<string>({ clock, onEvent: (e) => events.push(e), ...(maxGapMs ? { maxGapMs } : {}) });
  for (const s of strokes) {
    vi.advanceTimersByTime(s.gapMs);
    (detector.key(s.key, 'amount') === 'hold' ? held : passed).push(s.key);
  }
  vi.advanceTimersByTime(1_000);
  // What reached the page: flushed keys and passed keys, in order of arrival is checked separately.
  const typed = events.flatMap((e) => (e.kind === 'flush' ? e.keys.map((k) => k.key) : [])).join('');
  return { events, passed, held, typed };
}

describe('scan detector: the rhythm of a USB scanner vs a person', () => {
  it('a fast burst ending with Enter is one scan; nothing is typed and the Enter is swallowed', () => {
    const r = play(scannerStrokes('281000000000000001', { minMs: 0, maxMs: 10 }));
    expect(r.events).toEqual([{ kind: 'scan', code: '281000000000000001', suffix: 'Enter', target: 'amount' }]);
    expect(r.typed).toBe('');
    expect(r.passed).toEqual([]);
  });

  it('human typing (90–250 ms apart, one rolled pair) is given back key by key, and Enter passes', () => {
    const r = play(humanStrokes('12345.6', { rolled: [3], enter: true }));
    expect(r.events.every((e) => e.kind === 'flush')).toBe(true);
    expect(r.typed).toBe('123456'); // the digits ('.' is not held: it passes at once)
    expect(r.passed).toEqual(['.', 'Enter']);
  });

  it('a person typing 16 digits is never a scan, however long the number', () => {
    const r = play(humanStrokes('2810000000000000', { rolled: [2, 7, 12] }));
    expect(r.events.some((e) => e.kind !== 'flush')).toBe(false);
    expect(r.typed).toBe('2810000000000000');
  });

  it('a burst without any suffix is a scan after the silence (scanners configured with no suffix)', () => {
    const events: ScanEvent<string>[] = [];
    const d = createScanDetector<string>({ clock, onEvent: (e) => events.push(e) });
    for (const s of scannerStrokes('282000000000000002', { suffix: 'none' })) {
      vi.advanceTimersByTime(s.gapMs);
      d.key(s.key, 'body');
    }
    expect(events).toEqual([]); // not yet: the scanner may still be typing
    vi.advanceTimersByTime(59);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(events).toEqual([{ kind: 'scan', code: '282000000000000002', suffix: 'none', target: 'body' }]);
  });

  it('a Tab suffix ends a scan too and is swallowed', () => {
    const r = play(scannerStrokes('283000000000000003', { suffix: 'Tab' }));
    expect(r.events).toEqual([{ kind: 'scan', code: '283000000000000003', suffix: 'Tab', target: 'amount' }]);
    expect(r.passed).toEqual([]);
  });

  it('a slow scanner (20–50 ms per character) is still a scan with the default gap', () => {
    const r = play(scannerStrokes('284000000000000004', { minMs: 20, maxMs: 50, seed: 11 }));
    expect(r.events).toEqual([{ kind: 'scan', code: '284000000000000004', suffix: 'Enter', target: 'amount' }]);
  });

  it('the gap is adjustable: at 30 ms the slow scanner falls apart into typed keys, none of them a scan', () => {
    const r = play(scannerStrokes('284000000000000004', { minMs: 20, maxMs: 50, seed: 11 }), 30);
    expect(r.events.some((e) => e.kind === 'scan')).toBe(false);
  });

  it('a fast burst of a length no 付款码 has (a product barcode) is rejected, not typed', () => {
    const r = play(scannerStrokes('6901234567892')); // EAN-13
    expect(r.events).toEqual([{ kind: 'rejected', length: 13, suffix: 'Enter', target: 'amount' }]);
    expect(r.typed).toBe('');
    expect(r.passed).toEqual([]);
  });

  it('a code longer than 24 digits is rejected (a 28-digit trade number on a receipt)', () => {
    const r = play(scannerStrokes('2026120122001412341234567890'));
    expect(r.events).toEqual([{ kind: 'rejected', length: 28, suffix: 'Enter', target: 'amount' }]);
  });

  it('two scans back to back (a double scan) are two separate scans', () => {
    const strokes = [...scannerStrokes('281000000000000001'), ...scannerStrokes('281000000000000001').map((s, i) => (i === 0 ? { ...s, gapMs: 120 } : s))];
    const r = play(strokes);
    expect(r.events.map((e) => e.kind)).toEqual(['scan', 'scan']);
  });

  it('a person pressing Enter right after a fast digit: the digit is flushed first, then Enter passes', () => {
    const events: ScanEvent<string>[] = [];
    const order: string[] = [];
    const d = createScanDetector<string>({ clock, onEvent: (e) => (events.push(e), e.kind === 'flush' && order.push(...e.keys.map((k) => k.key))) });
    d.key('5', 'amount');
    vi.advanceTimersByTime(20);
    if (d.key('Enter', 'amount') === 'pass') order.push('Enter');
    expect(order).toEqual(['5', 'Enter']);
  });

  it('keys with modifiers and other keys flush what is held and pass', () => {
    const events: ScanEvent<string>[] = [];
    const d = createScanDetector<string>({ clock, onEvent: (e) => events.push(e) });
    expect(d.key('1', 'x')).toBe('hold');
    expect(d.key('Backspace', 'x')).toBe('pass');
    expect(events).toEqual([{ kind: 'flush', keys: [{ key: '1', target: 'x' }] }]);
    expect(d.key('2', 'x', true)).toBe('pass');
  });

  it('a held run interrupted by a long pause becomes typed keys, then a new run starts', () => {
    const r = play([
      ...scannerStrokes('1234', { suffix: 'none' }),
      ...scannerStrokes('281000000000000001').map((s, i) => (i === 0 ? { ...s, gapMs: 500 } : s)),
    ]);
    expect(r.events.map((e) => e.kind)).toEqual(['flush', 'scan']);
    expect(r.typed).toBe('1234');
  });
});

describe("scan detector: both providers' 付款码 (the shapes of src/shared/auth-code.ts)", () => {
  it.each([
    ['134567890123456789', 'WeChat Pay, 18 digits starting 13'],
    ['101234567890123456', 'WeChat Pay, prefix 10'],
    ['159876543210987654', 'WeChat Pay, prefix 15'],
    ['2512345678901234', 'Alipay, 16 digits'],
    ['301234567890123456789012', 'Alipay, 24 digits starting 30'],
  ])('%s (%s) is a scan, with Enter or with no suffix', (code) => {
    expect(play(scannerStrokes(code)).events).toEqual([{ kind: 'scan', code, suffix: 'Enter', target: 'amount' }]);
    expect(play(scannerStrokes(code, { suffix: 'none', minMs: 20, maxMs: 50 })).events).toEqual([{ kind: 'scan', code, suffix: 'none', target: 'amount' }]);
  });

  it.each([
    ['13456789012345678', 'a WeChat prefix with 17 digits'],
    ['1345678901234567890', 'a WeChat prefix with 19 digits'],
    ['161234567890123456', '18 digits starting 16'],
    ['6221234567890123456', 'a UnionPay code (62…, 19 digits)'],
    ['2026120122001412', '16 digits starting 20 (part of a trade number)'],
  ])('%s (%s) is a machine burst but no 付款码: rejected, never typed', (code) => {
    const r = play(scannerStrokes(code));
    expect(r.events).toEqual([{ kind: 'rejected', length: code.length, suffix: 'Enter', target: 'amount' }]);
    expect(r.typed).toBe('');
    expect(r.passed).toEqual([]);
  });

  it('a person typing a WeChat-shaped number is still typing, not a scan', () => {
    const r = play(humanStrokes('134567890123456789', { rolled: [4, 9] }));
    expect(r.events.every((e) => e.kind === 'flush')).toBe(true);
    expect(r.typed).toBe('134567890123456789');
  });
});

describe('scan detector: key times', () => {
  it('uses when each key was pressed, not when a busy page got round to it', () => {
    const events: ScanEvent<string>[] = [];
    const d = createScanDetector<string>({ clock, onEvent: (e) => events.push(e) });
    const t0 = Date.now();
    // the page was busy: keys pressed 5 ms apart are handled 100 ms apart (no timer ran in between)
    [...'281000000000000001'].forEach((k, i) => {
      vi.setSystemTime(t0 + 200 + i * 100);
      d.key(k, 'x', false, t0 + i * 5);
    });
    vi.setSystemTime(t0 + 2_000);
    d.key('Enter', 'x', false, t0 + 90);
    expect(events).toEqual([{ kind: 'scan', code: '281000000000000001', suffix: 'Enter', target: 'x' }]);
  });
});
