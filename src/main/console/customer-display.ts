/**
 * 客显 (the customer display): main owns what the customer-facing screen shows, so it follows the counter
 * live and survives a reload of either page (docs/architecture.md, "Customer display"). It listens to the
 * orders as they change and keeps one DisplayStateDto:
 *   idle      the shop name and the idle picture's id (display-picture.ts), if one is set;
 *   awaiting  a QR sale's amount and QR (two for 双码, linked by `pairedWith`), or a 付款码 sale's amount
 *             while the buyer confirms (USERPAYING) — no QR;
 *   paid      支付成功 with the amount and provider, held `paidHoldMs`, then idle;
 * a sale closed, cancelled or failed returns to idle. A 收款链接 (link) sale is paid on the buyer's own
 * phone and is not shown; neither are foreign orders, late payments of a cancelled sale, nor later
 * changes of an old order (a refund).
 */
import type { DisplayQrDto, DisplayStateDto, OrderDto } from '../../shared/contract';

export interface CustomerDisplayOptions {
  shopName: () => string;
  /** The idle picture's id (its content hash), or null when none is set. */
  pictureId?: () => string | null;
  /** How long 支付成功 stays before idle (default 8 s). */
  paidHoldMs?: number;
  /** Told every new state. */
  onChange: (state: DisplayStateDto) => void;
}

export interface CustomerDisplay {
  state(): DisplayStateDto;
  /** An order as it changed (the core's order.updated). */
  order(order: OrderDto): void;
  /** Settings may have changed: a new shop name or idle picture is published at once. */
  refresh(): void;
  close(): void;
}

export const DISPLAY_PAID_HOLD_MS = 8_000;
/** How many sale ids are remembered as "this sale" (a paid event for any other order is not shown). */
const RECENT_SALES = 32;
/** A 付款码 sale paid this recently (ms) counts as the sale at the counter. */
const FRESH_MS = 60_000;

/** Alipay first, then WeChat Pay, then any other: the same order as the counter's 双码 panel. */
const rank = (provider: string): number => (provider === 'alipay' ? 0 : provider === 'wechat' ? 1 : 2);

export function createCustomerDisplay(options: CustomerDisplayOptions): CustomerDisplay {
  const holdMs = options.paidHoldMs ?? DISPLAY_PAID_HOLD_MS;
  /** The orders of the sale on screen (one, or a 双码 pair) while awaiting. */
  let sale: OrderDto[] = [];
  let paid: { amount: string; provider: string } | null = null;
  let timer: NodeJS.Timeout | null = null;
  /** Orders this display showed as awaiting (newest last): only those may turn into 支付成功. */
  const recent: string[] = [];
  const shownPaid = new Set<string>();

  const remember = (id: string): void => {
    if (recent.includes(id)) return;
    recent.push(id);
    if (recent.length > RECENT_SALES) recent.shift();
  };

  function current(): DisplayStateDto {
    const shopName = options.shopName();
    if (paid) return { kind: 'paid', shopName, ...paid };
    const first = sale[0];
    if (!first) return { kind: 'idle', shopName, pictureId: options.pictureId?.() ?? null };
    const qrs: DisplayQrDto[] =
      first.method === 'qr'
        ? sale
            .filter((o): o is OrderDto & { qrCode: string } => o.qrCode !== null)
            .sort((a, b) => rank(a.provider) - rank(b.provider))
            .map((o) => ({ provider: o.provider, qrCode: o.qrCode }))
        : [];
    const expiries = sale.map((o) => o.expiresAt).filter((e): e is number => e !== null);
    return {
      kind: 'awaiting',
      shopName,
      amount: first.amount,
      method: first.method,
      qrs,
      expiresAt: expiries.length > 0 ? Math.min(...expiries) : null,
      userPaying: sale.some((o) => o.userPaying),
    };
  }

  const idleLook = (): string => JSON.stringify([options.shopName(), options.pictureId?.() ?? null]);
  let lastLook = idleLook();
  const publish = (): void => {
    const next = current();
    lastLook = idleLook();
    options.onChange(next);
  };
  const stopTimer = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  /** Whether `o` belongs to the sale on screen: the same order, or its 双码 partner. */
  const inSale = (o: OrderDto): boolean => sale.some((s) => s.id === o.id || s.id === o.pairedWith || s.pairedWith === o.id);

  function awaiting(o: OrderDto): void {
    remember(o.id);
    if (inSale(o)) {
      sale = [...sale.filter((s) => s.id !== o.id), o];
    } else {
      stopTimer();
      paid = null;
      sale = [o];
    }
    publish();
  }

  function settled(o: OrderDto): void {
    // A 付款码 the wallet paid at once (no USERPAYING step) was never awaiting here: shown when paid just now.
    const ours = recent.includes(o.id) || (o.method === 'code' && o.paidAt !== null && Math.abs(Date.now() - o.paidAt) < FRESH_MS);
    if (!ours || shownPaid.has(o.id)) return;
    shownPaid.add(o.id);
    if (shownPaid.size > RECENT_SALES) shownPaid.delete(shownPaid.values().next().value as string);
    remember(o.id);
    sale = [];
    paid = { amount: o.amount, provider: o.provider };
    stopTimer();
    timer = setTimeout(() => {
      timer = null;
      paid = null;
      publish();
    }, holdMs);
    timer.unref();
    publish();
  }

  function ended(o: OrderDto): void {
    if (!sale.some((s) => s.id === o.id)) return;
    sale = sale.filter((s) => s.id !== o.id);
    publish();
  }

  return {
    state: current,
    order(o) {
      if (o.foreign || o.method === 'link') return;
      switch (o.status) {
        case 'AWAITING_PAYMENT':
          awaiting(o);
          return;
        case 'PAID':
          if (o.latePayment) return;
          settled(o);
          return;
        case 'CLOSED':
        case 'FAILED':
          ended(o);
          return;
        default:
          return;
      }
    },
    refresh() {
      if (idleLook() !== lastLook) publish();
    },
    close: stopTimer,
  };
}
