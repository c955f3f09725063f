/**
 * Bilingual (中文 / English) words for Alipay's answers, so the cashier reads a reason and never a code
 * alone. Codes from Alipay's public error-code lists (公共错误码 and each trade API's 业务错误码).
 */
const SUB_CODE_MESSAGES: Record<string, string> = {
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': '余额不足 / Insufficient balance',
  'ACQ.PAYMENT_AUTH_CODE_INVALID': '付款码无效或已过期 / Payment code invalid or expired',
  'ACQ.TRADE_HAS_SUCCESS': '交易已支付 / Trade already paid',
  'ACQ.TRADE_HAS_CLOSE': '交易已关闭 / Trade already closed',
  'ACQ.TRADE_NOT_EXIST': '交易不存在 / Trade does not exist',
  'ACQ.TRADE_STATUS_ERROR': '交易状态不允许此操作 / Trade status does not allow this operation',
  'ACQ.TRADE_HAS_FINISHED': '交易已完结，不能退款 / Trade finished, no longer refundable',
  'ACQ.REASON_TRADE_REFUND_FEE_ERR': '退款金额超过可退金额 / Refund amount exceeds the refundable amount',
  'ACQ.DISCORDANT_REPEAT_REQUEST': '重复请求参数不一致 / Repeated request with different parameters',
  'ACQ.SYSTEM_ERROR': '支付宝系统繁忙，结果待确认 / Alipay system busy, outcome being confirmed',
  'ACQ.INVALID_PARAMETER': '参数无效 / Invalid parameter',
  'ACQ.ACCESS_FORBIDDEN': '无权限使用接口 / Access forbidden',
  'ACQ.EXIST_FORBIDDEN_WORD': '订单信息中包含违禁词 / Order contains forbidden words',
  'ACQ.TOTAL_FEE_EXCEED': '订单金额超过限额 / Amount exceeds the limit',
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR': '买家付款日限额超限 / Buyer daily payment limit exceeded',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH': '银行卡余额不足 / Bank card balance insufficient',
  'ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT': '买家未完成实名认证 / Buyer identity not verified',
  'ACQ.CONTEXT_INCONSISTENT': '交易信息被篡改 / Trade details inconsistent with the original request',
  'ACQ.TRADE_BUYER_NOT_MATCH': '交易买家不匹配 / Buyer does not match',
  'isv.invalid-signature': '签名错误：请检查应用私钥 / Invalid signature: check the app private key',
  'isv.invalid-app-id': 'app_id 无效 / Invalid app_id',
  'isv.missing-signature': '缺少签名 / Missing signature',
  'isv.invalid-timestamp': '时间戳无效：请检查系统时间 / Invalid timestamp: check the system clock',
  'isv.insufficient-isv-permissions': '应用无此接口权限 / The app lacks permission for this API',
  'aop.invalid-app-auth-token': '授权令牌无效 / Invalid app auth token',
};

const CODE_MESSAGES: Record<string, string> = {
  '20000': '支付宝服务暂不可用，结果待确认 / Alipay service unavailable, outcome being confirmed',
  '20001': '授权权限不足 / Insufficient token permissions',
  '40001': '缺少必选参数 / Missing required arguments',
  '40002': '参数无效 / Invalid arguments',
  '40004': '业务处理失败 / Business failed',
  '40006': '权限不足 / Insufficient permissions',
};

/** Bilingual message for a code / sub_code; falls back to the provider's own sub_msg / msg. */
export function alipayMessage(code: string, subCode: string | null, subMsg?: string | null, msg?: string | null): string {
  if (subCode && SUB_CODE_MESSAGES[subCode]) return SUB_CODE_MESSAGES[subCode];
  const base = CODE_MESSAGES[code];
  const detail = [subCode, subMsg ?? msg].filter(Boolean).join(' ');
  if (base) return detail ? `${base} (${detail})` : base;
  return `支付宝返回错误 / Alipay error ${code}${detail ? ` (${detail})` : ''}`;
}

/** Messages for outcomes that are not an Alipay answer. */
export const UNKNOWN_MESSAGES = {
  timeout: '连接支付宝超时，结果待确认 / Alipay did not answer in time, outcome being confirmed',
  network: '无法连接支付宝，结果待确认 / Could not reach Alipay, outcome being confirmed',
  http: '支付宝网关错误，结果待确认 / Alipay gateway error, outcome being confirmed',
  unsigned:
    '支付宝返回未签名的错误（请检查 app_id 等配置），结果待确认 / Alipay returned an unsigned error (check app_id and settings), outcome being confirmed',
  badSign: '支付宝响应验签失败，结果待确认 / Alipay response signature invalid, outcome being confirmed',
  malformed: '支付宝响应格式错误，结果待确认 / Malformed Alipay response, outcome being confirmed',
} as const;
