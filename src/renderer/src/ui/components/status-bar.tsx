import { Alert, Badge, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StatusDto } from '../../../../shared/contract';
import { localMessage } from '../i18n';
import { formatListTime } from '../lib/format';

const MODE_COLORS: Record<StatusDto['providerMode'], string> = { demo: 'purple', sandbox: 'orange', production: 'green' };
const REACH_BADGE = { reachable: 'success', unreachable: 'error', unknown: 'processing', disabled: 'warning' } as const;

/** Bottom bar: provider mode, notify reachability, last notification, connection to the service. */
export function StatusBar({ status, online }: { status: StatusDto | null; online: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <footer className="pd-statusbar" data-testid="status-bar">
      {status && (
        <>
          <Tag color={MODE_COLORS[status.providerMode]} data-testid="provider-mode" data-mode={status.providerMode}>
            {t(`mode.${status.providerMode}`)}
          </Tag>
          <span data-testid="notify-state" data-reachability={status.notify.reachability}>
            <Badge status={REACH_BADGE[status.notify.reachability]} text={`${t('bar.notify')}: ${t(`bar.reach.${status.notify.reachability}`)}`} />
          </span>
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

/** The banner at the top when something needs attention (status.warnings), or the service is gone. */
export function AttentionBanner({ status, online }: { status: StatusDto | null; online: boolean }): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  if (!online) return <Alert type="error" showIcon banner title={t('app.offline')} data-testid="offline-banner" />;
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
