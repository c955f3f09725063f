/**
 * WeChat Pay API v3 signatures and encryption, server side (official docs: 签名认证 / 签名生成,
 * 如何使用微信支付公钥验签, 证书和回调报文解密). Tests never use this file: they use wechatpay-node-v3.
 * - request: `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",
 *   timestamp="…",serial_no="…"`, SHA256withRSA over `METHOD\nURL\ntimestamp\nnonce\nbody\n`;
 * - answers and notifications: `Wechatpay-Timestamp / -Nonce / -Signature / -Serial` over `ts\nnonce\nbody\n`;
 * - AEAD_AES_256_GCM with the APIv3 key: ciphertext = base64(encrypted ‖ 16-byte tag).
 * Not modelled: RSA-OAEP encryption of sensitive fields (Wechatpay-Serial request header), SM2/SM3 (国密).
 */
import { createCipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

/** The parsed Authorization header. */
export interface AuthHeader {
  mchid: string;
  nonceStr: string;
  signature: string;
  timestamp: string;
  serialNo: string;
}

/** Parse `WECHATPAY2-SHA256-RSA2048 k="v",…`; a string says what is wrong. */
export function parseAuthorization(header: string | undefined): AuthHeader | string {
  if (!header) return '缺少Authorization头 / missing Authorization header';
  const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header.trim());
  if (!m) return 'Http头Authorization值格式错误：认证类型应为WECHATPAY2-SHA256-RSA2048 / bad Authorization scheme';
  const fields: Record<string, string> = {};
  for (const part of (m[1] as string).split(',')) {
    const kv = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (!kv) return `Http头Authorization值格式错误：${part} / malformed Authorization parameter`;
    fields[kv[1] as string] = kv[2] as string;
  }
  const { mchid, nonce_str: nonceStr, signature, timestamp, serial_no: serialNo } = fields;
  const missing = (['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const).filter((k) => !fields[k]);
  if (missing.length > 0 || !mchid || !nonceStr || !signature || !timestamp || !serialNo) {
    return `Http头Authorization值格式错误：缺少${missing.join(',')} / Authorization lacks ${missing.join(', ')}`;
  }
  return { mchid, nonceStr, signature, timestamp, serialNo };
}

/** The request's signed message. `url` is the path plus query exactly as sent. */
export function requestMessage(method: string, url: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** SHA256withRSA, base64. */
export function sha256WithRsa(text: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
}

/** Verify a SHA256withRSA base64 signature; never throws. */
export function verifySha256WithRsa(text: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** The Wechatpay-* headers of an answer or notification body. */
export interface SignedHeaders {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Signature': string;
  'Wechatpay-Serial': string;
  'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048';
}

/** Who signs: the platform certificate's key or the WeChat Pay public key's, with its serial / id. */
export interface Signer {
  key: KeyObject;
  serial: string;
}

/** Sign `body` at `timestampSec`. */
export function signedHeaders(body: string, signer: Signer, timestampSec: number): SignedHeaders {
  const nonce = randomBytes(16).toString('hex');
  const ts = String(timestampSec);
  return {
    'Wechatpay-Timestamp': ts,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': sha256WithRsa(`${ts}\n${nonce}\n${body}\n`, signer.key),
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

/** An encrypted resource as in notifications and /v3/certificates. */
export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

/** AEAD_AES_256_GCM with the 32-byte APIv3 key and a 12-character nonce. */
export function encryptResource(plaintext: string, apiV3Key: string, associatedData: string): EncryptedResource {
  const nonce = randomBytes(9).toString('base64url').slice(0, 12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const enc = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: enc.toString('base64'), associated_data: associatedData, nonce };
}

/** RFC 3339 in Beijing time, WeChat's format: `2026-12-01T16:18:12+08:00`. */
export function rfc3339(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** Parse RFC 3339 (with a zone); undefined when malformed. */
export function parseRfc3339(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
