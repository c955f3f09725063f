/** Temporary directories for data files (databases, vaults, settings): every test gets its own. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh directory, removed when the current test finishes. Call it inside a test. */
export function tempDir(prefix = 'paydesk-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A fresh directory the caller removes (for beforeAll / afterAll and helpers outside a test).
 * `cleanup()` removes it at once (synchronously, before its promise resolves).
 */
export function makeTempDir(prefix = 'paydesk-test-'): { dir: string; cleanup(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      await Promise.resolve();
    },
  };
}
