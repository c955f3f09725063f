/**
 * Trade bills (对账单) for alipay.data.dataservice.bill.downloadurl.query: a CSV in Alipay's
 * 业务明细 column layout, served by the emulator at a short-lived URL (查询对账单下载地址: valid 30 s).
 * Real bills are GBK CSVs inside a zip; the emulator serves the CSV itself, UTF-8 with a BOM.
 */
import { randomBytes } from 'node:crypto';
import { formatFen } from '../shared/money';
import { beijingDayStart, formatAlipayTime } from './clock';
import type { AppRecord, TradeRecord } from './types';

/** How long a bill_download_url stays valid (real ms). */
export const BILL_URL_TTL_MS = 30_000;

/** The 业务明细 header row (trade bill). */
export const BILL_COLUMNS = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
] as const;

interface StoredBill {
  fileName: string;
  csv: string;
  expiresAtReal: number;
}

/** Bills by download token. */
export class BillStore {
  private readonly bills = new Map<string, StoredBill>();

  /** Store a bill; returns its token. */
  put(fileName: string, csv: string): string {
    const now = Date.now();
    for (const [k, b] of this.bills) if (b.expiresAtReal < now) this.bills.delete(k);
    const token = randomBytes(16).toString('hex');
    this.bills.set(token, { fileName, csv, expiresAtReal: now + BILL_URL_TTL_MS });
    return token;
  }

  /** A bill that has not expired. */
  get(token: string): StoredBill | undefined {
    const b = this.bills.get(token);
    return b && b.expiresAtReal >= Date.now() ? b : undefined;
  }
}

function cnDate(ms: number): string {
  const t = formatAlipayTime(ms); // yyyy-MM-dd HH:mm:ss
  return `${t.slice(0, 4)}年${t.slice(5, 7)}月${t.slice(8, 10)}日 ${t.slice(11)}`;
}

/** The [from, to) range in emulated ms of a bill_date `yyyy-MM-dd` or `yyyy-MM`. */
export function billRange(billDate: string): { from: number; to: number } {
  if (billDate.length === 10) {
    const from = beijingDayStart(billDate);
    return { from, to: from + 86_400_000 };
  }
  const [y, m] = billDate.split('-').map(Number) as [number, number];
  const from = beijingDayStart(`${billDate}-01`);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from, to: beijingDayStart(`${next}-01`) };
}

/**
 * Build the CSV: one 交易 row per trade paid in the range, one 退款 row per refund in the range
 * (negative amounts, out_request_no in 退款批次号/请求号). Cells end with a tab, as Alipay's do,
 * so spreadsheets keep long numbers intact.
 */
export function buildTradeBill(app: AppRecord, trades: TradeRecord[], range: { from: number; to: number }, exportedAt: number): string {
  const rows: string[][] = [];
  let payCount = 0;
  let payFen = 0;
  let refundCount = 0;
  let refundFen = 0;
  const inRange = (ms: number | undefined): ms is number => ms !== undefined && ms >= range.from && ms < range.to;
  for (const t of trades) {
    const common = (kind: string, done: number, fen: number, requestNo: string): string[] => [
      t.tradeNo,
      t.outTradeNo,
      kind,
      t.subject,
      formatAlipayTime(t.createdAt),
      formatAlipayTime(done),
      t.storeId ?? '',
      '',
      t.operatorId ?? '',
      t.terminalId ?? '',
      t.buyer?.logonId ?? '',
      formatFen(fen),
      formatFen(fen),
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '',
      '0.00',
      '0.00',
      requestNo,
      '0.00',
      '0.00',
      '',
    ];
    if (inRange(t.paidAt)) {
      rows.push(common('交易', t.paidAt, t.totalFen, ''));
      payCount += 1;
      payFen += t.totalFen;
    }
    for (const r of t.refunds) {
      if (!inRange(r.at)) continue;
      rows.push(common('退款', r.at, -r.refundFen, r.outRequestNo));
      refundCount += 1;
      refundFen += r.refundFen;
    }
  }
  const cell = (v: string): string => `${/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v}\t`;
  const lines = [
    '#支付宝业务明细查询',
    `#账号：[${app.sellerId}0156]`,
    `#起始日期：[${cnDate(range.from)}]   终止日期：[${cnDate(range.to)}]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    BILL_COLUMNS.join(','),
    ...rows.map((r) => r.map(cell).join(',')),
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${payCount}笔，商家实收共${formatFen(payFen)}元，商家优惠共0.00元`,
    `#退款合计：${refundCount}笔，商家实收退款共${formatFen(-refundFen)}元，商家优惠退款共0.00元`,
    `#导出时间：[${cnDate(exportedAt)}]`,
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
