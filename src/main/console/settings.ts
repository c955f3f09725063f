/**
 * Console settings: `dataDir/settings.json`, zod-validated on every read. A missing file means
 * defaults; a corrupt one is reported (status warning), never a crash, and is kept aside as
 * `settings.json.corrupt-<time>` the first time new settings are saved over it.
 *
 * Keys are NOT settings: until the vault issue they are PEM files under `dataDir/keys/` (sandbox and
 * production); the renderer only ever sees whether they are configured and a SHA-256 fingerprint.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LANGUAGES, NOTIFY_MODES, PROVIDER_MODES, type SettingsDto } from '../../shared/contract';

/** What settings.json holds. Unknown keys are dropped (a newer version may add some). */
export const settingsSchema = z.object({
  providerMode: z.enum(PROVIDER_MODES).default('demo'),
  appId: z.string().max(32).default(''),
  sellerId: z.string().max(32).default(''),
  notifyMode: z.enum(NOTIFY_MODES).default('loopback'),
  customNotifyUrl: z.string().max(2048).default(''),
  orderExpiryMinutes: z.number().int().min(1).max(120).default(5),
  voice: z.boolean().default(true),
  language: z.enum(LANGUAGES).default('zh-CN'),
});
export type Settings = z.output<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

export interface LoadedSettings {
  settings: Settings;
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
    if (isNodeError(err) && err.code === 'ENOENT') return { settings: DEFAULT_SETTINGS, problem: null };
    return {
      settings: DEFAULT_SETTINGS,
      problem: `无法读取设置文件 ${file}，已使用默认设置 / Cannot read ${file} (${describe(err)}); using defaults`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      settings: DEFAULT_SETTINGS,
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
      problem: `设置文件 ${file} 内容无效，已使用默认设置 / ${file} is invalid (${where}); using defaults`,
    };
  }
  return { settings: parsed.data, problem: null };
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

/* ── Keys (sandbox / production, until the vault exists) ───────────────────────────────────────── */

export interface KeyFiles {
  appPrivateKey: string | null;
  alipayPublicKey: string | null;
}

export function keyPaths(dataDir: string): { appPrivateKey: string; alipayPublicKey: string } {
  return {
    appPrivateKey: join(dataDir, 'keys', 'app-private-key.pem'),
    alipayPublicKey: join(dataDir, 'keys', 'alipay-public-key.pem'),
  };
}

/** Read the PEM files; a missing or empty file is null. */
export async function readKeyFiles(dataDir: string): Promise<KeyFiles> {
  const paths = keyPaths(dataDir);
  const read = async (p: string): Promise<string | null> => {
    try {
      const text = (await readFile(p, 'utf8')).trim();
      return text === '' ? null : text;
    } catch (err) {
      if (isNodeError(err) && err.code === 'ENOENT') return null;
      throw err;
    }
  };
  return { appPrivateKey: await read(paths.appPrivateKey), alipayPublicKey: await read(paths.alipayPublicKey) };
}

/**
 * `SHA256:<hex>` of the DER (SPKI) public key — for a private key, of its public half — so the
 * cashier can compare it with what Alipay's console shows without any key material leaving main.
 * Accepts PEM or the bare base64 that Alipay's pages hand out. Null if the text is not a key.
 */
export function keyFingerprint(keyText: string, kind: 'private' | 'public'): string | null {
  const pub = toPublicKey(keyText, kind);
  if (!pub) return null;
  const der = pub.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('hex')}`;
}

/** PEM, or bare base64 DER (PKCS#8 / PKCS#1 private, SPKI / PKCS#1 public), to a public KeyObject. */
function toPublicKey(keyText: string, kind: 'private' | 'public'): KeyObject | null {
  const attempts: (() => KeyObject)[] = [];
  if (keyText.includes('-----BEGIN')) {
    attempts.push(() => createPublicKey(keyText));
  } else {
    const der = Buffer.from(keyText.replace(/\s+/g, ''), 'base64');
    if (kind === 'private') {
      attempts.push(() => createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })));
      attempts.push(() => createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs1' })));
    } else {
      attempts.push(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
      attempts.push(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
    }
  }
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next encoding
    }
  }
  return null;
}

export function keysDto(keys: KeyFiles): SettingsDto['keys'] {
  const one = (text: string | null, kind: 'private' | 'public') => ({
    configured: text !== null,
    fingerprint: text === null ? null : keyFingerprint(text, kind),
  });
  return { appPrivateKey: one(keys.appPrivateKey, 'private'), alipayPublicKey: one(keys.alipayPublicKey, 'public') };
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
    keys,
  };
}

function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

function describe(err: unknown): string {
  return isNodeError(err) ? (err.code ?? err.message) : String(err);
}
