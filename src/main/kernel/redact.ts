/**
 * Log redaction (nothing secret is logged; docs/architecture.md, Invariants: "Secrets stay in main").
 * `redact()` deep-copies a value and replaces: PEM blocks; long base64 runs that look like keys or
 * signatures (also when broken into lines); values of secret-named fields (sign, signature, token,
 * authorization, privateKey, app_private_key, …) in objects, JSON text and `k=v` query strings / form
 * bodies. `sign_type`, `out_trade_no`, amounts, fingerprints (`SHA256:<hex>`) and ordinary ids stay
 * readable.
 *
 * Redaction is a safety net, not a licence: code should still avoid putting secrets in messages.
 */
import { KeyObject } from 'node:crypto';
import type { Logger } from './logger';

export const REDACTED = '[REDACTED]';

/** Field names (lower-cased, `_`/`-` removed) whose values are always secret. */
const SECRET_FIELDS = new Set([
  'sign',
  'signature',
  'token',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passphrase',
  'secret',
  'privatekey',
  'appprivatekey',
  'apikey',
  'apiv3key',
  'encryptkey',
  'vaultkey',
  'paydeskvaultkey',
  // the manager PIN (orders.refund / settings.update / keys.import / pin.* inputs)
  'pin',
  'managerpin',
]);

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/** True for field names whose value must never be logged. */
export function isSecretField(name: string): boolean {
  // Trailing digits are a suffix, not a new word: the browser host's cookie is `paydesk_token_<port>`.
  const n = normalizeName(name).replace(/\d+$/, '');
  return SECRET_FIELDS.has(n) || n.endsWith('token') || n.endsWith('privatekey') || n.endsWith('secret');
}

// -----BEGIN X-----…-----END X----- (an unterminated block is redacted to the end of the text).
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----\r?\n?|$)/g;
// "sign":"…", 'token': '…', "app_private_key" : "…" (JSON bodies, SDK error messages).
// The lookbehind anchors the name at a word start (keeps the scan linear on long alphanumeric runs).
const QUOTED_FIELD = /(?<![A-Za-z0-9_-])(["']?)([A-Za-z_][A-Za-z0-9_-]*)\1(\s*[:=]\s*)(["'])((?:\\.|(?!\4)[^\\])*)\4/g;
// sign=…&  token=…  (query strings, form bodies, #token=… fragments); the value ends at & or whitespace or a quote.
const KV_FIELD = /(^|[?&#;,\s])([A-Za-z_][A-Za-z0-9_-]*)=([^&\s"',;]*)/g;
// Authorization: Bearer …  /  ALIPAY-SHA256withRSA app_id=…,sign=…  /  Cookie: … / Set-Cookie: …
const AUTH_HEADER = /\b(authorization|proxy-authorization|cookie|set-cookie)(\s*:\s*)[^\r\n]+/gi;
// A bearer credential quoted without its header name.
const BEARER = /\b(Bearer)(\s+)[A-Za-z0-9._~+/-]+=*/g;
// Runs of base64 (standard or URL-safe), possibly broken into lines, as keys and signatures are.
const B64_RUN = /[A-Za-z0-9+/_-]{16,}(?:(?:\r?\n|\\r\\n|\\n)[A-Za-z0-9+/_-]{8,})*={0,2}/g;
const MIN_B64 = 80;

function looksLikeKeyMaterial(run: string): boolean {
  const s = run.replace(/\\[rn]|\s|=/g, '');
  if (s.length < MIN_B64) return false;
  // Random base64 mixes cases and digits; long identifiers and hex digests do not.
  return /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s);
}

/** Longer strings are cut before redaction: a log line needs no more, and it bounds the regex work. */
const MAX_STRING = 64 * 1024;

/** Redact secrets inside one string (see the module comment). */
export function redactString(input: string): string {
  if (input.length < 4) return input;
  const text = input.length > MAX_STRING ? `${input.slice(0, MAX_STRING)}…[${input.length - MAX_STRING} chars cut]` : input;
  return text
    .replace(PEM, '[REDACTED PEM]')
    .replace(AUTH_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(BEARER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(QUOTED_FIELD, (m, q: string, name: string, sep: string, vq: string) => (isSecretField(name) ? `${q}${name}${q}${sep}${vq}${REDACTED}${vq}` : m))
    .replace(KV_FIELD, (m, pre: string, name: string, value: string) => (isSecretField(name) && value !== '' ? `${pre}${name}=${REDACTED}` : m))
    .replace(B64_RUN, (run) => (looksLikeKeyMaterial(run) ? '[REDACTED base64]' : run));
}

function redactInner(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth > 12) return '[Too deep]';
  seen.add(value);
  try {
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
    // KeyObject and friends: never serialise.
    if (value instanceof KeyObject) return '[KeyObject]';
    if (value instanceof Error) {
      const out: Record<string, unknown> = { name: value.name, message: redactString(value.message) };
      const e = value as Error & { code?: unknown; cause?: unknown };
      if (e.code !== undefined) out.code = redactInner(e.code, seen, depth + 1);
      if (value.stack) out.stack = redactString(value.stack);
      if (e.cause !== undefined) out.cause = redactInner(e.cause, seen, depth + 1);
      // Own enumerable extras (e.g. AlipayRequestError.responseDataRaw), by the same rules.
      for (const [k, v] of Object.entries(value)) {
        if (k in out) continue;
        out[k] = isSecretField(k) ? REDACTED : redactInner(v, seen, depth + 1);
      }
      return out;
    }
    if (Array.isArray(value)) return value.map((v) => redactInner(v, seen, depth + 1));
    if (value instanceof Map) {
      return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), isSecretField(String(k)) ? REDACTED : redactInner(v, seen, depth + 1)]));
    }
    if (value instanceof Set) return [...value].map((v) => redactInner(v, seen, depth + 1));
    if (value instanceof Date) return value.toISOString();
    if (value instanceof URLSearchParams) return redactString(value.toString());
    if (value instanceof URL) return redactString(value.toString());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretField(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactInner(v, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Deep-redacted copy of `value` (strings, objects, arrays, errors, maps). The input is not modified.
 * Errors become plain `{ name, message, code?, stack?, cause? }` objects with redacted text.
 */
export function redact(value: string): string;
export function redact(value: unknown): unknown;
export function redact(value: unknown): unknown {
  return redactInner(value, new WeakSet(), 0);
}

/** A Logger that redacts the message and every field before handing them to `inner`. */
export function createRedactingLogger(inner: Logger): Logger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const msg = redactString(String(message));
      if (fields === undefined) inner[level](msg);
      else inner[level](msg, redactInner(fields, new WeakSet(), 0) as Record<string, unknown>);
    };
  return { info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
