import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderDto } from '../../../../shared/contract';
import { providerName } from '../lib/provider-name';
import { announcePaid } from '../lib/voice';
import { useConsole } from './console-context';

/** announce(order): "支付宝收款 12.34 元" / "微信收款 12.34 元" (by the order's provider) once per trade, unless voice is off. */
export function useAnnounce(): (order: OrderDto) => void {
  const { t, i18n } = useTranslation();
  const { settings } = useConsole();
  const muted = settings ? !settings.voice : false;
  return useCallback(
    (order: OrderDto) => {
      announcePaid(order, {
        muted,
        // A payment for an order PayDesk had cancelled / closed: say so, loudly (the drawer offers the refund).
        text: t(order.latePayment ? 'voice.latePaid' : 'voice.paid', { amount: order.amount, provider: providerName(t, order.provider) }),
        lang: i18n.language.startsWith('zh') ? 'zh-CN' : 'en-US',
      });
    },
    [muted, t, i18n.language],
  );
}
