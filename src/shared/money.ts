/**
 * Money is integer fen end to end (docs/architecture.md, Invariants: "Money is integer fen"). Yuan strings such
 * as "12.34" exist only at the edges: what the cashier types, what the provider sends and receives, what the
 * screen shows. Parsing is strict and never goes through a float: "1e3", " 12", "1.001", "-1" are refused.
 */

/**
 * Alipay's limits for total_amount / refund_amount: [0.01, 100000000] yuan (Alipay's 统一收单线下交易预创建 and
 * 统一收单交易退款接口).
 */
export const MIN_FEN = 1;
export const MAX_FEN = 100_000_000_00;

/** A bilingual, cashier-readable reason why an amount string was refused. */
export class AmountError extends Error {
  constructor(
    readonly code: 'AMOUNT_FORMAT' | 'AMOUNT_TOO_SMALL' | 'AMOUNT_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'AmountError';
  }
}

const YUAN_PATTERN = /^(0|[1-9][0-9]{0,8})(?:\.([0-9]{1,2}))?$/;

/**
 * Parse a yuan string ("12", "12.3", "12.34") into integer fen, strictly.
 * Throws AmountError for anything else, for 0 and for amounts above 100,000,000.00.
 */
export function parseYuan(input: string): number {
  const match = typeof input === 'string' ? YUAN_PATTERN.exec(input) : null;
  if (!match) {
    throw new AmountError(
      'AMOUNT_FORMAT',
      `金额格式不正确：请输入如 12.34 的数字，最多两位小数 / Invalid amount "${String(input).slice(0, 32)}": use digits like 12.34, at most 2 decimals`,
    );
  }
  const whole = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const fen = whole * 100 + Number(fraction);
  if (fen < MIN_FEN) {
    throw new AmountError('AMOUNT_TOO_SMALL', '金额必须大于 0.00 元 / Amount must be at least 0.01');
  }
  if (fen > MAX_FEN) {
    throw new AmountError('AMOUNT_TOO_LARGE', '金额不能超过 100000000.00 元 / Amount must not exceed 100000000.00');
  }
  return fen;
}

/** Like parseYuan but also accepts "0" / "0.00" (for amounts reported by a provider, e.g. 10003). */
export function parseYuanAllowZero(input: string): number {
  if (typeof input === 'string' && /^0(?:\.0{1,2})?$/.test(input)) return 0;
  return parseYuan(input);
}

/** Format integer fen as a yuan string with exactly two decimals: 1234 → "12.34". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be a safe integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${yuan}.${rest.toString().padStart(2, '0')}`;
}

/* ── What a cashier types or pastes ───────────────────────────────────────────────────────────── */

const bad = (zh: string, en: string): AmountError => new AmountError('AMOUNT_FORMAT', `金额格式不正确：${zh} / Invalid amount: ${en}`);

/**
 * Parse an amount as a person writes it into integer fen: full-width digits and punctuation ("１２．３４"),
 * a leading ¥ or ￥, a trailing 元, spaces around them, and correctly grouped thousands separators
 * ("1,234.50") are normalised; the rest goes through the strict `parseYuan`. Anything ambiguous is
 * refused with a reason: "12.345" (three decimals — or a European thousands group?), "1,23" (wrong
 * grouping), "1,234.5.6" (two points), "12 34" (a space between digits), a sign, letters.
 */
export function parseAmountInput(input: string): number {
  if (typeof input !== 'string' || input.length > 64) throw bad('太长或不是文本', 'too long or not text');
  // NFKC: full-width digits/．/，/￥ and the ideographic space become their ASCII forms (￥ → ¥).
  let text = input.normalize('NFKC').trim();
  if (text.startsWith('¥')) text = text.slice(1).trimStart();
  if (text.endsWith('元')) text = text.slice(0, -1).trimEnd();
  if (text === '') throw bad('请输入金额，如 12.34', 'enter an amount such as 12.34');
  if (/\s/.test(text)) throw bad(`“${input.trim()}” 数字之间有空格，无法确定金额`, `"${input.trim()}" has a space between digits; the amount is ambiguous`);
  if (/^[+-]/.test(text)) throw bad('金额不能带正负号', 'no sign allowed');
  const unknown = /[^0-9.,]/.exec(text);
  if (unknown) throw bad(`不认识的字符 “${unknown[0]}”`, `unexpected character "${unknown[0]}"`);
  if ((text.match(/\./g) ?? []).length > 1) throw bad(`“${text}” 有多个小数点`, `"${text}" has more than one decimal point`);
  const [whole = '', fraction] = text.split('.');
  if (whole.includes(',')) {
    if (!/^[1-9]\d{0,2}(,\d{3})+$/.test(whole)) {
      throw bad(`“${text}” 的千位分隔符位置不对（应为 1,234.56）`, `"${text}": thousands separators must group by three (1,234.56)`);
    }
  }
  if (fraction !== undefined && fraction.includes(',')) throw bad(`“${text}” 小数部分有逗号`, `"${text}" has a comma after the decimal point`);
  if (fraction !== undefined && fraction.length > 2) {
    throw bad(`“${text}” 超过两位小数，无法确定金额`, `"${text}" has more than 2 decimals; the amount is ambiguous`);
  }
  const plain = whole.replace(/,/g, '') + (fraction === undefined || fraction === '' ? '' : `.${fraction}`);
  if (whole === '' || plain.startsWith('.')) throw bad(`“${text}” 缺少整数部分，如 0.50`, `"${text}" needs the whole part, e.g. 0.50`);
  return parseYuan(plain);
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const IN_GROUP = ['仟', '佰', '拾', ''];
const GROUPS = ['', '万', '亿', '万亿'];

/** One group of up to four digits (1..9999) in capitals: 1010 → 壹仟零壹拾, 5 → 伍. */
function groupCapital(group: number): string {
  const digits = group.toString().padStart(4, '0');
  let out = '';
  let zero = false;
  for (let i = 0; i < 4; i++) {
    const d = Number(digits[i]);
    if (d === 0) {
      if (out !== '') zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += DIGITS[d]! + IN_GROUP[i]!;
  }
  return out;
}

/**
 * 中文大写金额 of integer fen, as written on cheques and receipts (the rules of 《支付结算办法》's 附件):
 * 123456 → 壹仟贰佰叁拾肆元伍角陆分; 140950 → 壹仟肆佰零玖元伍角; 1640902 → 壹万陆仟肆佰零玖元零贰分;
 * 10000000000 → 壹亿元整. Inner zeros are one 零; a whole amount ends in 整; a zero 角 before 分 is 零;
 * a zero 元 digit before 角 is not written (both forms are allowed; this one is the shorter).
 */
export function toChineseCapital(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`fen must be a non-negative safe integer, got ${fen}`);
  const whole = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  if (whole >= 10 ** 16) throw new RangeError('amount too large for 大写');
  let out = '';
  let pendingZero = false;
  for (let g = GROUPS.length - 1; g >= 0; g--) {
    const group = Math.floor(whole / 10_000 ** g) % 10_000;
    if (group === 0) {
      if (out !== '') pendingZero = true;
      continue;
    }
    if (out !== '' && (pendingZero || group < 1000)) out += '零';
    pendingZero = false;
    out += groupCapital(group) + GROUPS[g]!;
  }
  if (whole > 0) out += '元';
  if (jiao === 0 && cents === 0) return whole > 0 ? `${out}整` : '零元整';
  if (jiao > 0) out += `${DIGITS[jiao]!}角`;
  else if (whole > 0) out += '零';
  if (cents > 0) out += `${DIGITS[cents]!}分`;
  return out;
}
