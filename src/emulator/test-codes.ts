/**
 * Test 付款码 (auth_code of alipay.trade.pay) with fixed outcomes, like card networks' test numbers
 * (docs/emulator.md), and the test buyers the customer pages offer.
 */
import type { Buyer } from './types';

/** What a 付款码 does when presented to alipay.trade.pay. */
export type AuthCodeOutcome =
  | { kind: 'paid' }
  | { kind: 'confirming'; confirm: 'delayed' | 'never' }
  | { kind: 'error'; subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' | 'ACQ.PAYMENT_AUTH_CODE_INVALID'; subMsg: string };

/** The documented test codes. */
export const TEST_AUTH_CODES = {
  PAID: '281000000000000001',
  CONFIRM_THEN_PAID: '282000000000000002',
  CONFIRM_NEVER: '283000000000000003',
  BALANCE_NOT_ENOUGH: '284000000000000004',
  AUTH_CODE_INVALID: '285000000000000005',
} as const;

/** Emulated delay before a 282… code confirms (docs/emulator.md: 5 s emulated). */
export const CONFIRM_DELAY_MS = 5_000;

const INVALID: AuthCodeOutcome = {
  kind: 'error',
  subCode: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
  subMsg: '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款，如再次收款失败，请联系管理员处理。[SOUNDWAVE_PARSER_FAIL]',
};

/** Outcome of an auth_code: the table of docs/emulator.md. */
export function authCodeOutcome(authCode: string): AuthCodeOutcome {
  switch (authCode) {
    case TEST_AUTH_CODES.PAID:
      return { kind: 'paid' };
    case TEST_AUTH_CODES.CONFIRM_THEN_PAID:
      return { kind: 'confirming', confirm: 'delayed' };
    case TEST_AUTH_CODES.CONFIRM_NEVER:
      return { kind: 'confirming', confirm: 'never' };
    case TEST_AUTH_CODES.BALANCE_NOT_ENOUGH:
      return { kind: 'error', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH', subMsg: '买家余额不足' };
    case TEST_AUTH_CODES.AUTH_CODE_INVALID:
      return INVALID;
    default:
      // Real 付款码: 16–24 digits starting 25–30 (统一收单交易支付接口, auth_code).
      return /^(2[5-9]|30)[0-9]{14,22}$/.test(authCode) ? { kind: 'paid' } : INVALID;
  }
}

/** The buyers a person can choose on the customer pages; the first is the default. */
export const BUYERS: readonly Buyer[] = [
  { id: '2088102177846880', logonId: 'sxv***@sandbox.com', name: '沙箱买家 · 张三' },
  { id: '2088102177846881', logonId: '159******20', name: '李四' },
  { id: '2088102177846882', logonId: 'wan***@163.com', name: '王五' },
];

/** Resolve a buyer given by id, logon id or name; unknown strings become an ad-hoc buyer. */
export function resolveBuyer(ref: string | undefined): Buyer {
  const first = BUYERS[0] as Buyer;
  if (!ref) return first;
  const known = BUYERS.find((b) => b.id === ref || b.logonId === ref || b.name === ref);
  if (known) return known;
  let hash = 0;
  for (const ch of ref) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000_000_000;
  return { id: `2088${hash.toString().padStart(12, '0')}`, logonId: ref, name: ref };
}
