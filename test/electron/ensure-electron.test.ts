/**
 * The decision logic of scripts/ensure-electron.mjs (the downloads and builds themselves need the
 * network and are not tested here), and the binding path contract shared with the main process.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ELECTRON_BINDING_RELATIVE,
  abiVerdict,
  buildEnv,
  buildPlans,
  needsElectronDownload,
  needsSqliteBuild,
  parseStamp,
  platformExecutable,
} from '../../scripts/electron-native.mjs';
import { ELECTRON_SQLITE_BINDING, SQLITE_BINDING_ENV, useElectronSqliteBinding } from '../../src/main/electron/sqlite-binding';

const present = {
  packageVersion: '39.8.10',
  distVersion: '39.8.10',
  pathTxt: 'electron',
  platform: 'linux',
  executableExists: true,
};

describe('needsElectronDownload', () => {
  it('is false when install.js would consider Electron installed', () => {
    expect(needsElectronDownload(present).needed).toBe(false);
    expect(needsElectronDownload({ ...present, distVersion: 'v39.8.10\n' }).needed).toBe(false);
  });

  it('is true when the binary was never downloaded (allowScripts electron:false), stale or broken', () => {
    expect(needsElectronDownload({ ...present, distVersion: null, pathTxt: null, executableExists: false })).toMatchObject({
      needed: true,
      reason: expect.stringContaining('never downloaded'),
    });
    expect(needsElectronDownload({ ...present, distVersion: '38.0.0' }).needed).toBe(true);
    expect(needsElectronDownload({ ...present, pathTxt: 'electron.exe' }).needed).toBe(true);
    expect(needsElectronDownload({ ...present, executableExists: false }).needed).toBe(true);
  });

  it("honours electron-vite's ELECTRON_EXEC_PATH", () => {
    const none = { ...present, distVersion: null, pathTxt: null, executableExists: false };
    expect(needsElectronDownload({ ...none, execPathOverride: '/opt/electron/electron', overrideExists: true }).needed).toBe(false);
    expect(needsElectronDownload({ ...none, execPathOverride: '/nope', overrideExists: false }).needed).toBe(true);
  });

  it('names the executable like electron/install.js', () => {
    expect(platformExecutable('linux')).toBe('electron');
    expect(platformExecutable('win32')).toBe('electron.exe');
    expect(platformExecutable('darwin')).toBe('Electron.app/Contents/MacOS/Electron');
    expect(() => platformExecutable('aix')).toThrow();
  });
});

describe('needsSqliteBuild', () => {
  const target = { electron: '39.8.10', betterSqlite3: '12.11.1', platform: 'linux', arch: 'x64' };

  it('builds when missing, unstamped or stamped for something else', () => {
    expect(needsSqliteBuild({ bindingExists: false, stamp: target, target }).needed).toBe(true);
    expect(needsSqliteBuild({ bindingExists: true, stamp: null, target }).needed).toBe(true);
    expect(needsSqliteBuild({ bindingExists: true, stamp: { ...target, electron: '39.0.0' }, target })).toMatchObject({
      needed: true,
      reason: expect.stringContaining('electron 39.0.0'),
    });
    expect(needsSqliteBuild({ bindingExists: true, stamp: { ...target, betterSqlite3: '12.9.0' }, target }).needed).toBe(true);
    expect(needsSqliteBuild({ bindingExists: true, stamp: { ...target, arch: 'arm64' }, target }).needed).toBe(true);
  });

  it('does nothing when the binding matches (npm start stays fast)', () => {
    expect(needsSqliteBuild({ bindingExists: true, stamp: { ...target }, target }).needed).toBe(false);
  });

  it('parses stamps defensively', () => {
    expect(parseStamp(JSON.stringify(target))).toEqual(target);
    expect(parseStamp(null)).toBeNull();
    expect(parseStamp('{')).toBeNull();
    expect(parseStamp(JSON.stringify({ electron: 39 }))).toBeNull();
  });
});

describe('build plans', () => {
  const base = {
    nodeExecutable: '/usr/bin/node',
    electronVersion: '39.8.10',
    arch: 'x64',
    platform: 'linux',
    workDir: '/w/better-sqlite3',
    devdir: '/home/u/.electron-gyp',
  };

  it('tries the prebuilt Electron binary first, then a node-gyp build against Electron headers', () => {
    const plans = buildPlans({ ...base, prebuildInstallJs: '/p/bin.js', nodeGypJs: '/g/node-gyp.js' });
    expect(plans.map((p) => p.name)).toEqual(['prebuild-install', 'node-gyp']);
    expect(plans[0]?.args).toEqual(expect.arrayContaining(['--runtime', 'electron', '--target', '39.8.10', '--arch', 'x64']));
    expect(plans[1]?.args).toEqual(expect.arrayContaining(['rebuild', '--target=39.8.10', '--dist-url=https://electronjs.org/headers', '--arch=x64']));
    expect(plans.every((p) => p.cwd === '/w/better-sqlite3')).toBe(true); // the scratch copy, never node_modules/better-sqlite3
  });

  it('skips tools that are not available', () => {
    expect(buildPlans({ ...base, prebuildInstallJs: null, nodeGypJs: '/g/node-gyp.js' }).map((p) => p.name)).toEqual(['node-gyp']);
    expect(buildPlans({ ...base, prebuildInstallJs: null, nodeGypJs: null })).toEqual([]);
  });

  it("drops npm's nodedir/target config so the build cannot silently target Node", () => {
    const env = buildEnv({ PATH: '/bin', npm_config_nodedir: '/usr', npm_config_target: '20.0.0', npm_config_cache: '/c' });
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c' });
  });

  it('checks the ABI of the result by loading it in Node', () => {
    const mismatch =
      'Error: The module was compiled against a different Node.js version using\nNODE_MODULE_VERSION 140. This version of Node.js requires\nNODE_MODULE_VERSION 115.';
    expect(abiVerdict(mismatch, '140', '115').level).toBe('ok');
    expect(abiVerdict(null, '140', '115').level).toBe('fatal');
    expect(abiVerdict('Error: ENOENT', '140', '115').level).toBe('warn');
    expect(abiVerdict(null, '140', '140').level).toBe('ok');
  });
});

describe('the binding contract with the main process', () => {
  it('script and main process agree on where the Electron build lives', () => {
    expect(ELECTRON_SQLITE_BINDING).toBe(ELECTRON_BINDING_RELATIVE);
  });

  it('sets PAYDESK_SQLITE_BINDING under Electron when the build exists, and only then', () => {
    const expected = join('/app', ELECTRON_BINDING_RELATIVE);
    const env: NodeJS.ProcessEnv = {};
    expect(useElectronSqliteBinding({ env, appPath: '/app', electronVersion: '39.8.10', exists: () => true }).binding).toBe(expected);
    expect(env[SQLITE_BINDING_ENV]).toBe(expected);

    const nodeEnv: NodeJS.ProcessEnv = {};
    expect(useElectronSqliteBinding({ env: nodeEnv, appPath: '/app', electronVersion: undefined, exists: () => true }).binding).toBeNull();
    expect(nodeEnv[SQLITE_BINDING_ENV]).toBeUndefined();

    const missing: NodeJS.ProcessEnv = {};
    const r = useElectronSqliteBinding({ env: missing, appPath: '/app', electronVersion: '39.8.10', exists: () => false });
    expect(r.binding).toBeNull();
    expect(r.note).toMatch(/npm start/);
    expect(missing[SQLITE_BINDING_ENV]).toBeUndefined();

    const preset: NodeJS.ProcessEnv = { [SQLITE_BINDING_ENV]: '/custom.node' };
    expect(useElectronSqliteBinding({ env: preset, appPath: '/app', electronVersion: '39.8.10', exists: () => false }).binding).toBe('/custom.node');
  });
});
