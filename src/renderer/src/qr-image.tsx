import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/**
 * The order's QR code, drawn here as an SVG data URL (CSP: img-src data:) — no canvas, no network.
 */
export function QrImage({ text, size = 280 }: { text: string; size?: number }): React.JSX.Element | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((svg) => {
        if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
  }, [text]);
  if (!src) return null;
  return <img data-testid="order-qr" className="qr" src={src} width={size} height={size} alt="支付二维码 / payment QR code" />;
}
