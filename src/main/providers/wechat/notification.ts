/**
 * WeChat Pay notifications (official docs: 支付成功回调通知, 退款结果通知, 如何使用微信支付公钥验签,
 * 证书和回调报文解密, 应对签名探测流量): verify Wechatpay-Signature over `timestamp\nnonce\nbody\n` (the exact
 * bytes received) with the key of Wechatpay-Serial, refuse a timestamp more than 5 minutes off, decrypt
 * `resource` (AEAD_AES_256_GCM, APIv3 key; the GCM tag is checked), check mchid (and appid for
 * transactions) against our configuration, and parse into the port's VerifiedNotification. The RSA
 * check and the AES-GCM decrypt are wechatpay-axios-plugin's (Rsa.verify, Aes.AesGcm.decrypt).
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { Aes, Rsa } from 'wechatpay-axios-plugin';
import type { Clock } from '../../kernel';
import type { NotificationAck, NotificationCheck, NotificationRequest, NotificationVerdict } from '../../domain';
import type { WechatConfig } from './config';
import { parseTime, refundResourceSchema, tradeFacts, transactionSchema } from './mapping';

/** Largest accepted distance between Wechatpay-Timestamp and our clock. */
export const NOTIFY_MAX_SKEW_MS = 5 * 60_000;

const noticeSchema = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  resource_type: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1),
    associated_data: z.string().optional(),
    nonce: z.string().min(1),
    original_type: z.string().optional(),
  }),
});

function header(headers: NotificationRequest['headers'], name: string): string | null {
  const v = headers[name] ?? headers[name.toLowerCase()] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  if (Array.isArray(v)) return v.length === 1 ? (v[0] ?? null) : null;
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function reject(reason: string, detail?: Record<string, string>): NotificationCheck {
  return detail ? { ok: false, reason, detail } : { ok: false, reason };
}

/** A verifier bound to one configuration: keys parsed once. */
export function createNotificationVerifier(config: WechatConfig, clock: Clock, keys: Record<string, string>): (req: NotificationRequest) => NotificationCheck {
  const parsed = new Map<string, KeyObject>(Object.entries(keys).map(([serial, pem]) => [serial, Rsa.from(pem, Rsa.KEY_TYPE_PUBLIC)]));
  const apiV3Key = Buffer.from(config.apiV3Key, 'utf8');
  return (req) => {
    const timestamp = header(req.headers, 'Wechatpay-Timestamp');
    const nonce = header(req.headers, 'Wechatpay-Nonce');
    const signature = header(req.headers, 'Wechatpay-Signature');
    const serial = header(req.headers, 'Wechatpay-Serial');
    if (!timestamp || !nonce || !signature || !serial) return reject('missing Wechatpay-Timestamp/Nonce/Signature/Serial headers');
    // 应对签名探测流量: WeChat sends deliberately bad signatures and expects them refused.
    if (signature.startsWith('WECHATPAY/SIGNTEST/')) return reject('signature probe (WECHATPAY/SIGNTEST)');
    const key = parsed.get(serial);
    if (!key) return reject(`unknown Wechatpay-Serial ${serial}`, { serial });
    if (!/^\d{1,12}$/.test(timestamp)) return reject('malformed Wechatpay-Timestamp');
    const skew = Math.abs(clock.now() - Number(timestamp) * 1000);
    if (skew > NOTIFY_MAX_SKEW_MS) return reject(`stale Wechatpay-Timestamp (${Math.round(skew / 1000)} s off)`);
    // The signed text is `timestamp\nnonce\nbody\n`; WeChat's bodies are UTF-8 JSON.
    const message = `${timestamp}\n${nonce}\n${req.rawBody.toString('utf8')}\n`;
    let verified: boolean;
    try {
      verified = Rsa.verify(message, signature, key);
    } catch {
      verified = false;
    }
    if (!verified) return reject('bad signature');
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return reject('body is not JSON');
    }
    const notice = noticeSchema.safeParse(body);
    if (!notice.success) return reject('not a WeChat Pay notification (schema)');
    const { id, event_type: eventType, resource } = notice.data;
    let plain: unknown;
    try {
      plain = JSON.parse(Aes.AesGcm.decrypt(resource.ciphertext, apiV3Key, resource.nonce, resource.associated_data ?? ''));
    } catch {
      return reject('resource does not decrypt with the APIv3 key');
    }
    if (eventType === 'TRANSACTION.SUCCESS') {
      const t = transactionSchema.safeParse(plain);
      if (!t.success) return reject('transaction resource failed the schema check');
      if (t.data.mchid !== config.mchid) return reject('mchid does not match', { mchid: t.data.mchid });
      if (t.data.appid !== config.appid) return reject('appid does not match', { appid: t.data.appid });
      return {
        ok: true,
        notification: { notifyId: id, outTradeNo: t.data.out_trade_no, totalFen: t.data.amount.total, facts: tradeFacts(t.data), refund: null },
      };
    }
    if (eventType.startsWith('REFUND.')) {
      const r = refundResourceSchema.safeParse(plain);
      if (!r.success) return reject('refund resource failed the schema check');
      if (r.data.mchid !== config.mchid) return reject('mchid does not match', { mchid: r.data.mchid });
      return {
        ok: true,
        notification: {
          notifyId: id,
          outTradeNo: r.data.out_trade_no,
          totalFen: r.data.amount.total,
          facts: null,
          refund: {
            outRequestNo: r.data.out_refund_no,
            state: r.data.refund_status === 'SUCCESS' ? 'SUCCESS' : 'FAILED',
            amountFen: r.data.amount.refund,
            cumulativeFen: null,
            at: parseTime(r.data.success_time),
          },
        },
      };
    }
    return reject(`unsupported event_type ${eventType}`);
  };
}

/**
 * 回调通知 应答: received → HTTP 200 or 204 with no body; otherwise a 4XX or 5XX with
 * `{"code":"FAIL","message":"…"}` (WeChat then retries on its schedule).
 */
export function wechatAck(verdict: NotificationVerdict): NotificationAck {
  if (verdict === 'accepted') return { status: 204, headers: {}, body: '' };
  const json = { 'content-type': 'application/json; charset=utf-8' };
  if (verdict === 'rejected') return { status: 400, headers: json, body: JSON.stringify({ code: 'FAIL', message: '验签或校验失败 / notification rejected' }) };
  return { status: 500, headers: json, body: JSON.stringify({ code: 'FAIL', message: '暂时无法处理，请重试 / try again later' }) };
}
