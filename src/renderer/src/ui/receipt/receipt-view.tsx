/**
 * The receipt (小票) as one narrow column for a 58 mm or 80 mm roll: pure (no antd, no effects), so the
 * same markup renders in the console, in the print view of the browser host, and as static HTML for
 * Electron's hidden print window. Sizes are in millimetres: the column is the printable width, the font
 * 2.5 mm (a 1.5 mm column of a monospace face: 32 columns on 58 mm, 48 on 80 mm), and @page sets the
 * paper so the system print dialog picks the roll (docs/architecture.md, "Receipts (小票)").
 */
import QRCode from 'qrcode';
import { PAPER, type Receipt } from '../../../../shared/receipt';

/** The receipt's own CSS, scoped to .pd-receipt, plus @page for its paper. */
export function receiptCss(receipt: Pick<Receipt, 'paperWidth'>): string {
  const paper = PAPER[receipt.paperWidth];
  return `
@page { size: ${receipt.paperWidth.replace('mm', '')}mm auto; margin: 0; }
.pd-receipt { box-sizing: border-box; width: ${paper.printableMm}mm; margin: 0 auto; padding: 3mm 0 6mm;
  font-family: "Noto Sans Mono CJK SC", "Sarasa Mono SC", "SimHei", ui-monospace, Menlo, Consolas, monospace;
  font-size: 2.5mm; line-height: 1.35; color: #000; background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.pd-receipt * { box-sizing: border-box; }
.pd-receipt h1 { font-size: 3.6mm; font-weight: 700; text-align: center; margin: 0 0 0.5mm; overflow-wrap: anywhere; }
.pd-receipt h2 { font-size: 3mm; font-weight: 700; text-align: center; margin: 0 0 1.5mm; letter-spacing: 0.5mm; }
.pd-receipt .pd-r-row { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1.5mm; }
.pd-receipt .pd-r-row > span:last-child { margin-left: auto; text-align: right; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.pd-receipt .pd-r-big { font-size: 3.4mm; font-weight: 700; }
.pd-receipt .pd-r-rule { border-top: 0.3mm dashed #000; margin: 1.5mm 0; }
.pd-receipt .pd-r-subject { white-space: pre; }
.pd-receipt .pd-r-qr { display: block; margin: 2mm auto 1mm; width: ${paper.qrMm}mm; height: ${paper.qrMm}mm; }
.pd-receipt .pd-r-center { text-align: center; overflow-wrap: anywhere; }
`;
}

function Row({ label, value, big, testId }: { label: string; value: string; big?: boolean; testId?: string }): React.JSX.Element {
  return (
    <div className={big ? 'pd-r-row pd-r-big' : 'pd-r-row'} data-testid={testId}>
      <span>{label}</span>
      <span>{value}</span>
    </div>
  );
}

/** The order number as an SVG QR (one path of dark modules, 4-module quiet zone), drawn synchronously. */
export function ReceiptQr({ text }: { text: string }): React.JSX.Element {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const quiet = 4;
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (qr.modules.get(x, y)) d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  }
  const box = size + quiet * 2;
  return (
    <svg
      className="pd-r-qr"
      data-testid="receipt-qr"
      data-modules={size}
      viewBox={`0 0 ${box} ${box}`}
      shapeRendering="crispEdges"
      role="img"
      aria-label={text}
    >
      <rect width={box} height={box} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

export function ReceiptView({ receipt }: { receipt: Receipt }): React.JSX.Element {
  const refund = receipt.kind === 'refund';
  return (
    <div className="pd-receipt" data-testid="receipt" data-paper={receipt.paperWidth}>
      <style>{receiptCss(receipt)}</style>
      <h1>{receipt.shopName}</h1>
      <h2 data-testid="receipt-title">{receipt.title}</h2>
      <Row label="订单号" value={receipt.orderId} testId="receipt-order" />
      <Row label="交易号" value={receipt.tradeNo} testId="receipt-trade" />
      <Row label="支付方式" value={`${receipt.provider} · ${receipt.method}`} testId="receipt-provider" />
      <Row label="支付时间" value={receipt.paidAt} />
      <div className="pd-r-rule" />
      <div className="pd-r-subject" data-testid="receipt-subject">
        {receipt.subjectLines.join('\n')}
      </div>
      <Row label="金额" value={receipt.amount} big={!refund} testId="receipt-amount" />
      {receipt.refunds.length > 0 && (
        <>
          <div className="pd-r-rule" />
          {receipt.refunds.map((r, i) => (
            <div key={i} data-testid="receipt-refund">
              <Row label={`退款 ${i + 1}（${r.status}）`} value={`-${r.amount}`} />
              <Row label="" value={r.at} />
            </div>
          ))}
          <div className="pd-r-rule" />
          <Row label="已退款" value={`-${receipt.refundedTotal}`} testId="receipt-refunded" />
          <Row label="实收" value={receipt.netTotal} big={refund} testId="receipt-net" />
        </>
      )}
      <div className="pd-r-rule" />
      <ReceiptQr text={receipt.qrText} />
      <div className="pd-r-center">{receipt.qrText}</div>
      <div className="pd-r-center">打印时间 {receipt.printedAt}</div>
      <div className="pd-r-center">谢谢惠顾</div>
    </div>
  );
}
