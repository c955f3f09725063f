import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readServeLine, spawnServe, waitExit, type ServeProcess } from './serve-process';
import { makeTempDir } from '../support';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

let procs: ServeProcess[] = [];
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const p of procs) await p.stop();
  for (const c of cleanups) await c();
  procs = [];
  cleanups = [];
});

async function site(): Promise<{ dir: string; rendererDir: string }> {
  const tmp = makeTempDir('paydesk-serve-');
  cleanups.push(tmp.cleanup);
  const rendererDir = join(tmp.dir, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), `<meta http-equiv="Content-Security-Policy" content="${CSP}"><div id="root"></div>`);
  return { dir: tmp.dir, rendererDir };
}

describe('npm run serve (src/main/web/cli.ts)', () => {
  it('prints exactly one JSON line (url, api, token, notifyUrl, emulator), logs on stderr, stops on SIGTERM', async () => {
    const { dir, rendererDir } = await site();
    const proc = spawnServe(['--port', '0', '--data-dir', join(dir, 'data'), '--renderer-dir', rendererDir]);
    procs.push(proc);
    const line = await readServeLine(proc);
    expect(line.url.startsWith(line.api.replace(/\/api$/, '/#token='))).toBe(true);
    expect(line.url.endsWith(line.token)).toBe(true);
    expect(line.notifyUrl).not.toBeNull();
    expect(line.emulator?.control).toMatch(/__emulator$/);
    const health = await fetch(`${line.emulator?.control}/health`);
    expect(await health.json()).toEqual({ ok: true });
    const status = await fetch(`${line.api}/status.get`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${line.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(await status.json()).toMatchObject({ ok: true, value: { environment: 'demo' } });
    expect(proc.stderr()).toMatch(/"level":"info"/);
    expect(await proc.stop()).toBe(0);
    expect(proc.stdoutLines()).toHaveLength(1);
  });

  it('omits the emulator with a real environment (and starts without keys)', async () => {
    const { dir, rendererDir } = await site();
    const proc = spawnServe(['--port', '0', '--data-dir', join(dir, 'data'), '--renderer-dir', rendererDir, '--environment', 'sandbox']);
    procs.push(proc);
    const line = await readServeLine(proc);
    expect(line.emulator).toBeUndefined();
    expect(line.notifyUrl).toBeNull();
    const created = await fetch(`${line.api}/orders.create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${line.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount: '1.00', method: 'qr' }),
    });
    expect(await created.json()).toMatchObject({ ok: false, error: { code: 'KEYS_MISSING' } });
    expect(proc.stderr()).not.toMatch(/deprecated/);
  });

  it('still takes the deprecated --provider, and says on stderr that it is deprecated', async () => {
    const { dir, rendererDir } = await site();
    const proc = spawnServe(['--port', '0', '--data-dir', join(dir, 'data'), '--renderer-dir', rendererDir, '--provider', 'sandbox']);
    procs.push(proc);
    const line = await readServeLine(proc);
    expect(line.emulator).toBeUndefined();
    const status = await fetch(`${line.api}/status.get`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${line.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(await status.json()).toMatchObject({ ok: true, value: { environment: 'sandbox' } });
    expect(proc.stderr()).toMatch(/已更名为 --environment.* \/ --provider is deprecated: use --environment/);
  });

  it('takes the port this data dir used last time (a new token each start), another one when it is taken', async () => {
    const { dir, rendererDir } = await site();
    const dataDir = join(dir, 'data');
    const start = async (): Promise<{ proc: ServeProcess; port: number; token: string }> => {
      const proc = spawnServe(['--data-dir', dataDir, '--renderer-dir', rendererDir]);
      procs.push(proc);
      const line = await readServeLine(proc);
      return { proc, port: Number(new URL(line.api).port), token: line.token };
    };
    const first = await start();
    expect(await first.proc.stop()).toBe(0);
    expect(JSON.parse(await readFile(join(dataDir, 'web-host.json'), 'utf8'))).toEqual({ port: first.port });
    expect((await stat(join(dataDir, 'web-host.json'))).mode & 0o777).toBe(0o600);
    const second = await start();
    expect(second.port).toBe(first.port);
    expect(second.token).not.toBe(first.token);
    expect(await second.proc.stop()).toBe(0);
    // someone else holds it now
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(first.port, '127.0.0.1', r));
    try {
      const third = await start();
      expect(third.port).not.toBe(first.port);
      expect(third.proc.stderr()).toContain(`上次使用的端口 ${first.port} 已被占用`);
      expect(third.proc.stderr()).toContain(`Port ${first.port} (used last time) is taken`);
      expect(await third.proc.stop()).toBe(0);
      expect(JSON.parse(await readFile(join(dataDir, 'web-host.json'), 'utf8'))).toEqual({ port: third.port });
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    // a broken hint file: said on stderr, any free port
    await writeFile(join(dataDir, 'web-host.json'), '{"port": "80"');
    const fourth = await start();
    expect(fourth.proc.stderr()).toMatch(/web-host\.json 内容无效.*is not valid/);
  });

  it('a corrupt emulator state.json stops start-up naming the file, in Chinese and English', async () => {
    const { dir, rendererDir } = await site();
    const file = join(dir, 'data', 'emulator', 'state.json');
    await mkdir(join(dir, 'data', 'emulator'), { recursive: true });
    await writeFile(file, '{"version":1,"alipay":{"privateKeyPem":"-----BEGIN PRIVATE KEY-----MIIEv');
    const proc = spawnServe(['--port', '0', '--data-dir', join(dir, 'data'), '--renderer-dir', rendererDir]);
    procs.push(proc);
    expect(await waitExit(proc)).toBe(1);
    expect(proc.stdoutLines()).toEqual([]);
    expect(proc.stderr()).toContain(`模拟器状态文件无法使用：${file}`);
    expect(proc.stderr()).toContain(`The emulator state file cannot be used: ${file} (not valid JSON)`);
    expect(proc.stderr()).not.toContain('MIIEv');
    expect(await readFile(file, 'utf8')).toMatch(/MIIEv$/);
  });

  it('says to run npm run build when the renderer is missing', async () => {
    const { dir } = await site();
    const proc = spawnServe(['--data-dir', join(dir, 'data'), '--renderer-dir', join(dir, 'nope')]);
    procs.push(proc);
    expect(await waitExit(proc)).toBe(1);
    expect(proc.stderr()).toMatch(/npm run build/);
    expect(proc.stdoutLines()).toEqual([]);
  });

  it('refuses bad options', async () => {
    const proc = spawnServe(['--port', 'abc']);
    procs.push(proc);
    expect(await waitExit(proc)).toBe(2);
    expect(proc.stderr()).toMatch(/--port/);
  });
});
