/**
 * Server-side signing for the emulator: canonical strings, RSA/RSA2 sign + verify, key handling and the exact
 * response byte layout real gateways use (docs/emulator.md, "Alipay sources"). (Tests never use this: they use
 * the official SDK.)
 */
import { createPublicKey, createSign, createVerify, generateKeyPair, type KeyObject } from 'node:crypto';

/** `RSA` = SHA1withRSA, `RSA2` = SHA256withRSA (alipay-sdk ALIPAY_ALGORITHM_MAPPING). */
export type SignType = 'RSA' | 'RSA2';

const ALGORITHM: Record<SignType, string> = { RSA: 'RSA-SHA1', RSA2: 'RSA-SHA256' };

/** Narrow a request's `sign_type` value. */
export function isSignType(value: string | undefined): value is SignType {
  return value === 'RSA' || value === 'RSA2';
}

/** A freshly generated 2048-bit RSA pair as PEM: PKCS8 private key, SPKI public key. */
export interface PemKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/**
 * Generate a 2048-bit RSA key pair (PKCS8 `-----BEGIN PRIVATE KEY-----`, SPKI `-----BEGIN PUBLIC KEY-----`),
 * off the main thread so two pairs are generated in parallel.
 */
export function generateRsaKeyPair(): Promise<PemKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ privateKeyPem: privateKey, publicKeyPem: publicKey })),
    );
  });
}

/**
 * Parse a public key given as PEM (SPKI or PKCS#1) or as bare base64 of the SPKI DER (how Alipay's
 * console shows keys). Throws when it is not an RSA public key.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.includes('-----BEGIN')) {
    key = createPublicKey(trimmed);
  } else {
    const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
    if (der.length < 64) throw new Error('public key is too short');
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error('public key must be an RSA key');
  return key;
}

/** SPKI PEM of a public key (normalises bare base64 / PKCS#1 input). */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Sign UTF-8 text, base64 signature. */
export function signText(text: string, privateKey: KeyObject, signType: SignType): string {
  return createSign(ALGORITHM[signType]).update(text, 'utf8').sign(privateKey, 'base64');
}

/** Verify a base64 signature over UTF-8 text; false (never throws) on a malformed signature. */
export function verifyText(text: string, signature: string, publicKey: KeyObject, signType: SignType): boolean {
  try {
    return createVerify(ALGORITHM[signType]).update(text, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * The canonical `k=v&k=v` string: keys in ASCII order, raw (decoded-once) values, `excluded` keys and
 * empty values dropped. Requests keep `sign_type` (Alipay's 自行实现签名); notifications and return params
 * drop it (Alipay's 异步通知说明).
 */
export function canonicalString(params: Readonly<Record<string, string>>, excluded: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !excluded.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** A JSON value as the gateway puts it in a response. */
export type ResponseValue = string | number | boolean | null | ResponseValue[] | { [key: string]: ResponseValue };

/** Alipay escapes `/` as `\/` in response bodies; the signature covers those exact bytes. */
function jsonText(value: ResponseValue): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

function serialize(value: ResponseValue): string {
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${jsonText(k)}:${serialize(value[k] as ResponseValue)}`)
      .join(',')}}`;
  }
  return jsonText(value);
}

const LEADING_KEYS = ['code', 'msg', 'sub_code', 'sub_msg'];

/**
 * The inner object of a response exactly as real bodies lay it out (Alipay's 自行实现验签): `code, msg,
 * [sub_code, sub_msg]` first, then the other keys in ASCII order; `/` escaped as `\/`.
 */
export function serializeResponseContent(content: Readonly<Record<string, ResponseValue | undefined>>): string {
  const keys = Object.keys(content).filter((k) => content[k] !== undefined);
  const ordered = [...LEADING_KEYS.filter((k) => keys.includes(k)), ...keys.filter((k) => !LEADING_KEYS.includes(k)).sort()];
  return `{${ordered.map((k) => `${jsonText(k)}:${serialize(content[k] as ResponseValue)}`).join(',')}}`;
}

/** How to sign a response: the Alipay private key and the request's sign_type. */
export interface ResponseSigner {
  privateKey: KeyObject;
  signType: SignType;
}

/** A built gateway response: the body and the exact signed text. */
export interface BuiltResponse {
  body: string;
  /** The inner object bytes (what `sign` covers). */
  signed: string;
}

/**
 * `{"<responseKey>":{…},"sign":"…"}`: the response key first and `sign` last, because alipay-sdk's
 * getSignStr cuts the signed text between `<responseKey>"` and the LAST `"sign"`.
 * Without a signer (gateway-level errors such as isv.invalid-app-id) the body is unsigned.
 */
export function buildResponseBody(responseKey: string, content: Readonly<Record<string, ResponseValue | undefined>>, signer?: ResponseSigner): BuiltResponse {
  const inner = serializeResponseContent(content);
  if (!signer) return { body: `{${jsonText(responseKey)}:${inner}}`, signed: inner };
  const sign = signText(inner, signer.privateKey, signer.signType);
  return { body: `{${jsonText(responseKey)}:${inner},"sign":${jsonText(sign)}}`, signed: inner };
}

/**
 * Sign a flat parameter set the way Alipay signs notifications and page return parameters: `sign` and
 * `sign_type` excluded, empty values dropped (Alipay's 异步通知说明). Returns the params plus `sign`.
 */
export function signNotifyParams(params: Readonly<Record<string, string>>, privateKey: KeyObject, signType: SignType): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== '') clean[k] = v;
  clean.sign_type = signType;
  clean.sign = signText(canonicalString(clean, ['sign', 'sign_type']), privateKey, signType);
  return clean;
}
