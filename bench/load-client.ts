/**
 * Child-process HTTP load generator for the notify-ingest benchmark (runs on the other core, so the
 * server under test is not sharing its event loop with the client). Protocol over the IPC channel:
 *   parent → { url, bodiesFile, concurrency, ack }
 *            bodiesFile: JSON (string | {body, headers})[]; each POSTed once, with its own headers if given
 *            ack: 'alipay' (an answer counts when its body is exactly `success`) or 'wechat' (when its
 *            status is 200 or 204, WeChat Pay's 回调通知 应答)
 *   child  → { elapsedMs, ok, other, p50Ms, p99Ms }  (ok = acknowledged answers; latency per request)
 * The client is plain node:http with a keep-alive Agent limited to `concurrency` sockets.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export type AckRule = 'alipay' | 'wechat';

export interface Job {
  url: string;
  bodiesFile: string;
  concurrency: number;
  ack: AckRule;
}

/** One notification as POSTed: a form body (Alipay) or a JSON body with its Wechatpay-* headers. */
export type Posted = string | { body: string; headers: Record<string, string> };

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

function post(agent: Agent, url: URL, item: Posted): Promise<{ status: number; text: string }> {
  const body = typeof item === 'string' ? item : item.body;
  const headers = typeof item === 'string' ? { 'content-type': FORM } : { 'content-type': 'application/json', ...item.headers };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? Number.NaN;
}

async function run(job: Job): Promise<{ elapsedMs: number; ok: number; other: number; p50Ms: number; p99Ms: number }> {
  const items = JSON.parse(readFileSync(job.bodiesFile, 'utf8')) as Posted[];
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const acked =
    job.ack === 'wechat' ? (r: { status: number }) => r.status === 200 || r.status === 204 : (r: { status: number; text: string }) => r.text === 'success';
  const latencies = new Float64Array(items.length);
  let next = 0;
  let ok = 0;
  let other = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const t0 = performance.now();
      const r = await post(agent, url, items[i] as Posted);
      latencies[i] = performance.now() - t0;
      if (acked(r)) ok++;
      else other++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  latencies.sort();
  return { elapsedMs, ok, other, p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99) };
}

process.on('message', (job: Job) => {
  run(job).then(
    (r) => process.send?.(r),
    (err: unknown) => process.send?.({ error: err instanceof Error ? err.message : String(err) }),
  );
});
