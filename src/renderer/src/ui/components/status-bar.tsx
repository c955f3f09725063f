import { Alert, Badge, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StatusDto } from '../../../../shared/contract';
import { localMessage } from '../i18n';
import { formatListTime } from '../lib/format';
import { describeNotify } from '../lib/notify';

const MODE_COLORS: Record<StatusDto['environment'], string> = { demo: 'purple', sandbox: 'orange', production: 'green' };

/** Bottom bar: environment, notify reachability, last notification, connection to the service. */
export function StatusBar({ status, online }: { status: StatusDto | null; online: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <footer className="pd-statusbar" data-testid="status-bar">
      {status && (
        <>
          <Tag color={MODE_COLORS[status.environment]} data-testid="provider-mode" data-mode={status.environment}>
            {t(`mode.${status.environment}`)}
          </Tag>
          <NotifyState notify={status.notify} />
          <span className="pd-muted" data-testid="last-notify">
            {t('bar.lastNotify')}: {status.lastNotificationAt ? formatListTime(status.lastNotificationAt) : t('bar.never')}
          </span>
        </>
      )}
      <span className="pd-statusbar-right" data-testid="connection" data-state={online ? 'online' : 'offline'}>
        <Badge status={online ? 'success' : 'error'} text={t(online ? 'bar.online' : 'bar.offline')} />
      </span>
    </footer>
  );
}

/**
 * 通知：隧道在线 https://x.loca.lt ✓可达 / 通知：隧道连接中… / 通知：隧道离线，轮询确认中 — the live notify path
 * (status.changed pushes every change). The URL is cut with an ellipsis on narrow windows; `detail`
 * (why it is offline, what is being checked) is the tooltip.
 */
function NotifyState({ notify }: { notify: StatusDto['notify'] }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const view = describeNotify(notify);
  const reach = view.reach ? t(`bar.reach.${view.reach}`) : '';
  const detail = notify.detail ? localMessage(notify.detail, i18n.language) : undefined;
  const full = [`${t('bar.notify')}${t(`bar.state.${view.kind}`)}`, view.url, reach].filter(Boolean).join(' ');
  return (
    <span
      className="pd-notify-state"
      data-testid="notify-state"
      data-state={view.kind}
      data-reachability={notify.reachability}
      title={detail ? `${full}\n${detail}` : full}
    >
      <Badge status={view.badge} />
      <span className="pd-notify-text">
        {t('bar.notify')}
        <span data-testid="notify-kind">{t(`bar.state.${view.kind}`)}</span>
        {view.url && (
          <>
            {' '}
            <span className="pd-notify-url pd-mono" data-testid="notify-url">
              {view.url}
            </span>
          </>
        )}
        {reach && (
          <>
            {' '}
            <span data-testid="notify-reach">{reach}</span>
          </>
        )}
      </span>
    </span>
  );
}

/**
 * The banner at the top when something needs attention (status.warnings), or the service is gone. In the
 * browser host, `reauth` (the token was refused: the host restarted with a new one) and a lost connection
 * (it may have restarted on another port) both say to reopen the page from the URL printed at start-up.
 */
export function AttentionBanner({
  status,
  online,
  reauth = false,
  browserHost = false,
}: {
  status: StatusDto | null;
  online: boolean;
  reauth?: boolean;
  browserHost?: boolean;
}): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  if (reauth) return <Alert type="error" showIcon banner title={t('app.reauth')} data-testid="reauth-banner" />;
  if (!online) return <Alert type="error" showIcon banner title={t(browserHost ? 'app.offlineBrowser' : 'app.offline')} data-testid="offline-banner" />;
  if (!status || status.warnings.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      banner
      data-testid="warnings"
      title={
        <span>
          <b>{t('bar.attention')}：</b>
          {status.warnings.map((w) => localMessage(w, i18n.language)).join('；')}
        </span>
      }
    />
  );
}
