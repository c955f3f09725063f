/** The order drawer's 打印小票 / 重打小票 and 保存为 PDF, for a paid (or refunded) order of this console. */
import { Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import { useReceipt } from './use-receipt';

const PRINTABLE = new Set<OrderDto['status']>(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);

export function ReceiptButtons({ order }: { order: OrderDto }): React.JSX.Element | null {
  const { t } = useTranslation();
  const { print, savePdf } = useReceipt();
  const [busy, setBusy] = useState(false);
  const [printedOnce, setPrintedOnce] = useState(false);
  if (!PRINTABLE.has(order.status)) return null;
  const run = (job: () => Promise<unknown>): void => {
    setBusy(true);
    void job().finally(() => {
      setBusy(false);
      setPrintedOnce(true);
    });
  };
  return (
    <Space className="pd-gap" data-testid="receipt-actions">
      <Button loading={busy} data-testid="receipt-print" onClick={() => run(() => print(order))}>
        {t(printedOnce || order.refunds.length > 0 ? 'receipt.reprint' : 'receipt.print')}
      </Button>
      <Button disabled={busy} data-testid="receipt-pdf" onClick={() => run(() => savePdf(order))}>
        {t('receipt.savePdf')}
      </Button>
    </Space>
  );
}
