/** Types of scripts/electron-native.mjs (imported by its test). */
export declare const ELECTRON_BINDING_RELATIVE: string;
export declare const STAMP_RELATIVE: string;
export declare const ELECTRON_HEADERS_URL: string;

export interface Decision {
  needed: boolean;
  reason: string;
}

export declare function platformExecutable(platform: string): string;

export declare function needsElectronDownload(s: {
  packageVersion: string;
  /** contents of node_modules/electron/dist/version, null if absent */
  distVersion: string | null;
  /** contents of node_modules/electron/path.txt, null if absent */
  pathTxt: string | null;
  platform: string;
  executableExists: boolean;
  execPathOverride?: string | undefined;
  overrideExists?: boolean;
}): Decision;

export interface SqliteTarget {
  electron: string;
  betterSqlite3: string;
  platform: string;
  arch: string;
}

export declare function needsSqliteBuild(s: { bindingExists: boolean; stamp: SqliteTarget | null; target: SqliteTarget }): Decision;

export declare function parseStamp(text: string | null): SqliteTarget | null;

export interface BuildPlan {
  name: string;
  command: string;
  args: string[];
  cwd: string;
}

export declare function buildPlans(p: {
  nodeExecutable: string;
  prebuildInstallJs: string | null;
  nodeGypJs: string | null;
  electronVersion: string;
  arch: string;
  platform: string;
  workDir: string;
  devdir: string;
}): BuildPlan[];

export declare function buildEnv(env: Record<string, string | undefined>): Record<string, string>;

export declare function abiVerdict(loadError: string | null, electronAbi: string, nodeAbi: string): { level: 'ok' | 'warn' | 'fatal'; message: string };
