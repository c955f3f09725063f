/**
 * The key vault (docs/architecture.md, Invariants: "Secrets stay in main", encrypted at rest). Two backends:
 * Electron safeStorage in the desktop app, an AES-256-GCM file in the browser host.
 */

/** Which backend protects the vault, and what the Settings page must warn about (bilingual), if anything. */
export interface VaultBackend {
  kind: 'safeStorage' | 'file';
  warning: string | null;
}

/** A small named-secret store. Values are strings (PEM text); names are `[A-Za-z0-9._-]{1,64}`. */
export interface Vault {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
  has(name: string): boolean;
  backend(): VaultBackend;
}

export type VaultErrorCode =
  | 'VAULT_KEY_INVALID'
  | 'VAULT_KEY_FILE_INVALID'
  | 'VAULT_KEY_MISSING'
  | 'VAULT_KEY_WRONG'
  | 'VAULT_CORRUPT'
  | 'VAULT_TAMPERED'
  | 'VAULT_UNAVAILABLE'
  | 'VAULT_DECRYPT_FAILED'
  | 'VAULT_NAME_INVALID'
  | 'VAULT_IO';

/** A vault failure: stable code, bilingual message. Never contains a secret (no key, no plaintext). */
export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Entry names are part of file formats and AAD: keep them boring. */
export function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new VaultError('VAULT_NAME_INVALID', `密钥库条目名无效 / Invalid vault entry name (allowed: A-Z a-z 0-9 . _ -, 1–64 chars)`);
  }
}
