import { randomBytes } from 'node:crypto';

function stamp(now: number): string {
  const d = new Date(now);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * A new out_trade_no: "PD" + local timestamp + 10 random hex chars = 26 chars (Alipay allows ≤ 64).
 * Sortable by time for humans; random so two consoles on one merchant account never collide.
 */
export function newOrderId(now: number): string {
  return `PD${stamp(now)}${randomBytes(5).toString('hex')}`;
}

/** A new out_request_no for one refund intent (reused by every retry of that intent). */
export function newRefundId(now: number): string {
  return `RF${stamp(now)}${randomBytes(5).toString('hex')}`;
}

/** Mask a 付款码 for the audit trail: it is a bearer credential, never stored in full. */
export function maskAuthCode(code: string): string {
  if (code.length <= 8) return '*'.repeat(code.length);
  return `${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`;
}

/** A new shift id (交班): "SH" + local timestamp + 10 random hex chars. */
export function newShiftId(now: number): string {
  return `SH${stamp(now)}${randomBytes(5).toString('hex')}`;
}
