/**
 * better-sqlite3 is a native addon built for ONE ABI. `npm test` needs Node's build (the one in
 * node_modules/better-sqlite3/build), the Electron main process needs Electron's. Rebuilding in place
 * would break one or the other, so scripts/ensure-electron.mjs builds a second copy for Electron next
 * to it, and under Electron we point the store at it through an env var the store passes to
 * `new Database(file, { nativeBinding: process.env.PAYDESK_SQLITE_BINDING })` (undefined = default).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Env var the store reads: absolute path of a better_sqlite3.node to load instead of the default. */
export const SQLITE_BINDING_ENV = 'PAYDESK_SQLITE_BINDING';

/** Where scripts/ensure-electron.mjs puts Electron's build (relative to the app root); keep in sync
 *  with ELECTRON_BINDING_RELATIVE there (a test checks they are equal). */
export const ELECTRON_SQLITE_BINDING = join('node_modules', '.paydesk-electron', 'better_sqlite3.node');

export interface BindingEnvironment {
  env: NodeJS.ProcessEnv;
  /** `app.getAppPath()`: the project root when run with electron-vite dev/preview. */
  appPath: string;
  /** `process.versions.electron` (undefined in plain Node). */
  electronVersion: string | undefined;
  exists?: (path: string) => boolean;
}

/**
 * Under Electron, set PAYDESK_SQLITE_BINDING to the Electron build unless it is already set.
 * Returns the binding in effect (null = better-sqlite3's default lookup) and why, for the log.
 */
export function useElectronSqliteBinding(b: BindingEnvironment): { binding: string | null; note: string } {
  const preset = b.env[SQLITE_BINDING_ENV];
  if (preset) return { binding: preset, note: `${SQLITE_BINDING_ENV} preset: ${preset}` };
  if (!b.electronVersion) return { binding: null, note: 'not Electron: default better-sqlite3 build' };
  const path = join(b.appPath, ELECTRON_SQLITE_BINDING);
  if (!(b.exists ?? existsSync)(path)) {
    return {
      binding: null,
      note:
        `缺少 Electron 版 better-sqlite3，请用 npm start 启动 / no Electron build of better-sqlite3 at ${path}; ` +
        'start with `npm start` (it runs scripts/ensure-electron.mjs)',
    };
  }
  b.env[SQLITE_BINDING_ENV] = path;
  return { binding: path, note: `better-sqlite3 for Electron ${b.electronVersion}: ${path}` };
}
