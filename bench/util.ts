/**
 * Shared helpers for the benchmarks: statistics, temp dirs, a tiny clock-free timer.
 * Every benchmark cleans up after itself (temp dirs removed, servers closed, child processes ended).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchOptions {
  quick: boolean;
  log: (line: string) => void;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1] as number;
}

/** Round for the table / JSON (3 significant decimals for ms, integers for rates). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A temp dir removed by `remove()` (also on failure, through try/finally in the callers). */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A logger that drops everything (the core logs a line per rejected notification, etc.). */
export const silentLogger = { info: () => {}, warn: () => {}, error: () => {} };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
