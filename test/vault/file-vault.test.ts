import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaultError, createFileVault, KEY_FILE, VAULT_FILE } from '../../src/main/vault';
import { isBilingual, modeOf, rsaPair } from './helpers';
import { tempDir } from '../support';

const pem = rsaPair().pkcs8Pem;

/** The vault file as these tests read it (only the fields they look at). */
interface VaultEntryJson {
  iv: string;
  ct: string;
}
type VaultJson = { entries: Record<string, VaultEntryJson> };
const readVaultJson = (text: string): VaultJson => JSON.parse(text) as VaultJson;
function entryOf(f: VaultJson, name: string): VaultEntryJson {
  const e = f.entries[name];
  if (!e) throw new Error(`vault file has no entry ${name}`);
  return e;
}

function vaultError(fn: () => unknown, code: string): VaultError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe(code);
    expect(isBilingual((err as VaultError).message), (err as Error).message).toBe(true);
    return err as VaultError;
  }
  throw new Error(`expected VaultError ${code}`);
}

describe('file vault (browser host)', () => {
  it('stores, reads, deletes; files are 0600 and the plaintext is not on disk', () => {
    const dir = tempDir();
    const v = createFileVault({ dir, env: {} });
    expect(v.get('alipay.appPrivateKey')).toBeNull();
    expect(v.has('alipay.appPrivateKey')).toBe(false);
    v.set('alipay.appPrivateKey', pem);
    v.set('other', 'short secret ✓');
    expect(v.get('alipay.appPrivateKey')).toBe(pem);
    expect(v.has('alipay.appPrivateKey')).toBe(true);
    const file = path.join(dir, VAULT_FILE);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.join(dir, KEY_FILE))).toBe(0o600);
    const raw = fs.readFileSync(file, 'utf8');
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain(pem.split('\n')[1]);
    expect(raw).not.toContain('short secret');
    // no temp files left behind (atomic write = temp + rename)
    expect(fs.readdirSync(dir).sort()).toEqual([KEY_FILE, VAULT_FILE].sort());
    v.delete('other');
    expect(v.get('other')).toBeNull();
    v.delete('never-there');
    expect(v.backend().kind).toBe('file');
  });

  it('uses a fresh IV per entry (same value twice → different ciphertexts)', () => {
    const dir = tempDir();
    const v = createFileVault({ dir, env: {} });
    v.set('a', 'same');
    v.set('b', 'same');
    const f = readVaultJson(fs.readFileSync(path.join(dir, VAULT_FILE), 'utf8'));
    expect(entryOf(f, 'a').iv).not.toBe(entryOf(f, 'b').iv);
    expect(entryOf(f, 'a').ct).not.toBe(entryOf(f, 'b').ct);
  });

  it('survives reopen with the key file', () => {
    const dir = tempDir();
    createFileVault({ dir, env: {} }).set('k', pem);
    const again = createFileVault({ dir, env: {} });
    expect(again.get('k')).toBe(pem);
  });

  it('warns what the file vault protects against and what not (bilingual)', () => {
    const w = createFileVault({ dir: tempDir(), env: {} }).backend().warning!;
    expect(isBilingual(w)).toBe(true);
    expect(w).toContain(VAULT_FILE);
    expect(w).toContain(KEY_FILE);
    expect(w).toMatch(/same OS user/);
    const we = createFileVault({ dir: tempDir(), env: { PAYDESK_VAULT_KEY: randomBytes(32).toString('hex') } }).backend().warning!;
    expect(we).toContain('PAYDESK_VAULT_KEY');
  });

  it('uses PAYDESK_VAULT_KEY (hex or base64) instead of a key file', () => {
    const key = randomBytes(32);
    for (const encoded of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      const dir = tempDir();
      const v = createFileVault({ dir, env: { PAYDESK_VAULT_KEY: encoded } });
      v.set('k', pem);
      expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
      expect(createFileVault({ dir, env: { PAYDESK_VAULT_KEY: key.toString('hex') } }).get('k')).toBe(pem);
    }
  });

  it('refuses an invalid PAYDESK_VAULT_KEY without echoing it', () => {
    for (const bad of ['too-short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), 'z'.repeat(64)]) {
      const e = vaultError(() => createFileVault({ dir: tempDir(), env: { PAYDESK_VAULT_KEY: bad } }), 'VAULT_KEY_INVALID');
      expect(e.message).not.toContain(bad);
    }
  });

  it('a wrong env key is a clear error, not garbage', () => {
    const dir = tempDir();
    createFileVault({ dir, env: { PAYDESK_VAULT_KEY: randomBytes(32).toString('hex') } }).set('k', pem);
    const other = randomBytes(32).toString('hex');
    const e = vaultError(() => createFileVault({ dir, env: { PAYDESK_VAULT_KEY: other } }), 'VAULT_KEY_WRONG');
    expect(e.message).toContain('PAYDESK_VAULT_KEY');
    expect(e.message).not.toContain(other);
  });

  it('a vault made with the key file does not open with an env key, and vice versa', () => {
    const dir = tempDir();
    createFileVault({ dir, env: {} }).set('k', pem);
    vaultError(() => createFileVault({ dir, env: { PAYDESK_VAULT_KEY: randomBytes(32).toString('base64') } }), 'VAULT_KEY_WRONG');
  });

  it('a missing key file with an existing vault is a clear error (no new key silently generated)', () => {
    const dir = tempDir();
    createFileVault({ dir, env: {} }).set('k', pem);
    fs.rmSync(path.join(dir, KEY_FILE));
    vaultError(() => createFileVault({ dir, env: {} }), 'VAULT_KEY_MISSING');
    expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
  });

  it('a damaged key file is a clear error', () => {
    const dir = tempDir();
    createFileVault({ dir, env: {} }).set('k', pem);
    fs.writeFileSync(path.join(dir, KEY_FILE), 'not a key\n');
    vaultError(() => createFileVault({ dir, env: {} }), 'VAULT_KEY_FILE_INVALID');
  });

  it('a tampered vault file is a clear error', () => {
    const dir = tempDir();
    createFileVault({ dir, env: {} }).set('k', pem);
    const file = path.join(dir, VAULT_FILE);
    const original = fs.readFileSync(file, 'utf8');
    const f = readVaultJson(original);
    // flip one bit of the ciphertext
    const ct = Buffer.from(entryOf(f, 'k').ct, 'base64');
    ct[10] = (ct[10] ?? 0) ^ 1;
    entryOf(f, 'k').ct = ct.toString('base64');
    fs.writeFileSync(file, JSON.stringify(f));
    vaultError(() => createFileVault({ dir, env: {} }), 'VAULT_TAMPERED');
    // entries swapped between names (AAD = name)
    const g = readVaultJson(original);
    g.entries.other = entryOf(g, 'k');
    delete g.entries.k;
    fs.writeFileSync(file, JSON.stringify(g));
    vaultError(() => createFileVault({ dir, env: {} }), 'VAULT_TAMPERED');
    // not JSON at all
    fs.writeFileSync(file, original.slice(0, 50));
    vaultError(() => createFileVault({ dir, env: {} }), 'VAULT_CORRUPT');
  });

  it('rejects odd entry names', () => {
    const v = createFileVault({ dir: tempDir(), env: {} });
    vaultError(() => v.set('../x', 'v'), 'VAULT_NAME_INVALID');
    expect(v.has('__proto__')).toBe(false);
    expect(v.get('__proto__')).toBeNull();
  });
});
