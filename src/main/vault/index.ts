/** The key vault: interface, the safeStorage backend (desktop) and the file backend (browser host). */
export { VaultError, type Vault, type VaultBackend, type VaultErrorCode } from './types';
export { createFileVault, fileVaultWarning, parseVaultKey, VAULT_FILE, KEY_FILE, VAULT_KEY_ENV, type FileVaultOptions } from './file-vault';
export { createSafeStorageVault, BASIC_TEXT_WARNING, UNAVAILABLE_MESSAGE, type SafeStorageLike, type SafeStorageVaultOptions } from './safe-storage-vault';
