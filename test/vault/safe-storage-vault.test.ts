import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASIC_TEXT_WARNING, VaultError, createSafeStorageVault, type SafeStorageLike } from '../../src/main/vault';
import { isBilingual, modeOf, rsaPair } from './helpers';
import { tempDir } from '../support';

const pem = rsaPair().pkcs8Pem;

/** A stand-in for Electron's safeStorage: XOR "encryption" with a per-fake key, marked with a prefix. */
function fakeSafeStorage(opts: { available?: boolean; backend?: string; key?: number } = {}): SafeStorageLike & { available: boolean } {
  const key = opts.key ?? 0x5a;
  const fake = {
    available: opts.available ?? true,
    isEncryptionAvailable: () => fake.available,
    encryptString: (plain: string) => {
      if (!fake.available) throw new Error('Encryption is not available.');
      return Buffer.concat([Buffer.from('v10'), Buffer.from([key]), Buffer.from(plain, 'utf8').map((b) => b ^ key)]);
    },
    decryptString: (enc: Buffer) => {
      // The "OS key" of another machine/user cannot decrypt this one's ciphertext.
      if (enc.subarray(0, 3).toString() !== 'v10' || enc[3] !== key)
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(enc.subarray(4).map((b) => b ^ key)).toString('utf8');
    },
    ...(opts.backend !== undefined ? { getSelectedStorageBackend: () => opts.backend! } : {}),
  };
  return fake;
}

function vaultError(fn: () => unknown, code: string): VaultError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe(code);
    expect(isBilingual((err as Error).message), (err as Error).message).toBe(true);
    return err as VaultError;
  }
  throw new Error(`expected VaultError ${code}`);
}

describe('safeStorage vault (desktop)', () => {
  it('encrypts through safeStorage into a 0600 file and survives reopen', () => {
    const file = path.join(tempDir(), 'data', 'vault.safestorage.json');
    const v = createSafeStorageVault({ safeStorage: fakeSafeStorage({ backend: 'gnome_libsecret' }), file });
    v.set('alipay.appPrivateKey', pem);
    expect(v.get('alipay.appPrivateKey')).toBe(pem);
    expect(modeOf(file)).toBe(0o600);
    const raw = fs.readFileSync(file, 'utf8');
    expect(raw).not.toContain('PRIVATE KEY');
    expect(v.backend()).toEqual({ kind: 'safeStorage', warning: null });
    const again = createSafeStorageVault({ safeStorage: fakeSafeStorage(), file });
    expect(again.has('alipay.appPrivateKey')).toBe(true);
    expect(again.get('alipay.appPrivateKey')).toBe(pem);
    again.delete('alipay.appPrivateKey');
    expect(createSafeStorageVault({ safeStorage: fakeSafeStorage(), file }).has('alipay.appPrivateKey')).toBe(false);
  });

  it('warns bilingually when Electron uses the basic_text backend', () => {
    const v = createSafeStorageVault({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file: path.join(tempDir(), 'v.json') });
    const b = v.backend();
    expect(b.kind).toBe('safeStorage');
    expect(b.warning).toBe(BASIC_TEXT_WARNING);
    expect(isBilingual(b.warning!)).toBe(true);
    expect(b.warning).toContain('basic_text');
  });

  it('unavailable encryption: warning, and set/get refuse instead of storing plaintext', () => {
    const file = path.join(tempDir(), 'v.json');
    const ss = fakeSafeStorage();
    const v = createSafeStorageVault({ safeStorage: ss, file });
    v.set('k', pem);
    ss.available = false;
    expect(v.backend().warning).toBeTruthy();
    expect(isBilingual(v.backend().warning!)).toBe(true);
    vaultError(() => v.set('k2', pem), 'VAULT_UNAVAILABLE');
    vaultError(() => v.get('k'), 'VAULT_UNAVAILABLE');
    expect(v.has('k')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('a ciphertext from another machine/user is a clear error', () => {
    const file = path.join(tempDir(), 'v.json');
    createSafeStorageVault({ safeStorage: fakeSafeStorage(), file }).set('k', 'secret');
    const v = createSafeStorageVault({ safeStorage: fakeSafeStorage({ key: 0x33 }), file });
    const e = vaultError(() => v.get('k'), 'VAULT_DECRYPT_FAILED');
    expect(e.message).not.toContain('secret');
  });

  it('a damaged file is a clear error', () => {
    const file = path.join(tempDir(), 'v.json');
    fs.writeFileSync(file, '{"format":"paydesk-safestorage-vault","version":1,"entries":{"k":42}}');
    vaultError(() => createSafeStorageVault({ safeStorage: fakeSafeStorage(), file }), 'VAULT_CORRUPT');
    fs.writeFileSync(file, 'garbage');
    vaultError(() => createSafeStorageVault({ safeStorage: fakeSafeStorage(), file }), 'VAULT_CORRUPT');
  });
});
