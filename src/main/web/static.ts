/**
 * Serves the built renderer (out/renderer) read-only: GET/HEAD, known content types, no directory
 * listing, no path outside the root, and the renderer's own CSP sent as a header too.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

/** The policy of index.html's `<meta http-equiv="Content-Security-Policy">`, or null. */
export function extractMetaCsp(html: string): string | null {
  const meta = /<meta\s[^>]*http-equiv=["']Content-Security-Policy["'](?:[^>"']|"[^"]*"|'[^']*')*>/i.exec(html);
  if (!meta) return null;
  // The value is double-quoted and itself contains single quotes ('self'): match the same quote back.
  const content = /content=(["'])(.*?)\1/is.exec(meta[0]);
  return content?.[2]?.trim() ?? null;
}

/**
 * Header CSP = the meta CSP (so both hosts enforce the same policy) plus what only a header can say:
 * no framing by other pages.
 */
export function headerCsp(metaCsp: string): string {
  return `${metaCsp.replace(/;\s*$/, '')}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;
}

export interface StaticSite {
  root: string;
  csp: string;
  /** Serve `pathname` (already URL-decoded by the caller? no: raw) if it names a file; false = not found. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
}

/** Open the built renderer; throws a clear error when it has not been built. */
export async function openStaticSite(root: string): Promise<StaticSite> {
  const absRoot = resolve(root);
  let html: string;
  try {
    html = await readFile(join(absRoot, 'index.html'), 'utf8');
  } catch {
    throw new Error(
      `渲染界面尚未构建：找不到 ${join(absRoot, 'index.html')}，请先运行 npm run build / The renderer is not built: ${join(absRoot, 'index.html')} is missing — run \`npm run build\` first`,
    );
  }
  const meta = extractMetaCsp(html);
  if (!meta) throw new Error(`${join(absRoot, 'index.html')} has no Content-Security-Policy meta tag`);
  const csp = headerCsp(meta);

  return {
    root: absRoot,
    csp,
    async serve(req, res, pathname) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathname);
      } catch {
        return false;
      }
      if (decoded.includes('\0') || decoded.includes('\\')) return false;
      const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
      const file = resolve(absRoot, relative);
      // resolve() collapses "..": anything that lands outside the root is refused.
      if (file !== absRoot && !file.startsWith(absRoot + sep)) return false;
      let size: number;
      try {
        const info = await stat(file);
        if (!info.isFile()) return false;
        size = info.size;
      } catch {
        return false;
      }
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      const body = req.method === 'HEAD' ? null : await readFile(file);
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': size,
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        // Vite's assets/ names carry a content hash; index.html must always be fresh.
        'Cache-Control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
      });
      res.end(body ?? undefined);
      return true;
    },
  };
}
