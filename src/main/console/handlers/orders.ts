/** orders.* and summary.today: sales, cancels and refunds on the running payment core. */
import { classifyAuthCode, type AuthCodeProvider } from '../../../shared/auth-code';
import type { QrChoiceDto } from '../../../shared/contract';
import { parseYuan } from '../../../shared/money';
import { localDate, toOrderDetailDto, toOrderDto, toSummaryDto } from '../dto';
import { ConsoleError } from '../errors';
import type { Runtime } from '../runtime';
import { checkMaxPerSale, createDuplicateCodeGuard } from '../sale-guard';
import { createDualSale } from './dual-qr';
import type { Handlers } from './types';

type OrderChannel = 'orders.create' | 'orders.get' | 'orders.list' | 'orders.cancel' | 'orders.refund' | 'summary.today';

const notFound = (id: string): ConsoleError => new ConsoleError('NOT_FOUND', `找不到订单 ${id} / Order ${id} not found`);

const PROVIDER_NAMES: Record<AuthCodeProvider, { zh: string; en: string; other: { zh: string; en: string } }> = {
  wechat: { zh: '微信支付', en: 'WeChat Pay', other: { zh: '支付宝', en: 'Alipay' } },
  alipay: { zh: '支付宝', en: 'Alipay', other: { zh: '微信支付', en: 'WeChat Pay' } },
};

/** The 付款码's provider, from its prefix and length (src/shared/auth-code.ts); AUTH_CODE_INVALID otherwise. */
function routeAuthCode(authCode: string): AuthCodeProvider {
  const verdict = classifyAuthCode(authCode);
  if (!verdict.ok) throw new ConsoleError(verdict.code, verdict.message);
  return verdict.provider;
}

/** A QR or link sale for a provider the running core does not host is refused before anything is stored. */
function providerNotReady(provider: AuthCodeProvider): ConsoleError {
  const n = PROVIDER_NAMES[provider];
  return new ConsoleError(
    'PROVIDER_NOT_CONFIGURED',
    `${n.zh}尚未设置或未启用，无法收款；请改用${n.other.zh}，或在「设置」中完成${n.zh}的设置 / ${n.en} is not set up or not enabled, so it cannot take this payment; use ${n.other.en}, or finish ${n.en}'s set-up in Settings`,
  );
}

/**
 * Which provider carries the sale: the 付款码's prefix for `code` (a different `provider` is refused),
 * the cashier's choice for `qr` (none: the core's first provider), Alipay only for `link`. 双码 ('dual')
 * is a QR sale of both providers (createDualSale), refused for the other methods.
 */
function chooseProvider(input: {
  method: 'qr' | 'code' | 'link';
  authCode?: string | undefined;
  provider?: QrChoiceDto | undefined;
}): AuthCodeProvider | undefined {
  if (input.provider === 'dual') {
    // 双码 is a QR sale (createDualSale); a 付款码 or a pay link has no second QR.
    if (input.method === 'qr') return undefined;
    throw new ConsoleError(
      'DUAL_NOT_AVAILABLE',
      '双码（支付宝和微信两个收款码）只用于扫码收款；请选择支付宝或微信 / Dual QR (an Alipay and a WeChat Pay QR side by side) is for QR sales only; choose Alipay or WeChat Pay',
    );
  }
  if (input.method === 'code') {
    // Routed by its prefix before anything else: an unknown shape never reaches the core or the guard.
    const routed = routeAuthCode(input.authCode ?? '');
    if (input.provider !== undefined && input.provider !== routed) {
      const code = PROVIDER_NAMES[routed];
      const chosen = PROVIDER_NAMES[input.provider];
      throw new ConsoleError(
        'PROVIDER_MISMATCH',
        `这是${code.zh}付款码，与所选的${chosen.zh}不符；未收款 / This is a ${code.en} payment code, not ${chosen.en} as chosen; nothing was charged`,
      );
    }
    return routed;
  }
  if (input.method === 'link' && input.provider === 'wechat') {
    throw new ConsoleError(
      'METHOD_NOT_SUPPORTED',
      '微信支付没有收款链接：请用微信扫码收款或付款码 / WeChat Pay has no payment link: use a WeChat Pay QR code or payment code instead',
    );
  }
  return input.provider;
}

/** A 付款码 of a provider the running core does not host is refused before anything is stored. */
function providerNotConfigured(provider: AuthCodeProvider): ConsoleError {
  const n = PROVIDER_NAMES[provider];
  return new ConsoleError(
    'PROVIDER_NOT_CONFIGURED',
    `这是${n.zh}付款码，但${n.zh}尚未设置，无法收款；请顾客改用${n.other.zh}付款码，或改用扫码收款 / This is a ${n.en} payment code, but ${n.en} is not set up yet, so it cannot be charged; ask the customer to pay with ${n.other.en} or by QR code instead`,
  );
}

export function orderHandlers(rt: Runtime): Handlers<OrderChannel> {
  const codeGuard = createDuplicateCodeGuard();
  return {
    'orders.create': async (input) => {
      const amountFen = parseYuan(input.amount);
      if (input.method === 'code' && !input.authCode) {
        throw new ConsoleError('INVALID_INPUT', "请扫描顾客的付款码 / Scan the customer's payment code (authCode is required)");
      }
      const provider = chooseProvider(input);
      checkMaxPerSale(amountFen, rt.state.settings);
      rt.requireSoundDatabase();
      const c = rt.requireCore();
      if (input.method === 'qr' && input.provider === 'dual') return createDualSale(rt, c, { amountFen, subject: input.subject });
      if (provider !== undefined && !c.providers().includes(provider)) {
        throw input.method === 'code' ? providerNotConfigured(provider) : providerNotReady(provider);
      }
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
          ...(provider !== undefined ? { provider } : {}),
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
      const page = rt.requireCore().listOrders(query); // status, provider, dates, search: payments/core.ts
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
