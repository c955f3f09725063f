/**
 * The payment core: createPaymentCore and the public types. Electron-free.
 */
import { parseYuan } from '../../shared/money';
import type { Order, OrderMethod, PaymentCore, ProviderId } from './api';

export * from './api';
export { createPaymentCore } from './core';
export { systemClock, stderrLogger } from '../kernel';

/**
 * Create an order from the yuan string the cashier typed ("12.34"). Parsing is strict (money.ts): a bad
 * amount throws AmountError (bilingual) BEFORE anything is stored.
 */
export function createOrderFromYuan(
  core: PaymentCore,
  input: { amount: string; subject?: string; method: OrderMethod; authCode?: string; provider?: ProviderId },
): Promise<Order> {
  let amountFen: number;
  try {
    amountFen = parseYuan(input.amount);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  return core.createOrder({
    amountFen,
    subject: input.subject,
    method: input.method,
    authCode: input.authCode,
    ...(input.provider !== undefined ? { provider: input.provider } : {}),
  });
}
