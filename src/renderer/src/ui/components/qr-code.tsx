import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code drawn as an SVG data URL (CSP: img-src data:) — no canvas, no network. */
export function QrCode({ text, size = 300, testId = 'order-qr', alt }: { text: string; size?: number; testId?: string; alt: string }): React.JSX.Element {
  const [src, setSrc] = useState<string | null>(null);
  /** Modules per side (21 = version 1 … 177 = version 40): how hard the code is for a phone to read. */
  const [modules, setModules] = useState(0);
  useEffect(() => {
    let live = true;
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => live && setSrc(null));
    try {
      setModules(QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size);
    } catch {
      setModules(0);
    }
    return () => {
      live = false;
    };
  }, [text]);
  if (!src) return <div className="pd-qr pd-qr-placeholder" style={{ width: size, height: size }} />;
  return <img data-testid={testId} data-modules={modules} className="pd-qr" src={src} width={size} height={size} alt={alt} />;
}
