/**
 * Pure security policy of the Electron shell (no 'electron' import, so it is trivially testable): which URL is
 * "our app", which links may leave for the system browser, and the CSP header. docs/architecture.md,
 * Conventions, "Preload and window lockdown": navigation and new windows denied, external links only `https:`
 * after `new URL`.
 */

/**
 * The CSP sent as a response header for everything the window loads (the renderer's index.html also
 * carries it as a `<meta>`; the header additionally covers `frame-ancestors`, which a meta cannot).
 * `style-src 'unsafe-inline'` is for antd's CSS-in-JS; `img-src data:` for the QR code images.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True when `url` belongs to the app loaded in our window: same origin as the electron-vite dev
 * server, or — for a `file:` build, whose origin is the opaque "null" — the very same file.
 * Query and hash may differ (client-side routing).
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const u = parse(url);
  const app = parse(appUrl);
  if (!u || !app) return false;
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.host === app.host && u.pathname === app.pathname;
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false;
  return u.origin === app.origin;
}

/**
 * Whether a link may be handed to the system browser (`shell.openExternal`). Only `https:` URLs
 * with a host and no credentials — never `javascript:`, `file:`, `http:`, custom schemes — except
 * the exact loopback origins listed in `extraOrigins` (the embedded emulator's customer pages in
 * demo mode, which are plain http on 127.0.0.1 by nature). Returns the normalised href, or null.
 */
export function externalUrl(url: string, extraOrigins: readonly string[] = []): string | null {
  const u = parse(url);
  if (!u) return null;
  if (u.username || u.password) return null;
  if (u.protocol === 'https:' && u.hostname !== '') return u.href;
  if (u.protocol === 'http:' && extraOrigins.includes(u.origin) && isLoopback(u.hostname)) return u.href;
  return null;
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** The origin of an http(s) URL string, or null (used to allow the emulator's origin). */
export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  const u = parse(url);
  return u && (u.protocol === 'http:' || u.protocol === 'https:') ? u.origin : null;
}

/**
 * The dev server URL if it is an http(s) loopback URL, else undefined. ELECTRON_RENDERER_URL comes from
 * the environment; honouring any URL would let whoever sets it load a remote page next to our preload.
 */
export function loopbackDevServer(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const u = parse(url);
  return u && (u.protocol === 'http:' || u.protocol === 'https:') && isLoopback(u.hostname) ? u.href : undefined;
}
