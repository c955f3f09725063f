/**
 * The status' notify line names what is true: every hosted provider's notify URL (not only Alipay's),
 * and a loopback notify path outside demo mode is reported unreachable for the providers actually
 * hosted (支付宝 / 微信支付 / both), or provider-neutrally for one this version has no name for.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/main/console/settings';
import { buildStatus, type StatusFacts } from '../../src/main/console/status';

const BASE = 'http://127.0.0.1:40001';

function facts(hosted: string[] | undefined, environment: 'demo' | 'sandbox' = 'sandbox'): StatusFacts {
  const urls = hosted?.map((provider) => ({ provider, url: `${BASE}/notify/${provider}` }));
  return {
    running: {
      environment,
      alipay: { appId: '', sellerId: '' },
      wechat: { mchId: '', appId: '', merchantSerialNo: '', publicKeyId: '' },
      orderExpiryMinutes: DEFAULT_SETTINGS.orderExpiryMinutes,
    },
    disabledReason: null,
    emulatorUrl: null,
    notify: {
      mode: 'loopback',
      url: urls?.[0]?.url ?? `${BASE}/notify/alipay`,
      reachability: 'reachable',
      detail: null,
      ...(urls ? { hosted: urls } : {}),
    },
    lastNotificationAt: null,
    settings: { ...DEFAULT_SETTINGS, environment, notifyMode: 'loopback' },
    environmentOverride: null,
    settingsProblem: null,
  };
}

describe('status notify: every hosted provider', () => {
  it('both hosted → both notify URLs, the warning and the detail name 支付宝和微信支付 / Alipay and WeChat Pay', () => {
    const s = buildStatus(facts(['alipay', 'wechat']));
    expect(s.notify.url).toBe(`${BASE}/notify/alipay`);
    expect(s.notify.urls).toEqual([
      { provider: 'alipay', url: `${BASE}/notify/alipay` },
      { provider: 'wechat', url: `${BASE}/notify/wechat` },
    ]);
    expect(s.notify.reachability).toBe('unreachable');
    expect(s.notify.detail).toBe('本机通知地址，支付宝和微信支付无法访问 / Loopback notify URL: Alipay and WeChat Pay cannot reach it');
    expect(s.warnings).toEqual([
      expect.stringMatching(/^支付宝和微信支付无法访问本机通知地址.* \/ Alipay and WeChat Pay cannot reach the loopback notify URL/),
    ]);
  });

  it('WeChat Pay alone → its URL, and the warning does not blame Alipay', () => {
    const s = buildStatus(facts(['wechat']));
    expect(s.notify).toMatchObject({ url: `${BASE}/notify/wechat`, urls: [{ provider: 'wechat', url: `${BASE}/notify/wechat` }] });
    expect(s.warnings.join()).not.toMatch(/支付宝|Alipay/);
    expect(s.warnings).toEqual([expect.stringMatching(/^微信支付无法访问本机通知地址.* \/ WeChat Pay cannot reach/)]);
  });

  it('a provider without a name here → provider-neutral wording; no hosted list (an older caller) → Alipay as before', () => {
    expect(buildStatus(facts(['alipay', 'toypay'])).warnings).toEqual([
      expect.stringMatching(/^支付机构无法访问本机通知地址.* \/ The payment provider cannot reach/),
    ]);
    const old = buildStatus(facts(undefined));
    expect(old.notify.urls).toEqual([{ provider: 'alipay', url: `${BASE}/notify/alipay` }]);
    expect(old.warnings).toEqual([expect.stringMatching(/^支付宝无法访问本机通知地址/)]);
  });

  it('demo loopback is reachable (no warning); no notify URL → no URLs', () => {
    const demo = buildStatus(facts(['alipay', 'wechat'], 'demo'));
    expect(demo.notify).toMatchObject({ reachability: 'reachable', urls: [{ provider: 'alipay' }, { provider: 'wechat' }] });
    expect(demo.warnings).toEqual([]);
    const f = facts(['alipay', 'wechat']);
    const none = buildStatus({ ...f, notify: { mode: 'none', url: null, reachability: 'disabled', detail: null, hosted: [] } });
    expect(none.notify).toMatchObject({ url: null, urls: [] });
  });
});
