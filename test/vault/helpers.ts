/** Helpers for the vault/keys suite. Keys are generated at test time, never committed. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  pkcs8Pem: string;
  pkcs1Pem: string;
  spkiPem: string;
  pkcs1PublicPem: string;
  pkcs8Base64: string;
  pkcs1Base64: string;
  spkiBase64: string;
  pkcs1PublicBase64: string;
}

/** An RSA key pair in every encoding the importer accepts. */
export function rsaPair(bits = 2048): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const der = (k: KeyObject, type: 'pkcs8' | 'pkcs1' | 'spki') => (k.export({ format: 'der', type } as never) as Buffer).toString('base64');
  return {
    privateKey,
    publicKey,
    pkcs8Pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    pkcs1Pem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    spkiPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    pkcs1PublicPem: publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    pkcs8Base64: der(privateKey, 'pkcs8'),
    pkcs1Base64: der(privateKey, 'pkcs1'),
    spkiBase64: der(publicKey, 'spki'),
    pkcs1PublicBase64: der(publicKey, 'pkcs1'),
  };
}

/** A message is bilingual: some CJK characters and some English words. */
export function isBilingual(message: string): boolean {
  return /[\u4e00-\u9fff]/.test(message) && /[A-Za-z]{3,}(\s+[A-Za-z]{2,}){2,}/.test(message);
}

/** File mode bits (e.g. 0o600). */
export function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}
