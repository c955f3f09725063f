/**
 * Synthetic keystroke timings for the scanner tests (a double of a USB HID barcode scanner in
 * keyboard-wedge mode and of a person at the keypad).
 *
 * Models: a scanner typing one key per character with a fixed inter-character delay plus jitter (fast:
 * 0–10 ms; slow/wireless: 20–50 ms), with an Enter suffix, a Tab suffix or none; a person typing with
 * 90–250 ms between keys, including the occasional two rolled keys 25–40 ms apart.
 * Does not model: key-up events, keyboard-layout translation (scanners emulating a non-US layout),
 * dropped characters over a flaky Bluetooth link, or two devices typing into each other.
 */
export interface Stroke {
  key: string;
  /** ms after the previous stroke */
  gapMs: number;
}

/** A deterministic pseudo-random sequence (tests must not depend on Math.random). */
export function jitter(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function scannerStrokes(code: string, opts: { minMs?: number; maxMs?: number; suffix?: 'Enter' | 'Tab' | 'none'; seed?: number } = {}): Stroke[] {
  const { minMs = 0, maxMs = 10, suffix = 'Enter', seed = 7 } = opts;
  const rnd = jitter(seed);
  const gap = (): number => Math.round(minMs + rnd() * (maxMs - minMs));
  const strokes: Stroke[] = [...code].map((key, i) => ({ key, gapMs: i === 0 ? 0 : gap() }));
  if (suffix !== 'none') strokes.push({ key: suffix, gapMs: gap() });
  return strokes;
}

/** A person: 90–250 ms between keys; `rolled` indexes come 25–40 ms after the previous key. */
export function humanStrokes(text: string, opts: { seed?: number; rolled?: number[]; enter?: boolean } = {}): Stroke[] {
  const rnd = jitter(opts.seed ?? 3);
  const rolled = new Set(opts.rolled ?? []);
  const keys = [...text, ...(opts.enter ? ['Enter'] : [])];
  return keys.map((key, i) => ({ key, gapMs: i === 0 ? 0 : rolled.has(i) ? Math.round(25 + rnd() * 15) : Math.round(90 + rnd() * 160) }));
}
