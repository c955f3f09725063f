import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateRsaKeyPair, startEmulator, type EmulatorCredentials, type RunningEmulator } from '../../../src/emulator';
import { clientFor, nativeOrder, verified, wxControl } from './helpers';
import { tempDir } from '../../support';

const ROOT = path.resolve(__dirname, '../../..');

async function restart(dir: string): Promise<RunningEmulator> {
  const emu = await startEmulator({ port: 0, stateDir: dir });
  onTestFinished(() => emu.close());
  return emu;
}

describe('WeChat side: state file, start time, CLI line', () => {
  it('keeps keys, signer mode, certificate, orders and a PROCESSING refund across a restart', async () => {
    const dir = tempDir();
    const first = await startEmulator({ port: 0, stateDir: dir });
    const a = { emu: first, ...clientFor(first) };
    await nativeOrder(a, 'ST000001', 700);
    await wxControl(first, 'POST', '/trades/ST000001/pay', {});
    await verified(
      a.pay,
      first,
      a.pay.refunds({ out_trade_no: 'ST000001', out_refund_no: 'ST1-1', amount: { refund: 100, total: 700, currency: 'CNY' } }),
      a.http,
    );
    await wxControl(first, 'POST', '/signer', { signer: 'platform' });
    const certs = await a.pay.get_certificates(first.credentials.wechat.apiV3Key);
    const creds = first.credentials.wechat;
    await first.close();

    const second = await restart(dir);
    const c = second.credentials.wechat;
    expect({ ...c, baseUrl: '', control: '' }).toEqual({ ...creds, baseUrl: '', control: '' });
    const b = { emu: second, ...clientFor(second, 'platform') };
    const q = await verified(b.pay, second, b.pay.query({ out_trade_no: 'ST000001' }), b.http);
    expect(q.data).toMatchObject({ trade_state: 'REFUND', amount: { total: 700 } });
    expect(q.headers['wechatpay-serial']).toBe(certs[0]?.serial_no);
    expect((await b.pay.get_certificates(c.apiV3Key))[0]?.publicKey).toBe(certs[0]?.publicKey);
    await fetch(`${second.credentials.control}/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 61_000 }),
    });
    await new Promise((r) => setTimeout(r, 30));
    expect((await verified(b.pay, second, b.pay.find_refunds('ST1-1'), b.http)).data).toMatchObject({ status: 'SUCCESS' });
  });

  it('a state file from before the WeChat side gets one on start; the Alipay credentials stay', async () => {
    const dir = tempDir();
    const first = await startEmulator({ port: 0, stateDir: dir });
    const alipay = first.credentials;
    await first.close();
    const file = path.join(dir, 'state.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete raw.wechat;
    fs.writeFileSync(file, JSON.stringify(raw));
    const second = await restart(dir);
    const strip = (x: EmulatorCredentials): Record<string, unknown> => ({ ...x, gateway: '', control: '', wechat: undefined });
    expect(strip(second.credentials)).toEqual(strip(alipay));
    expect(second.credentials.wechat.mchid).not.toBe(alipay.wechat.mchid);
    const t = { emu: second, ...clientFor(second) };
    await nativeOrder(t, 'ST000002', 1);
    await second.close();
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { wechat?: { keys: { mchid: string } } }).wechat?.keys.mchid).toBe(second.credentials.wechat.mchid);
  });

  it('starts with both providers in under a second (from a state dir, and fresh with key pairs given)', async () => {
    const dir = tempDir();
    const pairs = await Promise.all(Array.from({ length: 5 }, () => generateRsaKeyPair()));
    const [alipay, app, merchant, platform, wechatpay] = pairs;
    let t0 = Date.now();
    const fresh = await startEmulator({ port: 0, stateDir: dir, keys: { alipay, app, wechat: { merchant, platform, wechatpay } } });
    const freshMs = Date.now() - t0;
    await fresh.close();
    t0 = Date.now();
    const again = await restart(dir);
    const againMs = Date.now() - t0;
    expect(again.credentials.wechat.wechatpayPublicKeyId).toBe(fresh.credentials.wechat.wechatpayPublicKeyId);
    expect(freshMs).toBeLessThan(1000);
    expect(againMs).toBeLessThan(1000);
  });

  it('npm run emulator prints one JSON line with a `wechat` key a wechatpay-node-v3 client can use', async () => {
    const dir = tempDir();
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/emulator/cli.ts', '--port', '0', '--state-dir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const rl = readline.createInterface({ input: child.stdout });
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no JSON line within 30 s')), 30_000);
      rl.once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
    const creds = JSON.parse(line) as EmulatorCredentials;
    const w = creds.wechat;
    expect(Object.keys(w)).toEqual([
      'baseUrl',
      'mchid',
      'appid',
      'merchantPrivateKey',
      'merchantSerialNo',
      'apiV3Key',
      'wechatpayPublicKey',
      'wechatpayPublicKeyId',
      'control',
    ]);
    expect(w.baseUrl).toBe(creds.gateway.replace('/gateway.do', ''));
    expect(w.control).toBe(`${creds.control}/wechat`);
    expect(w.mchid).toMatch(/^\d{10}$/);
    expect(w.appid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(w.merchantPrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(w.merchantSerialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(w.apiV3Key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(w.wechatpayPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(w.wechatpayPublicKeyId).toMatch(/^PUB_KEY_ID_\d+$/);
    const emu = { credentials: creds } as RunningEmulator;
    const t = { emu, ...clientFor(emu) };
    expect(await nativeOrder(t, 'CLI00001')).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
