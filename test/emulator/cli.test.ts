import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

describe('npm run emulator (cli.ts)', () => {
  it('prints exactly one JSON line with the credentials, serves, and stops on SIGTERM', async () => {
    const dir = tempDir();
    const child = spawn(TSX, ['src/emulator/cli.ts', '--port', '0', '--state-dir', dir, '--time-scale', '100'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines: string[] = [];
    const rl = readline.createInterface({ input: child.stdout });
    rl.on('line', (l) => lines.push(l));
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no JSON line within 20 s')), 20_000);
      rl.once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const creds = JSON.parse(first) as Record<string, string>;
    // The Alipay fields first, as they always were; the WeChat Pay side under `wechat` (test/emulator/wechat/cli.test.ts).
    expect(Object.keys(creds)).toEqual(['gateway', 'appId', 'sellerId', 'appPrivateKey', 'alipayPublicKey', 'control', 'wechat']);
    expect(creds.gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gateway\.do$/);
    expect(creds.control).toBe(creds.gateway?.replace('/gateway.do', '/__emulator'));
    expect(creds.appPrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(creds.alipayPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await (await fetch(`${creds.control}/health`)).json()).toEqual({ ok: true });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toEqual([first]);
  });
});
