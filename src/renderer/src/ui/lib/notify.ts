/** Notify path helpers: what the status bar says about status.notify, and the Settings field checks. */
import type { StatusDto } from '../../../../shared/contract';

export type NotifyKind = 'loopback' | 'connecting' | 'online' | 'offline' | 'custom' | 'customInvalid' | 'none' | 'disabled';

export interface NotifyView {
  kind: NotifyKind;
  /** the public (or loopback) notify URL, when there is one */
  url: string | null;
  /** shown after the URL: ✓可达 / ✗不可达 / 检测中 — only when there is a URL */
  reach: StatusDto['notify']['reachability'] | null;
  /** antd Badge status */
  badge: 'success' | 'processing' | 'error' | 'warning' | 'default';
}

const BADGE = { reachable: 'success', unreachable: 'error', unknown: 'processing', disabled: 'default' } as const;

/**
 * The tunnel goes connecting (no URL, unknown) → online (URL; reachable once the self-test probe
 * arrived) → offline (no URL, unreachable, `detail` says why; polling keeps confirming payments).
 */
export function describeNotify(notify: StatusDto['notify']): NotifyView {
  const { mode, url, reachability } = notify;
  if (mode === 'none') return { kind: 'none', url: null, reach: null, badge: 'warning' };
  if (reachability === 'disabled') return { kind: 'disabled', url: null, reach: null, badge: 'warning' };
  const withUrl = (kind: NotifyKind): NotifyView => ({ kind, url, reach: reachability, badge: BADGE[reachability] });
  switch (mode) {
    case 'loopback':
      return withUrl('loopback');
    case 'localtunnel':
      if (url) return withUrl('online');
      return reachability === 'unknown'
        ? { kind: 'connecting', url: null, reach: null, badge: 'processing' }
        : { kind: 'offline', url: null, reach: null, badge: 'error' };
    case 'custom':
      return url ? withUrl('custom') : { kind: 'customInvalid', url: null, reach: null, badge: 'error' };
  }
}

/** localtunnel subdomains, exactly as the contract checks them ('' = a random one). */
export const SUBDOMAIN_RE = /^(|[a-z0-9][a-z0-9-]{2,61}[a-z0-9])$/;

export function isValidSubdomain(value: string): boolean {
  return SUBDOMAIN_RE.test(value);
}

function parseHttp(value: string): URL | null {
  if (value.length === 0 || value.length > 2048) return null;
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (!u.hostname || u.username || u.password || u.search || u.hash || value.includes('?') || value.includes('#')) return null;
    return u;
  } catch {
    return null;
  }
}

/** The tunnel server (localtunnel's `host`): an http(s) origin without a path, as main checks it. */
export function isValidTunnelHost(value: string): boolean {
  const u = parseHttp(value);
  return u !== null && (u.pathname === '/' || u.pathname === '');
}

/** A custom notify base URL: absolute http(s), a host, no credentials, query or fragment (main's check). */
export function isValidCustomUrl(value: string): boolean {
  return parseHttp(value.trim()) !== null;
}
