/**
 * The web bridge's gatekeeping: a random token that only an `Authorization: Bearer` header carries, a
 * Host allow-list against DNS rebinding, and an Origin check so no other site can drive the API.
 * Browsers read nothing cross-origin because the bridge never sends CORS headers.
 *
 * No ambient credential: browsers do not scope cookies by port, so a cookie set by 127.0.0.1:PORT is
 * sent to every other server on 127.0.0.1 — any local process could read it. The page gets the token
 * in the URL fragment (never sent to any server), keeps it in its own origin's sessionStorage and sends
 * it as a header; a cookie is never set, never accepted, and a stale one from an older version is expired.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sameToken(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Bearer header, and nothing else (no cookie, no query parameter). */
export function isAuthorized(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) return false;
  return sameToken(auth.slice('Bearer '.length).trim(), token);
}

/** Older versions kept the token in `paydesk_token_<port>` cookies: names of those the request carries. */
export function staleTokenCookies(header: string | undefined): string[] {
  if (!header) return [];
  const names = new Set<string>();
  for (const part of header.split(';')) {
    const name = part.slice(0, Math.max(0, part.indexOf('='))).trim();
    if (/^paydesk_token(_\d{1,5})?$/.test(name)) names.add(name);
  }
  return [...names];
}

/** Set-Cookie values that make the browser drop those cookies (for every port: cookies ignore ports). */
export function expireCookies(names: string[]): string[] {
  return names.map((name) => `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`);
}

/** Only our own names for ourselves: a rebinding attacker's page arrives with its own domain in Host. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** When a browser says where a request comes from, it must be us (a form post from elsewhere is not). */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
