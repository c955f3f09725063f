/**
 * The web bridge: the browser host's counterpart of the Electron IPC. It serves the built renderer and
 * the same ConsoleApi contract over HTTP on 127.0.0.1 —
 *   POST /api/<channel>  JSON in → Result JSON out (every Result is HTTP 200; transport errors are not)
 *   GET  /api/events     Server-Sent Events, one `event: <name>` per contract event (the page reads
 *                        them through a fetch() stream, so the header can go with it)
 * Every API call needs the token in an `Authorization: Bearer` header: the page gets it from the URL
 * fragment (`/#token=…`, which no browser sends to any server) and never as a cookie (see security.ts).
 * A second token, the customer display's (客显), may only read the display's state: `display.get` and the
 * `display.updated` events; anything else it asks is refused with 403 DISPLAY_ONLY.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  commands,
  DISPLAY_CHANNELS,
  DISPLAY_EVENTS,
  DISPLAY_PICTURE_MAX_BYTES,
  EVENT_NAMES,
  type Channel,
  type ErrorInfo,
  type EventName,
  type Result,
} from '../../shared/contract';
import type { ConsoleHost } from '../console-host';
import type { Logger } from '../kernel';
import { expireCookies, isAllowedHost, isAllowedOrigin, isAuthorized, newToken, staleTokenCookies } from './security';
import { openStaticSite } from './static';

export interface WebBridgeOptions {
  host: ConsoleHost;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 = any free port (default). Always bound to 127.0.0.1. */
  port?: number;
  /** Default: 256 random bits. */
  token?: string;
  /** The customer display's token (display.get and the display.updated events only). Default: 256 random bits. */
  displayToken?: string;
  logger?: Logger;
  /** SSE keep-alive comment interval (default 15 s). */
  keepAliveMs?: number;
  /** Request body limit in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Slow-client limits: complete headers / a complete request within (defaults 10 s / 30 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface WebBridge {
  port: number;
  /** http://127.0.0.1:PORT/#token=… — the page moves the token into its tab's sessionStorage. */
  url: string;
  /** http://127.0.0.1:PORT/api */
  api: string;
  token: string;
  /** The customer display's capability: it may read the display's state and nothing else. */
  displayToken: string;
  /** http://127.0.0.1:PORT/?view=display#token=<displayToken> — what 打开客显 opens. */
  displayUrl: string;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 64 * 1024;
/** display.setPicture: the largest picture as base64, and room for the rest of the JSON. */
const PICTURE_BODY_LIMIT = Math.ceil(DISPLAY_PICTURE_MAX_BYTES / 3) * 4 + 1024;
/** What a request without a valid token is told (a new token comes with every start). */
export const REOPEN_MESSAGE =
  '访问令牌无效或已过期（PayDesk 每次启动都会换新令牌）：请从启动时打印的链接（…/#token=…）重新打开 / ' +
  'The access token is missing or expired (PayDesk makes a new one at every start): reopen the URL it printed at start-up (…/#token=…)';
/** What the display token is told when it asks for anything but the display's state. */
export const DISPLAY_ONLY_MESSAGE =
  '拒绝访问：客显令牌只能读取客显内容，不能执行收银操作 / Forbidden: the customer display token can only read what the display shows, not run any command';
const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** Start the bridge; resolves once it listens. */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const site = await openStaticSite(options.staticDir);
  const token = options.token ?? newToken();
  const displayToken = options.displayToken ?? newToken();
  if (displayToken === token) throw new Error('the display token must differ from the console token');
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const logger = options.logger;
  const host = options.host;
  const streams = new Set<ServerResponse>();
  let port = 0;
  let displayUrl = '';

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  // node:http checks those limits only every `connectionsCheckingInterval` (default 30 s), which would let
  // a client trickling bytes hold a socket far past them: check often enough for them to hold.
  const connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(Math.min(headersTimeout, requestTimeout) / 4)));
  const server: Server = createServer({ connectionsCheckingInterval }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger?.error('web bridge request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, failure('INTERNAL', '内部错误 / Internal error'));
      else res.destroy();
    });
  });
  // Slow-loris protection for normal requests; SSE responses are long-lived by design (requestTimeout
  // only covers receiving the request).
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) {
      sendJson(res, 403, failure('FORBIDDEN_HOST', '拒绝访问：主机名无效 / Forbidden: unexpected Host header'));
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url.pathname.slice('/api/'.length));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed');
      return;
    }
    if (url.searchParams.has('token')) {
      // Older versions took the token in the query string (sent to the server, kept in history): not any more.
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      res.end(`${REOPEN_MESSAGE}\n`);
      return;
    }
    const stale = staleTokenCookies(req.headers.cookie);
    if (stale.length > 0) res.setHeader('Set-Cookie', expireCookies(stale));
    if (await site.serve(req, res, url.pathname)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found');
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (!isAllowedOrigin(req.headers.origin, port)) {
      sendJson(res, 403, failure('FORBIDDEN_ORIGIN', '拒绝访问：来源无效 / Forbidden: cross-origin request'));
      return;
    }
    // The console token may do everything; the display token only what the customer display needs.
    const scope = isAuthorized(req, token) ? 'console' : isAuthorized(req, displayToken) ? 'display' : null;
    if (scope === null) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendJson(res, 401, failure('UNAUTHORIZED', REOPEN_MESSAGE));
      return;
    }
    if (scope === 'display' && name !== 'events' && !(DISPLAY_CHANNELS as readonly string[]).includes(name)) {
      sendJson(res, 403, failure('DISPLAY_ONLY', DISPLAY_ONLY_MESSAGE));
      return;
    }
    if (name === 'events') {
      if (req.method !== 'GET') {
        res.setHeader('Allow', 'GET');
        sendJson(res, 405, failure('METHOD_NOT_ALLOWED', '仅支持 GET / Use GET'));
        return;
      }
      openEventStream(req, res, scope === 'display' ? DISPLAY_EVENTS : EVENT_NAMES);
      return;
    }
    if (!Object.hasOwn(commands, name)) {
      sendJson(res, 404, failure('UNKNOWN_CHANNEL', `未知命令 / Unknown command: ${name.slice(0, 64)}`));
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, failure('METHOD_NOT_ALLOWED', '仅支持 POST / Use POST'));
      return;
    }
    // JSON only: an HTML form from another site cannot send it without a (refused) CORS preflight.
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json(\s*;|$)/i.test(type)) {
      sendJson(res, 415, failure('UNSUPPORTED_MEDIA_TYPE', '请求须为 JSON / Send application/json'));
      return;
    }
    // The customer display's idle picture is the one command that carries a file (as base64).
    const limit = name === 'display.setPicture' ? Math.max(bodyLimit, PICTURE_BODY_LIMIT) : bodyLimit;
    const body = await readBody(req, limit);
    if (body === TOO_LARGE) {
      sendJson(res, 413, failure('BODY_TOO_LARGE', `请求过大（上限 ${limit} 字节） / Request body over ${limit} bytes`));
      req.resume();
      return;
    }
    let input: unknown;
    try {
      input = body.trim() === '' ? {} : (JSON.parse(body) as unknown);
    } catch {
      sendJson(res, 400, failure('INVALID_JSON', '请求不是有效的 JSON / The request body is not valid JSON'));
      return;
    }
    if (name === 'display.open') {
      // 打开客显 in a browser: the page opens this URL in a new window (the display token, never the console's).
      const parsed = commands['display.open'].input.safeParse(input);
      sendJson(res, 200, parsed.success ? { ok: true, value: { url: displayUrl } } : failure('INVALID_INPUT', '输入无效 / Invalid input'));
      return;
    }
    const result = await host.dispatch(name as Channel, input);
    sendJson(res, 200, result);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse, events: readonly EventName[]): void {
    req.socket.setTimeout(0);
    req.socket.setKeepAlive(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    streams.add(res);
    const unsubscribe = events.map((event) =>
      host.on(event, (payload) => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    const ping = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
    ping.unref();
    const cleanup = (): void => {
      clearInterval(ping);
      for (const off of unsubscribe) off();
      streams.delete(res);
    };
    res.on('close', cleanup);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  displayUrl = `${base}/?view=display#token=${displayToken}`;

  let closing: Promise<void> | null = null;
  return {
    port,
    url: `${base}/#token=${token}`,
    api: `${base}/api`,
    token,
    displayToken,
    displayUrl,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        for (const stream of streams) stream.end();
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function failure(code: string, message: string): Result<never> {
  const error: ErrorInfo = { code, message };
  return { ok: false, error };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const TOO_LARGE = Symbol('too-large');

/** The body as UTF-8, or TOO_LARGE as soon as it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | typeof TOO_LARGE> {
  return new Promise((resolveBody, rejectBody) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolveBody(TOO_LARGE);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolveBody(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolveBody(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        rejectBody(err);
      }
    });
  });
}
