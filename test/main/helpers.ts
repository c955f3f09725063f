import { createSign, generateKeyPairSync } from 'node:crypto';

/** A 2048-bit RSA key pair as PEM (PKCS#8 private, SPKI public). */
export function rsaKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/**
 * Sign notification fields the way Alipay's 异步通知说明 describes: drop sign and sign_type, sort, join raw
 * `k=v` with '&', RSA2. Used by tests to play Alipay — or the attacker, with the wrong key.
 */
export function signNotify(fields: Record<string, string>, privateKeyPem: string): Record<string, string> {
  const content = Object.keys(fields)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  const sign = createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyPem, 'base64');
  return { ...fields, sign_type: 'RSA2', sign };
}

/** x-www-form-urlencoded body. */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** POST a form to a URL; returns status and body text. */
export async function postForm(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: res.status, text: await res.text() };
}
