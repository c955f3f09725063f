/**
 * The screens E2E harness cleans up after itself when it cannot start: with Chromium missing, no
 * `npm run serve` child (nor anything else) is left running behind the failed test run.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RENDERER_DIR } from './build';
import { startHarness } from './screens-helpers';

/** This process's live children (pid and command line). */
function children(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/\bps -o\b/.test(l));
  } catch {
    return []; // ps exits 1 when there is none
  }
}

describe('screens E2E harness', () => {
  it('with Chromium missing: a clear error, and no serve process left running', async () => {
    const before = children();
    await expect(startHarness(RENDERER_DIR, { executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      /Chromium.*\/nonexistent\/chromium.*apt-get install chromium/s,
    );
    // give a leaked child the time it needs to show up in the process table
    await new Promise((r) => setTimeout(r, 500));
    expect(children().filter((c) => !before.includes(c))).toEqual([]);
  });
});
