/**
 * The web bridge's gatekeeping: a random token (Bearer header or an HttpOnly SameSite=Strict cookie),
 * a Host allow-list against DNS rebinding, and an Origin check so no other site can drive the API.
 * Browsers read nothing cross-origin because the bridge never sends CORS headers.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Cookies are not isolated by port on 127.0.0.1, so the name carries the port: two bridges running
 * side by side (tests, two data dirs) don't overwrite each other's cookie.
 */
export function cookieName(port: number): string {
  return `paydesk_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function sameToken(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** Bearer header or the port's cookie. */
export function isAuthorized(req: IncomingMessage, port: number, token: string): boolean {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
    return sameToken(auth.slice('Bearer '.length).trim(), token);
  }
  return sameToken(parseCookies(req.headers.cookie).get(cookieName(port)), token);
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
