import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects (docs/architecture.md, Conventions, "Tests"): `node` for main, shared and the emulator; `jsdom` for renderer
 * components. Browser E2E tests live in test/e2e and run in the node project (they drive Chromium).
 */
export default defineConfig({
  test: {
    // Two test files at a time even on a 2-core machine (vitest's default there is one): most files wait on
    // real I/O (HTTP, SQLite, Chromium, timers), so the suite takes about 10 minutes instead of 17.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'jsdom',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['test/renderer/dom-timeouts.ts'],
          // A whole console renders per test: seconds on a 2-core CI machine running both projects at once.
          // Waits inside the tests stay bounded by their own (shorter) timeouts.
          testTimeout: 30_000,
        },
      },
    ],
  },
});
