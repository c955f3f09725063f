/**
 * WeChat Pay key import checks and 测试连接. The checks are pure (no I/O): each returns the normalised
 * value or throws a WechatKeyError with a bilingual message saying what to do; messages never contain key
 * material. The connection test sends one harmless signed 查询订单 for a random out_trade_no: a signed
 * ORDER_NOT_EXIST proves the merchant key signs and the WeChat Pay public key verifies.
 */
import { createPrivateKey, createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { PaymentError } from '../../kernel';
import { WxClient } from './client';
import type { WechatConfig } from './config';
import { errorSchema } from './mapping';

export type WechatKeyErrorCode =
  | 'EMPTY'
  | 'NOT_A_KEY'
  | 'NOT_RSA'
  | 'KEY_TOO_SMALL'
  | 'CERTIFICATE_NOT_KEY'
  | 'PUBLIC_KEY_AS_PRIVATE'
  | 'PRIVATE_KEY_AS_PUBLIC'
  | 'KEY_CERT_MISMATCH'
  | 'SERIAL_MISMATCH'
  | 'BAD_SERIAL'
  | 'BAD_APIV3_KEY'
  | 'SAME_AS_MERCHANT_KEY'
  | 'BAD_PUBLIC_KEY_ID';

export class WechatKeyError extends PaymentError {
  constructor(
    readonly keyCode: WechatKeyErrorCode,
    message: string,
  ) {
    super(`WECHAT_KEY_${keyCode}`, message);
    this.name = 'WechatKeyError';
  }
}

const fail = (code: WechatKeyErrorCode, message: string): never => {
  throw new WechatKeyError(code, message);
};

function spki(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function rsaChecked(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa')
    fail('NOT_RSA', `${what}不是 RSA 密钥 / The ${what === '商户API私钥' ? 'merchant API private key' : 'WeChat Pay public key'} is not an RSA key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) fail('KEY_TOO_SMALL', `${what}只有 ${bits} 位，至少需要 2048 位 / The key has only ${bits} bits; at least 2048 are required`);
  return key;
}

/** apiclient_key.pem: an RSA private key of 2048 bits or more (PEM, PKCS#8 or PKCS#1). */
export function parseMerchantPrivateKey(text: string): KeyObject {
  const t = text.trim();
  if (!t)
    return fail(
      'EMPTY',
      '商户API私钥为空：请粘贴 apiclient_key.pem 的内容或选择该文件 / The merchant API private key is empty: paste apiclient_key.pem or choose the file',
    );
  if (t.includes('CERTIFICATE-----')) {
    return fail(
      'CERTIFICATE_NOT_KEY',
      '这是证书（apiclient_cert.pem），不是私钥：私钥在 apiclient_key.pem 中 / This is the certificate (apiclient_cert.pem), not the private key: the key is in apiclient_key.pem',
    );
  }
  if (t.includes('PUBLIC KEY-----')) {
    return fail(
      'PUBLIC_KEY_AS_PRIVATE',
      '这是公钥，不是商户API私钥（apiclient_key.pem）/ This is a public key, not the merchant API private key (apiclient_key.pem)',
    );
  }
  try {
    return rsaChecked(createPrivateKey(t), '商户API私钥');
  } catch (err) {
    if (err instanceof WechatKeyError) throw err;
    return fail(
      'NOT_A_KEY',
      '无法识别为私钥：请粘贴 apiclient_key.pem 的完整内容（含 -----BEGIN PRIVATE KEY----- 行）/ Not a recognisable private key: paste the whole apiclient_key.pem (with the -----BEGIN PRIVATE KEY----- line)',
    );
  }
}

/** The merchant certificate serial number (商户API证书序列号): 40 hex digits, returned upper-case. */
export function checkSerialNo(text: string): string {
  const s = text.trim();
  if (!/^[0-9A-Fa-f]{40}$/.test(s)) {
    return fail(
      'BAD_SERIAL',
      `证书序列号应为 40 位十六进制字符（商户平台 → API安全 → 管理证书 中查看），现在是 ${s.length} 个字符 / The certificate serial number must be 40 hex digits (merchant platform → API安全 → 管理证书); this has ${s.length} characters`,
    );
  }
  return s.toUpperCase();
}

/**
 * The merchant private key, checked against the merchant certificate (apiclient_cert.pem) when one is
 * given: same key pair, and the certificate's serial equals the serial entered. Returns the serial.
 */
export function checkMerchantKey(input: { privateKey: string; certificate?: string; serialNo?: string }): { serialNo: string | null } {
  const priv = parseMerchantPrivateKey(input.privateKey);
  const serial = input.serialNo ? checkSerialNo(input.serialNo) : null;
  if (!input.certificate?.trim()) return { serialNo: serial };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(input.certificate.trim());
  } catch {
    return fail(
      'NOT_A_KEY',
      '无法识别商户API证书：请粘贴 apiclient_cert.pem 的完整内容 / Not a recognisable merchant certificate: paste the whole apiclient_cert.pem',
    );
  }
  if (!spki(cert.publicKey).equals(spki(createPublicKey(priv)))) {
    return fail(
      'KEY_CERT_MISMATCH',
      '商户API私钥与商户API证书不是一对：请使用同一次申请证书时生成的 apiclient_key.pem 和 apiclient_cert.pem / The merchant private key does not belong to the merchant certificate: use the apiclient_key.pem and apiclient_cert.pem made together',
    );
  }
  const certSerial = cert.serialNumber.toUpperCase().padStart(40, '0');
  if (serial && serial !== certSerial) {
    return fail(
      'SERIAL_MISMATCH',
      `填写的证书序列号与商户API证书不一致（证书的序列号是 ${certSerial}）/ The serial number entered differs from the certificate's (${certSerial})`,
    );
  }
  return { serialNo: certSerial };
}

/** The APIv3 key (APIv3密钥): exactly 32 bytes. */
export function checkApiV3Key(text: string): string {
  const k = text.trim();
  const bytes = Buffer.byteLength(k, 'utf8');
  if (bytes !== 32) {
    return fail(
      'BAD_APIV3_KEY',
      `APIv3密钥必须正好 32 个字节（商户平台 → API安全 → 设置APIv3密钥），现在是 ${bytes} 个字节 / The APIv3 key must be exactly 32 bytes (merchant platform → API安全 → APIv3 key); this has ${bytes}`,
    );
  }
  return k;
}

/** The WeChat Pay public key (微信支付公钥, pub_key.pem): an RSA public key that is not the merchant's own. */
export function checkWechatpayPublicKey(text: string, merchantPrivateKey?: string): KeyObject {
  const t = text.trim();
  if (!t) return fail('EMPTY', '微信支付公钥为空：请粘贴 pub_key.pem 的内容 / The WeChat Pay public key is empty: paste pub_key.pem');
  if (t.includes('PRIVATE KEY-----')) {
    return fail(
      'PRIVATE_KEY_AS_PUBLIC',
      '这是私钥，不是微信支付公钥：私钥只填在「商户API私钥」一栏 / This is a private key, not the WeChat Pay public key: the private key goes in the merchant private key field only',
    );
  }
  let pub: KeyObject;
  try {
    pub = rsaChecked(createPublicKey(t), '微信支付公钥');
  } catch (err) {
    if (err instanceof WechatKeyError) throw err;
    return fail(
      'NOT_A_KEY',
      '无法识别为公钥：请粘贴从商户平台下载的 pub_key.pem 的完整内容 / Not a recognisable public key: paste the whole pub_key.pem downloaded from the merchant platform',
    );
  }
  if (merchantPrivateKey && spki(pub).equals(spki(createPublicKey(parseMerchantPrivateKey(merchantPrivateKey))))) {
    return fail(
      'SAME_AS_MERCHANT_KEY',
      '这是您自己的商户公钥，不是微信支付公钥：请在商户平台 → API安全 → 微信支付公钥 下载 / This is your own merchant public key, not the WeChat Pay public key: download it under API安全 → 微信支付公钥',
    );
  }
  return pub;
}

/** The WeChat Pay public key id: `PUB_KEY_ID_` followed by its digits. */
export function checkPublicKeyId(text: string): string {
  const s = text.trim();
  if (!/^PUB_KEY_ID_[0-9A-Za-z]{8,64}$/.test(s)) {
    return fail(
      'BAD_PUBLIC_KEY_ID',
      '微信支付公钥ID应以 PUB_KEY_ID_ 开头（商户平台 → API安全 → 微信支付公钥 中查看）/ The WeChat Pay public key id starts with PUB_KEY_ID_ (merchant platform → API安全 → 微信支付公钥)',
    );
  }
  return s;
}

/** The outcome of 测试连接. */
export interface WechatConnectionResult {
  ok: boolean;
  /** OK, or what is wrong: SIGN_ERROR_KEY, SIGN_ERROR_SERIAL, SIGN_ERROR_MCHID, CLOCK, PUBLIC_KEY, PUBLIC_KEY_ID, MCHID, UNREACHABLE, NOT_WECHAT, SERVER. */
  code: string;
  message: string;
}

const result = (ok: boolean, code: string, message: string): WechatConnectionResult => ({ ok, code, message });

/** 测试连接: query a random out_trade_no and explain the answer. */
export async function testWechatConnection(config: WechatConfig): Promise<WechatConnectionResult> {
  const no = `PDTEST${randomBytes(10).toString('hex').toUpperCase()}`;
  const r = await new WxClient(config).get(`v3/pay/transactions/out-trade-no/${no}`, { mchid: config.mchid });
  if (r.kind === 'failed') {
    switch (r.failure) {
      case 'signError': {
        const m = r.message ?? '';
        if (/serial|序列号/i.test(m))
          return result(
            false,
            'SIGN_ERROR_SERIAL',
            `微信支付拒绝了证书序列号：请核对「商户API证书序列号」/ WeChat Pay refused the certificate serial number: check it（${m}）`,
          );
        if (/时间戳|timestamp/i.test(m))
          return result(false, 'CLOCK', `本机时间与微信支付相差超过5分钟：请校准系统时间 / The system clock is over 5 minutes off: set it right（${m}）`);
        if (/mchid|商户号/i.test(m))
          return result(
            false,
            'SIGN_ERROR_MCHID',
            `微信支付不认识这个商户号，或未开通APIv3：请核对商户号 / WeChat Pay does not know this merchant id: check it（${m}）`,
          );
        return result(
          false,
          'SIGN_ERROR_KEY',
          `请求签名验证失败：商户API私钥与商户平台上该序列号的证书不是一对，请核对私钥（apiclient_key.pem）/ The request signature was refused: the merchant private key does not match the certificate of this serial number on the merchant platform（${m}）`,
        );
      }
      case 'badSignature':
        return result(
          false,
          'PUBLIC_KEY',
          '微信支付的应答验签失败：「微信支付公钥」不对（或不属于这个公钥ID）/ The WeChat Pay answer does not verify: the WeChat Pay public key is wrong (or not the one of this key id)',
        );
      case 'unknownSerial':
        return result(
          false,
          'PUBLIC_KEY_ID',
          `微信支付用 ${r.serial ?? '?'} 签名，与配置的微信支付公钥ID或平台证书序列号不同 / WeChat Pay signed with ${r.serial ?? '?'}, which is not the configured public key id or certificate serial`,
        );
      case 'skew':
        return result(
          false,
          'CLOCK',
          '微信支付应答的时间与本机时间相差超过5分钟：请校准系统时间 / The WeChat Pay answer is over 5 minutes off the system clock: set it right',
        );
      case 'timeout':
      case 'network':
        return result(
          false,
          'UNREACHABLE',
          `无法连接微信支付（${config.baseUrl}）：请检查网络 / Could not reach WeChat Pay (${config.baseUrl}): check the network`,
        );
      default:
        return result(
          false,
          'NOT_WECHAT',
          `应答没有微信支付签名（HTTP ${r.status ?? '?'}）：地址不对或被代理拦截 / The answer carries no WeChat Pay signature (HTTP ${r.status ?? '?'}): wrong address or a proxy in the way`,
        );
    }
  }
  const err = errorSchema.safeParse(r.body);
  const code = err.success ? err.data.code : null;
  const detail = err.success ? (err.data.message ?? '') : '';
  if (r.status === 404 && code === 'ORDER_NOT_EXIST')
    return result(
      true,
      'OK',
      '连接正常：签名与验签均通过（查询的测试订单不存在，这是预期的）/ Connection works: signing and verification pass (the test order does not exist, as expected)',
    );
  if (r.status === 200) return result(true, 'OK', '连接正常：签名与验签均通过 / Connection works: signing and verification pass');
  if (r.status >= 500)
    return result(
      false,
      'SERVER',
      `微信支付暂时不可用（${code ?? r.status}），请稍后再试 / WeChat Pay is unavailable right now (${code ?? r.status}): try again later`,
    );
  if (code === 'INVALID_REQUEST' || code === 'PARAM_ERROR' || code === 'NO_AUTH') {
    return result(
      false,
      'MCHID',
      `微信支付拒绝了查询（${code}：${detail}）：请核对商户号与APPID / WeChat Pay refused the query (${code}): check the merchant id and APPID`,
    );
  }
  return result(false, code ?? 'UNEXPECTED', `微信支付返回了意外的应答 HTTP ${r.status} ${code ?? ''} ${detail} / Unexpected WeChat Pay answer`);
}
