/**
 * The 交班小票 (shift handover slip): a shift's snapshot laid out for the same 58 mm / 80 mm roll as the
 * receipts. Pure, built from the ShiftDto the renderer holds; money is re-formatted through integer fen
 * (docs/architecture.md, "Shift handover (交班)" and "Receipts (小票)").
 */
import type { OrderMethodDto, ShiftDto } from './contract';
import { parseYuanAllowZero } from './money';
import { formatReceiptTime, receiptMoney, type PaperWidth } from './receipt';

const PROVIDER_NAMES: Record<string, string> = { alipay: '支付宝', wechat: '微信支付' };
const METHOD_NAMES: Record<OrderMethodDto, string> = { qr: '扫码收款', code: '付款码', link: '收款链接' };

export interface ShiftReceiptLine {
  label: string;
  value: string;
  big?: boolean;
}

export interface ShiftReceipt {
  title: '交班小票';
  shopName: string;
  paperWidth: PaperWidth;
  shiftId: string;
  /** who, when: 收银员, 开始, 结束, 交给 */
  header: ShiftReceiptLine[];
  /** 笔数, 收款, 退款, 实收 */
  totals: ShiftReceiptLine[];
  /** one block per provider, then its methods */
  breakdown: ShiftReceiptLine[];
  printedAt: string;
}

export interface ShiftReceiptOptions {
  shopName: string;
  paperWidth: PaperWidth;
  now?: number;
  timeZone?: string;
}

function money(yuan: string): string {
  return receiptMoney(parseYuanAllowZero(yuan));
}

export function buildShiftReceipt(shift: ShiftDto, opts: ShiftReceiptOptions): ShiftReceipt {
  const time = (ms: number): string => formatReceiptTime(ms, opts.timeZone);
  const t = shift.totals;
  const header: ShiftReceiptLine[] = [
    { label: '收银员', value: shift.cashier },
    { label: '开始', value: time(shift.startedAt) },
    { label: '结束', value: shift.endedAt === null ? '当班中' : time(shift.endedAt) },
  ];
  if (shift.handedTo) header.push({ label: '交给', value: shift.handedTo });
  const totals: ShiftReceiptLine[] = [
    { label: '笔数', value: String(t.count) },
    { label: '收款', value: money(t.gross) },
    { label: '退款', value: `-${money(t.refunded)}` },
    { label: '实收', value: money(t.net), big: true },
  ];
  const breakdown: ShiftReceiptLine[] = [];
  for (const p of t.byProvider) {
    const name = PROVIDER_NAMES[p.provider] ?? p.provider;
    breakdown.push({ label: `${name} ${p.count}笔`, value: money(p.net), big: false });
    for (const m of t.byMethod.filter((x) => x.provider === p.provider)) {
      breakdown.push({ label: `  ${METHOD_NAMES[m.method]} ${m.count}笔`, value: money(m.net) });
    }
  }
  return {
    title: '交班小票',
    shopName: opts.shopName,
    paperWidth: opts.paperWidth,
    shiftId: shift.id,
    header,
    totals,
    breakdown,
    printedAt: time(opts.now ?? Date.now()),
  };
}
