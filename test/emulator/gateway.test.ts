import { generateKeyPairSync } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { control, exec, merchant, rawGateway, sdkFor, setup } from './helpers';
import { waitFor } from '../support';

function appKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

describe('gateway.do: request signature and common arguments', () => {
  it('answers an RSA2 request in the exact response byte layout of real gateways, verified by the SDK', async () => {
    const { emu, sdk } = await setup();
    const r = await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'G1', totalAmount: '0.01', subject: 'a/b' });
    expect(r.code).toBe('10000');
    expect(r.traceId).toMatch(/^[0-9a-f]+$/);
    // Byte layout, read raw: response key first, `\/` escaped, code/msg first, ASCII order, sign last.
    const url = sdk.pageExecute('alipay.trade.query', 'GET', { bizContent: { outTradeNo: 'G1' } });
    const res = await fetch(url, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('trace_id')).toBeTruthy();
    const text = await res.text();
    expect(
      text.startsWith('{"alipay_trade_query_response":{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}'),
    ).toBe(true);
    expect(text).toMatch(/\},"sign":"([A-Za-z0-9+=]|\\\/)+"\}$/);
    const pre = await rawGatewayPrecreate(emu, sdk);
    expect(pre).toMatch(
      /^\{"alipay_trade_precreate_response":\{"code":"10000","msg":"Success","out_trade_no":"G2","qr_code":"http:\\\/\\\/127\.0\.0\.1:\d+\\\/qr\\\/[A-Za-z0-9_-]+"\},"sign":"/,
    );
  });

  it('verifies RSA (SHA1) requests and signs the answer with RSA too', async () => {
    const { emu } = await setup();
    const sdk = sdkFor(emu, { signType: 'RSA' });
    const r = await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'RSA1', totalAmount: '1.00', subject: 's' });
    expect(r.code).toBe('10000');
    // An RSA2 verifier refuses the RSA-signed answer: the response really used SHA1.
    const url = sdk.pageExecute('alipay.trade.query', 'GET', { bizContent: { outTradeNo: 'RSA1' } });
    const text = await (await fetch(url, { method: 'POST' })).text();
    const rsa2 = sdkFor(emu);
    expect(() => rsa2.checkResponseSign(text, 'alipay_trade_query_response', (JSON.parse(text) as { sign: string }).sign, '')).toThrow(/验签失败/);
    expect(() => sdk.checkResponseSign(text, 'alipay_trade_query_response', (JSON.parse(text) as { sign: string }).sign, '')).not.toThrow();
    // Notifications of a trade created with RSA are signed with RSA as well.
    const m = await merchant();
    await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'RSA2N', totalAmount: '1.00', subject: 's' }, { notifyUrl: m.url });
    await control(emu, 'POST', '/trades/RSA2N/pay', {});
    await waitFor(() => m.received.length === 1, 'notice', 3000);
    expect(m.received[0]?.params.sign_type).toBe('RSA');
    expect(sdk.checkNotifySignV2(m.received[0]?.params ?? {})).toBe(true);
  });

  it('verifies signatures over values with + & = % / spaces, emoji and Chinese (decoded once)', async () => {
    const { emu, sdk } = await setup();
    const subject = 'a+b & c=d 100% /x/ 😀 中文 "q"';
    const r = await exec(sdk, 'alipay.trade.precreate', { outTradeNo: 'SP-1', totalAmount: '1.00', subject }, { notifyUrl: 'http://127.0.0.1:9/n?x=1&y=2' });
    expect(r.code).toBe('10000');
    expect((await control<{ subject: string }>(emu, 'GET', '/trades/SP-1')).body.subject).toBe(subject);
  });

  it('rejects a request signed with the wrong key: signed 40002 isv.invalid-signature', async () => {
    const { emu } = await setup();
    const wrong = new AlipaySdk({
      appId: emu.credentials.appId,
      privateKey: appKeys().privateKey,
      alipayPublicKey: emu.credentials.alipayPublicKey,
      gateway: emu.credentials.gateway,
    });
    const r = await exec(wrong, 'alipay.trade.query', { outTradeNo: 'X' });
    expect(r).toMatchObject({ code: '40002', msg: 'Invalid Arguments', subCode: 'isv.invalid-signature' });
  });

  it('answers an unknown app with an unsigned error_response isv.invalid-app-id (SDK validateSign throws)', async () => {
    const { emu } = await setup();
    const keys = appKeys();
    const stranger = new AlipaySdk({
      appId: '2021000000000000',
      privateKey: keys.privateKey,
      alipayPublicKey: emu.credentials.alipayPublicKey,
      gateway: emu.credentials.gateway,
    });
    // With validateSign the SDK throws a raw TypeError on the unsigned body: real gateways send
    // gateway-level errors such as isv.invalid-app-id unsigned.
    await expect(stranger.exec('alipay.trade.query', { bizContent: { outTradeNo: 'X' } }, { validateSign: true })).rejects.toThrow(TypeError);
    const plain = (await stranger.exec('alipay.trade.query', { bizContent: { outTradeNo: 'X' } })) as Record<string, unknown>;
    expect(plain).toMatchObject({ code: '40002', msg: 'Invalid Arguments', subCode: 'isv.invalid-app-id' });
    const raw = await rawGateway(emu, {
      app_id: '2021000000000000',
      method: 'alipay.trade.query',
      sign_type: 'RSA2',
      sign: 'x',
      timestamp: '2026-01-01 00:00:00',
    });
    expect(raw.text).toBe('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的AppID参数"}}');
  });

  it('answers missing/invalid common arguments with 40001/40002', async () => {
    const { emu } = await setup();
    const appId = emu.credentials.appId;
    const base = { app_id: appId, method: 'alipay.trade.query', sign_type: 'RSA2', sign: 'abc', timestamp: '2026-01-01 00:00:00' };
    const sub = async (p: Record<string, string>): Promise<Record<string, string>> => {
      const body = JSON.parse((await rawGateway(emu, p)).text) as Record<string, Record<string, string>>;
      return (body.alipay_trade_query_response ?? body.error_response) as Record<string, string>;
    };
    expect(await sub({ ...base, method: '' })).toMatchObject({ code: '40001', sub_code: 'isv.missing-method' });
    expect(await sub({ ...base, app_id: '' })).toMatchObject({ code: '40001', sub_code: 'isv.missing-app-id' });
    const invalidMethod = JSON.parse((await rawGateway(emu, { ...base, method: 'alipay.no.such' })).text) as Record<string, unknown>;
    expect(invalidMethod).toEqual({ error_response: { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-method', sub_msg: '不存在的方法名' } });
    expect(await sub({ ...base, sign: '' })).toMatchObject({ code: '40001', sub_code: 'isv.missing-signature' });
    expect(await sub({ ...base, sign_type: 'MD5' })).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature-type' });
    expect(await sub({ ...base, timestamp: '' })).toMatchObject({ code: '40001', sub_code: 'isv.missing-timestamp' });
    expect(await sub({ ...base, timestamp: '2026/01/01' })).toMatchObject({ code: '40002', sub_code: 'isv.invalid-timestamp' });
    expect(await sub(base)).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
  });

  it('registers another app with its own public key (PEM or bare base64) via the control API', async () => {
    const { emu } = await setup();
    const keys = appKeys();
    const bare = keys.publicKey.replace(/-----[A-Z ]+-----|\s/g, '');
    const reg = await control<{ appId: string; sellerId: string }>(emu, 'POST', '/apps', { publicKey: bare });
    expect(reg.status).toBe(200);
    expect(reg.body.appId).toMatch(/^\d{16}$/);
    expect(reg.body.sellerId).toMatch(/^2088\d{12}$/);
    const other = new AlipaySdk({
      appId: reg.body.appId,
      privateKey: keys.privateKey,
      alipayPublicKey: emu.credentials.alipayPublicKey,
      gateway: emu.credentials.gateway,
    });
    expect((await exec(other, 'alipay.trade.precreate', { outTradeNo: 'SAME', totalAmount: '2.00', subject: 'x' })).code).toBe('10000');
    // Same out_trade_no in the default app is another trade.
    expect((await exec(sdkFor(emu), 'alipay.trade.precreate', { outTradeNo: 'SAME', totalAmount: '3.00', subject: 'y' })).code).toBe('10000');
    expect((await control(emu, 'GET', '/trades/SAME')).status).toBe(409);
    const one = await control<{ totalAmount: string }>(emu, 'GET', `/trades/SAME?appId=${reg.body.appId}`);
    expect(one.body.totalAmount).toBe('2.00');
    expect((await control(emu, 'POST', '/apps', { publicKey: 'not a key' })).status).toBe(400);
    expect((await control(emu, 'POST', '/apps', { appId: reg.body.appId, publicKey: keys.publicKey })).status).toBe(409);
  });
});

async function rawGatewayPrecreate(emu: Awaited<ReturnType<typeof setup>>['emu'], sdk: AlipaySdk): Promise<string> {
  // pageExecute signs exactly like exec; POSTing its URL gives us the raw body.
  const url = sdk.pageExecute('alipay.trade.precreate', 'GET', { bizContent: { outTradeNo: 'G2', totalAmount: '1.00', subject: 's' } });
  expect(url.startsWith(emu.credentials.gateway)).toBe(true);
  return (await fetch(url, { method: 'POST' })).text();
}
