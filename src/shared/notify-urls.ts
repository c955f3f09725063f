/**
 * The notify settings' checks, in one place: the contract (zod), main (settings.update, the tunnel
 * manager, the notify endpoint) and the Settings form all use these, so a value the form accepts is
 * one main accepts. Messages are bilingual (中文 / English).
 */

/**
 * A requested localtunnel subdomain: localtunnel-server's rule (`[a-z0-9][a-z0-9-]{4,63}[a-z0-9]` or
 * `[a-z0-9]{4,63}`), kept within one DNS label (≤ 63 characters). '' (a random subdomain) is separate.
 */
export const TUNNEL_SUBDOMAIN_RE = /^(?:[a-z0-9][a-z0-9-]{4,61}[a-z0-9]|[a-z0-9]{4,63})$/;

export const TUNNEL_SUBDOMAIN_MESSAGE =
  '子域名须为 4–63 位小写字母、数字或连字符（不以连字符开头或结尾） / Subdomain must be 4–63 lowercase letters, digits or hyphens (not starting or ending with a hyphen)';

/** '' (random) or a valid requested subdomain. */
export function isTunnelSubdomain(value: string): boolean {
  return value === '' || TUNNEL_SUBDOMAIN_RE.test(value);
}

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

const MAX_URL = 2048;

/** Absolute http(s) with a host, no credentials, no query or fragment; `what` names the field in messages. */
function checkHttpUrl(text: string, what: { zh: string; en: string }): UrlCheck | URL {
  let u: URL;
  try {
    if (text.length === 0 || text.length > MAX_URL) throw new Error('length');
    u = new URL(text);
  } catch {
    return { ok: false, message: `${what.zh}无效 / ${what.en} is not a valid URL` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return { ok: false, message: `${what.zh}须以 https:// 或 http:// 开头 / ${what.en} must be http(s)` };
  }
  if (!u.hostname) return { ok: false, message: `${what.zh}缺少主机名 / ${what.en} has no host` };
  if (u.username || u.password) {
    return { ok: false, message: `${what.zh}不能包含账号密码 / ${what.en} must not contain credentials` };
  }
  if (u.search || u.hash || text.includes('#') || text.includes('?')) {
    return { ok: false, message: `${what.zh}不能包含 ? 或 # / ${what.en} must not contain a query or fragment` };
  }
  return u;
}

/**
 * A custom notify base URL: absolute http(s), a host, no credentials (they would end up in every
 * notify_url sent to Alipay), no query or fragment (the notify path is appended). Answers it without a
 * trailing slash.
 */
export function validateCustomNotifyUrl(input: string): UrlCheck {
  const u = checkHttpUrl(input.trim(), { zh: '自定义通知地址', en: 'Custom notify URL' });
  return u instanceof URL ? { ok: true, url: u.toString().replace(/\/+$/, '') } : u;
}

/** The tunnel server (localtunnel's `host`): an http(s) origin, no path. */
export function validateTunnelHost(input: string): UrlCheck {
  const u = checkHttpUrl(input, { zh: '隧道服务器地址', en: 'Tunnel server URL' });
  if (!(u instanceof URL)) return u;
  if (u.pathname !== '/' && u.pathname !== '') {
    return {
      ok: false,
      message: '隧道服务器须是不含路径的地址，如 https://localtunnel.me / The tunnel server must be an origin without a path, e.g. https://localtunnel.me',
    };
  }
  return { ok: true, url: u.origin };
}
