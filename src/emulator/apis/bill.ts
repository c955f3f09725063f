/**
 * alipay.data.dataservice.bill.downloadurl.query (Alipay's 查询对账单下载地址): bill_type=trade, bill_date a
 * past day (`yyyy-MM-dd`) or month (`yyyy-MM`) → bill_download_url served by the emulator; no bill yet (today,
 * the future) → isp.bill_not_exist.
 */
import { z } from 'zod';
import { beijingDate } from '../clock';
import { billRange, buildTradeBill } from '../bill';
import { businessError, invalidParameter, ok, parseBiz, text, type ApiContext, type Content } from './common';

const schema = z.looseObject({ bill_type: text(32), bill_date: text(10) });

/** Answer a bill download URL query. */
export function billDownloadUrl(ctx: ApiContext): Content {
  const biz = parseBiz(schema, ctx.biz);
  if (!biz.ok) return biz.content;
  const { bill_type: billType, bill_date: billDate } = biz.value;
  if (billType !== 'trade' && billType !== 'signcustomer') {
    return invalidParameter('参数无效 bill_type: 仅支持 trade / signcustomer');
  }
  const day = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(billDate);
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(billDate);
  if (!day && !month) return invalidParameter('参数无效 bill_date: 格式为 yyyy-MM-dd 或 yyyy-MM');
  const now = ctx.deps.clock.now();
  const range = billRange(billDate);
  const today = beijingDate(now);
  // Bills exist for finished periods only: a day before today, a month before this one.
  if (range.to > Date.parse(`${today}T00:00:00Z`) - 8 * 3600_000 || Number.isNaN(range.from)) {
    return businessError('isp.bill_not_exist', '账单不存在');
  }
  const trades = ctx.deps.engine.list().filter((t) => t.appId === ctx.app.appId);
  const csv = buildTradeBill(ctx.app, trades, range, now);
  const compact = billDate.replace(/-/g, '');
  const token = ctx.deps.bills.put(`${ctx.app.sellerId}0156_${compact}_业务明细.csv`, csv);
  return ok({ bill_download_url: `${ctx.deps.baseUrl()}/bill/${token}.csv` });
}
