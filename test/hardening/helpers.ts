/**
 * Shared pieces of the hardening suites (README, "Security"): a seeded PRNG, raw sockets, key-material probes.
 */
import { createPublicKey } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import BetterSqlite3 from 'better-sqlite3';

/** mulberry32: a tiny deterministic PRNG, so a failing fuzz case can be replayed from its seed. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] as (typeof xs)[number] };
}

export interface InboxRow {
  id: number;
  verdict: string;
  reason: string | null;
  order_id: string | null;
  body: string;
}

/** The raw notification inbox, read through a separate read-only connection (what is really on disk). */
export function readInbox(dbPath: string, afterId = 0): InboxRow[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT id, verdict, reason, order_id, body FROM notifications WHERE id > ? ORDER BY id').all(afterId) as InboxRow[];
  } finally {
    db.close();
  }
}

/** Highest inbox row id (0 when empty). */
export function lastInboxId(dbPath: string): number {
  return readInbox(dbPath).at(-1)?.id ?? 0;
}

export interface RawExchange {
  /** Everything the server sent back. */
  response: string;
  /** ms from connect to the socket closing. */
  closedAfterMs: number;
  /** Bytes we managed to hand to the socket before it closed. */
  bytesWritten: number;
}

/**
 * Speak raw HTTP/1.1 over a socket: write `head` at once, then feed `next()` (a chunk, or null when
 * done) every `everyMs` until the server closes the connection or `giveUpMs` passes.
 */
export function rawHttp(
  port: number,
  head: string | Buffer,
  opts: { next?: () => string | Buffer | null; everyMs?: number; giveUpMs?: number; endAfterHead?: boolean } = {},
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock: Socket = connect(port, '127.0.0.1');
    let response = '';
    let bytesWritten = 0;
    let timer: NodeJS.Timeout | null = null;
    const write = (chunk: string | Buffer): void => {
      if (sock.destroyed || !sock.writable) return;
      bytesWritten += Buffer.byteLength(chunk);
      sock.write(chunk);
    };
    const giveUp = setTimeout(() => sock.destroy(), opts.giveUpMs ?? 10_000);
    sock.on('connect', () => {
      write(head);
      if (opts.endAfterHead) sock.end();
      if (!opts.next) return;
      const pump = (): void => {
        if (sock.destroyed) return;
        const chunk = opts.next?.();
        if (chunk === null || chunk === undefined) return;
        write(chunk);
        timer = setTimeout(pump, opts.everyMs ?? 0);
      };
      timer = setTimeout(pump, opts.everyMs ?? 0);
    });
    sock.on('data', (d: Buffer) => (response += d.toString('latin1')));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (timer) clearTimeout(timer);
      clearTimeout(giveUp);
      resolve({ response, closedAfterMs: Date.now() - started, bytesWritten });
    });
  });
}

/** Status code of the first response in a raw exchange (0 when none). */
export function statusOf(response: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(response);
  return m ? Number(m[1]) : 0;
}

/** The base64 body of a PEM (headers and line breaks removed). */
export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
}

/**
 * Probes for one key: its whole base64 body and every aligned 40-character window of it (so any leaked
 * piece of ≥ 80 characters, or a differently wrapped PEM, still shows), and the same for the public
 * key it implies.
 */
export function keyProbes(pem: string): string[] {
  const bodies = [pemBody(pem)];
  try {
    bodies.push(pemBody(createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString()));
  } catch {
    // not a key we can derive from: the body alone
  }
  const out: string[] = [];
  for (const b of bodies) {
    out.push(b);
    for (let at = 0; at + 40 <= b.length; at += 40) out.push(b.slice(at, at + 40));
  }
  return out;
}

/** A PEM header followed by a body (also JSON-escaped), or any PEM footer. */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----(?:\s|\\[rn])*[A-Za-z0-9+/=]{40,}|-----END [A-Z0-9 ]+-----/;

/**
 * A PEM block or the first probe found in `text`, or null. A bare "-----BEGIN PRIVATE KEY-----" with
 * no body is a hint (the key-import help text names the header line), not key material.
 */
export function findKeyMaterial(text: string, probes: readonly string[]): string | null {
  const pem = PEM_BLOCK.exec(text);
  if (pem) return pem[0].slice(0, 80);
  for (const p of probes) if (p.length >= 20 && text.includes(p)) return p;
  return null;
}

/** Bilingual message: Chinese, then " / ", then English (the contract's error format). */
export const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/s;
