/**
 * Child-process HTTP load generator for the notify-ingest benchmark (runs on the other core, so the
 * server under test is not sharing its event loop with the client). Protocol over the IPC channel:
 *   parent → { url, bodiesFile, concurrency }  (bodiesFile: JSON string[]; each POSTed once)
 *   child  → { elapsedMs, ok, other }          (ok = answers that were exactly `success`)
 * The client is plain node:http with a keep-alive Agent limited to `concurrency` sockets.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

interface Job {
  url: string;
  bodiesFile: string;
  concurrency: number;
}

function post(agent: Agent, url: URL, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(job: Job): Promise<{ elapsedMs: number; ok: number; other: number }> {
  const bodies = JSON.parse(readFileSync(job.bodiesFile, 'utf8')) as string[];
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  let next = 0;
  let ok = 0;
  let other = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let i = next++; i < bodies.length; i = next++) {
      const text = await post(agent, url, bodies[i] as string);
      if (text === 'success') ok++;
      else other++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { elapsedMs, ok, other };
}

process.on('message', (job: Job) => {
  run(job).then(
    (r) => process.send?.(r),
    (err: unknown) => process.send?.({ error: err instanceof Error ? err.message : String(err) }),
  );
});
