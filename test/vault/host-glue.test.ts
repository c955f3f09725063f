import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyService } from '../../src/main/keys';
import { keysSettingsDto, migratePlaintextKeyFiles, openHostVault, SAFE_STORAGE_VAULT_FILE } from '../../src/main/keys/host-glue';
import { isBilingual, rsaPair } from './helpers';
import { tempDir } from '../support';

describe('host glue', () => {
  it('opens the file vault or the safeStorage vault per host', () => {
    const dir = tempDir();
    expect(openHostVault({ kind: 'file', dataDir: dir, env: {} }).backend().kind).toBe('file');
    const ss = {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s).reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
    };
    const v = openHostVault({ kind: 'safeStorage', safeStorage: ss, dataDir: dir });
    v.set('x', 'y');
    expect(fs.existsSync(path.join(dir, SAFE_STORAGE_VAULT_FILE))).toBe(true);
    expect(v.backend()).toEqual({ kind: 'safeStorage', warning: null });
  });

  it('moves plaintext PEM files into the vault and removes them; refused keys stay and are explained', () => {
    const dir = tempDir();
    const app = rsaPair();
    const alipay = rsaPair();
    const files = { appPrivateKey: path.join(dir, 'keys', 'app-private-key.pem'), alipayPublicKey: path.join(dir, 'keys', 'alipay-public-key.pem') };
    fs.mkdirSync(path.join(dir, 'keys'));
    fs.writeFileSync(files.appPrivateKey, app.pkcs1Pem);
    fs.writeFileSync(files.alipayPublicKey, alipay.spkiPem);
    const keys = createKeyService({ vault: openHostVault({ kind: 'file', dataDir: dir, env: {} }) });
    const r = migratePlaintextKeyFiles({ keys, files });
    expect(r).toEqual({ migrated: ['appPrivateKey', 'alipayPublicKey'], problems: [] });
    expect(fs.existsSync(files.appPrivateKey)).toBe(false);
    expect(fs.existsSync(files.alipayPublicKey)).toBe(false);
    const dto = keysSettingsDto(keys.status(), 'file');
    expect(dto.alipay.appPrivateKey.configured && dto.alipay.alipayPublicKey.configured).toBe(true);
    expect(Object.keys(dto)).toEqual(['alipay', 'wechat', 'vault']);
    expect(Object.keys(dto.alipay)).toEqual(['appPrivateKey', 'alipayPublicKey']);
    expect(Object.keys(dto.vault)).toEqual(['backend', 'warnings']);
    expect(JSON.stringify(dto)).not.toContain('BEGIN');

    // the classic mistake in the old files: the Alipay file holds the app public key
    const dir2 = tempDir();
    const files2 = { appPrivateKey: path.join(dir2, 'a.pem'), alipayPublicKey: path.join(dir2, 'b.pem') };
    fs.writeFileSync(files2.appPrivateKey, app.pkcs8Pem);
    fs.writeFileSync(files2.alipayPublicKey, app.spkiPem);
    const keys2 = createKeyService({ vault: openHostVault({ kind: 'file', dataDir: dir2, env: {} }) });
    const r2 = migratePlaintextKeyFiles({ keys: keys2, files: files2 });
    expect(r2.migrated).toEqual(['appPrivateKey']);
    expect(r2.problems).toHaveLength(1);
    expect(isBilingual(r2.problems[0]!)).toBe(true);
    expect(fs.existsSync(files2.alipayPublicKey)).toBe(true);
  });
});
