/** orders.* and summary.today: sales, cancels and refunds on the running payment core. */
import { parseYuan } from '../../../shared/money';
import { localDate, toOrderDetailDto, toOrderDto, toSummaryDto } from '../dto';
import { ConsoleError } from '../errors';
import type { Runtime } from '../runtime';
import { checkMaxPerSale, createDuplicateCodeGuard } from '../sale-guard';
import type { Handlers } from './types';

type OrderChannel = 'orders.create' | 'orders.get' | 'orders.list' | 'orders.cancel' | 'orders.refund' | 'summary.today';

const notFound = (id: string): ConsoleError => new ConsoleError('NOT_FOUND', `找不到订单 ${id} / Order ${id} not found`);

export function orderHandlers(rt: Runtime): Handlers<OrderChannel> {
  const codeGuard = createDuplicateCodeGuard();
  return {
    'orders.create': async (input) => {
      const amountFen = parseYuan(input.amount);
      if (input.method === 'code' && !input.authCode) {
        throw new ConsoleError('INVALID_INPUT', "请扫描顾客的付款码 / Scan the customer's payment code (authCode is required)");
      }
      checkMaxPerSale(amountFen, rt.state.settings);
      rt.requireSoundDatabase();
      const c = rt.requireCore();
      const settle = input.method === 'code' && input.authCode ? codeGuard.begin(input.authCode) : null;
      let order;
      try {
        order = await c.createOrder({
          amountFen,
          method: input.method,
          // 订单有效期 applies to new orders at once (no restart).
          expiryMs: rt.state.running.orderExpiryMinutes * 60_000,
          ...(input.subject !== undefined ? { subject: input.subject } : {}),
          ...(input.authCode !== undefined ? { authCode: input.authCode } : {}),
        });
      } catch (err) {
        settle?.('failed');
        throw err;
      }
      settle?.(order.status === 'FAILED' || order.status === 'CLOSED' ? 'failed' : 'charged');
      return rt.withLink(toOrderDto(order));
    },
    'orders.get': async ({ id }) => {
      const c = rt.requireCore();
      const order = c.getOrder(id);
      if (!order) throw notFound(id);
      return rt.withLink(toOrderDetailDto(order, c.events(id)));
    },
    'orders.list': async (query) => {
      const page = rt.requireCore().listOrders(query);
      return { items: page.items.map((o) => rt.withLink(toOrderDto(o))), nextCursor: page.nextCursor };
    },
    'orders.cancel': async ({ id }) => toOrderDto(await rt.requireCore().cancelOrder(id)),
    'orders.refund': async ({ id, amount, reason, pin }) => {
      const amountFen = parseYuan(amount);
      rt.requireSoundDatabase();
      const c = rt.requireCore();
      // Enforced here, in main: the renderer is not a trust boundary.
      const checked = rt.managerPin.refundNeedsPin(amountFen) ? await rt.managerPin.authorize(pin, 'refund') : false;
      const refund = await c.refund({
        orderId: id,
        amountFen,
        ...(reason !== undefined ? { reason } : {}),
        authorization: checked ? 'manager_pin' : 'none',
      });
      if (refund.status === 'FAILED') {
        throw new ConsoleError('REFUND_FAILED', refund.message ?? '退款失败 / The refund failed');
      }
      const order = c.getOrder(id);
      if (!order) throw notFound(id);
      return toOrderDto(order);
    },
    'summary.today': async ({ date }) => toSummaryDto(rt.requireCore().summary(date ?? localDate(new Date()))),
  };
}
