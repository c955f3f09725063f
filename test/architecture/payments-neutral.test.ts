/**
 * src/main/payments names no provider outside comments: no provider names, none of a provider's state
 * words, error codes or wire fields, and no import of a provider's adapter. Comments may name a
 * provider as an example. The check strips comments and scans the code and its strings, so a
 * provider's word in a message, a comparison or an import fails it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PAYMENTS = join(import.meta.dirname, '../../src/main/payments');

/** Words that belong to one provider's adapter, never to the payment services. */
const FORBIDDEN: readonly RegExp[] = [
  /alipay/i,
  /支付宝/,
  /wechat|weixin|wxpay/i,
  /微信/,
  /\bACQ\./,
  /\b(WAIT_BUYER_PAY|TRADE_SUCCESS|TRADE_FINISHED|TRADE_CLOSED|TRADE_NOT_EXIST|REFUND_SUCCESS)\b/,
  /\b(fund_change|refund_fee|trade_status|app_id|seller_id|out_biz_no|notify_id|timeout_express)\b/,
  /\bAlipayConfig\b/,
  /\bURLSearchParams\b|x-www-form-urlencoded/,
  /from '\.\.\/providers\//,
];

/** The code of a TypeScript file with its comments blanked out (strings and template text are kept). */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i += 1;
      continue;
    }
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const body = source.slice(i, end < 0 ? source.length : end + 2);
      out += body.replace(/[^\n]/g, ' ');
      i += body.length;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    out += c;
    i += 1;
  }
  return out;
}

/** `file:line: text` for every forbidden word in the code of `files`. */
export function providerNamesIn(files: { name: string; source: string }[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    stripComments(f.source)
      .split('\n')
      .forEach((line, n) => {
        if (FORBIDDEN.some((re) => re.test(line))) found.push(`${f.name}:${n + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('payments is provider-neutral', () => {
  it('no file of src/main/payments names a provider outside comments', () => {
    const files = readdirSync(PAYMENTS)
      .filter((f) => f.endsWith('.ts'))
      .map((name) => ({ name, source: readFileSync(join(PAYMENTS, name), 'utf8') }));
    expect(files.length).toBeGreaterThan(10);
    expect(providerNamesIn(files)).toEqual([]);
  });

  it('the check finds a provider word in code and strings, and ignores it in comments', () => {
    const found = providerNamesIn([
      {
        name: 'x.ts',
        source: [
          "// e.g. Alipay's TRADE_SUCCESS",
          '/* WAIT_BUYER_PAY',
          '   ACQ.TRADE_NOT_EXIST */ const a = 1;',
          "if (r.subCode === 'ACQ.TRADE_NOT_EXIST') close();",
          "const m = '支付宝未确认 / Alipay did not confirm';",
          "import { AlipayProvider } from '../providers/alipay';",
          'const url = `a//b ${"fund_change"}`;',
        ].join('\n'),
      },
    ]);
    expect(found.map((l) => l.split(':')[1])).toEqual(['4', '5', '6', '7']);
  });
});
