#!/usr/bin/env node
/**
 * Run before `electron-vite preview|dev` (npm start / npm run dev). Makes the two things Electron needs
 * and `npm install` here deliberately does not do:
 *
 * 1. The Electron binary. package.json has `"allowScripts": { "electron": false }`, so electron's
 *    postinstall (which downloads the binary from GitHub, outside the npm registry) never ran. If the
 *    binary is missing we run that same postinstall, `node node_modules/electron/install.js`, now.
 *    Offline it fails; we then say so in both languages and point at the browser host (`npm run serve`).
 *
 * 2. better-sqlite3 for Electron's ABI, WITHOUT touching node_modules/better-sqlite3/build (Node's
 *    build, which `npm test` and `npm run serve` load). A scratch copy of the package is built for
 *    Electron — the project's prebuilt binary via prebuild-install `--runtime electron`, else a source
 *    build with node-gyp against Electron's headers — and the result is copied to
 *    node_modules/.paydesk-electron/better_sqlite3.node with a stamp of what it was built for. It is
 *    rebuilt only when missing or stale (other Electron/better-sqlite3/platform/arch). Under Electron,
 *    src/main/electron/sqlite-binding.ts points PAYDESK_SQLITE_BINDING at it and the store passes it to
 *    `new Database(file, { nativeBinding })`.
 *
 * Honesty note: on the development machine this was written on there is no internet beyond the npm
 * registry, so the download paths (Electron binary, prebuilt binary, Electron headers) could not be run
 * for real. What was verified there: the decision logic (test/electron/ensure-electron.test.ts), the
 * offline failure message, and the scratch-copy + node-gyp + nativeBinding mechanics (built against
 * Node's own headers instead of Electron's).
 *
 * Env: PAYDESK_SKIP_ENSURE_ELECTRON=1 skips everything; ELECTRON_EXEC_PATH (electron-vite's own
 * override) points at an Electron you already have.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ELECTRON_BINDING_RELATIVE,
  STAMP_RELATIVE,
  abiVerdict,
  buildEnv,
  buildPlans,
  needsElectronDownload,
  needsSqliteBuild,
  parseStamp,
  platformExecutable,
} from './electron-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(join(root, 'package.json'));
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;

function say(message) {
  console.log(`[ensure-electron] ${message}`);
}

/** Bilingual failure, then exit 1. */
function fail(zh, en) {
  console.error(`\n[ensure-electron] ✖ ${zh}\n[ensure-electron] ✖ ${en}\n`);
  process.exit(1);
}

function readOrNull(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function packageDir(name) {
  return dirname(requireFromRoot.resolve(`${name}/package.json`));
}

/** Electron's package directory, version and ABI (node_modules/electron/abi_version). */
export function electronPackage() {
  const dir = packageDir('electron');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { dir, version, abi: (readOrNull(join(dir, 'abi_version')) ?? '').trim() };
}

function electronDecision(pkg) {
  const override = process.env.ELECTRON_EXEC_PATH;
  let executableExists = false;
  try {
    executableExists = existsSync(join(pkg.dir, 'dist', platformExecutable(process.platform)));
  } catch {
    /* unsupported platform: needsElectronDownload reports it via path.txt */
  }
  return needsElectronDownload({
    packageVersion: pkg.version,
    distVersion: readOrNull(join(pkg.dir, 'dist', 'version')),
    pathTxt: readOrNull(join(pkg.dir, 'path.txt')),
    platform: process.platform,
    executableExists,
    execPathOverride: override || undefined,
    overrideExists: Boolean(override) && existsSync(override),
  });
}

/** Step 1: the Electron binary. */
export function ensureElectronBinary(pkg) {
  const first = electronDecision(pkg);
  if (!first.needed) {
    say(first.reason);
    return;
  }
  say(`Electron binary needed (${first.reason}); downloading Electron ${pkg.version} … 正在下载 Electron …`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD; // meant for `npm install`; here we do want the binary
  const run = spawnSync(process.execPath, [join(pkg.dir, 'install.js')], { stdio: 'inherit', env, timeout: DOWNLOAD_TIMEOUT_MS });
  const after = electronDecision(pkg);
  if (run.status !== 0 || after.needed) {
    fail(
      `没有 Electron 程序：下载失败（${after.reason}）。这台电脑可能无法访问 Electron 的下载服务器（GitHub）。` +
        '离线时请改用浏览器版：npm run serve，然后在浏览器中打开它打印的地址。',
      `No Electron binary: the download failed (${after.reason}). This machine probably cannot reach ` +
        "Electron's download server (GitHub). Offline, use the browser host instead: `npm run serve`, then " +
        'open the address it prints. (Behind a mirror: set ELECTRON_MIRROR and run `npm start` again.)',
    );
  }
  say(`Electron ${pkg.version} ready 已就绪`);
}

/** Resolve node-gyp's JS entry: local devDependency, npm's hint, or the copy bundled with npm. */
function findNodeGyp() {
  const candidates = [
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && c.endsWith('.js') && existsSync(c)) ?? null;
}

function findPrebuildInstall(sqliteDir) {
  try {
    return createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
  } catch {
    return null;
  }
}

/**
 * Copy better-sqlite3 (sources, deps, package.json — not its build/) to `workDir`, run `plans` there
 * in order until one yields build/Release/better_sqlite3.node, and copy that to `outFile`.
 * Returns the name of the plan that worked, or null.
 */
export function buildInScratch({ sqliteDir, workDir, plans, outFile, env }) {
  rmSync(workDir, { recursive: true, force: true });
  cpSync(sqliteDir, workDir, {
    recursive: true,
    filter: (src) => {
      const rel = src.slice(sqliteDir.length).replace(/\\/g, '/');
      return !rel.startsWith('/build') && !rel.startsWith('/node_modules');
    },
  });
  const built = join(workDir, 'build', 'Release', 'better_sqlite3.node');
  try {
    for (const plan of plans) {
      say(`trying ${plan.name} …`);
      const run = spawnSync(plan.command, plan.args, { cwd: plan.cwd, stdio: 'inherit', env, timeout: BUILD_TIMEOUT_MS });
      if (run.status === 0 && existsSync(built)) {
        mkdirSync(dirname(outFile), { recursive: true });
        copyFileSync(built, outFile);
        return plan.name;
      }
      say(`${plan.name} did not produce a binding (exit ${run.status ?? run.signal ?? run.error?.message})`);
    }
    return null;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Step 2: better-sqlite3 built for this Electron, next to (not instead of) Node's build. */
export function ensureSqliteForElectron(pkg) {
  const sqliteDir = packageDir('better-sqlite3');
  const outFile = join(root, ELECTRON_BINDING_RELATIVE);
  const stampFile = join(root, STAMP_RELATIVE);
  const target = {
    electron: pkg.version,
    betterSqlite3: JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version,
    platform: process.platform,
    arch: process.arch,
  };
  const decision = needsSqliteBuild({ bindingExists: existsSync(outFile), stamp: parseStamp(readOrNull(stampFile)), target });
  if (!decision.needed) {
    say(decision.reason);
    return;
  }
  say(`building better-sqlite3 for Electron ${pkg.version} (${decision.reason}) … 正在为 Electron 编译 better-sqlite3 …`);
  rmSync(stampFile, { force: true });
  const plans = buildPlans({
    nodeExecutable: process.execPath,
    prebuildInstallJs: findPrebuildInstall(sqliteDir),
    nodeGypJs: findNodeGyp(),
    electronVersion: pkg.version,
    arch: process.arch,
    platform: process.platform,
    workDir: join(root, 'node_modules', '.paydesk-electron', 'better-sqlite3-src'),
    devdir: join(homedir(), '.electron-gyp'),
  });
  const how = plans.length ? buildInScratch({ sqliteDir, workDir: plans[0].cwd, plans, outFile, env: buildEnv(process.env) }) : null;
  if (!how) {
    fail(
      '无法为 Electron 准备 better-sqlite3（预编译包下载失败，源码编译也失败：需要网络获取 Electron 头文件，以及 Python 和 C++ 编译器）。' +
        '离线时请改用浏览器版：npm run serve。',
      'Could not prepare better-sqlite3 for Electron (no prebuilt binary could be downloaded and the source ' +
        "build failed: it needs Electron's headers from the network, Python and a C++ toolchain). Offline, use " +
        'the browser host instead: `npm run serve`.',
    );
  }
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(outFile)})`], { encoding: 'utf8' });
  const verdict = abiVerdict(probe.status === 0 ? null : probe.stderr, pkg.abi, process.versions.modules);
  if (verdict.level === 'fatal') {
    rmSync(outFile, { force: true });
    fail(`编译结果不是 Electron 版本：${verdict.message}`, `The build is not for Electron: ${verdict.message}`);
  }
  if (verdict.level === 'warn') say(`warning: ${verdict.message}`);
  writeFileSync(stampFile, `${JSON.stringify(target, null, 2)}\n`);
  say(`better-sqlite3 for Electron ready (${how}) 已就绪: ${outFile}`);
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  if (process.env.PAYDESK_SKIP_ENSURE_ELECTRON === '1') {
    say('skipped (PAYDESK_SKIP_ENSURE_ELECTRON=1)');
  } else {
    const pkg = electronPackage();
    ensureElectronBinary(pkg);
    ensureSqliteForElectron(pkg);
  }
}
