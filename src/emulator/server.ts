/**
 * HTTP routing of the emulator: /gateway.do, /__emulator/* (control API), /qr/*, /cashier/*, /bill/*.
 * Bound to 127.0.0.1 only by the caller (index.ts).
 */
import http from 'node:http';
import { handleControl, type ControlDeps } from './control';
import { handleCustomer, type CustomerDeps } from './customer';
import { handleGateway, type GatewayDeps } from './gateway';
import { statePage } from './pages';
import type { WechatSide } from './wechat';

/** Everything the routes need. */
export type ServerDeps = GatewayDeps & ControlDeps & CustomerDeps & { wechat?: WechatSide };

const MAX_BODY = 1_048_576;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Merge query and form parameters (form wins), each decoded once (Alipay's 自行实现签名: the signature covers
 * the decoded values).
 */
export function mergeParams(query: URLSearchParams, form: URLSearchParams): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of query) params[k] = v;
  for (const [k, v] of form) params[k] = v;
  return params;
}

async function route(req: http.IncomingMessage, res: http.ServerResponse, deps: ServerDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  // WeChat Pay v3 (/v3/*, /__emulator/wechat/*, /wxpay/*): wechat/index.ts.
  if (deps.wechat && (await deps.wechat.route(req, res, url, raw))) return;
  if (path === '/gateway.do') {
    if (method !== 'GET' && method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
    const isJson = (req.headers['content-type'] ?? '').includes('application/json');
    const form = isJson ? new URLSearchParams() : new URLSearchParams(raw);
    return handleGateway(res, mergeParams(url.searchParams, form), deps);
  }
  if (path === '/__emulator' || path.startsWith('/__emulator/')) {
    let body: unknown = undefined;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON' });
      }
    }
    const answer = handleControl(method, path.slice('/__emulator'.length) || '/', url.searchParams, body, deps);
    return sendJson(res, answer.status, answer.body);
  }
  if (handleCustomer(req, res, path, new URLSearchParams(raw), deps)) return;
  if (path === '/' && method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' });
    res.end(statePage('ok', '支付宝网关模拟器', `gateway: ${deps.baseUrl()}/gateway.do · control: ${deps.baseUrl()}/__emulator`, undefined, 'index'));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/html;charset=utf-8' });
  res.end(statePage('bad', '页面不存在', path, undefined, 'not-found'));
}

/** Create the HTTP server (not yet listening). */
export function createEmulatorServer(deps: ServerDeps): http.Server {
  return http.createServer((req, res) => {
    route(req, res, deps).catch((e: unknown) => {
      deps.log(`request ${req.method} ${req.url} failed: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
}
