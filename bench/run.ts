/**
 * `npm run bench [-- --quick] [-- --only notify,create,screen,event,tunnel,scale,bundle,interactive]`
 *
 * Runs PayDesk's benchmarks (README, "Performance"), prints a table and writes bench/results.json. Figures are
 * medians over repeated runs; ratios are measured side by side in the same run (these machines are
 * noisy). `--quick` keeps the same fields with smaller sizes (< 60 s, plus the tunnel part's one 30 s idle).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchNotifyIngest } from './notify-ingest';
import { benchOrderCreate } from './order-create';
import { benchPayToEvent } from './pay-to-event';
import { benchPayToScreen } from './pay-to-screen';
import { benchPayToScreenTunnel } from './pay-to-screen-tunnel';
import { benchCheckoutInteractive, benchRendererBundle } from './renderer';
import { benchScale } from './scale';
import type { BenchOptions } from './util';

const ALL = ['notify', 'create', 'screen', 'event', 'tunnel', 'scale', 'bundle', 'interactive'] as const;
type Name = (typeof ALL)[number];

/**
 * The performance targets (the "target" column of README's "Performance" table): [field path, comparison,
 * bound].
 */
const TARGETS: [string, '>=' | '<=', number][] = [
  ['notifyIngest.ratio', '>=', 2.0],
  ['notifyIngest.fractionOfBareHttp', '>=', 0.4],
  ['notifyIngest.wechat.ratio', '>=', 2.0],
  ['notifyIngest.wechat.fractionOfBareHttp', '>=', 0.4],
  ['payToScreen.p95Ms', '<=', 100],
  ['payToScreenPolling.p95Ms', '<=', 3000],
  ['payToEventWechat.p95Ms', '<=', 100],
  ['payToEventWechatPolling.p95Ms', '<=', 3000],
  ['orderCreate.p50Ms', '<=', 2],
  ['orderCreate.p99Ms', '<=', 10],
  ['scale.listMs', '<=', 5],
  ['scale.summaryMs', '<=', 10],
  ['scale.lookupMs', '<=', 1],
  ['scale.searchMs', '<=', 5],
  ['scale.coldStartMs', '<=', 300],
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...ALL];
  for (const n of only) if (!(ALL as readonly string[]).includes(n)) throw new Error(`unknown benchmark "${n}" (one of ${ALL.join(', ')})`);
  const opts: BenchOptions = { quick: values.quick ?? false, log: (line) => process.stderr.write(`  ${line}\n`) };
  const started = Date.now();
  const results: Record<string, unknown> = {
    quick: opts.quick,
    startedAt: new Date(started).toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
  };
  const errors: Record<string, string> = {};
  const run = async (name: Name, fn: () => Promise<Record<string, unknown>>) => {
    if (!only.includes(name)) return;
    process.stderr.write(`[${name}]\n`);
    const t0 = Date.now();
    try {
      Object.assign(results, await fn());
    } catch (err) {
      errors[name] = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`  FAILED: ${errors[name]}\n`);
    }
    process.stderr.write(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  };
  await run('notify', async () => ({ notifyIngest: await benchNotifyIngest(opts) }));
  await run('create', async () => ({ orderCreate: await benchOrderCreate(opts) }));
  await run('screen', async () => benchPayToScreen(opts));
  await run('event', async () => benchPayToEvent(opts));
  await run('tunnel', async () => benchPayToScreenTunnel(opts));
  await run('scale', async () => ({ scale: await benchScale(opts) }));
  await run('bundle', async () => ({ rendererBundle: await benchRendererBundle(opts) }));
  await run('interactive', async () => ({ checkoutInteractive: await benchCheckoutInteractive(opts) }));
  results.elapsedS = Math.round((Date.now() - started) / 100) / 10;
  if (Object.keys(errors).length) results.errors = errors;

  printTable(results);
  const out = values.out ?? join(import.meta.dirname, 'results.json');
  writeFileSync(out, `${JSON.stringify(values.only ? { ...previous(out), ...results } : results, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${out} (${String(results.elapsedS)} s)\n`);
  if (Object.keys(errors).length) process.exitCode = 1;
}

/** The figures of an earlier run in `path` (an `--only` run keeps those it does not measure again). */
function previous(path: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const { errors: _errors, ...figures } = parsed as Record<string, unknown>;
    return figures;
  } catch {
    return {};
  }
}

function printTable(results: Record<string, unknown>): void {
  const rows: [string, string, string][] = [];
  // One row per figure; a nested group of figures (notifyIngest.wechat) gets its own rows.
  const add = (prefix: string, value: Record<string, unknown>): void => {
    for (const [field, v] of Object.entries(value)) {
      const path = `${prefix}.${field}`;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        add(path, v as Record<string, unknown>);
        continue;
      }
      const t = TARGETS.find(([p]) => p === path);
      let target = '';
      if (t && typeof v === 'number') target = `${t[1]} ${t[2]}  ${(t[1] === '>=' ? v >= t[2] : v <= t[2]) ? 'ok' : 'MISSED'}`;
      rows.push([path, typeof v === 'number' ? String(v) : JSON.stringify(v), target]);
    }
  };
  for (const [group, value] of Object.entries(results)) {
    if (!value || typeof value !== 'object' || group === 'errors') continue;
    add(group, value as Record<string, unknown>);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length), 6);
  const w1 = Math.max(...rows.map((r) => r[1].length), 5);
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`;
  process.stdout.write(`\n${line('figure', 'value', 'target')}\n${'-'.repeat(w0 + w1 + 20)}\n`);
  for (const r of rows) process.stdout.write(`${line(...r)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
