/** Notify path helpers: what the status bar says about status.notify, and the Settings field checks. */
import type { StatusDto } from '../../../../shared/contract';
import { isTunnelSubdomain, validateCustomNotifyUrl, validateTunnelHost } from '../../../../shared/notify-urls';

export type NotifyKind = 'loopback' | 'connecting' | 'online' | 'offline' | 'custom' | 'customInvalid' | 'none' | 'disabled';

export interface NotifyView {
  kind: NotifyKind;
  /**
   * The public (or loopback) notify URL(s), when there is one: each hosted provider's, written short
   * when they share a base (`http://127.0.0.1:P/notify/{alipay,wechat}`).
   */
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
  const { mode, reachability } = notify;
  const url = notifyUrlsText(notify);
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

/**
 * Every hosted provider's notify URL as one short text: the shared base once, the last path segments in
 * braces (`…/notify/{alipay,wechat}`); URLs that do not share a base are listed with ` · `. Without
 * `urls` (an older main), just `url`.
 */
export function notifyUrlsText(notify: Pick<StatusDto['notify'], 'url' | 'urls'>): string | null {
  const urls = notify.urls?.length ? notify.urls.map((u) => u.url) : notify.url ? [notify.url] : [];
  if (urls.length <= 1) return urls[0] ?? null;
  const cut = (u: string): [string, string] => {
    const i = u.lastIndexOf('/');
    return [u.slice(0, i + 1), u.slice(i + 1)];
  };
  const [base] = cut(urls[0] ?? '');
  const tails = urls.map(cut);
  if (tails.every(([b, tail]) => b === base && tail !== '')) return `${base}{${tails.map(([, tail]) => tail).join(',')}}`;
  return urls.join(' · ');
}

/** localtunnel subdomains as main checks them ('' = a random one). */
export const isValidSubdomain = isTunnelSubdomain;

/** The tunnel server (localtunnel's `host`): an http(s) origin without a path, as main checks it. */
export function isValidTunnelHost(value: string): boolean {
  return validateTunnelHost(value).ok;
}

/** A custom notify base URL: absolute http(s), a host, no credentials, query or fragment (main's check). */
export function isValidCustomUrl(value: string): boolean {
  return validateCustomNotifyUrl(value).ok;
}
