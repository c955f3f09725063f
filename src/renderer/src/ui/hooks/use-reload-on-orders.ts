import { useEffect } from 'react';
import { useConsole } from './console-context';

/**
 * Live figures (今日, 交班): while `active`, call `load` 300 ms after the last order.updated, so a burst of
 * changes (a payment, its notification and the poll that confirms it) costs one reload.
 */
export function useReloadOnOrders(active: boolean, load: () => Promise<void>): void {
  const { api } = useConsole();
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.onOrderUpdated(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 300);
    });
    return () => (off(), clearTimeout(timer));
  }, [active, api, load]);
}
