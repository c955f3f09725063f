import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRedactingLogger, redact, REDACTED } from '../../src/main/kernel/redact';
import type { Logger } from '../../src/main/payments/api';
import { rsaPair } from './helpers';

const pair = rsaPair();
const sig = randomBytes(256).toString('base64'); // an RSA2 signature's size
const fp = 'SHA256:' + 'ab12'.repeat(16);

describe('redact', () => {
  it('PEM blocks, in any string', () => {
    const out = redact(`key is ${pair.pkcs8Pem} and ${pair.spkiPem.replace(/\n/g, '\r\n')} done`);
    expect(out).not.toContain('PRIVATE KEY-----\n');
    expect(out).not.toContain(pair.pkcs8Pem.split('\n')[2]);
    expect(out).not.toContain(pair.spkiPem.split('\n')[2]);
    expect(out).toMatch(/^key is \[REDACTED PEM\] and \[REDACTED PEM\] done$/);
    // a truncated block (no END line) is still redacted
    expect(redact(pair.pkcs1Pem.slice(0, 200))).toBe('[REDACTED PEM]');
  });

  it('bare base64 keys and signatures, also when broken into lines', () => {
    expect(redact(`k=${pair.pkcs8Base64}`)).not.toContain(pair.pkcs8Base64.slice(50, 90));
    const wrapped = pair.spkiBase64.match(/.{1,64}/g)!.join('\n');
    const out = redact(`pasted:\n${wrapped}\nend`);
    for (const line of wrapped.split('\n').slice(0, -1)) expect(out).not.toContain(line);
    expect(redact(`sign: '${sig}' 无效`)).not.toContain(sig.slice(0, 40));
    expect(redact(`signature ${sig}`)).not.toContain(sig.slice(0, 40));
  });

  it('sign / token / authorization in query strings and form bodies; sign_type stays', () => {
    const url = `http://127.0.0.1/gateway.do?app_id=2021&method=alipay.trade.query&sign_type=RSA2&sign=${encodeURIComponent(sig)}&timestamp=2026-01-01+00%3A00%3A00`;
    const out = redact(url);
    expect(out).toContain('sign=[REDACTED]');
    expect(out).toContain('sign_type=RSA2');
    expect(out).toContain('app_id=2021');
    expect(out).not.toContain(encodeURIComponent(sig).slice(0, 30));
    const form = `biz_content=%7B%7D&app_auth_token=201808BBf1a2b3&auth_token=abc123&token=t0k3n&access_token=xyz`;
    const f = redact(form);
    expect(f).toBe(`biz_content=%7B%7D&app_auth_token=${REDACTED}&auth_token=${REDACTED}&token=${REDACTED}&access_token=${REDACTED}`);
    expect(redact('Authorization: Bearer abc.def.ghi')).toBe(`Authorization: ${REDACTED}`);
    expect(redact('ALIPAY-SHA256withRSA app_id=2021,nonce=n1,timestamp=1,sign=abcDEF123')).toContain(`sign=${REDACTED}`);
  });

  it('secret-named fields in objects, deeply, and in JSON text', () => {
    const input = {
      orderId: 'PD123',
      amountFen: 1234,
      sign_type: 'RSA2',
      fingerprint: fp,
      sign: 'abc',
      nested: [{ privateKey: 'x', app_private_key: 'y', token: 't', Authorization: 'Basic zzz', headers: { cookie: 'c=1' } }],
      config: { alipayPublicKey: pair.spkiPem, appId: '2021' },
      body: `{"alipay_trade_query_response":{"code":"10000"},"sign":"${sig}"}`,
    };
    const out = redact(input) as typeof input;
    expect(out.orderId).toBe('PD123');
    expect(out.amountFen).toBe(1234);
    expect(out.sign_type).toBe('RSA2');
    expect(out.fingerprint).toBe(fp);
    expect(out.sign).toBe(REDACTED);
    expect(out.nested[0]).toEqual({ privateKey: REDACTED, app_private_key: REDACTED, token: REDACTED, Authorization: REDACTED, headers: { cookie: REDACTED } });
    expect(out.config.alipayPublicKey).toBe('[REDACTED PEM]');
    expect(out.config.appId).toBe('2021');
    expect(out.body).toBe(`{"alipay_trade_query_response":{"code":"10000"},"sign":"${REDACTED}"}`);
    // the input is untouched
    expect(input.sign).toBe('abc');
  });

  it('errors become plain objects with redacted message, stack and extras; cycles are safe', () => {
    const err = Object.assign(new Error(`验签失败，服务端返回的 sign: '${sig}' 无效`), {
      responseDataRaw: `{"x_response":{"code":"10000"},"sign":"${sig}"}`,
      code: 'E1',
    });
    const out = redact({ err }) as { err: Record<string, string> };
    expect(out.err.name).toBe('Error');
    expect(out.err.code).toBe('E1');
    expect(JSON.stringify(out)).not.toContain(sig.slice(0, 40));
    expect(out.err.message).toContain('验签失败');
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(redact(cyc)).toEqual({ a: 1, self: '[Circular]' });
    expect(redact({ k: pair.privateKey, b: Buffer.from('secret') })).toEqual({ k: '[KeyObject]', b: '[6 bytes]' });
  });

  it('leaves ordinary log text alone', () => {
    const s = `order PD20261122000123 paid 12.34 yuan, trade_no 2026112222001400000000000001, notify_url=http://127.0.0.1:1234/notify/alipay ${fp}`;
    expect(redact(s)).toBe(s);
  });
});

describe('createRedactingLogger', () => {
  it('redacts message and fields before the inner logger sees them', () => {
    const seen: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const inner: Logger = {
      info: (message, fields) => seen.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
      warn: (message, fields) => seen.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
      error: (message, fields) => seen.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
    };
    const log = createRedactingLogger(inner);
    log.info(`posting sign=${sig}`);
    log.warn('key', { key: pair.pkcs1Pem, privateKey: 'p' });
    log.error('failed', { err: new Error(`bad key ${pair.pkcs8Base64}`) });
    expect(seen.map((s) => s.level)).toEqual(['info', 'warn', 'error']);
    const all = JSON.stringify(seen);
    expect(all).not.toContain(sig.slice(0, 30));
    expect(all).not.toContain(pair.pkcs8Base64.slice(60, 100));
    expect(all).not.toContain('RSA PRIVATE KEY-----\\n');
    expect(seen[1]!.fields).toEqual({ key: '[REDACTED PEM]', privateKey: REDACTED });
  });
});
