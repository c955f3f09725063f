/**
 * Electron entry (out/main/index.js): the only layer that imports 'electron' (docs/architecture.md,
 * Conventions: "Only src/main/electron imports 'electron'"). Everything else lives in app.ts so it can be
 * tested with an injected console.
 */
import { app } from 'electron';
import { createConsole } from '../console';
import { startApp } from './app';
import { errorMessage, stderrLogger } from '../kernel';

startApp({ createConsole, outDir: import.meta.dirname }).catch((err: unknown) => {
  stderrLogger.error('PayDesk failed to start 启动失败', { error: errorMessage(err) });
  app.exit(1);
});
