/**
 * Keypad arithmetic on yuan strings (never floats). `pressKey` is what both the on-screen keypad and
 * the physical keys go through; the final check at Enter is the shared strict `parseYuan`.
 */
import { AmountError, formatFen, MAX_FEN, parseAmountInput, parseYuan } from '../../../../shared/money';

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '.' | '00' | 'Backspace' | 'Clear';

/** Why a key press was refused (the value stays as it was). */
export type KeyRefusal = 'maxDecimals' | 'tooLarge' | null;

export interface KeyOutcome {
  value: string;
  refused: KeyRefusal;
}

const KEYS = new Set<string>(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '00', 'Backspace', 'Clear']);

/** Whether a KeyboardEvent.key is one the keypad understands (',' on some keypads is the decimal key). */
export function toKeypadKey(key: string): KeypadKey | null {
  if (key === ',' || key === 'Decimal') return '.';
  if (key === 'Delete') return 'Clear';
  return KEYS.has(key) ? (key as KeypadKey) : null;
}

/** Apply one key to the amount being typed. Refuses a third decimal and anything above 100000000.00. */
export function pressKey(current: string, key: KeypadKey): KeyOutcome {
  if (key === 'Clear') return { value: '', refused: null };
  if (key === 'Backspace') return { value: current.slice(0, -1), refused: null };
  if (key === '00') {
    // Both zeros or neither: "1.2" + "00" is refused as a whole, not typed as "1.20".
    const once = pressKey(current, '0');
    const twice = once.refused ? once : pressKey(once.value, '0');
    return twice.refused ? { value: current, refused: twice.refused } : twice;
  }
  if (key === '.') {
    if (current.includes('.')) return { value: current, refused: null };
    return { value: current === '' ? '0.' : `${current}.`, refused: null };
  }
  const dot = current.indexOf('.');
  if (dot >= 0 && current.length - dot - 1 >= 2) return { value: current, refused: 'maxDecimals' };
  // A leading zero is replaced ("0" then "5" → "5"), never kept as "05".
  const next = current === '0' ? key : `${current}${key}`;
  if (fenOf(next) > MAX_FEN) return { value: current, refused: 'tooLarge' };
  return { value: next, refused: null };
}

/** Integer fen of a partial keypad string ("12." → 1200); NaN for anything that is not one. */
function fenOf(partial: string): number {
  const match = /^(\d*)(?:\.(\d{0,2}))?$/.exec(partial);
  if (!match) return Number.NaN;
  return Number(match[1] || '0') * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export type AmountCheck = { ok: true; fen: number; yuan: string } | { ok: false; code: string; message: string };

/** The strict check at Enter (shared with main): a bilingual message when refused. */
export function checkAmount(input: string): AmountCheck {
  const trimmed = input.endsWith('.') ? input.slice(0, -1) : input;
  try {
    const fen = parseYuan(trimmed);
    return { ok: true, fen, yuan: formatFen(fen) };
  } catch (err) {
    if (err instanceof AmountError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

/** "12.34" (two-decimal server string) → 1234. */
export function yuanToFen(yuan: string): number {
  return fenOf(yuan);
}

/**
 * Text that arrived in the amount field as a whole (paste, IME, autofill): full-width forms, ¥/￥, 元 and
 * spaces around them are dropped; a partial amount ("12.", "0.5") stays as typed; anything else must
 * pass the shared `parseAmountInput` (grouped thousands) or is refused with its bilingual reason.
 */
export function normaliseAmountText(text: string): { ok: true; value: string } | { ok: false; message: string } {
  let plain = text.normalize('NFKC').trim();
  if (plain.startsWith('¥')) plain = plain.slice(1).trimStart();
  if (plain.endsWith('元')) plain = plain.slice(0, -1).trimEnd();
  if (/^\d*(\.\d{0,2})?$/.test(plain) && (plain === '' || fenOf(plain) <= MAX_FEN)) {
    return { ok: true, value: plain.replace(/^0+(?=\d)/, '') };
  }
  try {
    return { ok: true, value: formatFen(parseAmountInput(text)) };
  } catch (err) {
    if (err instanceof AmountError) return { ok: false, message: err.message };
    throw err;
  }
}
