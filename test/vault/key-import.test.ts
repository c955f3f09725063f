import { generateKeyPairSync } from 'node:crypto';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { KeyError, checkKeyPair, parsePrivateKey, parsePublicKey } from '../../src/main/keys/key-import';
import { isBilingual, rsaPair } from './helpers';

const pair = rsaPair();
const other = rsaPair();

/** Run fn, expect a KeyError with `code` and a bilingual message; return the message. */
function refusal(fn: () => unknown, code: string): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KeyError);
    const e = err as KeyError;
    expect(e.code).toBe(code);
    expect(isBilingual(e.message), e.message).toBe(true);
    return e.message;
  }
  throw new Error(`expected KeyError ${code}`);
}

function wrap64(b64: string): string {
  return b64.match(/.{1,64}/g)!.join('\n');
}

describe('parsePrivateKey', () => {
  const expected = parsePrivateKey(pair.pkcs8Pem).fingerprint;

  it('fingerprints as SHA256:<hex> of the DER SPKI public key', () => {
    expect(expected).toMatch(/^SHA256:[0-9a-f]{64}$/);
    expect(parsePublicKey(pair.spkiPem).fingerprint).toBe(expected);
  });

  it.each([
    ['PEM PKCS#8', () => pair.pkcs8Pem, 'PKCS8', 'pem'],
    ['PEM PKCS#1', () => pair.pkcs1Pem, 'PKCS1', 'pem'],
    ['bare base64 PKCS#8 (Alipay key tool)', () => pair.pkcs8Base64, 'PKCS8', 'base64'],
    ['bare base64 PKCS#1', () => pair.pkcs1Base64, 'PKCS1', 'base64'],
    ['base64 wrapped at 64 with CRLF', () => wrap64(pair.pkcs8Base64).replace(/\n/g, '\r\n'), 'PKCS8', 'base64'],
    ['PEM with CRLF and indentation', () => pair.pkcs1Pem.replace(/\n/g, '\r\n  '), 'PKCS1', 'pem'],
    ['PEM body on one line', () => pair.pkcs8Pem.replace(/\n(?!-----END)/g, '').replace('-----END', '\n-----END'), 'PKCS8', 'pem'],
    ['PEM with JSON-escaped \\n, quoted', () => JSON.stringify(pair.pkcs8Pem), 'PKCS8', 'pem'],
    ['PEM with surrounding text and a BOM', () => `\uFEFFhere is my key:\n${pair.pkcs1Pem}\nthanks`, 'PKCS1', 'pem'],
  ])('accepts %s with the same fingerprint', (_name, text, format, source) => {
    const k = parsePrivateKey(text());
    expect(k.kind).toBe('private');
    expect(k.format).toBe(format);
    expect(k.source).toBe(source);
    expect(k.bits).toBe(2048);
    expect(k.fingerprint).toBe(expected);
    expect(k.pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(k.publicPem).toBe(pair.spkiPem);
    // the normalised PEM round-trips to the same key
    expect(parsePrivateKey(k.pem).fingerprint).toBe(expected);
  });

  it('accepts PKCS#8 base64 wrapped by hand in an RSA PRIVATE KEY (PKCS#1) label — the PKCS1/PKCS8 mix-up', () => {
    const misWrapped = `-----BEGIN RSA PRIVATE KEY-----\n${wrap64(pair.pkcs8Base64)}\n-----END RSA PRIVATE KEY-----\n`;
    const k = parsePrivateKey(misWrapped);
    expect(k.format).toBe('PKCS8');
    expect(k.fingerprint).toBe(expected);
    const pub = parsePublicKey(`-----BEGIN RSA PUBLIC KEY-----\n${wrap64(pair.spkiBase64)}\n-----END RSA PUBLIC KEY-----`);
    expect(pub.format).toBe('SPKI');
    expect(pub.fingerprint).toBe(expected);
  });

  it('accepts 4096-bit keys', () => {
    const big = rsaPair(4096);
    expect(parsePrivateKey(big.pkcs8Base64).bits).toBe(4096);
  });

  it('refuses empty text and garbage', () => {
    refusal(() => parsePrivateKey('  \n '), 'EMPTY');
    refusal(() => parsePrivateKey('hello world, this is not a key at all'), 'NOT_A_KEY');
    refusal(() => parsePrivateKey('A'.repeat(400)), 'NOT_A_KEY');
    refusal(() => parsePrivateKey(pair.pkcs8Pem.slice(0, 300)), 'NOT_A_KEY'); // truncated copy
    refusal(() => parsePrivateKey(pair.pkcs8Base64.slice(0, -40)), 'NOT_A_KEY');
  });

  it('refuses a 1024-bit key', () => {
    const small = rsaPair(1024);
    const msg = refusal(() => parsePrivateKey(small.pkcs8Pem), 'KEY_TOO_SMALL');
    expect(msg).toContain('1024');
    refusal(() => parsePrivateKey(small.pkcs1Base64), 'KEY_TOO_SMALL');
    refusal(() => parsePublicKey(small.spkiPem), 'KEY_TOO_SMALL');
  });

  it('refuses passphrase-protected keys (PEM PKCS#8, legacy PKCS#1, DER)', () => {
    const enc8 = pair.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const enc1 = pair.privateKey.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const encDer = (pair.privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }) as Buffer).toString('base64');
    refusal(() => parsePrivateKey(enc8), 'ENCRYPTED_KEY');
    refusal(() => parsePrivateKey(enc1), 'ENCRYPTED_KEY');
    refusal(() => parsePrivateKey(encDer), 'ENCRYPTED_KEY');
  });

  it('refuses non-RSA keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    refusal(() => parsePrivateKey(ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), 'NOT_RSA');
    refusal(() => parsePrivateKey(ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString()), 'NOT_RSA');
    refusal(() => parsePublicKey(ec.publicKey.export({ format: 'pem', type: 'spki' }).toString()), 'NOT_RSA');
  });

  it('refuses a public key pasted as the private key', () => {
    for (const text of [pair.spkiPem, pair.pkcs1PublicPem, pair.spkiBase64, pair.pkcs1PublicBase64]) {
      const msg = refusal(() => parsePrivateKey(text), 'PUBLIC_KEY_AS_PRIVATE');
      expect(msg).toContain('应用私钥');
      expect(msg).toContain('private key');
    }
  });

  it('refuses a certificate, explaining public-key mode vs certificate mode', () => {
    const certPem = tls.rootCertificates.find((c) => c.includes('BEGIN CERTIFICATE'))!;
    const msg = refusal(() => parsePrivateKey(certPem), 'CERTIFICATE_NOT_KEY');
    expect(msg).toContain('公钥模式');
    expect(msg).toContain('证书模式');
    expect(msg).toMatch(/public-key mode/);
    expect(msg).toMatch(/[Cc]ertificate mode/);
  });
});

describe('parsePublicKey', () => {
  const expected = parsePublicKey(pair.spkiPem).fingerprint;

  it.each([
    ['PEM SPKI', () => pair.spkiPem, 'SPKI', 'pem'],
    ['PEM PKCS#1 (BEGIN RSA PUBLIC KEY)', () => pair.pkcs1PublicPem, 'PKCS1', 'pem'],
    ['bare base64 SPKI (open platform page)', () => pair.spkiBase64, 'SPKI', 'base64'],
    ['bare base64 PKCS#1', () => pair.pkcs1PublicBase64, 'PKCS1', 'base64'],
    ['base64 with line breaks and spaces', () => ` ${wrap64(pair.spkiBase64).replace(/\n/g, '\r\n ')} `, 'SPKI', 'base64'],
    ['PEM with CRLF', () => pair.spkiPem.replace(/\n/g, '\r\n'), 'SPKI', 'pem'],
  ])('accepts %s with the same fingerprint', (_name, text, format, source) => {
    const k = parsePublicKey(text());
    expect(k.kind).toBe('public');
    expect(k.format).toBe(format);
    expect(k.source).toBe(source);
    expect(k.fingerprint).toBe(expected);
    expect(k.pem).toBe(pair.spkiPem);
  });

  it('refuses a private key pasted as the Alipay public key (every encoding)', () => {
    for (const text of [pair.pkcs8Pem, pair.pkcs1Pem, pair.pkcs8Base64, pair.pkcs1Base64]) {
      const msg = refusal(() => parsePublicKey(text), 'PRIVATE_KEY_AS_PUBLIC');
      expect(msg).toContain('支付宝公钥');
      expect(msg).toContain('Alipay public key');
    }
  });

  it('refuses a private key mislabelled as BEGIN RSA PUBLIC KEY', () => {
    const body = pair.pkcs1Pem.replace(/-----(BEGIN|END) RSA PRIVATE KEY-----/g, '-----$1 RSA PUBLIC KEY-----');
    refusal(() => parsePublicKey(body), 'PRIVATE_KEY_AS_PUBLIC');
  });

  it('refuses a certificate (PEM and bare base64 DER)', () => {
    const certPem = tls.rootCertificates.find((c) => c.includes('BEGIN CERTIFICATE'))!;
    refusal(() => parsePublicKey(certPem), 'CERTIFICATE_NOT_KEY');
    const b64 = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    refusal(() => parsePublicKey(b64), 'CERTIFICATE_NOT_KEY');
  });

  it('error messages never contain the key text', () => {
    for (const [fn, text] of [
      [parsePublicKey, pair.pkcs8Base64],
      [parsePrivateKey, pair.spkiBase64],
      [parsePrivateKey, pair.pkcs8Base64.slice(0, -40)],
    ] as const) {
      try {
        fn(text);
      } catch (err) {
        expect((err as Error).message).not.toContain(text.slice(40, 80));
      }
    }
  });
});

describe('checkKeyPair (the classic mistake)', () => {
  it('refuses an Alipay public key equal to the app public key, in words', () => {
    const msg = refusal(() => checkKeyPair(pair.pkcs8Pem, pair.spkiBase64), 'SAME_AS_APP_PUBLIC_KEY');
    expect(msg).toContain('应用公钥');
    expect(msg).toContain('支付宝公钥');
    expect(msg).toMatch(/app public key/);
    expect(msg).toMatch(/Alipay public key/);
    refusal(() => checkKeyPair(parsePrivateKey(pair.pkcs1Base64), parsePublicKey(pair.pkcs1PublicPem)), 'SAME_AS_APP_PUBLIC_KEY');
  });

  it('accepts a different Alipay public key', () => {
    expect(() => checkKeyPair(pair.pkcs8Pem, other.spkiPem)).not.toThrow();
  });
});
