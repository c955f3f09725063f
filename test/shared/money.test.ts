import { describe, expect, it } from 'vitest';
import { AmountError, formatFen, parseYuan, parseYuanAllowZero } from '../../src/shared/money';

describe('parseYuan', () => {
  it.each([
    ['12.34', 1234],
    ['12.3', 1230],
    ['12', 1200],
    ['0.01', 1],
    ['0.1', 10],
    ['100000000', 10_000_000_000],
    ['100000000.00', 10_000_000_000],
    ['19.99', 1999],
    ['0.29', 29],
  ])('%s → %d fen', (input, fen) => {
    expect(parseYuan(input)).toBe(fen);
  });

  it.each(['0', '0.00', '-1', '1.001', 'abc', '1e3', ' 12', '12 ', '100000000.01', '', '.5', '5.', '012', '1,000', '+1', 'NaN', 'Infinity', '0x10'])(
    'refuses %j with a bilingual AmountError',
    (input) => {
      let error: unknown;
      try {
        parseYuan(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AmountError);
      expect((error as Error).message).toMatch(/[\u4e00-\u9fa5]/);
      expect((error as Error).message).toMatch(/[A-Za-z]{3,}/);
    },
  );

  it('accepts zero only through parseYuanAllowZero', () => {
    expect(parseYuanAllowZero('0.00')).toBe(0);
    expect(parseYuanAllowZero('0')).toBe(0);
    expect(parseYuanAllowZero('1.50')).toBe(150);
  });
});

describe('formatFen', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [1234, '12.34'],
    [10_000_000_000, '100000000.00'],
    [-250, '-2.50'],
  ])('%d → %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('round-trips every fen value in a range without float drift', () => {
    for (let fen = 1; fen < 20_000; fen += 7) expect(parseYuan(formatFen(fen))).toBe(fen);
  });

  it('refuses non-integers', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });
});
