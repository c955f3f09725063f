import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator';
import { control, exec, precreate, sdkFor, type TradeView } from './helpers';
import { tempDir } from '../support';

describe('--state-dir persistence', () => {
  it('keeps credentials, apps and trades across a restart', async () => {
    const dir = tempDir();
    const first = await startEmulator({ port: 0, stateDir: dir });
    const sdk = sdkFor(first);
    await precreate(sdk, 'S1', '7.00');
    await control(first, 'POST', '/trades/S1/pay', {});
    await exec(sdk, 'alipay.trade.refund', { outTradeNo: 'S1', refundAmount: '1.00', outRequestNo: 'S1-1' });
    await precreate(sdk, 'S2', '2.00');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const reg = await control<{ appId: string }>(first, 'POST', '/apps', { publicKey });
    const creds = first.credentials;
    await first.close();
    const file = path.join(dir, 'state.json');
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o077).toBe(0);

    const second = await startEmulator({ port: 0, stateDir: dir });
    try {
      const c = second.credentials;
      // URLs carry the new port (the WeChat side's too).
      const noUrls = (x: typeof c): unknown => ({ ...x, gateway: '', control: '', wechat: { ...x.wechat, baseUrl: '', control: '' } });
      expect(noUrls(c)).toEqual(noUrls(creds));
      const sdk2 = sdkFor(second);
      expect(await exec(sdk2, 'alipay.trade.query', { outTradeNo: 'S1' })).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalAmount: '7.00' });
      expect(await exec(sdk2, 'alipay.trade.refund', { outTradeNo: 'S1', refundAmount: '1.00', outRequestNo: 'S1-1' })).toMatchObject({
        fundChange: 'N',
        refundFee: '1.00',
      });
      // The unscanned QR still works on the new port.
      const qr = await precreate(sdk2, 'S2', '2.00');
      expect(qr.startsWith(second.url)).toBe(true);
      expect((await control<TradeView>(second, 'POST', '/trades/S2/pay', {})).body.status).toBe('TRADE_SUCCESS');
      const other = new AlipaySdk({ appId: reg.body.appId, privateKey, keyType: 'PKCS8', alipayPublicKey: c.alipayPublicKey, gateway: c.gateway });
      expect((await exec(other, 'alipay.trade.query', { outTradeNo: 'S1' })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    } finally {
      await second.close();
    }
  });

  it('refuses a corrupt state file clearly: names the file, Chinese then English, quotes none of it, changes nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, '{"version":2}');
    await expect(startEmulator({ port: 0, stateDir: dir })).rejects.toThrow(/not an emulator state file/);
    const secret = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
    for (const [content, zh, en] of [
      ['{"version":2}', '不是模拟器状态文件', 'not an emulator state file'],
      [`{"version":1,"alipay":{"privateKeyPem":"${secret}`, '不是有效的 JSON', 'not valid JSON'], // cut short
      ['', '文件为空', 'the file is empty'],
      [
        `{"version":1,"alipay":{"privateKeyPem":"${secret}","publicKeyPem":"x"},"apps":[],"trades":[]}`,
        '不是模拟器状态文件：apps',
        'not an emulator state file: apps',
      ],
    ] as const) {
      fs.writeFileSync(file, content);
      const err = await startEmulator({ port: 0, stateDir: dir }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message, content).toMatch(new RegExp(`^模拟器状态文件无法使用：${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}（${zh}`));
      expect(err?.message).toContain(` / The emulator state file cannot be used: ${file} (${en}`);
      expect(err?.message).not.toContain('MIIEvQ');
      expect(fs.readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('rejects when the port is taken, and close() is idempotent', async () => {
    const first = await startEmulator({ port: 0 });
    await expect(startEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
    await first.close();
  });
});
