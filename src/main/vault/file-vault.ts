/**
 * The browser host's vault: `vault.json` (0600) in the data dir, each entry AES-256-GCM encrypted with
 * its own random 96-bit IV and authenticated (tag + the entry name as AAD, so entries cannot be
 * swapped). The 32-byte key comes from `PAYDESK_VAULT_KEY` (base64 or hex) or a generated `vault.key`
 * (0600) next to the vault. A `check` entry (a constant encrypted with the key) tells "wrong key"
 * apart from "tampered file".
 *
 * What it protects against: a copied/backed-up/synced vault.json without the key (file or env).
 * What not: anyone who can read both files — i.e. the same OS user (or root). That is why Settings
 * shows {@link fileVaultWarning}; the desktop app uses the OS keychain via safeStorage instead.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FILE_MODE, ensureDir, readIfExists, writeFileAtomic } from './atomic-file';
import { VaultError, checkName, type Vault, type VaultBackend } from './types';

export const VAULT_FILE = 'vault.json';
export const KEY_FILE = 'vault.key';
export const VAULT_KEY_ENV = 'PAYDESK_VAULT_KEY';

const FORMAT = 'paydesk-file-vault';
const CHECK_AAD = 'paydesk-vault-check';
const CHECK_PLAINTEXT = 'paydesk-vault-key-check-v1';

interface Sealed {
  iv: string;
  tag: string;
  ct: string;
}

interface VaultFileV1 {
  format: typeof FORMAT;
  version: 1;
  cipher: 'aes-256-gcm';
  check: Sealed;
  entries: Record<string, Sealed>;
}

export interface FileVaultOptions {
  /** The data dir: holds vault.json (and vault.key unless the env key is set). */
  dir: string;
  /** Environment to read PAYDESK_VAULT_KEY from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** The bilingual Settings warning for the file vault. */
export function fileVaultWarning(keySource: 'env' | 'file'): string {
  const where =
    keySource === 'env'
      ? { zh: '密钥来自环境变量 PAYDESK_VAULT_KEY', en: 'the key comes from PAYDESK_VAULT_KEY' }
      : { zh: `密钥保存在同一目录的 ${KEY_FILE} 文件中`, en: `the key is in ${KEY_FILE} in the same directory` };
  return (
    `密钥以文件方式加密保存（浏览器模式，${where.zh}）：单独复制或备份的 ${VAULT_FILE} 无法解密；` +
    `但能同时读取两者的人（同一系统用户或管理员）可以取得密钥。桌面版使用系统钥匙串更安全 / ` +
    `Keys are stored in an encrypted file (browser host; ${where.en}). A copied or backed-up ${VAULT_FILE} ` +
    `alone cannot be decrypted, but anyone who can read both (the same OS user, or an administrator) can ` +
    `recover the keys. The desktop app uses the OS keychain, which is safer.`
  );
}

/** Parse PAYDESK_VAULT_KEY: exactly 32 bytes as 64 hex digits or base64 (standard or URL-safe). */
export function parseVaultKey(raw: string): Buffer {
  const t = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  // Never echo the value: it is (or was meant to be) a secret.
  throw new VaultError(
    'VAULT_KEY_INVALID',
    `环境变量 ${VAULT_KEY_ENV} 无效：需要 32 字节随机数，写成 64 位十六进制或 base64（例如 openssl rand -base64 32） / ` +
      `${VAULT_KEY_ENV} is invalid: it must be 32 random bytes written as 64 hex digits or base64 ` +
      `(e.g. openssl rand -base64 32)`,
  );
}

function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
}

/** Decrypt, or null when the tag does not verify (wrong key or modified bytes). */
function open(key: Buffer, s: Sealed, aad: string): string | null {
  try {
    const iv = Buffer.from(s.iv, 'base64');
    const tag = Buffer.from(s.tag, 'base64');
    if (iv.length !== 12 || tag.length !== 16) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(s.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

function isSealed(v: unknown): v is Sealed {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.iv === 'string' && typeof o.tag === 'string' && typeof o.ct === 'string';
}

function corrupt(file: string): VaultError {
  return new VaultError(
    'VAULT_CORRUPT',
    `密钥库文件已损坏或被修改，无法读取：${file}。请从备份恢复，或删除后重新导入密钥 / ` +
      `The vault file is damaged or was modified and cannot be read: ${file}. Restore it from a backup, or delete it and import the keys again`,
  );
}

function tampered(file: string): VaultError {
  return new VaultError(
    'VAULT_TAMPERED',
    `密钥库文件中的加密数据未通过完整性校验（文件被修改或损坏）：${file}。请从备份恢复，或删除后重新导入密钥 / ` +
      `Encrypted data in the vault file failed its integrity check (the file was modified or damaged): ${file}. ` +
      `Restore it from a backup, or delete it and import the keys again`,
  );
}

function parseFile(text: string, file: string): VaultFileV1 {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt(file);
  }
  if (typeof data !== 'object' || data === null) throw corrupt(file);
  const d = data as Record<string, unknown>;
  if (d.format !== FORMAT || d.version !== 1 || d.cipher !== 'aes-256-gcm' || !isSealed(d.check)) throw corrupt(file);
  if (typeof d.entries !== 'object' || d.entries === null || Array.isArray(d.entries)) throw corrupt(file);
  const entries: Record<string, Sealed> = {};
  for (const [name, v] of Object.entries(d.entries as Record<string, unknown>)) {
    if (!isSealed(v)) throw corrupt(file);
    entries[name] = v;
  }
  return { format: FORMAT, version: 1, cipher: 'aes-256-gcm', check: d.check, entries };
}

/** Load (or create) the key: env first, else vault.key (created 0600 only if there is no vault yet). */
function loadKey(dir: string, env: Record<string, string | undefined>, vaultExists: boolean): { key: Buffer; source: 'env' | 'file' } {
  const fromEnv = env[VAULT_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { key: parseVaultKey(fromEnv), source: 'env' };
  const keyFile = path.join(dir, KEY_FILE);
  const text = readIfExists(keyFile);
  if (text !== null) {
    const b = Buffer.from(text.trim(), 'base64');
    if (b.length !== 32) {
      throw new VaultError(
        'VAULT_KEY_FILE_INVALID',
        `密钥文件 ${keyFile} 已损坏（需要 32 字节 base64） / The key file ${keyFile} is damaged (it must hold 32 bytes as base64)`,
      );
    }
    return { key: b, source: 'file' };
  }
  if (vaultExists) {
    // A new key would silently orphan every stored secret: say what is missing instead.
    throw new VaultError(
      'VAULT_KEY_MISSING',
      `找到密钥库 ${VAULT_FILE}，但缺少它的密钥（${KEY_FILE} 或环境变量 ${VAULT_KEY_ENV}），无法解密。请恢复密钥文件或设置环境变量，或删除 ${VAULT_FILE} 后重新导入密钥 / ` +
        `${VAULT_FILE} exists but its key is missing (${KEY_FILE} or ${VAULT_KEY_ENV}), so it cannot be decrypted. ` +
        `Restore the key file or set the variable, or delete ${VAULT_FILE} and import the keys again`,
    );
  }
  ensureDir(dir);
  const key = randomBytes(32);
  try {
    // 'wx': never overwrite a key another process just created.
    fs.writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: FILE_MODE, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadKey(dir, env, vaultExists);
    throw new VaultError('VAULT_IO', `无法创建密钥文件 / Cannot create the key file ${keyFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return { key, source: 'file' };
}

/**
 * Open (or create) the file vault in `dir`. Throws VaultError at once when the key is invalid or does
 * not match, or when the file was tampered with — the host reports it instead of showing empty keys.
 */
export function createFileVault(options: FileVaultOptions): Vault {
  const dir = options.dir;
  const env = options.env ?? process.env;
  const file = path.join(dir, VAULT_FILE);
  const existing = readIfExists(file);
  const { key, source } = loadKey(dir, env, existing !== null);
  let state: VaultFileV1;
  if (existing !== null) {
    state = parseFile(existing, file);
    if (open(key, state.check, CHECK_AAD) !== CHECK_PLAINTEXT) {
      throw new VaultError(
        'VAULT_KEY_WRONG',
        source === 'env'
          ? `环境变量 ${VAULT_KEY_ENV} 与此密钥库不匹配（密钥被更换了？）。请使用创建密钥库时的密钥 / ` +
              `${VAULT_KEY_ENV} does not match this vault (was the key changed?). Use the key the vault was created with`
          : `${KEY_FILE} 与此密钥库不匹配（文件被替换了？）。请恢复原来的 ${KEY_FILE} / ` +
              `${KEY_FILE} does not match this vault (was it replaced?). Restore the original ${KEY_FILE}`,
      );
    }
    // Verify every entry now: a tampered file fails loudly at start-up, not as garbage later.
    for (const [name, s] of Object.entries(state.entries)) {
      if (open(key, s, name) === null) throw tampered(file);
    }
  } else {
    state = { format: FORMAT, version: 1, cipher: 'aes-256-gcm', check: seal(key, CHECK_PLAINTEXT, CHECK_AAD), entries: {} };
  }

  const save = (): void => writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
  const backend: VaultBackend = { kind: 'file', warning: fileVaultWarning(source) };

  return {
    get(name) {
      checkName(name);
      if (!Object.hasOwn(state.entries, name)) return null;
      const s = state.entries[name];
      if (!s) return null;
      const plain = open(key, s, name);
      if (plain === null) throw tampered(file);
      return plain;
    },
    set(name, value) {
      checkName(name);
      state = { ...state, entries: { ...state.entries, [name]: seal(key, value, name) } };
      save();
    },
    delete(name) {
      checkName(name);
      if (!Object.hasOwn(state.entries, name)) return;
      const entries = { ...state.entries };
      delete entries[name];
      state = { ...state, entries };
      save();
    },
    has(name) {
      checkName(name);
      return Object.hasOwn(state.entries, name);
    },
    backend: () => ({ ...backend }),
  };
}
