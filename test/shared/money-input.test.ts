import { describe, expect, it } from 'vitest';
import { AmountError, MAX_FEN, parseAmountInput, toChineseCapital } from '../../src/shared/money';

function refusal(input: string): AmountError {
  try {
    parseAmountInput(input);
  } catch (e) {
    if (e instanceof AmountError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseAmountInput: what a cashier types or pastes', () => {
  it.each([
    ['12.34', 1234],
    ['１２.３４', 1234],
    ['１２．３４', 1234],
    ['¥12.34', 1234],
    ['￥12.34', 1234],
    ['¥ 12.34', 1234],
    ['12.34元', 1234],
    ['12.34 元', 1234],
    ['  ¥12.34元  ', 1234],
    ['　１２　', 1200],
    ['1,234.50', 123450],
    ['１，２３４．５', 123450],
    ['12,345,678.90', 1234567890],
    ['12.', 1200],
    ['0.5', 50],
    ['100,000,000', MAX_FEN],
  ])('%j → %d fen', (input, fen) => {
    expect(parseAmountInput(input)).toBe(fen);
  });

  it.each([
    ['1,234.5.6', /多个小数点.*more than one decimal point/],
    ['12.345', /超过两位小数.*more than 2 decimals/],
    ['1,23', /千位分隔符.*group by three/],
    ['12,34.5', /千位分隔符/],
    ['1234,567', /千位分隔符/],
    [',123', /千位分隔符/],
    ['1.234,5', /小数部分有逗号/],
    ['12 34', /空格.*space between digits/],
    ['-5', /正负号.*sign/],
    ['+5', /正负号/],
    ['12a', /不认识的字符 “a”.*unexpected character "a"/],
    ['1e3', /不认识的字符/],
    ['$12', /不认识的字符/],
    ['', /请输入金额.*enter an amount/],
    ['¥', /请输入金额/],
    ['元', /请输入金额/],
    ['.5', /缺少整数部分/],
    ['¥¥5', /不认识的字符/],
  ])('refuses %j with a clear bilingual reason', (input, reason) => {
    const e = refusal(input);
    expect(e.code).toBe('AMOUNT_FORMAT');
    expect(e.message).toMatch(reason);
  });

  it('still refuses zero and amounts over the provider limit (parseYuan decides)', () => {
    expect(refusal('0').code).toBe('AMOUNT_TOO_SMALL');
    expect(refusal('¥0.00').code).toBe('AMOUNT_TOO_SMALL');
    expect(refusal('100,000,000.01').code).toBe('AMOUNT_TOO_LARGE');
    expect(refusal('012').code).toBe('AMOUNT_FORMAT');
  });

  it('refuses very long text without echoing it', () => {
    expect(refusal('1'.repeat(100)).message).toMatch(/太长/);
  });
});

describe('toChineseCapital (大写)', () => {
  it.each([
    [123456, '壹仟贰佰叁拾肆元伍角陆分'],
    // the textbook examples for writing amounts on bills
    [140950, '壹仟肆佰零玖元伍角'],
    [600714, '陆仟零柒元壹角肆分'],
    [168032, '壹仟陆佰捌拾元叁角贰分'],
    [10700053, '壹拾万柒仟元伍角叁分'],
    [1640902, '壹万陆仟肆佰零玖元零贰分'],
    [32504, '叁佰贰拾伍元零肆分'],
    [0, '零元整'],
    [1, '壹分'],
    [5, '伍分'],
    [10, '壹角'],
    [56, '伍角陆分'],
    [100, '壹元整'],
    [1000, '壹拾元整'],
    [1100, '壹拾壹元整'],
    [10100, '壹佰零壹元整'],
    [101000, '壹仟零壹拾元整'],
    [100100, '壹仟零壹元整'],
    [1000000, '壹万元整'],
    [1001000, '壹万零壹拾元整'],
    [10001000, '壹拾万零壹拾元整'],
    [100000001, '壹佰万元零壹分'],
    [2000000100, '贰仟万零壹元整'],
    [MAX_FEN, '壹亿元整'],
    [10010000000, '壹亿零壹拾万元整'],
    [10000000100, '壹亿零壹元整'],
    [9999999999, '玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
    [50000, '伍佰元整'],
    [500000, '伍仟元整'],
  ])('%d fen → %s', (fen, text) => {
    expect(toChineseCapital(fen)).toBe(text);
  });

  it('never writes two 零 in a row, nor 零 before 元 or at the end', () => {
    for (let fen = 1; fen <= 2_000_000; fen += 997) {
      const text = toChineseCapital(fen);
      expect(text).not.toMatch(/零零|零元|零整|零$|零[万亿]/);
      expect(text).toMatch(/(整|角|分)$/);
    }
  });

  it('refuses what is not integer fen', () => {
    expect(() => toChineseCapital(1.5)).toThrow(RangeError);
    expect(() => toChineseCapital(-1)).toThrow(RangeError);
  });
});
