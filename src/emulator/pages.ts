/**
 * The customer's pages: a mobile-Alipay-like cashier for QR codes (/qr/<token>) and pay links
 * (page.pay), result pages and error pages. Plain HTML + inline CSS, Chinese, no external assets.
 */
import { formatFen } from '../shared/money';
import { BUYERS } from './test-codes';
import type { TradeRecord } from './types';

/** HTML-escape text. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
*{box-sizing:border-box}body{margin:0;background:#f5f5f5;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#333}
.bar{background:#1677ff;color:#fff;padding:14px 16px;font-size:17px;display:flex;align-items:center;gap:8px}
.logo{width:26px;height:26px;border-radius:6px;background:#fff;color:#1677ff;font-weight:700;display:flex;align-items:center;justify-content:center}
.wrap{max-width:420px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:20px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.amount{font-size:40px;font-weight:600;text-align:center;margin:8px 0 4px}.amount small{font-size:22px;margin-right:2px}
.subject{text-align:center;color:#666;word-break:break-all}.muted{color:#999;font-size:13px}
.row{display:flex;justify-content:space-between;padding:6px 0;border-bottom:1px solid #f0f0f0;font-size:14px}.row:last-child{border:0}
label.buyer{display:flex;align-items:center;gap:10px;padding:10px 0;border-bottom:1px solid #f0f0f0;cursor:pointer}label.buyer:last-child{border:0}
.avatar{width:34px;height:34px;border-radius:50%;background:#e6f0ff;color:#1677ff;display:flex;align-items:center;justify-content:center;font-weight:600}
input[type=radio]{margin-left:auto;accent-color:#1677ff;width:18px;height:18px}
button{width:100%;border:0;border-radius:8px;padding:13px;font-size:17px;cursor:pointer}
.pay{background:#1677ff;color:#fff}.decline{background:#fff;color:#666;border:1px solid #ddd;margin-top:10px}
.state{text-align:center;padding:28px 20px}.icon{width:64px;height:64px;border-radius:50%;margin:0 auto 12px;color:#fff;font-size:36px;display:flex;align-items:center;justify-content:center}
.ok{background:#52c41a}.bad{background:#ff4d4f}.warn{background:#faad14}
`;

function layout(title: string, inner: string, state: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body data-page-state="${esc(state)}">
<div class="bar"><span class="logo">支</span>支付宝 · 收银台<span class="muted" style="margin-left:auto;color:#cfe0ff">模拟器</span></div>
<div class="wrap">${inner}</div></body></html>`;
}

function summary(trade: TradeRecord): string {
  return `<div class="card"><div class="muted" style="text-align:center">付款给商家</div>
<div class="amount" data-testid="amount"><small>¥</small>${formatFen(trade.totalFen)}</div>
<div class="subject" data-testid="subject">${esc(trade.subject)}</div></div>`;
}

/**
 * The cashier: amount, subject, a choice of buyer, 确认付款 and 取消支付.
 * `action` is the base path; the forms post to `${action}/pay` and `${action}/decline`.
 */
export function cashierPage(trade: TradeRecord, action: string): string {
  const buyers = BUYERS.map(
    (b, i) => `<label class="buyer"><span class="avatar">${esc(b.name.slice(-2, -1) || b.name[0] || '买')}</span>
<span><div>${esc(b.name)}</div><div class="muted">${esc(b.logonId)}</div></span>
<input type="radio" name="buyer" value="${esc(b.id)}"${i === 0 ? ' checked' : ''} data-testid="buyer-${i}"></label>`,
  ).join('');
  return layout(
    '确认付款',
    `${summary(trade)}
<form method="post" action="${esc(action)}/pay"><div class="card"><div class="muted">选择付款账户</div>${buyers}</div>
<div class="card"><div class="row"><span>付款方式</span><span>账户余额</span></div>
<div class="row"><span>订单号</span><span class="muted">${esc(trade.outTradeNo)}</span></div></div>
<button class="pay" type="submit" data-testid="pay">确认付款</button></form>
<form method="post" action="${esc(action)}/decline"><button class="decline" type="submit" data-testid="decline">取消支付</button></form>`,
    'cashier',
  );
}

/** A final state page (paid, declined, closed, expired …). */
export function statePage(kind: 'ok' | 'bad' | 'warn', title: string, detail: string, trade?: TradeRecord, state = kind === 'ok' ? 'paid' : 'closed'): string {
  const icon = kind === 'ok' ? '✓' : kind === 'bad' ? '✕' : '!';
  return layout(
    title,
    `<div class="card state"><div class="icon ${kind}">${icon}</div><h2 style="margin:0 0 6px" data-testid="state-title">${esc(title)}</h2>
<div class="muted">${esc(detail)}</div></div>${trade ? summary(trade) : ''}`,
    state,
  );
}

/** The page a gateway error shows in the browser (page.pay with bad arguments or signature). */
export function errorPage(subCode: string, subMsg: string): string {
  return statePage('bad', '支付请求错误', `错误代码 ${subCode}：${subMsg}`, undefined, 'error');
}
