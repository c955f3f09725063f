import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../payments/api';
import type { NotifyAnswer } from './notify-handler';

/** Alipay notifications are a few KB; anything larger is not one (issue 3: 64 KiB limit). */
export const MAX_BODY_BYTES = 64 * 1024;
export const NOTIFY_PATH = '/notify/alipay';

export interface NotifyServerOptions {
  /** 0 = any free port. */
  port: number;
  host?: string;
  handle: (body: string, headers: Record<string, unknown>) => NotifyAnswer;
  /**
   * Optional asynchronous path, used instead of `handle` when given: the payment core's group commit
   * (NotifyHandler.submit, issue 8). `drain` is called on close, before the connections are dropped.
   */
  submit?: (body: string, headers: Record<string, unknown>) => Promise<NotifyAnswer>;
  drain?: () => void;
  /** Extra routes tried before the notify path (the reachability probe); return true when handled. */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  logger: Logger;
  /** Slow-client protection (principle 8); defaults 10 s / 15 s. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface NotifyServer {
  port: number;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The notify endpoint: node:http on 127.0.0.1, `POST /notify/alipay` only (other path → 404, other
 * method → 405), body ≤ 64 KiB (413), header/request/idle timeouts. A tunnel or reverse proxy makes it
 * reachable from Alipay; it never listens on a public interface itself.
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
  server.keepAliveTimeout = 5_000;
  server.setTimeout(requestTimeout); // idle socket timeout
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        opts.drain?.(); // requests already read are stored and answered before their sockets go
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...extra });
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
  const path = (req.url ?? '').split('?')[0];
  if (path !== NOTIFY_PATH && opts.routes) {
    try {
      if (opts.routes(req, res)) return;
    } catch (err) {
      opts.logger.error('notify server route failed', { error: err instanceof Error ? err.message : String(err) });
      send(res, 500, 'error');
      req.resume();
      return;
    }
  }
  if (path !== NOTIFY_PATH) {
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
    const body = Buffer.concat(chunks).toString('utf8');
    if (opts.submit) {
      opts.submit(body, { ...req.headers }).then(
        (answer) => send(res, answer.status, answer.body),
        (err: unknown) => {
          opts.logger.error('notify handler failed', { error: err instanceof Error ? err.message : String(err) });
          send(res, 500, 'fail');
        },
      );
      return;
    }
    try {
      const answer = opts.handle(body, { ...req.headers });
      send(res, answer.status, answer.body);
    } catch (err) {
      opts.logger.error('notify handler threw', { error: err instanceof Error ? err.message : String(err) });
      send(res, 500, 'fail');
    }
  });
  req.on('error', () => {
    aborted = true;
  });
}
