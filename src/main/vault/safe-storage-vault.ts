/**
 * The desktop vault: each entry encrypted with Electron's `safeStorage` (DPAPI on Windows, Keychain on
 * macOS, libsecret/kwallet on Linux) and stored as base64 ciphertext in one 0600 JSON file in the data
 * dir, written atomically. This module does NOT import 'electron' (docs/architecture.md,
 * Conventions: only src/main/electron does); the glue passes `safeStorage` in, and tests pass a fake.
 *
 * On Linux without a keyring Electron falls back to the `basic_text` backend — a hard-coded password,
 * i.e. obfuscation, not protection — so {@link Vault.backend} returns a warning for Settings then.
 */
import { readIfExists, writeFileAtomic } from './atomic-file';
import { VaultError, checkName, type Vault, type VaultBackend } from './types';

/** The subset of Electron's `safeStorage` the vault uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'. */
  getSelectedStorageBackend?(): string;
}

export interface SafeStorageVaultOptions {
  safeStorage: SafeStorageLike;
  /** Path of the ciphertext file, e.g. `<userData>/vault.safestorage.json`. */
  file: string;
}

const FORMAT = 'paydesk-safestorage-vault';

export const BASIC_TEXT_WARNING =
  '系统钥匙串不可用，Electron 使用 basic_text 后端：密钥只是用固定口令混淆，并未真正加密。请安装并解锁 GNOME Keyring 或 KWallet 后重启 PayDesk / ' +
  'No OS keyring is available, so Electron uses its basic_text backend: keys are only obfuscated with a fixed password, ' +
  'not really encrypted. Install and unlock GNOME Keyring or KWallet, then restart PayDesk';

export const UNAVAILABLE_MESSAGE =
  '系统加密（safeStorage）当前不可用，无法保存或读取密钥。请确认已登录桌面会话并解锁系统钥匙串后重试 / ' +
  'OS encryption (safeStorage) is not available, so keys cannot be stored or read. Make sure you are logged in to a ' +
  'desktop session with the OS keyring unlocked, then try again';

interface SafeStorageFile {
  format: typeof FORMAT;
  version: 1;
  entries: Record<string, string>;
}

function corrupt(file: string): VaultError {
  return new VaultError(
    'VAULT_CORRUPT',
    `密钥库文件已损坏或被修改，无法读取：${file}。请删除后重新导入密钥 / ` +
      `The vault file is damaged or was modified and cannot be read: ${file}. Delete it and import the keys again`,
  );
}

function parse(text: string, file: string): SafeStorageFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt(file);
  }
  if (typeof data !== 'object' || data === null) throw corrupt(file);
  const d = data as Record<string, unknown>;
  if (d.format !== FORMAT || d.version !== 1 || typeof d.entries !== 'object' || d.entries === null || Array.isArray(d.entries)) {
    throw corrupt(file);
  }
  const entries: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.entries as Record<string, unknown>)) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw corrupt(file);
    entries[k] = v;
  }
  return { format: FORMAT, version: 1, entries };
}

/** Open (or create) the safeStorage-backed vault. Throws VaultError when the file is damaged. */
export function createSafeStorageVault(options: SafeStorageVaultOptions): Vault {
  const { safeStorage, file } = options;
  const text = readIfExists(file);
  let state: SafeStorageFile = text === null ? { format: FORMAT, version: 1, entries: {} } : parse(text, file);

  const requireAvailable = (): void => {
    if (!safeStorage.isEncryptionAvailable()) throw new VaultError('VAULT_UNAVAILABLE', UNAVAILABLE_MESSAGE);
  };
  const save = (): void => writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);

  return {
    get(name) {
      checkName(name);
      if (!Object.hasOwn(state.entries, name)) return null;
      requireAvailable();
      try {
        return safeStorage.decryptString(Buffer.from(state.entries[name] ?? '', 'base64'));
      } catch {
        // Electron's own message can be cryptic ("Error while decrypting the ciphertext provided"):
        // say what usually causes it.
        throw new VaultError(
          'VAULT_DECRYPT_FAILED',
          `无法解密已保存的密钥：它可能是在另一台电脑、另一个系统用户下保存的，或系统钥匙串被重置。请重新导入密钥 / ` +
            `A stored key cannot be decrypted: it was probably saved on another computer or by another OS user, or the OS ` +
            `keyring was reset. Import the keys again`,
        );
      }
    },
    set(name, value) {
      checkName(name);
      requireAvailable();
      const ct = safeStorage.encryptString(value).toString('base64');
      state = { ...state, entries: { ...state.entries, [name]: ct } };
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
    backend(): VaultBackend {
      if (!safeStorage.isEncryptionAvailable()) return { kind: 'safeStorage', warning: UNAVAILABLE_MESSAGE };
      const selected = safeStorage.getSelectedStorageBackend?.();
      return { kind: 'safeStorage', warning: selected === 'basic_text' ? BASIC_TEXT_WARNING : null };
    },
  };
}
