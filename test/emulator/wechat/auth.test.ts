import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientFor, nativeOrder, setup, TestPay, verify, wxControl, type RawAnswer } from './helpers';

describe('WeChat Pay v3 request auth and response signatures (签名认证, 微信支付公钥)', () => {
  it('public-key mode: answers carry Wechatpay-Serial PUB_KEY_ID_… and verify with the library', async () => {
    const t = await setup();
    const codeUrl = await nativeOrder(t, 'AUTH0001');
    expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[A-Za-z0-9]+$/);
    const a = t.http.last as RawAnswer;
    expect(a.headers['wechatpay-serial']).toBe(t.c.wechatpayPublicKeyId);
    expect(a.headers['wechatpay-serial']).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(a.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
    expect(Math.abs(Number(a.headers['wechatpay-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    // No certificate was fetched: the public key was known by its id.
    expect(t.http.calls.map((c) => c.path)).toEqual(['/v3/pay/transactions/native']);
  });

  it('platform-certificate mode: the library fetches /v3/certificates itself (AES-GCM + X.509) and verifies', async () => {
    const t = await setup({}, 'platform');
    await nativeOrder(t, 'AUTH0002');
    const a = t.http.last as RawAnswer;
    expect(a.headers['wechatpay-serial']).toMatch(/^[0-9A-F]{40}$/);
    expect(t.http.calls.map((c) => c.path)).toEqual(['/v3/pay/transactions/native', '/v3/certificates']);
    // The library's own get_certificates decrypts and parses the certificate.
    const certs = await t.pay.get_certificates(t.c.apiV3Key);
    // The certificates answer itself is signed too (the library does not check it; the test does).
    expect(await verify(t.pay, t.http.last as RawAnswer, t.c.apiV3Key)).toBe(true);
    expect(certs[0]?.serial_no).toBe(a.headers['wechatpay-serial']);
    expect(certs[0]?.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(certs[0]?.expire_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    // Under the other key the same answer does not verify.
    const wrong = { ...a, headers: { ...a.headers, 'wechatpay-serial': t.c.wechatpayPublicKeyId } };
    TestPay.certs()[t.c.wechatpayPublicKeyId] = t.c.wechatpayPublicKey;
    expect(await verify(t.pay, wrong, t.c.apiV3Key)).toBe(false);
    expect((await wxControl(t.emu, 'GET', '/signer')).body).toEqual({ signer: 'platform' });
  });

  it('a tampered answer (one byte changed after signing) is caught by verifySign', async () => {
    const t = await setup();
    await wxControl(t.emu, 'POST', '/faults', { kind: 'tamper', method: 'native' });
    await t.pay.transactions_native({ description: 'x', out_trade_no: 'AUTH0003', notify_url: 'https://example.com/n', amount: { total: 100 } });
    const a = t.http.last as RawAnswer;
    expect(a.status).toBe(200);
    expect(await verify(t.pay, a, t.c.apiV3Key)).toBe(false);
    // The order exists all the same (tamper is applied to a processed answer).
    expect((await wxControl(t.emu, 'GET', '/trades/AUTH0003')).status).toBe(200);
  });

  it('a signature-probe answer (WECHATPAY/SIGNTEST/…) fails verification; a skewed one still verifies (the library does not check the timestamp)', async () => {
    const t = await setup();
    await wxControl(t.emu, 'POST', '/faults', { kind: 'sign-probe' });
    await t.pay.query({ out_trade_no: 'NOPE00001' });
    const probe = t.http.last as RawAnswer;
    expect(probe.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    expect(await verify(t.pay, probe, t.c.apiV3Key)).toBe(false);
    await wxControl(t.emu, 'POST', '/faults', { kind: 'skew' });
    await t.pay.query({ out_trade_no: 'NOPE00001' });
    const skewed = t.http.last as RawAnswer;
    expect(Date.now() / 1000 - Number(skewed.headers['wechatpay-timestamp'])).toBeGreaterThan(590);
    expect(await verify(t.pay, skewed, t.c.apiV3Key)).toBe(true);
  });

  it('401 SIGN_ERROR (unsigned) for a wrong key, unknown mchid, unknown serial, missing header, old timestamp; nothing is created', async () => {
    const t = await setup();
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const order = (pay: TestPay, no: string): Promise<unknown> =>
      pay.transactions_native({ description: 'x', out_trade_no: no, notify_url: 'https://example.com/n', amount: { total: 1 } });
    const expect401 = (a: RawAnswer | undefined, text: RegExp): void => {
      expect(a?.status).toBe(401);
      expect(JSON.parse(a?.text ?? '{}')).toMatchObject({ code: 'SIGN_ERROR', message: expect.stringMatching(text) });
      expect(a?.headers['wechatpay-signature']).toBeUndefined();
    };
    const wrongKey = clientFor(t.emu, 'publicKey', { ...t.c, merchantPrivateKey: other.privateKey });
    await order(wrongKey.pay, 'AUTH0010');
    expect401(wrongKey.http.last, /签名错误/);
    const wrongMch = clientFor(t.emu, 'publicKey', { ...t.c, mchid: '1900000109' });
    await order(wrongMch.pay, 'AUTH0011');
    expect401(wrongMch.http.last, /不存在/);
    const wrongSerial = clientFor(t.emu, 'publicKey', { ...t.c, merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' });
    await order(wrongSerial.pay, 'AUTH0012');
    expect401(wrongSerial.http.last, /serial_no/);
    const bare = await fetch(`${t.c.baseUrl}/v3/pay/transactions/out-trade-no/AUTH0010?mchid=${t.c.mchid}`);
    expect401({ status: bare.status, headers: Object.fromEntries(bare.headers), text: await bare.text() }, /Authorization/);
    // A request signed 6 minutes ago (replayed / client clock off): the library's own signature scheme, old timestamp.
    const ts = String(Math.floor(Date.now() / 1000) - 360);
    const path = `/v3/pay/transactions/out-trade-no/AUTH0010?mchid=${t.c.mchid}`;
    const sig = createSign('RSA-SHA256').update(`GET\n${path}\n${ts}\nabc\n\n`).sign(t.c.merchantPrivateKey, 'base64');
    const old = await fetch(`${t.c.baseUrl}${path}`, {
      headers: {
        Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${t.c.mchid}",nonce_str="abc",signature="${sig}",timestamp="${ts}",serial_no="${t.c.merchantSerialNo}"`,
      },
    });
    expect401({ status: old.status, headers: Object.fromEntries(old.headers), text: await old.text() }, /5分钟/);
    expect((await wxControl<unknown[]>(t.emu, 'GET', '/trades')).body).toEqual([]);
  });
});
