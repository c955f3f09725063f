/**
 * 客显: the customer-facing page (`?view=display`), in the same bundle as the counter. It shows what main
 * keeps for it (display.get, then display.updated): idle (the merchant's picture if one is set, the shop
 * name, 欢迎光临), a sale awaiting payment
 * (the amount huge, the QR(s) large in the provider's colour, or 付款码 guidance), 支付成功 with the amount.
 * Chinese first, English small beneath; no buttons and no cursor (a customer only looks at it). It uses
 * only display.get, display.picture and onDisplayUpdated: the capability it is given allows nothing else.
 */
import { useEffect, useRef, useState } from 'react';
import type { ConsoleApi, DisplayPictureDto, DisplayQrDto, DisplayStateDto } from '../../../shared/contract';
import { providerColor, ProviderLogo } from '../ui/components/method-logo';
import { QrCode } from '../ui/components/qr-code';
import './display.css';

/** What the display needs of the API (and all the display capability allows). */
export type DisplayApi = Pick<ConsoleApi, 'displayGet' | 'displayPicture' | 'onDisplayUpdated'>;

/** Re-read the state this often too: an event missed while the stream reconnected is caught up. */
const REFRESH_MS = 5_000;

const SCAN_TEXT: Record<string, { zh: string; en: string }> = {
  alipay: { zh: '请使用支付宝扫码', en: 'Scan with Alipay' },
  wechat: { zh: '请使用微信扫码', en: 'Scan with WeChat' },
};
const PAID_WITH: Record<string, string> = { alipay: '支付宝', wechat: '微信支付' };

export function DisplayPage({ api, refreshMs = REFRESH_MS }: { api: DisplayApi; refreshMs?: number }): React.JSX.Element {
  const [state, setState] = useState<DisplayStateDto | null>(null);
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    document.title = '客显 · PayDesk';
  }, []);
  useEffect(() => {
    let live = true;
    const off = api.onDisplayUpdated((next) => {
      if (!live) return;
      setState(next);
      setOffline(false);
    });
    const read = async (): Promise<void> => {
      const r = await api.displayGet({});
      if (!live) return;
      if (r.ok) setState(r.value);
      setOffline(!r.ok);
    };
    void read();
    const timer = setInterval(() => void read(), refreshMs);
    return () => {
      live = false;
      off();
      clearInterval(timer);
    };
  }, [api, refreshMs]);

  const picture = useIdlePicture(api, state?.kind === 'idle' ? state.pictureId : undefined, refreshMs);

  return (
    <main className="pd-display" data-testid="customer-display" data-display-state={state?.kind ?? 'loading'}>
      {state === null ? <Idle shopName="" picture={null} /> : <Screen state={state} picture={picture} />}
      {offline && (
        <div className="pd-display-offline" data-testid="display-offline">
          客显未连接收银台 · Not connected to the counter
        </div>
      )}
    </main>
  );
}

/**
 * The idle picture `pictureId` names, fetched once per id (display.picture) and kept while the display
 * shows a sale, so idle returns with it at once. undefined = not idle now: keep what we have. A fetch that
 * fails (the counter away) is tried again after `retryMs`.
 */
function useIdlePicture(api: DisplayApi, pictureId: string | null | undefined, retryMs: number): DisplayPictureDto | null {
  const [picture, setPicture] = useState<DisplayPictureDto | null>(null);
  const [attempt, setAttempt] = useState(0);
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (pictureId === undefined || pictureId === asked.current) return;
    asked.current = pictureId;
    if (pictureId === null) {
      setPicture(null);
      return;
    }
    let retry: ReturnType<typeof setTimeout> | undefined;
    void api.displayPicture({}).then((r) => {
      if (asked.current !== pictureId) return;
      if (r.ok) {
        setPicture(r.value);
      } else {
        asked.current = null;
        retry = setTimeout(() => setAttempt((n) => n + 1), retryMs);
      }
    });
    return () => clearTimeout(retry);
  }, [api, pictureId, retryMs, attempt]);
  return picture;
}

function Screen({ state, picture }: { state: DisplayStateDto; picture: DisplayPictureDto | null }): React.JSX.Element {
  switch (state.kind) {
    case 'idle':
      return <Idle shopName={state.shopName} picture={picture} />;
    case 'awaiting':
      return (
        <section className="pd-display-awaiting">
          <div className="pd-display-shop">{state.shopName}</div>
          <div className="pd-display-label">
            应付金额 <small>Amount due</small>
          </div>
          <div className="pd-display-amount" data-testid="display-amount">
            ¥{state.amount}
          </div>
          {state.method === 'qr' ? (
            <div className={`pd-display-qrs pd-display-qrs-${state.qrs.length}`}>
              {state.qrs.map((qr) => (
                <QrCard key={qr.provider} qr={qr} size={state.qrs.length > 1 ? 300 : 380} />
              ))}
            </div>
          ) : (
            <div className="pd-display-hint" data-testid="display-code-hint">
              {state.userPaying ? '请在手机上确认付款' : '请出示付款码'}
              <small>{state.userPaying ? 'Please confirm the payment on your phone' : 'Please show your payment code'}</small>
            </div>
          )}
        </section>
      );
    case 'paid':
      return (
        <section className="pd-display-paid" data-testid="display-paid">
          <svg className="pd-display-check" viewBox="0 0 120 120" aria-hidden="true">
            <circle cx="60" cy="60" r="56" fill="#52c41a" />
            <path d="M34 62 L53 80 L88 42" fill="none" stroke="#fff" strokeWidth="10" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <div className="pd-display-paid-title">
            支付成功 <small>Payment successful</small>
          </div>
          <div className="pd-display-amount" data-testid="display-amount">
            ¥{state.amount}
          </div>
          <div className="pd-display-paid-with">
            {PAID_WITH[state.provider] ?? state.provider} · 感谢惠顾 <small>Thank you</small>
          </div>
        </section>
      );
  }
}

function Idle({ shopName, picture }: { shopName: string; picture: DisplayPictureDto | null }): React.JSX.Element {
  // A picture whose pixels the browser cannot decode is left out: the shop name alone, never a broken image.
  const [broken, setBroken] = useState<string | null>(null);
  const show = picture !== null && broken !== picture.id;
  return (
    <section className={`pd-display-idle${show ? ' pd-display-idle-with-picture' : ''}`} data-testid="display-idle">
      {show && (
        <img
          className="pd-display-picture"
          src={picture.dataUrl}
          alt=""
          data-testid="display-picture"
          data-picture-id={picture.id}
          onError={() => setBroken(picture.id)}
        />
      )}
      <div className="pd-display-idle-name" data-testid="display-shop-name">
        {shopName}
      </div>
      <div className="pd-display-welcome">
        欢迎光临 <small>Welcome</small>
      </div>
    </section>
  );
}

function QrCard({ qr, size }: { qr: DisplayQrDto; size: number }): React.JSX.Element {
  const color = providerColor(qr.provider);
  const text = SCAN_TEXT[qr.provider] ?? { zh: `请使用 ${qr.provider} 扫码`, en: `Scan with ${qr.provider}` };
  return (
    <figure className="pd-display-qr" data-testid="display-qr" data-provider={qr.provider} style={{ borderColor: color }}>
      <figcaption style={{ background: color }}>
        <ProviderLogo provider={qr.provider} size={36} />
        <span>
          {text.zh}
          <small>{text.en}</small>
        </span>
      </figcaption>
      <QrCode text={qr.qrCode} size={size} testId="display-qr-image" alt={text.zh} />
    </figure>
  );
}
