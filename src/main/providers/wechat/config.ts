/**
 * What the WeChat Pay adapter needs: a direct merchant (普通商户) of API v3. Key texts are PEM; the
 * answer and notification signatures are checked with the WeChat Pay public key (微信支付公钥, serial
 * `PUB_KEY_ID_…`) and/or platform certificates (平台证书, serial = 40 hex digits) by Wechatpay-Serial.
 */
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
