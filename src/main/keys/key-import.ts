/**
 * Key import: turn whatever a merchant pastes (or picks as a file) into a validated RSA key — PEM PKCS#1
 * or PKCS#8, or the bare base64 Alipay's key tool writes — and refuse, in words, the classic mistakes:
 * a certificate instead of a key, a private key in the public field (and vice versa), a key < 2048
 * bits, a passphrase-protected key, and the app's own public key pasted as the "Alipay public key".
 *
 * Only fingerprints ever leave this module for display: `SHA256:<hex>` of the DER SPKI public key (for
 * a private key, of its public half), the same form the console's settings already show.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { KeyError, keyMessages, type KeyField } from './key-errors';

export { KeyError, keyMessages, type KeyErrorCode, type KeyField } from './key-errors';

/** The encoding a key arrived in. */
export type KeyFormat = 'PKCS1' | 'PKCS8' | 'SPKI';

interface ParsedKeyBase {
  format: KeyFormat;
  /** 'pem' = had -----BEGIN…----- lines; 'base64' = bare base64 DER (Alipay's key tool). */
  source: 'pem' | 'base64';
  /** RSA modulus length. */
  bits: number;
  /** `SHA256:<hex>` of the DER SPKI public key. */
  fingerprint: string;
  /** The public key (for a private key: derived from it). */
  publicKey: KeyObject;
  /** Normalised SPKI PEM of the public key — safe to show (the merchant pastes it on the open platform). */
  publicPem: string;
}

/** A parsed app private key. `pem` is the normalised PKCS#8 PEM stored in the vault. */
export interface ParsedPrivateKey extends ParsedKeyBase {
  kind: 'private';
  keyObject: KeyObject;
  format: 'PKCS1' | 'PKCS8';
  pem: string;
}

/** A parsed public key. `pem` is the normalised SPKI PEM (= publicPem). */
export interface ParsedPublicKey extends ParsedKeyBase {
  kind: 'public';
  keyObject: KeyObject;
  format: 'PKCS1' | 'SPKI';
  pem: string;
}

const MIN_BITS = 2048;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `SHA256:<hex>` of a public key's DER SPKI encoding. */
export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('hex')}`;
}

/**
 * Tolerate what copy-paste does to keys: a BOM, CRLF, surrounding quotes, JSON-escaped `\n`, indentation.
 */
function clean(text: string): string {
  let t = text
    .replace(/^\uFEFF/, '')
    .replace(/\\r\\n|\\n/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) t = t.slice(1, -1).trim();
  return t;
}

interface Unwrapped {
  source: 'pem' | 'base64';
  /** PEM label, or null for bare base64. */
  label: string | null;
  der: Buffer;
  /** PEM headers such as Proc-Type (legacy encrypted PKCS#1). */
  encryptedHeader: boolean;
}

/** Strip the PEM armour (re-wrapping is unnecessary: we decode the DER ourselves) or decode bare base64. */
function unwrap(text: string, field: KeyField): Unwrapped {
  const t = clean(text);
  if (t === '') throw new KeyError('EMPTY', keyMessages.empty(field));
  if (t.includes('-----BEGIN')) {
    const m = PEM_BLOCK.exec(t);
    if (!m) throw new KeyError('NOT_A_KEY', keyMessages.notAKey(field));
    const label = m[1] ?? '';
    const lines = (m[2] ?? '').split('\n').map((l) => l.trim());
    const encryptedHeader = lines.some((l) => /^Proc-Type:.*ENCRYPTED/i.test(l));
    const body = lines
      .filter((l) => !l.includes(':'))
      .join('')
      .replace(/\s+/g, '');
    if (!BASE64.test(body)) throw new KeyError('NOT_A_KEY', keyMessages.notAKey(field));
    return { source: 'pem', label, der: Buffer.from(body, 'base64'), encryptedHeader };
  }
  const body = t.replace(/\s+/g, '');
  // A key is hundreds of bytes; a short base64-looking word (an app id, a fingerprint) is not one.
  if (body.length < 64 || !BASE64.test(body)) throw new KeyError('NOT_A_KEY', keyMessages.notAKey(field));
  return { source: 'base64', label: null, der: Buffer.from(body, 'base64'), encryptedHeader: false };
}

function attempt<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

function isEncryptedPkcs8(der: Buffer): boolean {
  try {
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE';
  }
}

function isCertificate(der: Buffer): boolean {
  return attempt(() => new X509Certificate(der)) !== null;
}

function privateFromDer(der: Buffer): { key: KeyObject; format: 'PKCS1' | 'PKCS8' } | null {
  const p8 = attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  if (p8) return { key: p8, format: 'PKCS8' };
  const p1 = attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
  return p1 ? { key: p1, format: 'PKCS1' } : null;
}

function publicFromDer(der: Buffer): { key: KeyObject; format: 'PKCS1' | 'SPKI' } | null {
  const spki = attempt(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
  if (spki) return { key: spki, format: 'SPKI' };
  // Careful: node derives a public key from a PKCS#1 *private* key given as type 'pkcs1', so the
  // caller must have ruled out private keys before reaching this.
  const p1 = attempt(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
  return p1 ? { key: p1, format: 'PKCS1' } : null;
}

/** RSA only, ≥ 2048 bits. */
function checkRsa(key: KeyObject): number {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type !== 'rsa') throw new KeyError('NOT_RSA', keyMessages.notRsa(type));
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_BITS) throw new KeyError('KEY_TOO_SMALL', keyMessages.tooSmall(bits));
  return bits;
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE', 'CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

/**
 * Parse an app private key: PEM `BEGIN RSA PRIVATE KEY` (PKCS#1) or `BEGIN PRIVATE KEY` (PKCS#8), or bare
 * base64 DER of either (tried as PKCS#8, then PKCS#1). Throws {@link KeyError}.
 */
export function parsePrivateKey(text: string): ParsedPrivateKey {
  const field: KeyField = 'appPrivateKey';
  const u = unwrap(text, field);
  let parsed: { key: KeyObject; format: 'PKCS1' | 'PKCS8' } | null;
  if (u.label !== null) {
    if (CERT_LABELS.has(u.label)) throw new KeyError('CERTIFICATE_NOT_KEY', keyMessages.certificate());
    if (u.label === 'ENCRYPTED PRIVATE KEY' || u.encryptedHeader) throw new KeyError('ENCRYPTED_KEY', keyMessages.encrypted());
    if (u.label === 'PUBLIC KEY' || u.label === 'RSA PUBLIC KEY') throw new KeyError('PUBLIC_KEY_AS_PRIVATE', keyMessages.publicAsPrivate());
    if (/^(EC|DSA) PRIVATE KEY$/.test(u.label)) throw new KeyError('NOT_RSA', keyMessages.notRsa(u.label.split(' ')[0] ?? 'other'));
    // The bytes decide the format, not the label: keys wrapped by hand often carry PKCS#8 DER under an
    // RSA PRIVATE KEY label (and OpenSSL's pkcs1 decoder accepts PKCS#8 too), so try PKCS#8 first.
    parsed = privateFromDer(u.der);
    if (!parsed) throw new KeyError('NOT_A_KEY', keyMessages.notAKey(field));
  } else {
    parsed = privateFromDer(u.der);
    if (!parsed) {
      if (isEncryptedPkcs8(u.der)) throw new KeyError('ENCRYPTED_KEY', keyMessages.encrypted());
      if (isCertificate(u.der)) throw new KeyError('CERTIFICATE_NOT_KEY', keyMessages.certificate());
      if (publicFromDer(u.der)) throw new KeyError('PUBLIC_KEY_AS_PRIVATE', keyMessages.publicAsPrivate());
      throw new KeyError('NOT_A_KEY', keyMessages.notAKey(field));
    }
  }
  const bits = checkRsa(parsed.key);
  const publicKey = createPublicKey(parsed.key);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    kind: 'private',
    keyObject: parsed.key,
    format: parsed.format,
    source: u.source,
    bits,
    pem: parsed.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: fingerprintOf(publicKey),
    publicKey,
    publicPem,
  };
}

/**
 * Parse a public key (the Alipay public key): PEM `BEGIN PUBLIC KEY` (SPKI) or `BEGIN RSA PUBLIC KEY`
 * (PKCS#1), or bare base64 DER of either. A private key or a certificate here is refused with an
 * explanation. Throws {@link KeyError}.
 */
export function parsePublicKey(text: string): ParsedPublicKey {
  const field: KeyField = 'alipayPublicKey';
  const u = unwrap(text, field);
  let parsed: { key: KeyObject; format: 'PKCS1' | 'SPKI' } | null;
  if (u.label !== null) {
    if (CERT_LABELS.has(u.label)) throw new KeyError('CERTIFICATE_NOT_KEY', keyMessages.certificate());
    if (u.label.endsWith('PRIVATE KEY')) throw new KeyError('PRIVATE_KEY_AS_PUBLIC', keyMessages.privateAsPublic());
    // Rule out a private key mislabelled as public (node would silently derive its public half), then
    // let the bytes decide: SPKI first, PKCS#1 second, whatever the label says.
    if (privateFromDer(u.der)) throw new KeyError('PRIVATE_KEY_AS_PUBLIC', keyMessages.privateAsPublic());
    parsed = publicFromDer(u.der);
    if (!parsed) throw new KeyError('NOT_A_KEY', keyMessages.notAKey(field));
  } else {
    if (privateFromDer(u.der) || isEncryptedPkcs8(u.der)) throw new KeyError('PRIVATE_KEY_AS_PUBLIC', keyMessages.privateAsPublic());
    parsed = publicFromDer(u.der);
    if (!parsed) {
      if (isCertificate(u.der)) throw new KeyError('CERTIFICATE_NOT_KEY', keyMessages.certificate());
      throw new KeyError('NOT_A_KEY', keyMessages.notAKey(field));
    }
  }
  const bits = checkRsa(parsed.key);
  const pem = parsed.key.export({ type: 'spki', format: 'pem' }).toString();
  return {
    kind: 'public',
    keyObject: parsed.key,
    format: parsed.format,
    source: u.source,
    bits,
    pem,
    fingerprint: fingerprintOf(parsed.key),
    publicKey: parsed.key,
    publicPem: pem,
  };
}

/**
 * Refuse the classic mistake: an "Alipay public key" that is really the app's own public key (the one
 * derived from the app private key). Accepts parsed keys or raw text. Throws KeyError
 * SAME_AS_APP_PUBLIC_KEY.
 */
export function checkKeyPair(appPrivate: ParsedPrivateKey | string, alipayPublic: ParsedPublicKey | string): void {
  const priv = typeof appPrivate === 'string' ? parsePrivateKey(appPrivate) : appPrivate;
  const pub = typeof alipayPublic === 'string' ? parsePublicKey(alipayPublic) : alipayPublic;
  if (priv.fingerprint === pub.fingerprint) throw new KeyError('SAME_AS_APP_PUBLIC_KEY', keyMessages.sameAsApp());
}
