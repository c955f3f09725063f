/**
 * The /v3/* HTTP front of the WeChat Pay emulator: request authentication (签名认证), fault injection and
 * response signing. Models: 401 SIGN_ERROR (unsigned) for a missing/malformed Authorization, an unknown
 * mchid or serial_no, a timestamp more than 5 minutes off the real clock, or a bad signature; every other
 * answer (errors included) is signed with Wechatpay-* headers by the current signer (WeChat Pay public key
 * or platform certificate); faults: latency, HTML 500, hang, connection reset (no answer at all), 500
 * SYSTEM_ERROR, 429 FREQUENCY_LIMITED (each
 * with `apply` = processed first: the outcome is unknown to the merchant), tamper (signed, then a byte
 * changed), sign-probe (a `WECHATPAY/SIGNTEST/` signature, 应对签名探测流量), skew (a validly signed answer
 * whose Wechatpay-Timestamp is 10 minutes old), idle-close (the answer is sent, then the server treats the
 * kept-alive connection as closed for idleness: the next request the client writes on it is reset unread,
 * as when a keep-alive socket is reused just as the server's FIN is on its way).
 * Not modelled: the backup domain, rate limits without the fault, Accept / Content-Type header checks.
 */
import type http from 'node:http';
import { createPublicKey, randomBytes } from 'node:crypto';
import { parseAuthorization, requestMessage, signedHeaders, verifySha256WithRsa, type Signer } from './crypto';
import type { WxFaultRegistry, WxOperation } from './faults';
import {
  certificates,
  closeOrder,
  codepay,
  createRefund,
  nativeOrder,
  queryOrder,
  queryRefund,
  reverseOrder,
  wxError,
  type WxAnswer,
  type WxHandlerDeps,
} from './handlers';
import { sortedJson } from './views';

/** What the /v3 front needs. */
export interface WxApiDeps extends WxHandlerDeps {
  faults: WxFaultRegistry;
  signer: () => Signer;
  log: (msg: string) => void;
  onHang: (res: http.ServerResponse, ms: number) => void;
}

/** Allowed distance between the request timestamp and the real clock. */
export const MAX_SKEW_SECONDS = 300;

interface Route {
  op: WxOperation;
  method: 'GET' | 'POST';
  run: (deps: WxApiDeps, mchid: string, body: unknown, query: URLSearchParams) => WxAnswer | Promise<WxAnswer>;
}

function match(rawPath: string): Route[] {
  try {
    return matchDecoded(rawPath);
  } catch {
    return []; // a malformed %-escape in a path segment: no such resource
  }
}

function matchDecoded(path: string): Route[] {
  const seg = (s: string): string => decodeURIComponent(s);
  let m: RegExpExecArray | null;
  if (path === '/v3/pay/transactions/native') return [{ op: 'native', method: 'POST', run: (d, mchid, b) => nativeOrder(d, mchid, b) }];
  if (path === '/v3/pay/transactions/codepay') return [{ op: 'codepay', method: 'POST', run: (d, mchid, b) => codepay(d, mchid, b) }];
  if ((m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path))) {
    const no = seg(m[1] as string);
    return [{ op: 'query', method: 'GET', run: (d, mchid, _b, q) => queryOrder(d, mchid, 'out-trade-no', no, q) }];
  }
  if ((m = /^\/v3\/pay\/transactions\/id\/([^/]+)$/.exec(path))) {
    const id = seg(m[1] as string);
    return [{ op: 'query-id', method: 'GET', run: (d, mchid, _b, q) => queryOrder(d, mchid, 'id', id, q) }];
  }
  if ((m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/(close|reverse)$/.exec(path))) {
    const no = seg(m[1] as string);
    return m[2] === 'close'
      ? [{ op: 'close', method: 'POST', run: (d, mchid, b) => closeOrder(d, mchid, no, b) }]
      : [{ op: 'reverse', method: 'POST', run: (d, mchid, b) => reverseOrder(d, mchid, no, b) }];
  }
  if (path === '/v3/refund/domestic/refunds') return [{ op: 'refund', method: 'POST', run: (d, mchid, b) => createRefund(d, mchid, b) }];
  if ((m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path))) {
    const no = seg(m[1] as string);
    return [{ op: 'refund-query', method: 'GET', run: (d, mchid) => queryRefund(d, mchid, no) }];
  }
  if (path === '/v3/certificates') return [{ op: 'certificates', method: 'GET', run: (d) => certificates(d) }];
  return [];
}

function sendRaw(res: http.ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), 'request-id': randomBytes(16).toString('hex').toUpperCase() });
  res.end(body);
}

function sendUnsigned(res: http.ServerResponse, a: WxAnswer): void {
  sendRaw(res, a.status, a.body ? JSON.stringify(a.body) : '', { 'content-type': 'application/json; charset=utf-8' });
}

/** Change one byte of a signed body: a digit if there is one (an amount), else a letter. */
function tamper(body: string): string {
  const i = body.search(/[0-9]/);
  if (i >= 0) return `${body.slice(0, i)}${body[i] === '9' ? '8' : String(Number(body[i]) + 1)}${body.slice(i + 1)}`;
  const j = body.search(/[a-z]/i);
  return j >= 0 ? `${body.slice(0, j)}${body[j] === 'x' ? 'y' : 'x'}${body.slice(j + 1)}` : body;
}

function authenticate(req: http.IncomingMessage, raw: string, deps: WxApiDeps): { mchid: string } | WxAnswer {
  const auth = parseAuthorization(req.headers.authorization);
  if (typeof auth === 'string') return wxError(401, 'SIGN_ERROR', auth);
  const k = deps.keys();
  if (auth.mchid !== k.mchid) return wxError(401, 'SIGN_ERROR', `商户号${auth.mchid}不存在或未开通APIv3 / unknown mchid`);
  if (auth.serialNo.toUpperCase() !== k.merchant.serialNo)
    return wxError(401, 'SIGN_ERROR', '商户API证书序列号serial_no有误，请检查后再试 / unknown serial_no');
  const ts = Number(auth.timestamp);
  const nowSec = Math.floor(Date.now() / 1000);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(nowSec - ts) > MAX_SKEW_SECONDS) {
    return wxError(401, 'SIGN_ERROR', `请求的时间戳timestamp与当前时间相差超过5分钟 / timestamp off by more than ${MAX_SKEW_SECONDS} s`);
  }
  const message = requestMessage(req.method ?? 'GET', req.url ?? '/', auth.timestamp, auth.nonceStr, raw);
  if (!verifySha256WithRsa(message, auth.signature, createPublicKey(k.merchant.publicKeyPem))) {
    return wxError(401, 'SIGN_ERROR', '签名错误，请检查后再试 / signature verification failed');
  }
  return { mchid: auth.mchid };
}

/** Connections closed for idleness (idle-close fault): a request arriving on one is reset unread. */
const idleClosed = new WeakSet<object>();

/** Handle a /v3/* request. */
export async function handleWxApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string, deps: WxApiDeps): Promise<void> {
  if (idleClosed.has(req.socket)) {
    deps.log(`wechat ${req.method ?? ''} ${url.pathname} on an idle-closed connection: reset, not processed`);
    req.socket.resetAndDestroy();
    return;
  }
  const routes = match(url.pathname);
  const route = routes.find((r) => r.method === req.method);
  if (!route) {
    return sendUnsigned(
      res,
      routes.length ? wxError(405, 'INVALID_REQUEST', `不支持的请求方法 ${req.method ?? ''}`) : wxError(404, 'NOT_FOUND', '无效的请求地址，请检查URL'),
    );
  }
  const who = authenticate(req, raw, deps);
  if ('status' in who) return sendUnsigned(res, who);
  let body: unknown = undefined;
  if (route.method === 'POST') {
    try {
      body = JSON.parse(raw);
    } catch {
      return answer(res, wxError(400, 'PARAM_ERROR', '请求体不是合法的JSON / body is not JSON'), deps, undefined);
    }
  }
  const latency = deps.faults.takeLatency(route.op);
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  const fault = deps.faults.takeApiFault(route.op);
  const failing = fault && ['http500', 'hang', 'reset', 'system-error', 'frequency-limited'].includes(fault.kind);
  if (fault && failing && !fault.apply) return answerFault(res, fault.kind, fault.ms, deps);
  const result = await route.run(deps, who.mchid, body, url.searchParams);
  if (fault && failing) {
    deps.log(`wechat ${route.op} processed, then answered with fault ${fault.kind}`);
    return answerFault(res, fault.kind, fault.ms, deps);
  }
  return answer(res, result, deps, fault?.kind);
}

function answerFault(res: http.ServerResponse, kind: string, ms: number | undefined, deps: WxApiDeps): void {
  if (kind === 'hang') return deps.onHang(res, ms ?? 60_000);
  // The connection is reset without an answer (a TCP RST from a proxy or a restarted node): the client
  // sees ECONNRESET / "socket hang up", never a status.
  if (kind === 'reset') return void res.socket?.resetAndDestroy();
  if (kind === 'http500') {
    return sendRaw(
      res,
      500,
      '<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center></body></html>',
      { 'content-type': 'text/html' },
    );
  }
  const a = kind === 'frequency-limited' ? wxError(429, 'FREQUENCY_LIMITED', '频率超限，请降低请求频率') : wxError(500, 'SYSTEM_ERROR', '系统繁忙，请稍后重试');
  return answer(res, a, deps, undefined);
}

function answer(res: http.ServerResponse, a: WxAnswer, deps: WxApiDeps, modifier: string | undefined): void {
  const text = a.body ? sortedJson(a.body) : '';
  const nowSec = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { ...signedHeaders(text, deps.signer(), modifier === 'skew' ? nowSec - 600 : nowSec) };
  let sent = text;
  if (modifier === 'tamper') {
    if (text) sent = tamper(text);
    else headers['Wechatpay-Timestamp'] = String(Number(headers['Wechatpay-Timestamp']) + 1);
  }
  if (modifier === 'sign-probe') headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomBytes(256).toString('base64')}`;
  if (text) headers['content-type'] = 'application/json; charset=utf-8';
  sendRaw(res, a.status, sent, headers);
  if (modifier === 'idle-close' && res.socket) idleClosed.add(res.socket);
}
