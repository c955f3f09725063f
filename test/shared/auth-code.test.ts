import { describe, expect, it } from 'vitest';
import { AUTH_CODE_MAX_LENGTH, AUTH_CODE_MIN_LENGTH, classifyAuthCode, maskCodeTail } from '../../src/shared/auth-code';

const BILINGUAL = /^[^/]*[\u4e00-\u9fff][^/]* \/ .*[A-Za-z]{3}/;

describe('classifyAuthCode: a scanned 付款码 routed by its prefix and length', () => {
  it.each([
    // WeChat Pay: 18 digits starting 10–15.
    ['101234567890123456', 'wechat'],
    ['134567890123456789', 'wechat'],
    ['159876543210987654', 'wechat'],
    // Alipay: 16–24 digits starting 25–30.
    ['2512345678901234', 'alipay'], // 16, the shortest
    ['281000000000000001', 'alipay'], // 18, the common length
    ['287634438256643941234567', 'alipay'], // 24, the longest
    ['301234567890123456', 'alipay'],
    ['2987654321098765432', 'alipay'],
  ])('%s → %s', (code, provider) => {
    expect(classifyAuthCode(code)).toEqual({ ok: true, provider });
  });

  it.each([
    ['13456789012345678', 'WeChat prefix, 17 digits'],
    ['1345678901234567890', 'WeChat prefix, 19 digits'],
    ['091234567890123456', 'prefix 09'],
    ['161234567890123456', 'prefix 16'],
    ['241234567890123456', 'prefix 24'],
    ['311234567890123456', 'prefix 31'],
    ['251234567890123', 'Alipay prefix, 15 digits'],
    ['2512345678901234567890123', 'Alipay prefix, 25 digits'],
    ['6221234567890123456', 'a UnionPay code (62…, 19 digits)'],
    ['6901234567892', 'an EAN-13 product barcode'],
    ['28100000000000000a', 'a letter'],
    ['2810000000 0000001', 'a space'],
    ['２８１０００００００００００００００１', 'full-width digits'],
    ['', 'nothing'],
  ])('%s (%s) is refused', (code) => {
    const r = classifyAuthCode(code);
    expect(r).toMatchObject({ ok: false, code: 'AUTH_CODE_INVALID' });
  });

  it('the refusal is bilingual, says which codes are accepted and shows only the last 4 characters', () => {
    const r = classifyAuthCode('311234567890129876');
    if (r.ok) throw new Error('expected a refusal');
    expect(r.message).toMatch(BILINGUAL);
    expect(r.message).toContain('**************9876');
    expect(r.message).not.toContain('3112345678');
    for (const words of [
      '微信支付付款码',
      '支付宝付款码',
      '10–15',
      '25–30',
      'WeChat Pay codes (18 digits starting 10–15)',
      'Alipay codes (16–24 digits starting 25–30)',
    ]) {
      expect(r.message).toContain(words);
    }
  });

  it('the union of lengths the scanner must accept is 16–24', () => {
    expect([AUTH_CODE_MIN_LENGTH, AUTH_CODE_MAX_LENGTH]).toEqual([16, 24]);
  });
});

describe('maskCodeTail', () => {
  it('masks all but the last 4; short input entirely; odd characters never echoed', () => {
    expect(maskCodeTail('134567890123456789')).toBe('**************6789');
    expect(maskCodeTail('1234')).toBe('****');
    expect(maskCodeTail('12\n\u0000x')).toBe('*2??x');
    expect(maskCodeTail('9'.repeat(100))).toHaveLength(64);
  });
});
