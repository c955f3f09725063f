import { createSign, randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WECHAT_TEST_AUTH_CODES as CODES } from '../../../src/emulator';
import type { CreateTradeInput } from '../../../src/main/domain';
import { WechatProvider } from '../../../src/main/providers/wechat';
import { WxClient } from '../../../src/main/providers/wechat/client';
import { configFor, decryptCertificate, setup, wxControl } from './helpers';

const input = (outTradeNo: string, amountFen = 100): CreateTradeInput => ({
  outTradeNo,
  amountFen,
  subject: '测试',
  timeoutMinutes: 5,
  expiresAt: Date.now() + 5 * 60_000,
  notifyUrl: null,
});

describe('WechatProvider: no trustworthy answer → unknown (resolve by query, never guess)', () => {
  it('a hang past the lowered request timeout → unknown timeout; with apply the close happened anyway', async () => {
    const t = await setup({}, { timeoutMs: 300 });
    await t.provider.createQr(input('WXFLT001'));
    await wxControl(t.emu, 'POST', '/faults', { kind: 'hang', method: 'close', apply: true, ms: 800 });
    const started = Date.now();
    expect(await t.provider.close('WXFLT001')).toMatchObject({ kind: 'unknown', reason: 'timeout', message: expect.stringContaining('超时') });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await t.provider.query('WXFLT001')).toMatchObject({ kind: 'ok', value: { state: 'CLOSED' } });
  });

  it('latency beyond the timeout on a 付款码 payment → unknown; the retry of the same request answers the trade', async () => {
    const t = await setup({}, { timeoutMs: 300 });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'latency', method: 'codepay', ms: 600 });
    const pay = { ...input('WXFLT002', 250), authCode: CODES.PAID };
    expect(await t.provider.payWithCode(pay)).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    await new Promise((r) => setTimeout(r, 400)); // the emulator processes the late request
    expect(await t.provider.payWithCode(pay)).toMatchObject({ kind: 'ok', value: { state: 'paid', facts: { totalFen: 250 } } });
  });

  it('HTML 500 from a proxy (unsigned) → unknown http; with apply the refund was made', async () => {
    const t = await setup();
    await t.provider.payWithCode({ ...input('WXFLT003', 100), authCode: CODES.PAID });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'http500', method: 'refund', apply: true });
    expect(
      await t.provider.refund({ outTradeNo: 'WXFLT003', outRequestNo: 'WXFLT003-1', amountFen: 40, totalFen: 100, reason: null, notifyUrl: null }),
    ).toMatchObject({ kind: 'unknown', reason: 'http' });
    expect(await t.provider.refundQuery('WXFLT003', 'WXFLT003-1')).toEqual({ kind: 'ok', value: { state: 'PENDING', amountFen: 40 } });
  });

  it('500 SYSTEM_ERROR (signed) → unknown SYSTEM_ERROR, on create and on refund', async () => {
    const t = await setup();
    await wxControl(t.emu, 'POST', '/faults', { kind: 'system-error', method: 'native', apply: true });
    expect(await t.provider.createQr(input('WXFLT004'))).toMatchObject({
      kind: 'unknown',
      reason: 'SYSTEM_ERROR',
      message: expect.stringContaining('WeChat Pay busy'),
    });
    expect(await t.provider.query('WXFLT004')).toMatchObject({ kind: 'ok', value: { state: 'WAITING' } });
    await t.provider.payWithCode({ ...input('WXFLT005', 100), authCode: CODES.PAID });
    await wxControl(t.emu, 'POST', '/faults', { kind: 'system-error', method: 'refund' });
    expect(
      await t.provider.refund({ outTradeNo: 'WXFLT005', outRequestNo: 'WXFLT005-1', amountFen: 1, totalFen: 100, reason: null, notifyUrl: null }),
    ).toMatchObject({ kind: 'unknown', reason: 'SYSTEM_ERROR' });
  });

  it('a tampered answer, a 签名探测 signature and a 10-minute-old signed answer → unknown (badSignature, badSignature, skew)', async () => {
    const t = await setup();
    await t.provider.createQr(input('WXFLT006', 1234));
    for (const [kind, reason] of [
      ['tamper', 'badSignature'],
      ['sign-probe', 'badSignature'],
      ['skew', 'skew'],
    ] as const) {
      await wxControl(t.emu, 'POST', '/faults', { kind, method: 'query' });
      expect(await t.provider.query('WXFLT006'), kind).toMatchObject({ kind: 'unknown', reason });
    }
    // An error answer is verified too: a tampered ORDER_NOT_EXIST is not believed.
    await wxControl(t.emu, 'POST', '/faults', { kind: 'tamper', method: 'query' });
    expect(await t.provider.query('WXNONE01')).toMatchObject({ kind: 'unknown', reason: 'badSignature' });
    expect(await t.provider.query('WXFLT006')).toMatchObject({ kind: 'ok', value: { totalFen: 1234 } });
  });

  it('429 FREQUENCY_LIMITED (signed, nothing done) → a business refusal with a bilingual message', async () => {
    const t = await setup();
    await wxControl(t.emu, 'POST', '/faults', { kind: 'frequency-limited', method: 'native' });
    expect(await t.provider.createQr(input('WXFLT007'))).toMatchObject({
      kind: 'business',
      code: 'FREQUENCY_LIMITED',
      failure: 'UNKNOWN',
      message: expect.stringContaining('Too many requests'),
    });
  });

  it('answers signed by the platform certificate while only the public key is configured → unknown unknownSerial; with the certificate configured they verify', async () => {
    const t = await setup();
    // Certificate mode: the merchant downloads the platform certificates (encrypted with the APIv3 key).
    const certs = await platformCertificates(t.c);
    await wxControl(t.emu, 'POST', '/signer', { signer: 'platform' });
    expect(await t.provider.query('WXNONE02')).toMatchObject({ kind: 'unknown', reason: 'unknownSerial' });
    const platform = new WechatProvider(configFor(t.c, { wechatpayPublicKeyId: undefined, wechatpayPublicKey: undefined, platformCertificates: certs }));
    expect(await platform.query('WXNONE02')).toMatchObject({ kind: 'business', failure: 'NOT_FOUND' });
  });

  it('the wrong merchant private key → 401 SIGN_ERROR (unsigned) → unknown signError', async () => {
    const t = await setup();
    const wrong = new WechatProvider(configFor(t.c, { merchantPrivateKey: t.keys.wechat.platform.privateKeyPem }));
    expect(await wrong.query('WXNONE03')).toMatchObject({ kind: 'unknown', reason: 'signError' });
  });

  it('an adapter without any verifying key is refused at construction, bilingually', async () => {
    const t = await setup();
    expect(() => new WechatProvider(configFor(t.c, { wechatpayPublicKeyId: undefined, wechatpayPublicKey: undefined }))).toThrow(
      /微信支付公钥.*\/ The WeChat Pay public key/,
    );
  });
});

/** GET /v3/certificates (signed and verified by the adapter's client in public-key mode), decrypted here. */
async function platformCertificates(c: Parameters<typeof configFor>[0]): Promise<Record<string, string>> {
  const r = await new WxClient(configFor(c)).get('v3/certificates');
  if (r.kind !== 'answer') throw new Error(`certificates: ${r.failure}`);
  const data = (r.body as { data: { serial_no: string; encrypt_certificate: { ciphertext: string; nonce: string; associated_data: string } }[] }).data;
  return Object.fromEntries(data.map((d) => [d.serial_no, decryptCertificate(d.encrypt_certificate, c.apiV3Key)]));
}

/**
 * A stand-in for WeChat Pay that answers one scripted, correctly signed reply per request (the
 * emulator's reverse never refuses a paying trade). Models only what the test needs: signed JSON answers.
 */
async function scriptedWechat(signingKey: string, serial: string, reply: (method: string, path: string) => { status: number; body: unknown }): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const r = reply(req.method ?? 'GET', (req.url ?? '').split('?')[0] ?? '');
      const text = JSON.stringify(r.body);
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString('hex');
      const signature = createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${text}\n`).sign(signingKey, 'base64');
      res.writeHead(r.status, {
        'content-type': 'application/json',
        'wechatpay-timestamp': ts,
        'wechatpay-nonce': nonce,
        'wechatpay-signature': signature,
        'wechatpay-serial': serial,
      });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

describe('cancel of a 付款码 trade the buyer is still paying', () => {
  it('reverse answered USERPAYING (正在支付中不能发起撤销) → ok with retry: the caller reverses again later', async () => {
    const t = await setup();
    const paying = { appid: t.c.appid, mchid: t.c.mchid, out_trade_no: 'WXREV001', trade_type: 'MICROPAY', trade_state: 'USERPAYING', amount: { total: 100 } };
    const base = await scriptedWechat(t.keys.wechat.wechatpay.privateKeyPem, t.c.wechatpayPublicKeyId, (method, p) =>
      method === 'GET'
        ? { status: 200, body: paying }
        : p.endsWith('/reverse')
          ? { status: 400, body: { code: 'USERPAYING', message: '正在支付中不能发起撤销' } }
          : { status: 404, body: { code: 'NOT_FOUND', message: '' } },
    );
    const p = new WechatProvider(configFor(t.c, { baseUrl: base }));
    expect(await p.cancel('WXREV001')).toEqual({ kind: 'ok', value: { action: null, retry: true } });
  });
});
