/**
 * Short pay links: a 收款链接 (alipay.trade.page.pay) URL is ≈ 1,500 characters — as a QR that is a
 * version-30-something code phones struggle with. While PayDesk's notify endpoint is publicly reachable,
 * the link is also served as `<notify base>/notify/p/<token>`: a 302 redirect to the pay URL, a QR of a
 * few dozen characters. Under /notify/ like the reachability probe, so a reverse proxy that forwards the
 * notify path forwards this too.
 *
 * Tokens are random (48 bits, base64url), live in memory only, and answer only while their order is
 * still awaiting payment; anything else is a plain 404 that says nothing about orders.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SHORT_LINK_PREFIX = '/notify/p/';
const TOKEN_RE = /^[A-Za-z0-9_-]{8}$/;

export interface ShortLinkTarget {
  payUrl: string | null;
  awaiting: boolean;
}

export interface ShortLinks {
  /** The short URL for an order's pay link under `base` (the public notify base). */
  urlFor(orderId: string, base: string): string;
  /** Notify-server route: handles `GET|HEAD /notify/p/<token>`; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createShortLinks(lookup: (orderId: string) => ShortLinkTarget | null, max = 1_000): ShortLinks {
  const byOrder = new Map<string, string>();
  const byToken = new Map<string, string>();

  const tokenFor = (orderId: string): string => {
    let token = byOrder.get(orderId);
    if (token) return token;
    do token = randomBytes(6).toString('base64url');
    while (byToken.has(token));
    byOrder.set(orderId, token);
    byToken.set(token, orderId);
    for (const [oldest, t] of byOrder) {
      if (byOrder.size <= max) break;
      byOrder.delete(oldest);
      byToken.delete(t);
    }
    return token;
  };

  return {
    urlFor: (orderId, base) => `${base.replace(/\/+$/, '')}${SHORT_LINK_PREFIX}${tokenFor(orderId)}`,
    handle(req, res) {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (!path.startsWith(SHORT_LINK_PREFIX)) return false;
      req.resume();
      const reply = (status: number, headers: Record<string, string>, body: string): void => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', ...headers });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        reply(405, { allow: 'GET, HEAD' }, 'method not allowed');
        return true;
      }
      const token = path.slice(SHORT_LINK_PREFIX.length);
      const orderId = TOKEN_RE.test(token) ? byToken.get(token) : undefined;
      const target = orderId ? lookup(orderId) : null;
      if (!target || !target.awaiting || !target.payUrl || !/^https?:\/\//.test(target.payUrl)) {
        reply(404, {}, '链接已失效 / This payment link is no longer valid');
        return true;
      }
      reply(302, { location: target.payUrl }, 'redirecting');
      return true;
    },
  };
}
