import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/main/payments/api';
import { createProbeEndpoint, type ProbeEndpoint } from '../../src/main/tunnel/probe';

/** A tiny node:http server standing in for the core's notify server: probe endpoint + recorded POSTs. */
export interface StandIn {
  url: string;
  port: number;
  probe: ProbeEndpoint;
  posts: { path: string; body: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startStandIn(): Promise<StandIn> {
  const probe = createProbeEndpoint();
  const posts: StandIn['posts'] = [];
  const server: Server = createServer((req, res) => {
    if (probe.handle(req, res)) return;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST') posts.push({ path: req.url ?? '', body, headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('success');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    probe,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A manual clock: timers fire only on advance(); records every scheduled delay. */
export function manualClock(start = 1_000_000): Clock & { advance(ms: number): void; delays: number[]; pending(): number } {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      delays.push(ms);
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    pending: () => timers.size,
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | null = null;
        for (const e of timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
  };
}

/** Let pending promise callbacks run. */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
