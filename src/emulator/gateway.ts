/**
 * gateway.do: parse query + form, check the common arguments, verify the request signature with the app's
 * registered public key (Alipay's 自行实现签名), dispatch to the API and answer in the exact byte layout real
 * gateways use (docs/emulator.md, "Alipay sources"; signed with the request's sign_type). Gateway faults are
 * applied here.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AppRegistry } from './apps';
import type { ApiContext, ApiDeps, Content } from './apis/common';
import { precreate, pay } from './apis/create';
import { cancel, close, query, refund, refundQuery } from './apis/manage';
import { billDownloadUrl } from './apis/bill';
import { pagePay, PAGE_PAY_METHOD } from './apis/page-pay';
import type { Fault, FaultRegistry } from './faults';
import { errorPage } from './pages';
import { buildResponseBody, canonicalString, isSignType, verifyText, type SignType } from './signing';

type Handler = (ctx: ApiContext) => Content;

/** The v2 methods the emulator implements (page.pay is handled separately: it answers HTML). */
export const API_HANDLERS: Readonly<Record<string, Handler>> = {
  'alipay.trade.precreate': precreate,
  'alipay.trade.pay': pay,
  'alipay.trade.query': query,
  'alipay.trade.refund': refund,
  'alipay.trade.fastpay.refund.query': refundQuery,
  'alipay.trade.close': close,
  'alipay.trade.cancel': cancel,
  'alipay.data.dataservice.bill.downloadurl.query': billDownloadUrl,
};

/** What the gateway needs. */
export interface GatewayDeps extends ApiDeps {
  apps: AppRegistry;
  faults: FaultRegistry;
  log: (msg: string) => void;
  /** sockets kept open by the hang fault (closed on shutdown). */
  onHang: (res: http.ServerResponse, ms: number) => void;
}

/** A gateway answer before faults: a JSON body (possibly signed) or an HTML page (page.pay). */
type Answer = { kind: 'json'; body: string; signed?: string } | { kind: 'html'; status: number; html: string; location?: string };

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The response key of a method: `alipay.trade.query` → `alipay_trade_query_response`. */
export function responseKey(method: string): string {
  return `${method.replace(/\./g, '_')}_response`;
}

function unsignedError(code: string, msg: string, subCode: string, subMsg: string): Answer {
  // Real gateways answer these unsigned under error_response (公共错误码: isv.invalid-app-id and the like).
  return { kind: 'json', body: buildResponseBody('error_response', { code, msg, sub_code: subCode, sub_msg: subMsg }).body };
}

/** Process one gateway request (no faults): the real answer. */
export function processGateway(params: Record<string, string>, deps: GatewayDeps): Answer {
  const method = params.method ?? '';
  const isPage = method === PAGE_PAY_METHOD;
  const fail = (code: string, msg: string, subCode: string, subMsg: string, signType?: SignType): Answer => {
    if (isPage) return { kind: 'html', status: 200, html: errorPage(subCode, subMsg) };
    if (!signType) return unsignedError(code, msg, subCode, subMsg);
    const built = buildResponseBody(responseKey(method), { code, msg, sub_code: subCode, sub_msg: subMsg }, { privateKey: deps.alipayPrivateKey, signType });
    return { kind: 'json', ...built };
  };
  if (!method) return fail('40001', 'Missing Required Arguments', 'isv.missing-method', '缺少方法名参数');
  if (!params.app_id) return fail('40001', 'Missing Required Arguments', 'isv.missing-app-id', '缺少AppID参数');
  const app = deps.apps.get(params.app_id);
  const appKey = deps.apps.key(params.app_id);
  if (!app || !appKey) return fail('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数');
  if (!isPage && !API_HANDLERS[method]) return fail('40002', 'Invalid Arguments', 'isv.invalid-method', '不存在的方法名');
  // From here on the app is known: errors are signed under the method's response key.
  const st: SignType = isSignType(params.sign_type) ? params.sign_type : 'RSA2';
  if (!params.sign_type) return fail('40001', 'Missing Required Arguments', 'isv.missing-signature-type', '缺少签名类型参数', st);
  if (!isSignType(params.sign_type)) return fail('40002', 'Invalid Arguments', 'isv.invalid-signature-type', '无效的签名类型参数', st);
  if (!params.sign) return fail('40001', 'Missing Required Arguments', 'isv.missing-signature', '缺少签名参数', st);
  if (!params.timestamp) return fail('40001', 'Missing Required Arguments', 'isv.missing-timestamp', '缺少时间戳参数', st);
  if (!TIMESTAMP.test(params.timestamp)) return fail('40002', 'Invalid Arguments', 'isv.invalid-timestamp', '非法的时间戳参数', st);
  if (params.charset && params.charset.toLowerCase() !== 'utf-8') return fail('40002', 'Invalid Arguments', 'isv.invalid-charset', '字符集错误', st);
  if (params.version && params.version !== '1.0') return fail('40002', 'Invalid Arguments', 'isv.invalid-version', '版本号错误', st);
  if (params.format && params.format.toUpperCase() !== 'JSON') return fail('40002', 'Invalid Arguments', 'isv.invalid-format', '无效的数据格式参数', st);
  // Alipay's 自行实现签名: all params but `sign`, empty values dropped, sign_type KEPT, raw values.
  const signed = canonicalString(params, ['sign']);
  if (!verifyText(signed, params.sign, appKey, st)) {
    return fail(
      '40002',
      'Invalid Arguments',
      'isv.invalid-signature',
      `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signed}`,
      st,
    );
  }
  let biz: Record<string, unknown> = {};
  if (params.biz_content) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.biz_content);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return fail('40002', 'Invalid Arguments', 'isv.invalid-parameter', '参数无效 biz_content: 不是合法的 JSON 对象', st);
    }
    biz = parsed as Record<string, unknown>;
  }
  const ctx: ApiContext = { app, method, params, biz, signType: st, deps };
  if (isPage) return { kind: 'html', status: 200, ...pagePay(ctx) };
  const handler = API_HANDLERS[method] as Handler;
  const built = buildResponseBody(responseKey(method), handler(ctx), { privateKey: deps.alipayPrivateKey, signType: st });
  return { kind: 'json', ...built };
}

/** Flip one digit of the signed part (an amount digit when there is one): the signature no longer matches. */
export function tamper(body: string, signed: string): string {
  const start = body.indexOf(signed);
  const amount = /"\d+\.(\d)\d"/.exec(signed);
  let pos = amount ? amount.index + amount[0].indexOf('.') + 1 : -1;
  if (pos < 0) pos = signed.search(/\d/);
  if (start < 0 || pos < 0) return body.replace('"code"', '"cod\\u0065"');
  const at = start + pos;
  const digit = body.charAt(at);
  const replaced = digit === '9' ? '8' : String(Number(digit) + 1);
  return body.slice(0, at) + replaced + body.slice(at + 1);
}

function sendJson(res: http.ServerResponse, body: string, status = 200): void {
  // HTTP status is always 200; the SDK reads the trace id from the `trace_id` header.
  res.writeHead(status, {
    'content-type': 'text/html;charset=utf-8',
    'content-length': Buffer.byteLength(body),
    trace_id: randomBytes(15).toString('hex'),
  });
  res.end(body);
}

function sendAnswer(res: http.ServerResponse, answer: Answer): void {
  if (answer.kind === 'json') return sendJson(res, answer.body);
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store' };
  if (answer.location) headers.location = answer.location;
  res.writeHead(answer.status, headers);
  res.end(answer.html);
}

function faultAnswer(fault: Fault, method: string, params: Record<string, string>, deps: GatewayDeps): Answer | 'hang' | 'http500' {
  switch (fault.kind) {
    case 'hang':
      return 'hang';
    case 'http500':
      return 'http500';
    case 'unsigned-error':
      return unsignedError('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数');
    case 'unknown-error':
    case 'system-error': {
      const content =
        fault.kind === 'unknown-error'
          ? { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' }
          : { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.SYSTEM_ERROR', sub_msg: '系统错误' };
      const signType: SignType = isSignType(params.sign_type) ? params.sign_type : 'RSA2';
      return { kind: 'json', body: buildResponseBody(responseKey(method), content, { privateKey: deps.alipayPrivateKey, signType }).body };
    }
    default:
      throw new Error(`not an answer fault: ${fault.kind}`);
  }
}

/** Serve one gateway.do request, with faults (docs/emulator.md "Faults"). */
export async function handleGateway(res: http.ServerResponse, params: Record<string, string>, deps: GatewayDeps): Promise<void> {
  const method = params.method ?? '';
  const latency = deps.faults.takeLatency(method);
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  const fault = deps.faults.takeGatewayFault(method);
  if (!fault) return sendAnswer(res, processGateway(params, deps));
  deps.log(`fault ${fault.kind} on ${method || '(no method)'}${fault.apply ? ' (applied)' : ''}`);
  // tamper needs the real signed answer, so the request is always processed for it.
  const answer = fault.apply || fault.kind === 'tamper' ? processGateway(params, deps) : undefined;
  if (fault.kind === 'tamper') {
    if (answer?.kind !== 'json' || answer.signed === undefined) return sendAnswer(res, answer ?? processGateway(params, deps));
    return sendJson(res, tamper(answer.body, answer.signed));
  }
  const faulty = faultAnswer(fault, method, params, deps);
  if (faulty === 'hang') return deps.onHang(res, fault.ms ?? 60_000);
  if (faulty === 'http500') {
    res.writeHead(500, { 'content-type': 'text/html;charset=utf-8' });
    res.end('<html><body><h1>500 Internal Server Error</h1></body></html>');
    return;
  }
  sendAnswer(res, faulty);
}
