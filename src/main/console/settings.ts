/**
 * Console settings: `dataDir/settings.json`, zod-validated on every read. A missing file means
 * defaults; a corrupt one is reported (status warning), never a crash, and is kept aside as
 * `settings.json.corrupt-<time>` the first time new settings are saved over it.
 *
 * Keys are NOT settings: they live in the encrypted vault (src/main/vault, src/main/keys); the renderer
 * only ever sees whether they are configured and a SHA-256 fingerprint.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  LANGUAGES,
  NOTIFY_MODES,
  PROVIDER_MODES,
  type NotifyMode,
  type ProviderMode,
  type SettingsDto,
} from '../../shared/contract';
import { formatFen } from '../../shared/money';
import { DEFAULT_TUNNEL_HOST } from '../tunnel/notify-endpoint';
import { saleLimitFields } from './sale-guard';

/** What settings.json holds. Unknown keys are dropped (a newer version may add some). */
const settingsObject = z.object({
  providerMode: z.enum(PROVIDER_MODES).default('demo'),
  appId: z.string().max(32).default(''),
  sellerId: z.string().max(32).default(''),
  notifyMode: z.enum(NOTIFY_MODES).optional(),
  customNotifyUrl: z.string().max(2048).default(''),
  orderExpiryMinutes: z.number().int().min(1).max(120).default(5),
  voice: z.boolean().default(true),
  language: z.enum(LANGUAGES).default('zh-CN'),
  /** localtunnel server (its `host` option): the public one or a self-hosted server. */
  tunnelHost: z.string().max(2048).default(DEFAULT_TUNNEL_HOST),
  /** '' = a random subdomain */
  tunnelSubdomain: z.string().max(63).default(''),
  /** counter safety: scanner timing, confirmation threshold, maximum per sale (sale-guard.ts) */
  ...saleLimitFields,
});
/** A missing notify mode defaults by provider: loopback for demo, localtunnel for sandbox/production. */
export const settingsSchema = settingsObject.transform((v) => ({
  ...v,
  notifyMode: v.notifyMode ?? defaultNotifyMode(v.providerMode),
}));
export type Settings = z.output<typeof settingsSchema>;

export function defaultNotifyMode(providerMode: ProviderMode): NotifyMode {
  return providerMode === 'demo' ? 'loopback' : 'localtunnel';
}

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

export interface LoadedSettings {
  settings: Settings;
  /** Whether settings.json exists (a missing file means defaults; see the console for what that allows). */
  found: boolean;
  /** Bilingual description of why the file could not be used (defaults are in effect), else null. */
  problem: string | null;
}

export function settingsPath(dataDir: string): string {
  return join(dataDir, 'settings.json');
}

/** Read and validate settings.json. Never throws for a missing or corrupt file. */
export async function loadSettings(dataDir: string): Promise<LoadedSettings> {
  const file = settingsPath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOENT') return { settings: DEFAULT_SETTINGS, found: false, problem: null };
    return {
      settings: DEFAULT_SETTINGS,
      found: true,
      problem: `无法读取设置文件 ${file}，已使用默认设置 / Cannot read ${file} (${describe(err)}); using defaults`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      settings: DEFAULT_SETTINGS,
      found: true,
      problem: `设置文件 ${file} 不是有效的 JSON，已使用默认设置 / ${file} is not valid JSON; using defaults`,
    };
  }
  const parsed = settingsSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return {
      settings: DEFAULT_SETTINGS,
      found: true,
      problem: `设置文件 ${file} 内容无效，已使用默认设置 / ${file} is invalid (${where}); using defaults`,
    };
  }
  return { settings: parsed.data, found: true, problem: null };
}

/**
 * Write settings.json atomically (temp file + rename). When the current file was corrupt it is first
 * moved aside so nothing the user wrote by hand is silently lost.
 */
export async function saveSettings(dataDir: string, settings: Settings, keepCorrupt: boolean): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = settingsPath(dataDir);
  if (keepCorrupt) {
    await rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/* ── Plaintext key files of earlier versions (moved into the vault at start-up) ──────────────────── */

/** Where versions before the vault kept the sandbox/production keys; migrated and removed on start. */
export function keyPaths(dataDir: string): { appPrivateKey: string; alipayPublicKey: string } {
  return {
    appPrivateKey: join(dataDir, 'keys', 'app-private-key.pem'),
    alipayPublicKey: join(dataDir, 'keys', 'alipay-public-key.pem'),
  };
}

export function toSettingsDto(settings: Settings, keys: SettingsDto['keys']): SettingsDto {
  return {
    providerMode: settings.providerMode,
    appId: settings.appId,
    sellerId: settings.sellerId,
    notifyMode: settings.notifyMode,
    customNotifyUrl: settings.customNotifyUrl,
    orderExpiryMinutes: settings.orderExpiryMinutes,
    voice: settings.voice,
    language: settings.language,
    tunnelHost: settings.tunnelHost,
    tunnelSubdomain: settings.tunnelSubdomain,
    scanMaxGapMs: settings.scanMaxGapMs,
    confirmAbove: formatFen(settings.confirmAboveFen),
    maxPerSale: formatFen(settings.maxPerSaleFen),
    keys,
  };
}

function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

function describe(err: unknown): string {
  return isNodeError(err) ? (err.code ?? err.message) : String(err);
}
