/**
 * The buyer's side of a Native code_url: `weixin://wxpay/bizpayurl?pr=<token>` is "scanned" by opening
 * `http://127.0.0.1:PORT/wxpay/bizpayurl?pr=<token>` (the same query on the emulator). The page offers
 * buyers, 确认支付 and 取消 (declining leaves the order NOTPAY, as in the app). Plain HTML, Chinese, no assets.
 * Not modelled: the QR image itself, the app's password step (paying is one click), payment methods.
 */
import type http from 'node:http';
import { formatFen } from '../../shared/money';
import { esc } from '../pages';
import type { WxEngine, WxRefusal } from './engine';
import { resolveWxBuyer, WECHAT_BUYERS } from './test-codes';
import type { WxTrade } from './types';

const CSS = `*{box-sizing:border-box}body{margin:0;background:#ededed;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#111}
.bar{background:#07c160;color:#fff;padding:14px 16px;font-size:17px}.wrap{max-width:420px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:10px;padding:20px;margin-bottom:12px}.amount{font-size:40px;font-weight:600;text-align:center}
.muted{color:#888;font-size:13px}label{display:flex;gap:10px;padding:10px 0;border-bottom:1px solid #f0f0f0}label:last-child{border:0}
input[type=radio]{margin-left:auto;accent-color:#07c160}button{width:100%;border:0;border-radius:8px;padding:13px;font-size:17px;cursor:pointer}
.pay{background:#07c160;color:#fff}.decline{background:#fff;color:#555;margin-top:10px}.state{text-align:center}`;

function layout(title: string, inner: string, state: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body data-page-state="${esc(state)}"><div class="bar">微信支付 · 模拟器</div><div class="wrap">${inner}</div></body></html>`;
}

function summary(t: WxTrade): string {
  return `<div class="card"><div class="muted" style="text-align:center">${esc(t.description)}</div><div class="amount" data-testid="amount">¥${formatFen(t.totalFen)}</div></div>`;
}

function statePage(title: string, detail: string, state: string, t?: WxTrade): string {
  return layout(
    title,
    `<div class="card state"><h2 data-testid="state-title">${esc(title)}</h2><div class="muted">${esc(detail)}</div></div>${t ? summary(t) : ''}`,
    state,
  );
}

function refusal(reason: WxRefusal, t: WxTrade): string {
  if (reason === 'expired') return statePage('二维码已过期', '请让商家重新生成收款码', 'expired', t);
  if (reason === 'paid') return statePage('订单已支付', '该订单已付款，请勿重复支付', 'paid', t);
  return statePage('订单已关闭', '该订单已关闭，无法继续支付', 'closed', t);
}

function payPage(t: WxTrade): string {
  const buyers = WECHAT_BUYERS.map(
    (b, i) =>
      `<label><span>${esc(b.name)}</span><input type="radio" name="buyer" value="${esc(b.openid)}"${i === 0 ? ' checked' : ''} data-testid="buyer-${i}"></label>`,
  ).join('');
  return layout(
    '确认支付',
    `${summary(t)}<form method="post" action="/wxpay/${esc(t.token)}/pay"><div class="card"><div class="muted">付款人</div>${buyers}</div>
<div class="card"><div class="muted">零钱支付 · 订单号 ${esc(t.outTradeNo)}</div></div><button class="pay" type="submit" data-testid="pay">确认支付</button></form>
<form method="post" action="/wxpay/${esc(t.token)}/decline"><button class="decline" type="submit" data-testid="decline">取消</button></form>`,
    'cashier',
  );
}

function html(res: http.ServerResponse, status: number, body: string): true {
  res.writeHead(status, { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
  return true;
}

/** Handle /wxpay/…; false when the path is not one of these pages. */
export function handleWxCustomer(req: http.IncomingMessage, res: http.ServerResponse, url: URL, form: URLSearchParams, engine: WxEngine): boolean {
  if (url.pathname === '/wxpay/bizpayurl' && req.method === 'GET') {
    const t = engine.byToken(url.searchParams.get('pr') ?? '');
    if (!t || t.kind !== 'native') return html(res, 404, statePage('二维码无效', '找不到该订单', 'not-found'));
    const r = engine.scan(t);
    return html(res, 200, r.ok ? payPage(t) : refusal(r.reason, t));
  }
  const m = /^\/wxpay\/([A-Za-z0-9]+)\/(pay|decline)$/.exec(url.pathname);
  if (!m || req.method !== 'POST') return false;
  const t = engine.byToken(m[1] as string);
  if (!t || t.kind !== 'native') return html(res, 404, statePage('二维码无效', '找不到该订单', 'not-found'));
  if (m[2] === 'decline') {
    const r = engine.decline(t);
    return html(res, 200, r.ok ? statePage('已取消支付', '订单仍未支付，可重新扫码', 'declined', t) : refusal(r.reason, t));
  }
  const buyer = resolveWxBuyer(form.get('buyer') ?? undefined);
  const r = engine.pay(t, buyer);
  return html(res, 200, r.ok ? statePage('支付成功', `${buyer.name} 已付款`, 'paid', t) : refusal(r.reason, t));
}
