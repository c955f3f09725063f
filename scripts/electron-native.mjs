/**
 * Pure decision logic of scripts/ensure-electron.mjs (no I/O here, so test/electron tests it):
 * is the Electron binary there, is the Electron build of better-sqlite3 there and current, and which
 * commands would build it. Plain JavaScript because `node scripts/ensure-electron.mjs` runs before any
 * TypeScript tooling; types are in electron-native.d.mts.
 */
import { join } from 'node:path';

/** Electron's build of better-sqlite3, relative to the project root. Keep in sync with
 *  ELECTRON_SQLITE_BINDING in src/main/electron/sqlite-binding.ts (a test compares them). */
export const ELECTRON_BINDING_RELATIVE = join('node_modules', '.paydesk-electron', 'better_sqlite3.node');
/** What the binding was built for: { electron, betterSqlite3, platform, arch }. */
export const STAMP_RELATIVE = join('node_modules', '.paydesk-electron', 'stamp.json');
/** Electron's own header server (what @electron/rebuild uses). */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/** The executable inside node_modules/electron/dist, exactly as electron/install.js names it. */
export function platformExecutable(platform) {
  switch (platform) {
    case 'mas':
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'freebsd':
    case 'openbsd':
    case 'linux':
      return 'electron';
    case 'win32':
      return 'electron.exe';
    default:
      throw new Error(`Electron builds are not available on platform: ${platform}`);
  }
}

/**
 * Does electron's postinstall download still have to run? Mirrors electron/install.js `isInstalled()`
 * (dist/version = package version, path.txt = this platform's executable, executable exists), plus
 * ELECTRON_EXEC_PATH, which electron-vite uses instead of the package when set.
 * @returns {{ needed: boolean, reason: string }}
 */
export function needsElectronDownload(s) {
  if (s.execPathOverride) {
    return s.overrideExists
      ? { needed: false, reason: `ELECTRON_EXEC_PATH=${s.execPathOverride}` }
      : { needed: true, reason: `ELECTRON_EXEC_PATH does not exist: ${s.execPathOverride}` };
  }
  if (s.distVersion === null) return { needed: true, reason: 'no node_modules/electron/dist (binary never downloaded)' };
  if (s.distVersion.trim().replace(/^v/, '') !== s.packageVersion) {
    return { needed: true, reason: `dist is Electron ${s.distVersion.trim()}, package wants ${s.packageVersion}` };
  }
  if (s.pathTxt !== platformExecutable(s.platform)) return { needed: true, reason: 'path.txt missing or for another platform' };
  if (!s.executableExists) return { needed: true, reason: 'executable missing' };
  return { needed: false, reason: `Electron ${s.packageVersion} present` };
}

/**
 * Does better-sqlite3 have to be (re)built for Electron? Only when the binding is missing or was built
 * for another Electron, better-sqlite3, platform or arch — otherwise `npm start` stays instant.
 * @returns {{ needed: boolean, reason: string }}
 */
export function needsSqliteBuild(s) {
  if (!s.bindingExists) return { needed: true, reason: 'no Electron build of better-sqlite3 yet' };
  if (!s.stamp) return { needed: true, reason: 'no build stamp' };
  for (const key of ['electron', 'betterSqlite3', 'platform', 'arch']) {
    if (s.stamp[key] !== s.target[key]) {
      return { needed: true, reason: `built for ${key} ${String(s.stamp[key])}, now ${s.target[key]}` };
    }
  }
  return { needed: false, reason: `better-sqlite3 ${s.target.betterSqlite3} built for Electron ${s.target.electron}` };
}

/** Parse stamp.json text; null when absent or malformed (→ rebuild). */
export function parseStamp(text) {
  if (text === null) return null;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && ['electron', 'betterSqlite3', 'platform', 'arch'].every((k) => typeof v[k] === 'string')) {
      return { electron: v.electron, betterSqlite3: v.betterSqlite3, platform: v.platform, arch: v.arch };
    }
  } catch {
    /* fall through */
  }
  return null;
}

/**
 * The commands that build better-sqlite3 for Electron in a scratch copy of the package, in order of
 * preference: the project's own prebuilt binary (prebuild-install, as its install script does, but for
 * the electron runtime), then a source build against Electron's headers with node-gyp.
 * @returns {{ name: string, command: string, args: string[], cwd: string }[]}
 */
export function buildPlans(p) {
  const plans = [];
  if (p.prebuildInstallJs) {
    plans.push({
      name: 'prebuild-install',
      command: p.nodeExecutable,
      args: [p.prebuildInstallJs, '--runtime', 'electron', '--target', p.electronVersion, '--arch', p.arch, '--platform', p.platform, '--verbose'],
      cwd: p.workDir,
    });
  }
  if (p.nodeGypJs) {
    plans.push({
      name: 'node-gyp',
      command: p.nodeExecutable,
      args: [
        p.nodeGypJs,
        'rebuild',
        '--release',
        `--target=${p.electronVersion}`,
        `--arch=${p.arch}`,
        `--dist-url=${ELECTRON_HEADERS_URL}`,
        `--devdir=${p.devdir}`,
      ],
      cwd: p.workDir,
    });
  }
  return plans;
}

/**
 * The environment for the build commands: npm exports its config as npm_config_* to scripts, and a
 * machine-wide `nodedir` (this dev box has nodedir=/usr) or target/runtime would make node-gyp or
 * prebuild-install silently build for Node instead of Electron. Those keys are dropped.
 */
export function buildEnv(env) {
  const drop = /^npm_config_(nodedir|target|runtime|arch|platform|disturl|dist_url|devdir|build_from_source|node_gyp)$/i;
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!drop.test(k) && v !== undefined) out[k] = v;
  return out;
}

/**
 * Check a freshly built binding by loading it in plain Node: a build for Electron must FAIL there with
 * "NODE_MODULE_VERSION <electron abi>". `fatal` when it loads in Node (it was built for Node — e.g. a
 * leaked nodedir), `warn` for any other surprise, `ok` otherwise.
 * @returns {{ level: 'ok' | 'warn' | 'fatal', message: string }}
 */
export function abiVerdict(loadError, electronAbi, nodeAbi) {
  if (electronAbi === nodeAbi) return { level: 'ok', message: `Node and Electron share ABI ${nodeAbi}; not checked` };
  if (loadError === null) {
    return { level: 'fatal', message: `it loads in Node (ABI ${nodeAbi}), so it was built for Node, not Electron (ABI ${electronAbi})` };
  }
  if (loadError.replace(/\s+/g, ' ').includes(`NODE_MODULE_VERSION ${electronAbi}`)) {
    return { level: 'ok', message: `built for ABI ${electronAbi}` };
  }
  return { level: 'warn', message: `could not confirm the ABI: ${loadError.trim().split('\n')[0]}` };
}
