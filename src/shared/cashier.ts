/**
 * 交班: the cashier on duty is a name (no accounts). Main checks it (the renderer may reuse the check
 * to say it early): trimmed, 1–32 characters, no control or invisible format characters (a line break
 * or a bidi override would garble the handover receipt and the history).
 */
export const CASHIER_MAX_CHARS = 32;

/** Control (Cc), format (Cf: zero-width, bidi overrides) and line/paragraph separator characters. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export type CashierVerdict = { ok: true; name: string } | { ok: false; message: string };

/** The trimmed name, or a bilingual reason (中文 / English) why it cannot be a cashier's name. */
export function checkCashierName(raw: string): CashierVerdict {
  const name = raw.trim();
  if (name === '') return { ok: false, message: '请输入收银员姓名 / Enter the cashier’s name' };
  if (UNPRINTABLE.test(name)) {
    return { ok: false, message: '收银员姓名不能包含控制字符或不可见字符 / The cashier’s name must not contain control or invisible characters' };
  }
  if ([...name].length > CASHIER_MAX_CHARS) {
    return {
      ok: false,
      message: `收银员姓名最多 ${CASHIER_MAX_CHARS} 个字 / The cashier’s name has at most ${CASHIER_MAX_CHARS} characters`,
    };
  }
  return { ok: true, name };
}
