/**
 * Console settings: `dataDir/settings.json`, zod-validated on every read. A missing file means
 * defaults; a corrupt one is reported (status warning), never a crash, and is kept aside as
 * `settings.json.corrupt-<time>` the first time new settings are saved over it.
 *
 * The file names the environment (demo / sandbox / production) and groups each provider's account
 * fields under the provider's id (`alipay: { appId, sellerId }`, `wechat: { mchId, appId,
 * merchantSerialNo, publicKeyId }`); a file without a group gets that group empty. A file of the earlier flat shape (`providerMode`, `appId`, `sellerId` at the top) is
 * read, converted, and written in the grouped shape by the next save; a file mixing both shapes is
 * refused like any unusable file (README "Settings file").
 *
 * Keys are NOT settings: they live in the encrypted vault (src/main/vault, src/main/keys); the renderer
 * only ever sees whether they are configured and a SHA-256 fingerprint.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  ENVIRONMENTS,
  LANGUAGES,
  NOTIFY_MODES,
  SHOP_NAME_MAX,
  type AlipaySettingsDto,
  type Environment,
  type NotifyMode,
  type SettingsDto,
  type VaultDto,
  type WechatSettingsDto,
} from '../../shared/contract';
import { formatFen } from '../../shared/money';
import { PAPER_WIDTHS } from '../../shared/receipt';
import { DEFAULT_TUNNEL_HOST } from '../tunnel/notify-endpoint';
import { saleLimitFields } from './sale-guard';

/** The Alipay account the console uses outside demo: app id and seller id (PID). */
const alipaySettings = z.object({
  appId: z.string().max(32).default(''),
  sellerId: z.string().max(32).default(''),
});

/**
 * WeChat Pay's account (outside demo): 商户号, the AppID bound to it, the merchant API certificate's serial
 * and the WeChat Pay public key's id. A file written before WeChat Pay was wired has no group: empty.
 * Formats are checked when they are saved (handlers/settings.ts); here only their size.
 */
const wechatSettings = z.object({
  mchId: z.string().max(32).default(''),
  appId: z.string().max(32).default(''),
  merchantSerialNo: z.string().max(64).default(''),
  publicKeyId: z.string().max(96).default(''),
});
export type WechatAccountSettings = z.output<typeof wechatSettings>;

/** Receipts (小票): a file written before receipts existed gets the defaults (no shop name, 58 mm, no auto-print). */
const receiptSettings = z.object({
  shopName: z.string().max(64).default(''),
  paperWidth: z.enum(PAPER_WIDTHS).default('58mm'),
  autoPrint: z.boolean().default(false),
});
export type ReceiptSettings = z.output<typeof receiptSettings>;

/** Fields every shape of the file shares. */
const commonFields = {
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
  /** the customer display's idle screen (客显) */
  shopName: z.string().min(1).max(SHOP_NAME_MAX).default('PayDesk'),
};

/** What settings.json holds. Unknown keys are dropped (a newer version may add some). */
const settingsObject = z.object({
  environment: z.enum(ENVIRONMENTS).default('demo'),
  alipay: alipaySettings.default({ appId: '', sellerId: '' }),
  wechat: wechatSettings.default({ mchId: '', appId: '', merchantSerialNo: '', publicKeyId: '' }),
  receipt: receiptSettings.default({ shopName: '', paperWidth: '58mm', autoPrint: false }),
  ...commonFields,
});

/** The earlier flat shape: `providerMode` and the Alipay fields at the top. */
const legacySettingsObject = z.object({
  providerMode: z.enum(ENVIRONMENTS).default('demo'),
  appId: z.string().max(32).default(''),
  sellerId: z.string().max(32).default(''),
  ...commonFields,
});

/** A missing notify mode defaults by environment: loopback for demo, localtunnel for sandbox/production. */
export const settingsSchema = settingsObject.transform((v) => ({
  ...v,
  notifyMode: v.notifyMode ?? defaultNotifyMode(v.environment),
}));
export type Settings = z.output<typeof settingsSchema>;

/** The earlier shape, converted to the current one. */
const legacySettingsSchema = legacySettingsObject.transform(({ providerMode, appId, sellerId, ...rest }) =>
  settingsSchema.parse({ ...rest, environment: providerMode, alipay: { appId, sellerId } }),
);

/** Keys only the earlier flat shape has, and keys only the current shape has. */
const LEGACY_KEYS = ['providerMode', 'appId', 'sellerId'] as const;
const CURRENT_KEYS = ['environment', 'alipay', 'wechat'] as const;

export function defaultNotifyMode(environment: Environment): NotifyMode {
  return environment === 'demo' ? 'loopback' : 'localtunnel';
}

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

export interface LoadedSettings {
  settings: Settings;
  /** Whether settings.json exists (a missing file means defaults; see the console for what that allows). */
  found: boolean;
  /** Bilingual description of why the file could not be used (defaults are in effect), else null. */
  problem: string | null;
  /** The file has the earlier flat shape: read and converted; the next save writes the current shape. */
  legacy: boolean;
}

export function settingsPath(dataDir: string): string {
  return join(dataDir, 'settings.json');
}

/** Read and validate settings.json (either shape). Never throws for a missing or corrupt file, never writes. */
export async function loadSettings(dataDir: string): Promise<LoadedSettings> {
  const file = settingsPath(dataDir);
  const unusable = (problem: string): LoadedSettings => ({ settings: DEFAULT_SETTINGS, found: true, problem, legacy: false });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOENT') return { settings: DEFAULT_SETTINGS, found: false, problem: null, legacy: false };
    return unusable(`无法读取设置文件 ${file}，已使用默认设置 / Cannot read ${file} (${describe(err)}); using defaults`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unusable(`设置文件 ${file} 不是有效的 JSON，已使用默认设置 / ${file} is not valid JSON; using defaults`);
  }
  const has = (keys: readonly string[]): string[] =>
    typeof json === 'object' && json !== null && !Array.isArray(json) ? keys.filter((k) => Object.hasOwn(json, k)) : [];
  const legacyKeys = has(LEGACY_KEYS);
  const currentKeys = has(CURRENT_KEYS);
  if (legacyKeys.length > 0 && currentKeys.length > 0) {
    const both = `${legacyKeys.join(', ')} + ${currentKeys.join(', ')}`;
    return unusable(
      `设置文件 ${file} 混用了旧版和新版的格式（${both}），已使用默认设置 / ${file} mixes the earlier and the current format (${both}); using defaults`,
    );
  }
  const legacy = legacyKeys.length > 0;
  const parsed = (legacy ? legacySettingsSchema : settingsSchema).safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return unusable(`设置文件 ${file} 内容无效，已使用默认设置 / ${file} is invalid (${where}); using defaults`);
  }
  return { settings: parsed.data, found: true, problem: null, legacy };
}

/**
 * Write settings.json atomically (temp file + rename), always in the current shape. When the current
 * file was corrupt it is first moved aside so nothing the user wrote by hand is silently lost.
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

/** The settings as the renderer sees them: each provider's group with its key status; never key material. */
export function toSettingsDto(
  settings: Settings,
  keys: { alipay: AlipaySettingsDto['keys']; wechat: WechatSettingsDto['keys']; vault: VaultDto },
): SettingsDto {
  return {
    environment: settings.environment,
    alipay: { appId: settings.alipay.appId, sellerId: settings.alipay.sellerId, keys: keys.alipay },
    wechat: { ...settings.wechat, keys: keys.wechat },
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
    shopName: settings.shopName,
    vault: keys.vault,
    receipt: { ...settings.receipt },
  };
}

function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

function describe(err: unknown): string {
  return isNodeError(err) ? (err.code ?? err.message) : String(err);
}
