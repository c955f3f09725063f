/**
 * status.get: what the cashier must know about the running console — provider, notify path and the
 * bilingual warnings (keys missing, notify unreachable → polling, settings pending a restart).
 */
import type { NotifyMode, ProviderMode, StatusDto } from '../../shared/contract';
import type { Settings } from './settings';

/** The settings the running payment core was built from (changing them needs a restart). */
export interface RunningConfig {
  providerMode: ProviderMode;
  appId: string;
  sellerId: string;
  notifyMode: NotifyMode;
  customNotifyUrl: string;
  orderExpiryMinutes: number;
}

export interface StatusFacts {
  running: RunningConfig;
  /** null when the core is enabled, else why it is not (bilingual). */
  disabledReason: string | null;
  emulatorUrl: string | null;
  notifyUrl: string | null;
  lastNotificationAt: number | null;
  /** Persisted settings now (may differ from `running`). */
  settings: Settings;
  /** The --provider override, if any. */
  providerOverride: ProviderMode | null;
  settingsProblem: string | null;
}

export const RESTART_NOTE =
  '服务商或通知设置已保存，重启 PayDesk 后生效 / Provider and notify settings are saved and take effect after PayDesk restarts';

/** Which persisted settings differ from what the core runs with. */
export function pendingRestart(facts: Pick<StatusFacts, 'running' | 'settings' | 'providerOverride'>): boolean {
  const { running, settings } = facts;
  const wantedMode = facts.providerOverride ?? settings.providerMode;
  if (wantedMode !== running.providerMode) return true;
  if (running.notifyMode !== settings.notifyMode || running.orderExpiryMinutes !== settings.orderExpiryMinutes) {
    return true;
  }
  if (running.notifyMode === 'custom' && running.customNotifyUrl !== settings.customNotifyUrl) return true;
  // app id / seller id only matter for a real provider (demo mode uses the emulator's).
  if (running.providerMode !== 'demo' && (running.appId !== settings.appId || running.sellerId !== settings.sellerId)) {
    return true;
  }
  return false;
}

export function buildStatus(facts: StatusFacts): StatusDto {
  const warnings: string[] = [];
  if (facts.settingsProblem) warnings.push(facts.settingsProblem);
  if (facts.disabledReason) warnings.push(facts.disabledReason);
  if (pendingRestart(facts)) warnings.push(RESTART_NOTE);
  if (facts.providerOverride && facts.providerOverride !== facts.settings.providerMode) {
    warnings.push(
      `本次运行的服务商模式由启动参数指定为 ${facts.providerOverride} / This run's provider mode is set to ${facts.providerOverride} by a start-up option`,
    );
  }
  const notify = notifyStatus(facts);
  if (notify.warning) warnings.push(notify.warning);
  return {
    providerMode: facts.running.providerMode,
    emulatorUrl: facts.emulatorUrl,
    notify: {
      mode: facts.running.notifyMode,
      url: facts.disabledReason ? null : facts.notifyUrl,
      reachability: notify.reachability,
      detail: notify.detail,
    },
    lastNotificationAt: facts.lastNotificationAt,
    warnings,
  };
}

interface NotifyView {
  reachability: StatusDto['notify']['reachability'];
  detail: string | null;
  warning: string | null;
}

function notifyStatus(facts: StatusFacts): NotifyView {
  const { running } = facts;
  if (facts.disabledReason) {
    return { reachability: 'disabled', detail: '支付未启用 / Payments are disabled', warning: null };
  }
  if (running.notifyMode === 'none' || facts.notifyUrl === null) {
    return {
      reachability: 'disabled',
      detail: '不接收通知，仅靠查询确认支付 / No notifications: payments are confirmed by polling',
      warning: null,
    };
  }
  const tunnelMissing =
    running.notifyMode === 'localtunnel'
      ? '内网穿透（localtunnel）尚未提供，改用本机通知地址 / localtunnel is not available yet; using the loopback notify URL'
      : null;
  if (running.notifyMode === 'custom') {
    return {
      reachability: 'unknown',
      detail: '自定义通知地址，可达性未检查 / Custom notify URL; reachability not checked',
      warning: null,
    };
  }
  // loopback (or localtunnel falling back to it)
  if (running.providerMode === 'demo') {
    return {
      reachability: 'reachable',
      detail: '本机通知地址，内置模拟器可直接访问 / Loopback notify URL, reachable by the embedded emulator',
      warning: tunnelMissing,
    };
  }
  return {
    reachability: 'unreachable',
    detail: '本机通知地址，支付宝无法访问 / Loopback notify URL: Alipay cannot reach it',
    warning:
      tunnelMissing ??
      '支付宝无法访问本机通知地址，支付结果通过查询确认（稍慢） / Alipay cannot reach the loopback notify URL: payments are confirmed by polling (slower)',
  };
}
