import { App as AntApp, Button, ConfigProvider, Result, Spin, Tabs } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { ConsoleApi, ErrorInfo, Language, SettingsDto, ShiftDto, StatusDto } from '../../../shared/contract';
import { link } from '../api/link';
import { ShortcutSheet } from './components/shortcut-sheet';
import { AttentionBanner, StatusBar } from './components/status-bar';
import { ConsoleContext, type ConsoleContextValue } from './hooks/console-context';
import { useAnnounce } from './hooks/use-announce';
import { useScanner, type ScannerOutcome } from './hooks/use-scanner';
import { createI18n, localMessage } from './i18n';
import { onAnnounce } from './lib/voice';
import { SCAN_GAP_MS } from '../../../shared/contract';
import { CheckoutScreen } from './screens/checkout-screen';
import { OrdersScreen } from './screens/orders-screen';
import { SettingsScreen } from './screens/settings-screen';
import { TodayScreen } from './screens/today-screen';
import { ShiftScreen } from './screens/shift-screen';
import { DutyBadge } from './components/duty-badge';
import { AutoPrint } from './receipt/use-receipt';
import './console.css';

const TABS = ['checkout', 'orders', 'today', 'shift', 'settings'] as const;
type TabKey = (typeof TABS)[number];

/**
 * The counter console: 收款 / 订单 / 今日 / 交班 / 设置 with a status bar. `data-app-state` is `loading` until
 * status.get answered, then `ready` (tests wait on it), or `error` when the service cannot be reached.
 */
export function ConsoleApp({ api, initialLanguage }: { api: ConsoleApi; initialLanguage?: Language }): React.JSX.Element {
  const i18n = useMemo(() => createI18n(initialLanguage), [initialLanguage]);
  const [lng, setLng] = useState(i18n.language);
  useEffect(() => {
    const on = (l: string): void => setLng(l);
    i18n.on('languageChanged', on);
    return () => i18n.off('languageChanged', on);
  }, [i18n]);
  useEffect(() => {
    document.documentElement.lang = lng;
  }, [lng]);
  return (
    <I18nextProvider i18n={i18n}>
      <ConfigProvider locale={lng === 'en' ? enUS : zhCN} button={{ autoInsertSpace: false }} theme={{ token: { colorPrimary: '#1677ff', fontSize: 15 } }}>
        <AntApp>
          <Shell api={api} />
        </AntApp>
      </ConfigProvider>
    </I18nextProvider>
  );
}

function Shell({ api }: { api: ConsoleApi }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<StatusDto | null>(null);
  const [settings, setSettings] = useState<SettingsDto | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [online, setOnline] = useState(true);
  const [tab, setTab] = useState<TabKey>('checkout');
  // The back-office screens mount on their first visit and stay mounted (their state survives a switch):
  // mounting all five at start made 收款 wait about a second for screens nobody was looking at.
  const [visited, setVisited] = useState<ReadonlySet<TabKey>>(() => new Set<TabKey>(['checkout']));
  useEffect(() => setVisited((v) => (v.has(tab) ? v : new Set([...v, tab]))), [tab]);
  const mounted = (k: TabKey): boolean => k === tab || visited.has(k);
  const [duty, setDuty] = useState<ShiftDto | null | undefined>(undefined);
  // The browser host's connection (event stream, refused token); always 'up' inside Electron.
  const linkState = useSyncExternalStore(link.subscribe, link.get);
  const connected = online && linkState === 'up';

  const start = useCallback(async () => {
    setFailure(null);
    const [s, st] = await Promise.all([api.statusGet({}), api.settingsGet({})]);
    if (!s.ok) return setFailure(s.error.message);
    setStatus(s.value);
    setOnline(true);
    if (st.ok) {
      setSettings(st.value);
      if (st.value.language !== i18n.language) void i18n.changeLanguage(st.value.language);
    }
  }, [api, i18n]);

  useEffect(() => {
    void start();
    return api.onStatusChanged((next) => (setStatus(next), setOnline(true)));
  }, [api, start]);

  // Offline: a NETWORK failure turns the banner on; status.get is retried until the service answers.
  useEffect(() => {
    const timer = setInterval(
      () => {
        void api.statusGet({}).then((r) => {
          if (r.ok) return (setStatus(r.value), setOnline(true));
          if (r.error.code === 'NETWORK') setOnline(false);
        });
      },
      connected ? 10_000 : 3_000,
    );
    return () => clearInterval(timer);
  }, [api, connected]);

  // Alt+1..5 switch screens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const i = ['1', '2', '3', '4', '5'].indexOf(e.key);
      const tabKey = TABS[i >= 0 ? i : ['Digit1', 'Digit2', 'Digit3', 'Digit4', 'Digit5'].indexOf(e.code)];
      if (tabKey) {
        e.preventDefault();
        setTab(tabKey);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Scanner input, wherever the focus is: a 付款码 goes to 收款 (never into a field); other bursts are dropped.
  const { message } = AntApp.useApp();
  const [scan, setScan] = useState<{ code: string; seq: number } | null>(null);
  useScanner(settings?.scanMaxGapMs ?? SCAN_GAP_MS.default, (outcome: ScannerOutcome) => {
    if (outcome.kind === 'rejected')
      return void message.warning({ content: <span data-testid="scan-toast">{t('counter.scanNotCode', { length: outcome.length })}</span>, key: 'scan' });
    if (dialogOpen()) return void message.warning({ content: <span data-testid="scan-toast">{t('counter.scanDialogOpen')}</span>, key: 'scan' });
    if (!status) return;
    if (tab !== 'checkout') {
      setTab('checkout');
      void message.info({ content: <span data-testid="scan-toast">{t('counter.scanOtherScreen')}</span>, key: 'scan' });
    }
    setScan((s) => ({ code: outcome.code, seq: (s?.seq ?? 0) + 1 }));
  });

  const reportError = useCallback((error: ErrorInfo) => {
    if (error.code === 'NETWORK') setOnline(false);
  }, []);

  const ctx = useMemo<ConsoleContextValue>(() => ({ api, status, settings, setSettings, reportError }), [api, status, settings, reportError]);

  const switchLanguage = (): void => {
    const next: Language = i18n.language === 'en' ? 'zh-CN' : 'en';
    void i18n.changeLanguage(next);
    void api.settingsUpdate({ language: next }).then((r) => r.ok && setSettings(r.value));
  };
  const toggleVoice = (): void => {
    if (!settings) return;
    setSettings({ ...settings, voice: !settings.voice });
    void api.settingsUpdate({ voice: !settings.voice }).then((r) => (r.ok ? setSettings(r.value) : reportError(r.error)));
  };

  const state = status ? 'ready' : failure ? 'error' : 'loading';
  return (
    <ConsoleContext.Provider value={ctx}>
      <div className="pd-app" data-app-state={state} data-lang={i18n.language}>
        <header className="pd-header">
          <h1 className="pd-title">{t('app.title')}</h1>
          <Tabs
            className="pd-tabs"
            activeKey={tab}
            onChange={(k) => setTab(k as TabKey)}
            items={TABS.map((k, i) => ({
              key: k,
              label: (
                <span data-testid={`tab-${k}`} title={`Alt+${i + 1}`}>
                  {t(`tabs.${k}`)}
                </span>
              ),
            }))}
          />
          <div className="pd-header-actions">
            {status && <DutyBadge api={api} duty={duty} onDuty={setDuty} onOpen={() => setTab('shift')} />}
            {settings && (
              <Button data-testid="voice-toggle" data-voice={settings.voice ? 'on' : 'off'} onClick={toggleVoice}>
                <SpeakerIcon on={settings.voice} /> {t(settings.voice ? 'app.voiceOn' : 'app.voiceOff')}
              </Button>
            )}
            <Button data-testid="lang-switch" onClick={switchLanguage}>
              {t('app.langSwitch')}
            </Button>
            <ShortcutSheet />
          </div>
        </header>
        <AttentionBanner status={status} online={connected} reauth={linkState === 'unauthorized'} browserHost={window.paydesk === undefined} />
        <main className="pd-main">
          {state === 'loading' && (
            <div className="pd-center" data-testid="app-loading">
              <Spin size="large" />
              <div>{t('app.loading')}</div>
            </div>
          )}
          {state === 'error' && (
            <Result
              status="error"
              title={t('app.startFailed')}
              subTitle={<span data-testid="app-error">{localMessage(failure ?? '', i18n.language)}</span>}
              extra={
                <Button type="primary" onClick={() => void start()}>
                  {t('app.retry')}
                </Button>
              }
            />
          )}
          {status && (
            <>
              <div hidden={tab !== 'checkout'}>
                <CheckoutScreen active={tab === 'checkout'} scan={scan} />
              </div>
              <div hidden={tab !== 'orders'}>{mounted('orders') && <OrdersScreen active={tab === 'orders'} />}</div>
              <div hidden={tab !== 'today'}>{mounted('today') && <TodayScreen active={tab === 'today'} />}</div>
              <div hidden={tab !== 'shift'}>{mounted('shift') && <ShiftScreen active={tab === 'shift'} onDuty={setDuty} />}</div>
              <div hidden={tab !== 'settings'}>{mounted('settings') && <SettingsScreen />}</div>
              <PaidAnnouncer api={api} />
              <AutoPrint />
            </>
          )}
        </main>
        <StatusBar status={status} online={connected} />
      </div>
    </ConsoleContext.Provider>
  );
}

/** A speaker glyph drawn inline (no icon font, no emoji font needed). */
function SpeakerIcon({ on }: { on: boolean }): React.JSX.Element {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" className="pd-icon">
      <path d="M2 6h3l4-3v10l-4-3H2z" fill="currentColor" />
      {on ? (
        <path d="M11 5.5a3.5 3.5 0 0 1 0 5M12.5 3.5a6 6 0 0 1 0 9" stroke="currentColor" strokeWidth="1.4" fill="none" strokeLinecap="round" />
      ) : (
        <path d="M11 6l4 4M15 6l-4 4" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
      )}
    </svg>
  );
}

/** An antd modal or drawer is open (a scan must not act behind it, nor confirm it). */
function dialogOpen(): boolean {
  const wraps = [...document.querySelectorAll<HTMLElement>('.ant-modal-wrap')].some((w) => w.style.display !== 'none');
  return wraps || document.querySelector('.ant-drawer-open') !== null;
}

/** How long the 收款成功 toast stays. */
const PAID_TOAST_MS = 5_000;

/**
 * Announces every payment once (whichever screen is open): voice, a toast, and a live region.
 * After a reload a payment that arrives is announced the same way (the waiting order is restored on 收款).
 */
function PaidAnnouncer({ api }: { api: ConsoleApi }): React.JSX.Element {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const [last, setLast] = useState<{ text: string; count: number }>({ text: '', count: 0 });
  const [toast, setToast] = useState<{ orderId: string; amount: string; count: number } | null>(null);
  useEffect(
    () =>
      onAnnounce((text, orderId, amount) => {
        setLast((l) => ({ text, count: l.count + 1 }));
        setToast((prev) => ({ orderId, amount, count: (prev?.count ?? 0) + 1 }));
      }),
    [],
  );
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), PAID_TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);
  useEffect(
    () =>
      api.onOrderUpdated((o) => {
        if (o.status === 'PAID') announce(o);
      }),
    [api, announce],
  );
  return (
    <>
      <div className="pd-sr-only" aria-live="assertive" data-testid="announcement" data-count={last.count}>
        {last.text}
      </div>
      {/* A compact toast at the top right, just under the header: over no tab, button or field (the live region above speaks it). */}
      {toast && (
        <div className="pd-paid-toast" aria-hidden="true" data-testid="paid-toast-box">
          <span className="pd-paid-toast-icon">✓</span>
          <span data-testid="paid-toast" data-order-id={toast.orderId}>
            {t('counter.paidToast', { amount: toast.amount })}
          </span>
        </div>
      )}
    </>
  );
}
