import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { NotificationAck } from '../domain';
import type { Logger } from '../kernel';

/** Provider notifications are a few KB; anything larger is not one (64 KiB limit). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Where a provider's notifications arrive: `/notify/<provider id>` (e.g. `/notify/alipay`). */
export const NOTIFY_PREFIX = '/notify/';
const NOTIFY_PATH = /^\/notify\/([a-z0-9][a-z0-9_-]{0,31})$/;

/** The notify path of one provider. */
export function notifyPath(provider: string): string {
  return `${NOTIFY_PREFIX}${provider}`;
}

export interface NotifyServerOptions {
  /** 0 = any free port. */
  port: number;
  host?: string;
  /** Whether `/notify/<id>` names a hosted provider; any other id is answered 404 and nothing is stored. */
  hosts: (provider: string) => boolean;
  /**
   * One notification, exactly as received: resolves with the provider's answer once its verdict is
   * committed (the payment core's group commit, NotificationIngest.submit).
   */
  submit: (provider: string, rawBody: Buffer, headers: Record<string, string | string[] | undefined>) => Promise<NotificationAck>;
  /** Called on close, before the connections are dropped: requests already read are stored and answered. */
  drain?: () => Promise<void> | void;
  /** Extra routes tried before the notify path (the reachability probe); return true when handled. */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  logger: Logger;
  /** Slow-client protection; defaults 10 s / 15 s. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How long a kept-alive connection may idle between requests; default 5 s. */
  keepAliveTimeoutMs?: number;
}

/** Something went wrong with a request that came through the tunnel listener. */
export interface TunnelTrouble {
  /** 'timeout' (408), 'status' (answered 5xx), 'aborted' (the caller went away), 'bad-request' */
  kind: 'timeout' | 'status' | 'aborted' | 'bad-request';
  status?: number;
}

/** The tunnel listener: where a tunnel client (localtunnel) connects its local sockets. */
export interface TunnelLocal {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Called on every troubled request seen there (the caller re-checks reachability soon). */
  onTrouble(listener: (t: TunnelTrouble) => void): () => void;
}

export interface NotifyServer {
  port: number;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  tunnel: TunnelLocal;
  close(): Promise<void>;
}

/** Connections the tunnel listener holds at most (the localtunnel client opens ≤ 10, plus re-dials). */
export const TUNNEL_MAX_CONNECTIONS = 64;

/**
 * The notify endpoint: node:http on 127.0.0.1, `POST /notify/<provider>` for each hosted provider
 * (another path → the extra routes, else 404; another method → 405), body ≤ 64 KiB (413),
 * header/request/idle timeouts. A tunnel or reverse proxy makes it reachable from the providers; it
 * never listens on a public interface itself.
 *
 * Two listeners, one handler:
 * - the direct one (`baseUrl`; the loopback URL, and what a reverse proxy forwards to): slow-client
 *   protection as node:http does it — a connection that has not sent its headers within
 *   headersTimeout (even one that never sent a byte) gets 408 and is closed; idle sockets are closed
 *   after requestTimeout, kept-alive ones after keepAliveTimeout.
 * - the tunnel listener (`tunnel.url`), for the localtunnel client. That client connects one local
 *   socket per tunnel socket as soon as it opens, and the tunnel server keeps its end idle in a pool,
 *   unread, for as long as no request comes. A 408 written on such an idle socket is not seen by anyone
 *   until it becomes the answer to the next notification; closing it makes the client re-dial, and a
 *   request already on its way through that socket is lost. So here a connection that has not sent a
 *   single byte is held open without a deadline (bounded by TUNNEL_MAX_CONNECTIONS), and so is a
 *   kept-alive one between requests (the tunnel server decides when to drop its sockets). Once a
 *   request's first byte has arrived the same header/request timeouts apply as on the direct listener.
 */
export async function startNotifyServer(opts: NotifyServerOptions): Promise<NotifyServer> {
  const host = opts.host ?? '127.0.0.1';
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const requestTimeout = opts.requestTimeoutMs ?? 15_000;
  // Node enforces headersTimeout/requestTimeout only when it sweeps its connections, every
  // `connectionsCheckingInterval` (default 30 s): a client trickling one byte at a time (slowloris)
  // would hold its socket ~30 s past either limit. Sweep often enough for the limits to mean something.
  const connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(Math.min(headersTimeout, requestTimeout) / 4)));
  const server: Server = createServer({ connectionsCheckingInterval }, (req, res) => onRequest(req, res, opts));
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 5_000;
  server.setTimeout(requestTimeout); // idle socket timeout
  server.maxHeadersCount = 100;

  const troubleListeners = new Set<(t: TunnelTrouble) => void>();
  const trouble = (t: TunnelTrouble): void => {
    opts.logger.warn('notify request through the tunnel failed', { kind: t.kind, ...(t.status ? { status: t.status } : {}) });
    for (const l of [...troubleListeners]) {
      try {
        l(t);
      } catch (err) {
        opts.logger.error('tunnel trouble listener failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  const tunnel: Server = createServer({ connectionsCheckingInterval }, (req, res) => {
    watchTunnelRequest(req, res, trouble);
    onRequest(req, res, opts);
  });
  tunnel.headersTimeout = headersTimeout;
  tunnel.requestTimeout = requestTimeout;
  tunnel.keepAliveTimeout = 0; // between requests: held, like an unused pooled socket
  tunnel.setTimeout(0);
  tunnel.maxHeadersCount = 100;
  tunnel.maxConnections = TUNNEL_MAX_CONNECTIONS;
  tunnel.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => onTunnelClientError(err, socket as Socket, trouble));

  const port = await listen(server, opts.port, host);
  let tunnelPort: number;
  try {
    tunnelPort = await listen(tunnel, 0, host);
  } catch (err) {
    server.close();
    throw err;
  }
  return {
    port,
    baseUrl: `http://${host}:${port}`,
    tunnel: {
      url: `http://${host}:${tunnelPort}`,
      onTrouble(listener) {
        troubleListeners.add(listener);
        return () => {
          troubleListeners.delete(listener);
        };
      },
    },
    close: async () => {
      await opts.drain?.(); // requests already read are stored and answered before their sockets go
      troubleListeners.clear();
      await Promise.all(
        [server, tunnel].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The response in progress on a tunnel-listener socket (node:http keeps it internal). */
const IN_FLIGHT = new WeakMap<Socket, ServerResponse>();

/** Reports a tunnelled request that was not answered, answered 408/5xx, or abandoned by its caller. */
function watchTunnelRequest(req: IncomingMessage, res: ServerResponse, trouble: (t: TunnelTrouble) => void): void {
  const socket = req.socket;
  IN_FLIGHT.set(socket, res);
  let finished = false;
  res.once('finish', () => {
    finished = true;
    if (IN_FLIGHT.get(socket) === res) IN_FLIGHT.delete(socket);
    if (res.statusCode === 408) trouble({ kind: 'timeout', status: 408 });
    else if (res.statusCode >= 500) trouble({ kind: 'status', status: res.statusCode });
  });
  res.once('close', () => {
    if (IN_FLIGHT.get(socket) === res) IN_FLIGHT.delete(socket);
    if (!finished) trouble({ kind: 'aborted' });
  });
}

/**
 * node:http reports a header/request timeout (and a malformed request) here instead of answering it
 * itself once a listener exists. A socket that never sent a byte is an idle tunnel socket: nothing is
 * written and it stays open (node:http checks it again only when a request begins on it). Anything
 * else gets node:http's own answer and is closed.
 */
function onTunnelClientError(err: NodeJS.ErrnoException, socket: Socket, trouble: (t: TunnelTrouble) => void): void {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.bytesRead === 0) return;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
    socket.destroy();
    return;
  }
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  trouble(timeout ? { kind: 'timeout', status: 408 } : { kind: 'bad-request', status: 400 });
  if (socket.writable && !IN_FLIGHT.get(socket)?.headersSent) {
    socket.end(
      timeout
        ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n'
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n'
          : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
    );
  }
  socket.destroy();
}

function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...extra, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * 413 with `connection: close`: node:http ends the socket once the answer is flushed. Destroying the
 * socket at once instead (while upload bytes are still unread) makes the kernel reset the connection
 * and the client often loses the 413 it was about to read; the rest of the upload is discarded.
 */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  send(res, 413, 'payload too large', { connection: 'close' });
  req.resume();
}

function onRequest(req: IncomingMessage, res: ServerResponse, opts: NotifyServerOptions): void {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const match = NOTIFY_PATH.exec(path);
  const provider = match?.[1] !== undefined && opts.hosts(match[1]) ? match[1] : null;
  if (provider === null && opts.routes) {
    try {
      if (opts.routes(req, res)) return;
    } catch (err) {
      opts.logger.error('notify server route failed', { error: err instanceof Error ? err.message : String(err) });
      send(res, 500, 'error');
      req.resume();
      return;
    }
  }
  if (provider === null) {
    send(res, 404, 'not found');
    req.resume();
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, 'method not allowed', { allow: 'POST' });
    req.resume();
    return;
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    tooLarge(req, res);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let aborted = false;
  req.on('data', (chunk: Buffer) => {
    if (aborted) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      aborted = true;
      tooLarge(req, res);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (aborted) return;
    const body = Buffer.concat(chunks);
    let answer: Promise<NotificationAck>;
    try {
      answer = opts.submit(provider, body, { ...req.headers });
    } catch (err) {
      answer = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    answer.then(
      (ack) => send(res, ack.status, ack.body, ack.headers),
      (err: unknown) => {
        opts.logger.error('notify handler failed', { error: err instanceof Error ? err.message : String(err) });
        send(res, 500, 'fail');
      },
    );
  });
  req.on('error', () => {
    aborted = true;
  });
}
