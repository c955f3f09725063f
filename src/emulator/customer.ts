/**
 * The customer's side over HTTP: the QR page (/qr/<token>: opening it is the scan), the page.pay
 * cashier actions (/cashier/<token>/pay|decline: paying redirects to return_url with signed return
 * parameters, signed like a notification but not authoritative) and bill downloads (/bill/<token>.csv).
 */
import type http from 'node:http';
import type { KeyObject } from 'node:crypto';
import { formatFen } from '../shared/money';
import type { AppRegistry } from './apps';
import type { BillStore } from './bill';
import { formatAlipayTime, type ScaledClock } from './clock';
import { cashierPage, statePage } from './pages';
import { signNotifyParams } from './signing';
import { resolveBuyer } from './test-codes';
import type { TradeEngine, TradeRefusal } from './trades';
import type { TradeRecord } from './types';

/** What the customer routes need. */
export interface CustomerDeps {
  engine: TradeEngine;
  clock: ScaledClock;
  apps: AppRegistry;
  bills: BillStore;
  alipayPrivateKey: KeyObject;
}

function html(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function refusalPage(reason: TradeRefusal, trade: TradeRecord): string {
  switch (reason) {
    case 'expired':
      return statePage('warn', '二维码已过期', '请让商家重新生成收款码', trade, 'expired');
    case 'paid':
      return trade.status === 'TRADE_CLOSED'
        ? statePage('bad', '交易已关闭', '该订单已关闭，无法继续支付', trade)
        : statePage('ok', '订单已支付', '该订单已付款，请勿重复支付', trade);
    default:
      return statePage('bad', '交易已关闭', '该订单已关闭，无法继续支付', trade);
  }
}

/** Signed return parameters of a paid page.pay trade (signed like a notify: no sign/sign_type). */
export function returnParams(trade: TradeRecord, deps: CustomerDeps): Record<string, string> {
  const app = deps.apps.get(trade.appId);
  return signNotifyParams(
    {
      charset: 'utf-8',
      out_trade_no: trade.outTradeNo,
      method: 'alipay.trade.page.pay.return',
      total_amount: formatFen(trade.totalFen),
      trade_no: trade.tradeNo,
      auth_app_id: trade.appId,
      version: '1.0',
      app_id: trade.appId,
      seller_id: app?.sellerId ?? '',
      timestamp: formatAlipayTime(deps.clock.now()),
    },
    deps.alipayPrivateKey,
    trade.signType,
  );
}

/**
 * Handle /qr/…, /cashier/… and /bill/…; returns false when the path is not one of them.
 * `form` is the parsed urlencoded body of a POST.
 */
export function handleCustomer(req: http.IncomingMessage, res: http.ServerResponse, path: string, form: URLSearchParams, deps: CustomerDeps): boolean {
  const bill = /^\/bill\/([A-Za-z0-9]+)\.csv$/.exec(path);
  if (bill && req.method === 'GET') {
    const stored = deps.bills.get(bill[1] as string);
    if (!stored) {
      html(res, 404, statePage('warn', '链接已失效', '账单下载地址已过期，请重新获取'));
      return true;
    }
    res.writeHead(200, {
      'content-type': 'text/csv;charset=utf-8',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(stored.fileName)}`,
    });
    res.end(stored.csv);
    return true;
  }
  const m = /^\/(qr|cashier)\/([A-Za-z0-9_-]+)(?:\/(pay|decline))?$/.exec(path);
  if (!m) return false;
  const [, area, token, action] = m as unknown as [string, 'qr' | 'cashier', string, 'pay' | 'decline' | undefined];
  const trade = deps.engine.byToken(token);
  if (!trade) {
    html(res, 404, statePage('bad', '二维码无效', '找不到该订单'));
    return true;
  }
  const base = `/${area}/${token}`;
  if (!action) {
    if (req.method !== 'GET') return false;
    const scanned = deps.engine.scan(trade);
    if (!scanned.ok) return (html(res, 200, refusalPage(scanned.reason, trade)), true);
    if (trade.status !== 'WAIT_BUYER_PAY') return (html(res, 200, refusalPage('paid', trade)), true);
    html(res, 200, cashierPage(trade, base));
    return true;
  }
  if (req.method !== 'POST') return false;
  const buyer = resolveBuyer(form.get('buyer') ?? undefined);
  if (action === 'decline') {
    const r = deps.engine.close(trade, buyer);
    html(res, 200, r.ok ? statePage('bad', '已取消支付', '您已取消本次付款，交易已关闭', trade, 'declined') : refusalPage(r.reason, trade));
    return true;
  }
  const r = deps.engine.pay(trade, buyer);
  if (!r.ok) return (html(res, 200, refusalPage(r.reason, trade)), true);
  if (area === 'cashier' && trade.returnUrl) {
    let target: URL | undefined;
    try {
      target = new URL(trade.returnUrl);
    } catch {
      target = undefined;
    }
    if (target) {
      for (const [k, v] of Object.entries(returnParams(trade, deps))) target.searchParams.append(k, v);
      res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
      res.end();
      return true;
    }
  }
  html(res, 200, statePage('ok', '支付成功', `${buyer.name} 已付款`, trade));
  return true;
}
