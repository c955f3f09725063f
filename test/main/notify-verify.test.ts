/**
 * The notify hot path verifies with createNotifyVerifier (a cached KeyObject, one RSA verification per
 * genuine notice) instead of alipay-sdk's checkNotifySignV2. It must give the SAME verdict on
 * everything: genuine, rsaCheckV2-style (sign_type signed too), RSA (SHA1), forged, tampered, garbage
 * signatures, unknown sign_type, and values with %, +, &, =, unicode, emoji and empty strings.
 * The SDK throws on some inputs; every caller treats a throw as "not verified", so we compare verdicts.
 */
import { createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it, vi } from 'vitest';
import { createNotifyVerifier, parseForm } from '../../src/main/providers/alipay';

// Count node:crypto.verify calls (the fast verifier's only RSA primitive; the SDK uses createVerify).
const verifyCalls = vi.hoisted(() => [] as unknown[]);
vi.mock('node:crypto', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:crypto')>();
  return {
    ...orig,
    verify: (...args: Parameters<typeof orig.verify>) => {
      verifyCalls.push(args[0]);
      return orig.verify(...args);
    },
  };
});

const pair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
const alipay = pair();
const attacker = pair();

const verdict = (f: () => boolean): boolean => {
  try {
    return f() === true;
  } catch {
    return false;
  }
};

/** Deterministic PRNG so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  'a',
  'Z',
  '0',
  '9',
  '%',
  '%25',
  '%2',
  '+',
  ' ',
  '&',
  '=',
  '中',
  '文',
  '😀',
  '\u00e9',
  '"',
  "'",
  '{',
  '}',
  ':',
  ',',
  '-',
  '_',
  '.',
  '~',
  '/',
  '?',
  '#',
  '\\',
  '\n',
];

function randomValue(r: () => number): string {
  if (r() < 0.1) return '';
  const len = Math.floor(r() * 12);
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

/** The content string in one of the ways a signer might build it. */
function content(fields: Record<string, string>, opts: { withSignType?: string; dropEmpty?: boolean }): string {
  const f: Record<string, string> = { ...fields };
  delete f.sign;
  delete f.sign_type;
  if (opts.withSignType) f.sign_type = opts.withSignType;
  return Object.keys(f)
    .filter((k) => k && !(opts.dropEmpty && f[k] === ''))
    .sort()
    .map((k) => `${k}=${f[k]}`)
    .join('&');
}

function sign(text: string, key: string, alg = 'RSA-SHA256'): string {
  return createSign(alg).update(text, 'utf8').sign(key, 'base64');
}

describe('createNotifyVerifier ≡ alipay-sdk checkNotifySignV2', () => {
  const sdk = new AlipaySdk({
    appId: '2021000000000001',
    privateKey: attacker.privateKey,
    keyType: 'PKCS8',
    alipayPublicKey: alipay.publicKey,
    gateway: 'http://127.0.0.1:9/gateway.do',
  });
  const fast = createNotifyVerifier(createPublicKey(alipay.publicKey), 'RSA2');
  const agree = (fields: Record<string, string>) => {
    const a = verdict(() => sdk.checkNotifySignV2(fields));
    const b = verdict(() => fast(fields));
    return { sdk: a, fast: b };
  };

  it('agrees on 600 random payloads, signed in every way (through the real form parser)', () => {
    const r = rng(8);
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const fields: Record<string, string> = {
        app_id: '2021000000000001',
        out_trade_no: `PD${i}`,
        total_amount: `${i}.0${i % 10}`,
        trade_status: 'TRADE_SUCCESS',
      };
      const extra = Math.floor(r() * 6);
      for (let k = 0; k < extra; k++) fields[`k${Math.floor(r() * 40)}_${randomValue(r).replace(/[&=+%\s#]/g, 'x')}`] = randomValue(r);
      fields.subject = randomValue(r);
      const mode = Math.floor(r() * 9);
      const st = r() < 0.5 ? 'RSA2' : undefined;
      if (st) fields.sign_type = st;
      switch (mode) {
        case 0: // Alipay's way (异步通知说明), empty values kept in the string
        case 1:
          fields.sign = sign(content(fields, {}), alipay.privateKey);
          break;
        case 2: // empty values dropped by the signer (the emulator's way) — a mismatch when one is empty
          fields.sign = sign(content(fields, { dropEmpty: true }), alipay.privateKey);
          break;
        case 3: // rsaCheckV2 form: sign_type signed too
          fields.sign_type = 'RSA2';
          fields.sign = sign(content(fields, { withSignType: 'RSA2' }), alipay.privateKey);
          break;
        case 4: // RSA (SHA1)
          fields.sign_type = 'RSA';
          fields.sign = sign(content(fields, {}), alipay.privateKey, 'RSA-SHA1');
          break;
        case 5: // forged: right string, wrong key
          fields.sign = sign(content(fields, {}), attacker.privateKey);
          break;
        case 6: {
          // tampered after signing
          fields.sign = sign(content(fields, {}), alipay.privateKey);
          fields.total_amount = `9${fields.total_amount}`;
          break;
        }
        case 7: // signed as RSA2 but claims RSA (digest mismatch)
          fields.sign = sign(content(fields, {}), alipay.privateKey);
          fields.sign_type = 'RSA';
          break;
        default: // garbage signature
          fields.sign = ['', '!!!!', 'AAAA', sign('x', alipay.privateKey).slice(0, 40), `${sign(content(fields, {}), alipay.privateKey)}AA==`][i % 5] as string;
      }
      // Through the wire: the real form encoding and PayDesk's parser (decoded once).
      const parsed = parseForm(new URLSearchParams(fields).toString());
      if (!parsed) continue;
      const v = agree(parsed);
      expect(v.fast, `payload ${i} mode ${mode}: ${JSON.stringify(parsed)}`).toBe(v.sdk);
      if (v.sdk) accepted++;
      else refused++;
    }
    // Both outcomes were exercised in quantity.
    expect(accepted).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(150);
  });

  it('agrees on the edge cases', () => {
    const base = { app_id: '2021', out_trade_no: 'PD1', total_amount: '1.00', subject: '100% 中文 a+b=c&d 😀' };
    const good = { ...base, sign_type: 'RSA2', sign: sign(content(base, {}), alipay.privateKey) };
    const cases: Record<string, string>[] = [
      good,
      { ...good, sign_type: '' }, // falls back to the configured RSA2
      (({ sign_type: _drop, ...rest }) => rest)(good), // no sign_type
      { ...good, sign_type: 'FOO' }, // SDK throws (createVerify(undefined)) → not verified
      { ...good, sign_type: 'constructor' },
      { ...good, sign_type: 'rsa2' },
      { ...base, sign_type: 'RSA2' }, // unsigned
      { ...good, sign: '' },
      { ...good, sign: good.sign.replace(/=+$/, '') }, // unpadded base64 (lenient decoder in both)
      { ...good, sign: good.sign.slice(1) },
      { ...good, '': 'x' }, // an empty KEY is ignored by the SDK
      { ...good, extra: '' }, // an empty VALUE is kept as "extra=" by the SDK: no longer matches
      { ...base, extra: '', sign_type: 'RSA2', sign: sign(content({ ...base, extra: '' }, {}), alipay.privateKey) },
      { ...base, subject: '%E4%B8%AD', sign_type: 'RSA2', sign: sign(content({ ...base, subject: '%E4%B8%AD' }, {}), alipay.privateKey) },
      { ...base, subject: '%', sign_type: 'RSA2', sign: sign(content({ ...base, subject: '%' }, {}), alipay.privateKey) },
      { ...base, subject: 'a b', sign_type: 'RSA2', sign: sign(content({ ...base, subject: 'a+b' }, {}), alipay.privateKey) }, // '+' ≠ ' '
      { ...base, Z: '1', a: '2', _: '3', sign_type: 'RSA2', sign: sign(content({ ...base, Z: '1', a: '2', _: '3' }, {}), alipay.privateKey) }, // code-unit order
      { ...base, sign_type: 'RSA', sign: sign(content(base, { withSignType: 'RSA' }), alipay.privateKey, 'RSA-SHA1') },
    ];
    const results = cases.map((c) => agree(c));
    for (const [i, v] of results.entries()) expect(v.fast, `case ${i}: ${JSON.stringify(cases[i])}`).toBe(v.sdk);
    expect(results.map((v) => v.sdk)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      true,
      false,
      true,
      true,
      true,
      false,
      true,
      true,
    ]);
  });

  it('costs one RSA verification for a genuine notice (the SDK: two); a forged one costs two', () => {
    const fields = { app_id: '2021', out_trade_no: 'PD1', total_amount: '1.00', sign_type: 'RSA2' };
    const signed = { ...fields, sign: sign(content(fields, {}), alipay.privateKey) };
    const v = createNotifyVerifier(createPublicKey(alipay.publicKey), 'RSA2');
    verifyCalls.length = 0;
    expect(v(signed)).toBe(true);
    expect(verifyCalls.length).toBe(1);
    expect(v({ ...signed, total_amount: '2.00' })).toBe(false);
    expect(verifyCalls.length).toBe(3);
  });
});
