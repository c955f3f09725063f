/**
 * What the WeChat Pay adapter needs: a direct merchant (普通商户) of API v3. Key texts are PEM; the
 * answer and notification signatures are checked with the WeChat Pay public key (微信支付公钥, serial
 * `PUB_KEY_ID_…`) and/or platform certificates (平台证书, serial = 40 hex digits) by Wechatpay-Serial.
 */
import { z } from 'zod';
import type { Environment } from '../../domain';

/** The production API origin (official docs: API 域名). */
export const WECHAT_API_BASE = 'https://api.mch.weixin.qq.com';

/**
 * notify_url is required by Native下单. A trade created without a notify URL (poll only) names this
 * address, which never resolves (`.invalid` is reserved), so WeChat's deliveries simply fail.
 */
export const POLL_ONLY_NOTIFY_URL = 'https://paydesk.invalid/notify/wechat';

export interface WechatConfig {
  environment: Environment;
  /** `https://api.mch.weixin.qq.com`, or the embedded emulator's base URL in demo mode. */
  baseUrl: string;
  mchid: string;
  appid: string;
  /** The merchant API certificate's serial number (商户API证书序列号, 40 hex digits). */
  merchantSerialNo: string;
  /** apiclient_key.pem. */
  merchantPrivateKey: string;
  /** The APIv3 key (32 bytes): decrypts notifications. */
  apiV3Key: string;
  wechatpayPublicKeyId?: string;
  wechatpayPublicKey?: string;
  /** Platform certificates (PEM) by serial number, for merchants still in certificate mode. */
  platformCertificates?: Record<string, string>;
  /** Per request, ms (default 10 s). */
  timeoutMs?: number;
  /** scene_info.device_ip of 付款码 payments: the counter's IP (default 127.0.0.1). */
  deviceIp?: string;
}

/**
 * The settings the provider registry builds a WeChat Pay adapter from: the merchant, its keys (public-key
 * mode: the WeChat Pay public key and its id), where the API is and how long a request may take. The
 * shapes are checked here; keys.ts checks the key material itself when it is imported.
 */
export const wechatSettingsSchema = z.object({
  environment: z.enum(['demo', 'sandbox', 'production']),
  baseUrl: z.string().url(),
  /** 商户号: digits. */
  mchid: z.string().regex(/^\d{1,32}$/),
  appid: z.string().min(1).max(32),
  /** 商户API证书序列号: 40 hex digits. */
  merchantSerialNo: z.string().regex(/^[0-9A-Fa-f]{40}$/),
  merchantPrivateKey: z.string().includes('PRIVATE KEY-----'),
  /** APIv3密钥: exactly 32 bytes. */
  apiV3Key: z.string().refine((k) => Buffer.byteLength(k, 'utf8') === 32),
  wechatpayPublicKeyId: z.string().regex(/^PUB_KEY_ID_[0-9A-Za-z]{8,64}$/),
  wechatpayPublicKey: z.string().includes('PUBLIC KEY-----'),
  timeoutMs: z.number().int().positive().max(120_000).optional(),
  deviceIp: z.union([z.ipv4(), z.ipv6()]).optional(),
});

export type WechatSettings = z.infer<typeof wechatSettingsSchema>;
