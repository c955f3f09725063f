/**
 * status.get: what the cashier must know about the running console — provider, notify path and the
 * bilingual warnings (keys missing, notify unreachable → polling, settings pending a restart).
 */
import type { Environment, StatusDto } from '../../shared/contract';
import type { NotifyEndpointState } from '../tunnel/notify-endpoint';
import type { Settings } from './settings';

/**
 * The settings the running payment core was built from (changing them needs a restart). Notify settings
 * are not among them: they apply live, so `settings` always holds the ones in effect.
 */
export interface RunningConfig {
  environment: Environment;
  /** The Alipay account the core was built with (outside demo; demo uses the emulator's). */
  alipay: { appId: string; sellerId: string };
  /** The WeChat Pay account the core was built with (outside demo). */
  wechat: { mchId: string; appId: string; merchantSerialNo: string; publicKeyId: string };
  orderExpiryMinutes: number;
}

export interface StatusFacts {
  running: RunningConfig;
  /** null when the core is enabled, else why it is not (bilingual). */
  disabledReason: string | null;
  emulatorUrl: string | null;
  /**
   * The live notify endpoint (loopback / tunnel / custom / none) with `url` the first hosted provider's
   * notify URL and `hosted` every hosted provider's (absent: Alipay alone); null while the core is not running.
   */
  notify: (NotifyEndpointState & { hosted?: { provider: string; url: string }[] }) | null;
  lastNotificationAt: number | null;
  /** Persisted settings now (may differ from `running`). */
  settings: Settings;
  /** The start-up override of the environment (command line / environment variable), if any. */
  environmentOverride: Environment | null;
  settingsProblem: string | null;
  /** Keys were imported while the core runs with the previous ones. */
  keysChanged?: boolean;
  /** Key problems everyone must see (unusable vault, old key files not migrated) — bilingual; the vault backend's own warnings are shown in Settings only. */
  keyWarnings?: string[];
  /** Each provider's readiness in the running environment (default: Alipay as the core, WeChat Pay not hosted). */
  providers?: StatusDto['providers'];
  /** From the payments: orders paid after a cancel, notifications refused for their seller id (bilingual). */
  paymentWarnings?: string[];
}

export const RESTART_NOTE = '服务商或 AppID 的设置已保存，重启 PayDesk 后生效 / Provider or app id settings are saved and take effect after PayDesk restarts';

export const KEYS_RESTART_NOTE = '新密钥已保存，重启 PayDesk 后用于收款 / The new keys are saved and are used for payments after PayDesk restarts';

/**
 * Which persisted settings differ from what the core runs with. Notify settings are not among them:
 * they apply live (the console swaps the notify endpoint).
 */
export function pendingRestart(facts: Pick<StatusFacts, 'running' | 'settings' | 'environmentOverride'>): boolean {
  const { running, settings } = facts;
  const wanted = facts.environmentOverride ?? settings.environment;
  if (wanted !== running.environment) return true;
  if (running.orderExpiryMinutes !== settings.orderExpiryMinutes) return true;
  // app id / seller id only matter for a real provider (demo mode uses the emulator's).
  if (running.environment !== 'demo' && (running.alipay.appId !== settings.alipay.appId || running.alipay.sellerId !== settings.alipay.sellerId)) {
    return true;
  }
  const w = settings.wechat;
  const r = running.wechat;
  if (
    running.environment !== 'demo' &&
    (r.mchId !== w.mchId || r.appId !== w.appId || r.merchantSerialNo !== w.merchantSerialNo || r.publicKeyId !== w.publicKeyId)
  ) {
    return true;
  }
  return false;
}

export function buildStatus(facts: StatusFacts): StatusDto {
  const warnings: string[] = [];
  if (facts.settingsProblem) warnings.push(facts.settingsProblem);
  if (facts.disabledReason) warnings.push(facts.disabledReason);
  if (pendingRestart(facts)) warnings.push(RESTART_NOTE);
  if (facts.keysChanged && !facts.disabledReason) warnings.push(KEYS_RESTART_NOTE);
  for (const w of facts.keyWarnings ?? []) if (!warnings.includes(w)) warnings.push(w);
  if (facts.environmentOverride && facts.environmentOverride !== facts.settings.environment) {
    warnings.push(
      `本次运行的支付环境由启动参数指定为 ${facts.environmentOverride} / This run's environment is set to ${facts.environmentOverride} by a start-up option`,
    );
  }
  const notify = notifyView(facts);
  if (notify.warning) warnings.push(notify.warning);
  // A late payment is money the cashier may have to give back: first in the list.
  warnings.unshift(...(facts.paymentWarnings ?? []).filter((w) => !warnings.includes(w)));
  return {
    environment: facts.running.environment,
    emulatorUrl: facts.emulatorUrl,
    notify: {
      mode: facts.settings.notifyMode,
      url: notify.url,
      urls: notify.url === null ? [] : (facts.notify?.hosted ?? [{ provider: 'alipay', url: notify.url }]),
      reachability: notify.reachability,
      detail: notify.detail,
    },
    lastNotificationAt: facts.lastNotificationAt,
    providers: facts.providers ?? [
      { id: 'alipay', ready: facts.disabledReason === null, reason: facts.disabledReason },
      { id: 'wechat', ready: false, reason: '微信支付未启用 / WeChat Pay is not enabled' },
    ],
    warnings,
  };
}

interface NotifyView {
  url: string | null;
  reachability: StatusDto['notify']['reachability'];
  detail: string | null;
  warning: string | null;
}

const POLLING_ZH = '支付结果通过查询确认（稍慢）';
const POLLING_EN = 'payments are confirmed by polling (slower)';

function notifyView(facts: StatusFacts): NotifyView {
  const { running, notify } = facts;
  if (facts.disabledReason || !notify) {
    return { url: null, reachability: 'disabled', detail: '支付未启用 / Payments are disabled', warning: null };
  }
  switch (notify.mode) {
    case 'none':
      return {
        url: null,
        reachability: 'disabled',
        detail: '不接收通知，仅靠查询确认支付 / No notifications: payments are confirmed by polling',
        warning: null,
      };
    case 'loopback': {
      if (running.environment === 'demo') {
        return {
          url: notify.url,
          reachability: 'reachable',
          detail: '本机通知地址，内置模拟器可直接访问 / Loopback notify URL, reachable by the embedded emulator',
          warning: null,
        };
      }
      const [zh, en] = providerNames(notify.hosted?.map((h) => h.provider) ?? ['alipay']);
      return {
        url: notify.url,
        reachability: 'unreachable',
        detail: `本机通知地址，${zh}无法访问 / Loopback notify URL: ${en} cannot reach it`,
        warning: `${zh}无法访问本机通知地址（请在设置中改用内网穿透或自定义地址），${POLLING_ZH} / ${en} cannot reach the loopback notify URL (switch to localtunnel or a custom URL in Settings): ${POLLING_EN}`,
      };
    }
    case 'localtunnel':
    case 'custom': {
      const name = notify.mode === 'localtunnel' ? ['内网穿透', 'The tunnel'] : ['自定义通知地址', 'The custom notify URL'];
      const warning = notify.reachability === 'unreachable' ? `${name[0]}当前不可达，${POLLING_ZH} / ${name[1]} is not reachable now: ${POLLING_EN}` : null;
      return { url: notify.url, reachability: notify.reachability, detail: notify.detail, warning };
    }
  }
}

const PROVIDER_NAMES: Record<string, [string, string]> = { alipay: ['支付宝', 'Alipay'], wechat: ['微信支付', 'WeChat Pay'] };

/** The hosted providers as a warning names them (支付宝和微信支付 / Alipay and WeChat Pay); none or an unknown one: 支付机构. */
export function providerNames(ids: readonly string[]): [string, string] {
  const names = ids.map((id) => PROVIDER_NAMES[id]);
  if (names.length === 0 || names.some((n) => n === undefined)) return ['支付机构', 'The payment provider'];
  const known = names as [string, string][];
  return [known.map((n) => n[0]).join('和'), known.map((n) => n[1]).join(' and ')];
}
