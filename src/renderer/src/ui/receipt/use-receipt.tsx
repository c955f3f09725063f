/**
 * Printing receipts from the screens: `useReceipt()` prints or saves one order's receipt and tells the
 * cashier the outcome in words (an error that offers 保存为 PDF when there is no printer), and
 * `<AutoPrint />` prints after each payment and each refund when Settings › 小票 › auto-print is on.
 */
import { App as AntApp, Button } from 'antd';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import type { ReceiptKind } from '../../../../shared/receipt';
import { useConsole, useErrorText } from '../hooks/console-context';
import { printReceipt, saveReceiptPdf, type PrintOutcome } from './print-receipt';

export function useReceipt(): {
  print: (order: OrderDto, opts?: { kind?: ReceiptKind; silent?: boolean }) => Promise<PrintOutcome | null>;
  savePdf: (order: OrderDto, kind?: ReceiptKind) => Promise<PrintOutcome | null>;
} {
  const { settings } = useConsole();
  const { notification, message } = AntApp.useApp();
  const { t } = useTranslation();
  const errorText = useErrorText();
  // One shop name: the receipt's own (Settings › 小票) when set, else the shop's (Settings › 客显).
  const receiptSettings = useMemo(
    () => (settings ? { ...settings.receipt, shopName: settings.receipt.shopName.trim() || settings.shopName } : null),
    [settings],
  );

  const savePdf = useCallback(
    async (order: OrderDto, kind?: ReceiptKind): Promise<PrintOutcome | null> => {
      if (!receiptSettings) return null;
      const r = await saveReceiptPdf({ order, settings: receiptSettings, ...(kind ? { kind } : {}) });
      if (r.ok && r.how === 'pdf') void message.success({ content: <span data-testid="receipt-saved">{t('receipt.savedPdf', { path: r.path ?? '' })}</span> });
      if (!r.ok)
        notification.error({
          key: `receipt-${order.id}`,
          title: t('receipt.printFailed'),
          description: <span data-testid="receipt-error">{errorText(r.message)}</span>,
        });
      return r;
    },
    [receiptSettings, message, notification, t, errorText],
  );

  const print = useCallback(
    async (order: OrderDto, opts: { kind?: ReceiptKind; silent?: boolean } = {}): Promise<PrintOutcome | null> => {
      if (!receiptSettings) return null;
      const r = await printReceipt({ order, settings: receiptSettings, ...opts });
      if (r.ok && r.how === 'printer') void message.success({ content: <span data-testid="receipt-printed">{t('receipt.printed')}</span> });
      if (!r.ok) {
        const key = `receipt-${order.id}`;
        notification.error({
          key,
          title: t('receipt.printFailed'),
          description: <span data-testid="receipt-error">{errorText(r.message)}</span>,
          duration: 0,
          ...(r.offerPdf
            ? {
                actions: (
                  <Button
                    type="primary"
                    data-testid="receipt-save-pdf"
                    onClick={() => {
                      notification.destroy(key);
                      void savePdf(order, opts.kind);
                    }}
                  >
                    {t('receipt.savePdf')}
                  </Button>
                ),
              }
            : {}),
        });
      }
      return r;
    },
    [receiptSettings, message, notification, t, errorText, savePdf],
  );
  return { print, savePdf };
}

/** Auto-print: a 收款小票 when an order turns PAID, a 退款小票 when a refund succeeds; each once. */
export function AutoPrint(): null {
  const { api, settings } = useConsole();
  const { print } = useReceipt();
  const done = useRef(new Set<string>());
  const on = settings?.receipt.autoPrint === true;
  useEffect(() => {
    if (!on) return;
    const offOrder = api.onOrderUpdated((o) => {
      if (o.status !== 'PAID' || o.foreign || done.current.has(`pay:${o.id}`)) return;
      done.current.add(`pay:${o.id}`);
      void print(o, { kind: 'payment', silent: true });
    });
    const offRefund = api.onRefundUpdated((r) => {
      if (r.status !== 'SUCCESS' || done.current.has(`refund:${r.id}`)) return;
      done.current.add(`refund:${r.id}`);
      void api.ordersGet({ id: r.orderId }).then((got) => (got.ok ? print(got.value, { kind: 'refund', silent: true }) : null));
    });
    return () => {
      offOrder();
      offRefund();
    };
  }, [api, on, print]);
  return null;
}
