/**
 * Opens a tunnel with the `localtunnel` client (its Tunnel / TunnelCluster: the TCP sockets to the
 * server's port piped to the local notify server, and its 'url' / 'error' / 'close' events), with one
 * change: the assignment request (`GET <host>/?new` or `<host>/<subdomain>`).
 *
 * Why: localtunnel 2.0.2's `_init` retries that request every second, forever, on any failure —
 * server down, timeout, or an HTTP error such as 403 for an invalid subdomain (axios rejects non-2xx
 * and the catch just retries) — and its loop cannot be cancelled, not even by close(). A manager that
 * gives up on an attempt after a timeout would leak one endless retry loop per attempt. So `_init` is
 * replaced by ONE request with a timeout and an abort, whose failure (with the server's message) goes
 * to our backoff. It also means the bundled axios 0.21.4 is never used to make a request (see README).
 * The answer is passed through the client's own `_getInfo`, so everything after it is the client's.
 */
import Tunnel from 'localtunnel/lib/Tunnel.js';
import { describeError } from './probe';

export interface OpenTunnelOptions {
  /** local notify server port */
  port: number;
  /** tunnel server, e.g. https://localtunnel.me or a self-hosted one */
  host: string;
  subdomain?: string;
  /** local host to connect to and to put in the Host header; default 127.0.0.1 */
  local_host?: string;
  /** give up (and clean up) after this long */
  timeoutMs: number;
}

/** What the manager needs of a tunnel; `localtunnel()`'s own Tunnel satisfies it. */
export interface TunnelHandle {
  url: string;
  /** the id (subdomain) the server assigned; localtunnel's Tunnel sets it */
  clientId?: string;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  close(): void;
}

export type OpenTunnel = (opts: OpenTunnelOptions) => Promise<TunnelHandle>;

/** localtunnel-server sends at most 10; a hostile answer must not make us open thousands of sockets. */
const MAX_CONN = 10;
const MAX_BODY = 16 * 1024;

/**
 * Resolves once the first tunnel socket is connected (the client's 'url' event), rejects on the
 * first error or after timeoutMs — never leaves a retry loop or socket behind when it rejects.
 */
export const openLocaltunnel: OpenTunnel = (opts) =>
  new Promise<TunnelHandle>((resolve, reject) => {
    const client = new Tunnel({
      port: opts.port,
      host: opts.host,
      ...(opts.subdomain ? { subdomain: opts.subdomain } : {}),
      local_host: opts.local_host ?? '127.0.0.1',
    });
    const ctrl = new AbortController();
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctrl.abort();
      try {
        client.close();
      } catch {
        /* closing a half-open client must not throw out of here */
      }
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`no tunnel within ${(opts.timeoutMs / 1000).toFixed(1)}s`)), opts.timeoutMs);
    timer.unref?.();
    // Always listening: an EventEmitter 'error' without a listener would throw (uncaught).
    client.on('error', (err: Error) => fail(err));
    client.once('url', (url: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.url = url;
      resolve(client as TunnelHandle & typeof client);
    });
    client._init = (cb) => {
      requestAssignment(opts, ctrl.signal).then(
        (body) => cb(null, client._getInfo(body)),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
    };
    client.open((err) => {
      if (err) fail(err);
    });
  });

/** One `GET <host>/?new` or `<host>/<subdomain>`; validates the `{id, port, max_conn_count, url}` answer. */
export async function requestAssignment(
  opts: Pick<OpenTunnelOptions, 'host' | 'subdomain'>,
  signal: AbortSignal,
): Promise<{ id: string; port: number; url: string; max_conn_count: number }> {
  const uri = `${opts.host.replace(/\/+$/, '')}/${opts.subdomain ? encodeURIComponent(opts.subdomain) : '?new'}`;
  let res: Response;
  try {
    res = await fetch(uri, { headers: { accept: 'application/json' }, redirect: 'error', signal });
  } catch (err) {
    throw new Error(`tunnel server unreachable (${describeError(err)})`, { cause: err });
  }
  const text = await readLimited(res, MAX_BODY);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* handled below */
  }
  const rec = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (res.status !== 200) {
    const msg = typeof rec.message === 'string' ? rec.message.slice(0, 200) : `HTTP ${res.status}`;
    throw new Error(`tunnel server refused: ${msg}`);
  }
  const { id, port, url } = rec;
  const max = rec.max_conn_count;
  if (typeof id !== 'string' || !id || typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
    throw new Error('tunnel server sent an invalid answer');
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error('tunnel server sent an invalid port');
  }
  const maxConn = typeof max === 'number' && Number.isInteger(max) && max > 0 ? Math.min(max, MAX_CONN) : 1;
  return { id, port, url, max_conn_count: maxConn };
}

async function readLimited(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value: unknown };
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new Error('tunnel server answer is not bytes');
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new Error('tunnel server answer too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
