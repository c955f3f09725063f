/**
 * Small pieces the hosts need to wire the vault and key service in: choosing the
 * vault backend per host, the SettingsDto view of the key status, and moving plaintext PEM files left
 * by earlier versions (`<dataDir>/keys/*.pem`) into the vault.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AlipaySettingsDto, VaultDto, WechatSettingsDto } from '../../shared/contract';
import type { Logger } from '../kernel';
import { createRedactingLogger } from '../kernel';
import { createFileVault } from '../vault/file-vault';
import { createSafeStorageVault, type SafeStorageLike } from '../vault/safe-storage-vault';
import type { Vault } from '../vault/types';
import type { KeyField } from './key-errors';
import type { KeyService, KeyStatus } from './key-service';

/** Desktop: Electron's safeStorage (passed in by src/main/electron). Browser host: the AES-GCM file vault. */
export type VaultHostOptions =
  { kind: 'safeStorage'; safeStorage: SafeStorageLike; dataDir: string } | { kind: 'file'; dataDir: string; env?: Record<string, string | undefined> };

/** The file name of the safeStorage vault in the data dir. */
export const SAFE_STORAGE_VAULT_FILE = 'vault.safestorage.json';

/** Open the vault for a host. Throws VaultError (bilingual) when an existing vault cannot be opened. */
export function openHostVault(options: VaultHostOptions): Vault {
  if (options.kind === 'safeStorage') {
    return createSafeStorageVault({ safeStorage: options.safeStorage, file: path.join(options.dataDir, SAFE_STORAGE_VAULT_FILE) });
  }
  return createFileVault({ dir: options.dataDir, ...(options.env ? { env: options.env } : {}) });
}

/** The key status SettingsDto shows: each provider's keys in its group, and the vault's backend and warnings. */
export interface KeysSettings {
  alipay: AlipaySettingsDto['keys'];
  wechat: WechatSettingsDto['keys'];
  vault: VaultDto;
}

const NONE = { configured: false, fingerprint: null } as const;
const NO_WECHAT_KEYS: WechatSettingsDto['keys'] = { merchantPrivateKey: NONE, apiV3Key: NONE, wechatpayPublicKey: NONE, merchantCertificate: NONE };

/** Configured + fingerprint only (never `appPublicKeyPem` nor any other key text). */
export function keysSettingsDto(status: KeyStatus, backend: VaultDto['backend'], wechat: WechatSettingsDto['keys'] = NO_WECHAT_KEYS): KeysSettings {
  return {
    alipay: { appPrivateKey: { ...status.appPrivateKey }, alipayPublicKey: { ...status.alipayPublicKey } },
    wechat,
    vault: { backend, warnings: [...status.warnings] },
  };
}

export interface MigrationResult {
  /** Keys imported from plaintext files into the vault. */
  migrated: KeyField[];
  /** Bilingual reasons for files that were left in place (refused keys). */
  problems: string[];
}

/**
 * Import plaintext key files into the vault and remove them once stored: secrets are encrypted at rest
 * (docs/architecture.md, Invariants: "Secrets stay in main"). A key already in the vault wins; its
 * leftover plaintext file is removed too. A refused key
 * (e.g. the app public key saved as the Alipay key) stays in its file and is reported.
 */
export function migratePlaintextKeyFiles(input: { keys: KeyService; files: Record<KeyField, string>; logger?: Logger }): MigrationResult {
  const log = input.logger ? createRedactingLogger(input.logger) : null;
  const result: MigrationResult = { migrated: [], problems: [] };
  const order: KeyField[] = ['appPrivateKey', 'alipayPublicKey'];
  for (const which of order) {
    const file = input.files[which];
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // absent: nothing to migrate
    }
    const status = input.keys.status();
    const already = which === 'appPrivateKey' ? status.appPrivateKey.configured : status.alipayPublicKey.configured;
    try {
      if (!already && text.trim() !== '') {
        if (which === 'appPrivateKey') input.keys.importAppPrivateKey(text);
        else input.keys.importAlipayPublicKey(text);
        result.migrated.push(which);
      }
      fs.rmSync(file, { force: true });
      log?.info('plaintext key file moved into the vault', { which, file });
    } catch (err) {
      result.problems.push(err instanceof Error ? err.message : String(err));
      log?.warn('plaintext key file not migrated', { which, file, err });
    }
  }
  return result;
}
