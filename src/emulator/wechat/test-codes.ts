/**
 * Test 付款码 for /v3/pay/transactions/codepay (docs/emulator.md "WeChat Pay"), like card networks' test
 * numbers. Real WeChat 付款码 are 18 digits starting 10–15 (付款码支付 product docs); the buyers the
 * customer page offers.
 * Not modelled: a real 付款码 refreshing every minute and being single-use; password-free limits.
 */
import { createHash } from 'node:crypto';
import type { WxBuyer } from './types';

/** The documented test codes. */
export const WECHAT_TEST_AUTH_CODES = {
  PAID: '100000000000000001',
  USERPAYING_THEN_PAID: '110000000000000002',
  USERPAYING_NEVER: '120000000000000003',
  NOT_ENOUGH: '130000000000000004',
  INVALID: '140000000000000005',
  PAYERROR: '150000000000000006',
} as const;

/** Emulated delay before a 110… code's buyer enters the password (the guidance polls every 10 s up to 45 s). */
export const CONFIRM_DELAY_MS = 8_000;

/** What a 付款码 does. */
export type CodeOutcome =
  { kind: 'paid' } | { kind: 'userpaying'; confirm: 'delayed' | 'never' } | { kind: 'not-enough' } | { kind: 'payerror' } | { kind: 'invalid' };

/** Outcome of an auth_code. */
export function codeOutcome(authCode: string): CodeOutcome {
  switch (authCode) {
    case WECHAT_TEST_AUTH_CODES.PAID:
      return { kind: 'paid' };
    case WECHAT_TEST_AUTH_CODES.USERPAYING_THEN_PAID:
      return { kind: 'userpaying', confirm: 'delayed' };
    case WECHAT_TEST_AUTH_CODES.USERPAYING_NEVER:
      return { kind: 'userpaying', confirm: 'never' };
    case WECHAT_TEST_AUTH_CODES.NOT_ENOUGH:
      return { kind: 'not-enough' };
    case WECHAT_TEST_AUTH_CODES.PAYERROR:
      return { kind: 'payerror' };
    case WECHAT_TEST_AUTH_CODES.INVALID:
      return { kind: 'invalid' };
    default:
      return /^1[0-5][0-9]{16}$/.test(authCode) ? { kind: 'paid' } : { kind: 'invalid' };
  }
}

const NAMES = ['微信用户 · 张三', '李四', '王五'];

function openidOf(seed: string): string {
  // 28 characters like real openids (o + 27 base64url).
  return `o${createHash('sha256').update(seed).digest('base64url').slice(0, 27)}`;
}

/** The buyers the customer page offers; the first is the default. */
export const WECHAT_BUYERS: readonly WxBuyer[] = NAMES.map((name, i) => ({ openid: openidOf(`buyer-${i}`), name }));

/** A buyer by openid or name; unknown strings become an ad-hoc buyer; none → the default. */
export function resolveWxBuyer(ref: string | undefined): WxBuyer {
  const first = WECHAT_BUYERS[0] as WxBuyer;
  if (!ref) return first;
  return WECHAT_BUYERS.find((b) => b.openid === ref || b.name === ref) ?? { openid: openidOf(ref), name: ref };
}
