/**
 * Which provider a scanned 付款码 (the buyer's payment code, `auth_code`) belongs to, from its digits
 * alone. Pure; used by main to route a 付款码 sale and by the renderer's scanner detector to tell a
 * payment code from another barcode, so both read the one table below.
 *
 * The rules, as the providers publish them:
 * - WeChat Pay, 付款码支付 · 开发指引 ("用户付款码条形码规则"), and the v3 付款码支付 下单 API's
 *   `payer.auth_code`: 18 digits, starting 10, 11, 12, 13, 14 or 15.
 * - Alipay, 当面付 · 统一收单交易支付接口 (alipay.trade.pay) `auth_code`: digits starting 25–30, 16–24 long
 *   ("实际字符串长度以开发者获取的付款码长度为准": any length in that range).
 * The prefix ranges do not overlap, so a code matches at most one provider.
 */

export type AuthCodeProvider = 'wechat' | 'alipay';

export interface AuthCodeShape {
  provider: AuthCodeProvider;
  /** The first two digits, as a number range (inclusive). */
  prefix: { min: number; max: number };
  /** Length in digits (inclusive). */
  length: { min: number; max: number };
  /** How the cashier calls it, and what it looks like: Chinese, English. */
  zh: string;
  en: string;
}

export const AUTH_CODE_SHAPES: readonly AuthCodeShape[] = [
  {
    provider: 'wechat',
    prefix: { min: 10, max: 15 },
    length: { min: 18, max: 18 },
    zh: '微信支付付款码（18 位数字，以 10–15 开头）',
    en: 'WeChat Pay codes (18 digits starting 10–15)',
  },
  {
    provider: 'alipay',
    prefix: { min: 25, max: 30 },
    length: { min: 16, max: 24 },
    zh: '支付宝付款码（16–24 位数字，以 25–30 开头）',
    en: 'Alipay codes (16–24 digits starting 25–30)',
  },
];

/** The shortest and longest 付款码 of any provider (16 and 24). */
export const AUTH_CODE_MIN_LENGTH: number = Math.min(...AUTH_CODE_SHAPES.map((s) => s.length.min));
export const AUTH_CODE_MAX_LENGTH: number = Math.max(...AUTH_CODE_SHAPES.map((s) => s.length.max));

const DIGITS = /^[0-9]+$/;

/** The provider whose 付款码 shape `code` has, or null (not all digits, wrong length or prefix). */
export function authCodeProvider(code: string): AuthCodeProvider | null {
  if (!DIGITS.test(code)) return null;
  const prefix = Number(code.slice(0, 2));
  const shape = AUTH_CODE_SHAPES.find((s) => code.length >= s.length.min && code.length <= s.length.max && prefix >= s.prefix.min && prefix <= s.prefix.max);
  return shape ? shape.provider : null;
}

/** A code shown to the cashier: all but the last 4 characters masked (it is a bearer credential). */
export function maskCodeTail(code: string): string {
  const clipped = code.length > 64 ? code.slice(-64) : code;
  const tail = clipped.length > 4 ? clipped.slice(-4) : '';
  // Only letters and digits are shown; anything else (control characters, spaces) as '?'.
  return `${'*'.repeat(clipped.length - tail.length)}${tail.replace(/[^0-9A-Za-z]/g, '?')}`;
}

export type AuthCodeVerdict = { ok: true; provider: AuthCodeProvider } | { ok: false; code: 'AUTH_CODE_INVALID'; message: string };

/** Route a scanned 付款码 to its provider, or refuse it with a bilingual message naming the accepted codes. */
export function classifyAuthCode(code: string): AuthCodeVerdict {
  const provider = authCodeProvider(code);
  if (provider) return { ok: true, provider };
  const shown = maskCodeTail(code);
  const zh = AUTH_CODE_SHAPES.map((s) => s.zh).join('或');
  const en = AUTH_CODE_SHAPES.map((s) => s.en).join(' and ');
  return {
    ok: false,
    code: 'AUTH_CODE_INVALID',
    message: `无法识别的付款码（${shown}，${code.length} 位）：仅接受${zh}；请顾客刷新付款码后重新扫描 / Payment code not recognised (${shown}, ${code.length} characters): accepted are ${en}; ask the customer to refresh the code and scan again`,
  };
}
