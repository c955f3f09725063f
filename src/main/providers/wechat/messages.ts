/**
 * Bilingual (中文 / English) words for WeChat Pay's answers, so a cashier reads a reason and never a code
 * alone. Codes from the official v3 pages (付款码支付, 查询订单, 关闭订单, 撤销订单, 申请退款, 查询单笔退款).
 */
import type { WxTransportFailure } from './client';

const CODE_MESSAGES: Record<string, string> = {
  ORDER_NOT_EXIST: '订单不存在 / Order does not exist',
  RESOURCE_NOT_EXISTS: '订单或退款不存在 / Order or refund does not exist',
  ORDERPAID: '订单已支付 / Order already paid',
  ORDER_CLOSED: '订单已关闭 / Order already closed',
  ORDERCLOSED: '订单已关闭 / Order already closed',
  NOT_ENOUGH: '余额不足 / Insufficient balance',
  NOTENOUGH: '余额不足 / Insufficient balance',
  AUTH_CODE_INVALID: '付款码无效，请顾客刷新付款码 / Payment code invalid: ask the customer to refresh it',
  AUTHCODEEXPIRE: '付款码已过期，请顾客刷新付款码 / Payment code expired: ask the customer to refresh it',
  TRADE_ERROR: '交易失败，请顾客换一种支付方式 / Payment failed: ask the customer to pay another way',
  USERPAYING: '顾客支付中，请等待顾客输入密码 / The customer is confirming on the phone',
  FREQUENCY_LIMITED: '请求过于频繁，请稍后再试 / Too many requests: try again shortly',
  SYSTEM_ERROR: '微信支付系统繁忙，结果待确认 / WeChat Pay busy, outcome being confirmed',
  SYSTEMERROR: '微信支付系统繁忙，结果待确认 / WeChat Pay busy, outcome being confirmed',
  BANK_ERROR: '银行系统异常，结果待确认 / Bank system error, outcome being confirmed',
  NO_AUTH: '商户无此接口权限 / The merchant lacks permission for this API',
  RULE_LIMIT: '交易受限 / Payment restricted by WeChat Pay rules',
  PARAM_ERROR: '参数错误 / Invalid parameter',
  INVALID_REQUEST: '请求不符合业务规则 / Request refused by business rules',
  SIGN_ERROR: '签名错误：请检查商户私钥与证书序列号 / Signature refused: check the merchant private key and certificate serial',
};

/** Bilingual message for an error code; WeChat's own message (Chinese) is appended as detail. */
export function wechatMessage(code: string, message: string | null): string {
  const base = CODE_MESSAGES[code];
  if (base) return message && !base.startsWith(message) ? `${base}（${message}）` : base;
  return `微信支付返回错误 / WeChat Pay error ${code}${message ? `（${message}）` : ''}`;
}

/** Messages for outcomes that are not a trustworthy WeChat Pay answer (all: outcome unknown). */
export const UNKNOWN_MESSAGES: Record<WxTransportFailure | 'server' | 'malformed', string> = {
  timeout: '连接微信支付超时，结果待确认 / WeChat Pay did not answer in time, outcome being confirmed',
  network: '无法连接微信支付，结果待确认 / Could not reach WeChat Pay, outcome being confirmed',
  http: '微信支付网关错误，结果待确认 / WeChat Pay gateway error, outcome being confirmed',
  unsigned: '微信支付应答未签名，结果待确认 / WeChat Pay answer not signed, outcome being confirmed',
  signError:
    '微信支付拒绝了请求签名（请检查商户号、商户私钥和证书序列号），结果待确认 / WeChat Pay refused the request signature (check the merchant id, private key and certificate serial), outcome being confirmed',
  badSignature: '微信支付应答验签失败，结果待确认 / WeChat Pay answer signature invalid, outcome being confirmed',
  unknownSerial:
    '微信支付应答的签名序列号未配置（请检查微信支付公钥ID或平台证书），结果待确认 / WeChat Pay answer signed with an unknown serial (check the public key id or platform certificate), outcome being confirmed',
  skew: '微信支付应答时间戳与本机时间相差超过5分钟（请校准系统时间），结果待确认 / WeChat Pay answer timestamp over 5 minutes off (check the system clock), outcome being confirmed',
  server: '微信支付服务异常，结果待确认 / WeChat Pay server error, outcome being confirmed',
  malformed: '微信支付应答格式错误，结果待确认 / Malformed WeChat Pay answer, outcome being confirmed',
};
