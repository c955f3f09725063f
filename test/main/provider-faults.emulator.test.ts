import { afterEach, describe, expect, it } from 'vitest';
import { AlipayProvider } from '../../src/main/providers/alipay';

import { withEmulator } from './emulator-harness';
import { memoryLogger, waitFor } from '../support';

type Env = Awaited<ReturnType<typeof withEmulator>>;

/** Every outside call has a timeout and a clear error (Alipay's public and business error codes). */
describe('Alipay provider outcome mapping against emulator faults', () => {
  let env: Env | null = null;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  it.each([
    ['http500', /网关错误.*\/ Alipay gateway error/, 'http'],
    ['unsigned-error', /未签名.*\/ Alipay returned an unsigned error/, 'unsigned'],
    ['tamper', /验签失败.*\/ Alipay response signature invalid/, 'badSign'],
    ['unknown-error', /服务暂不可用.*\/ Alipay service unavailable/, 'isp.unknow-error'],
    ['system-error', /系统繁忙.*\/ Alipay system busy/, 'ACQ.SYSTEM_ERROR'],
    ['hang', /超时.*\/ Alipay did not answer in time/, 'timeout'],
  ])('precreate answered by %s → unknown → order FAILED with a bilingual reason', async (kind, message, reason) => {
    env = await withEmulator();
    const logger = memoryLogger();
    const provider = new AlipayProvider({ ...env.config.alipay, timeoutMs: 300 }, logger);
    await env.control.fault({ kind, method: 'alipay.trade.precreate', ms: 2000 });
    const r = await provider.createQr({
      outTradeNo: `T${Date.now()}`,
      amountFen: 100,
      subject: 's',
      timeoutMinutes: 5,
      expiresAt: Date.now() + 5 * 60_000,
      notifyUrl: null,
    });
    expect(r).toMatchObject({ kind: 'unknown', reason });
    expect((r as { message: string }).message).toMatch(message);

    await env.control.fault({ kind, method: 'alipay.trade.precreate', ms: 2000 });
    const core = await env.newCore({ alipay: { ...env.config.alipay, timeoutMs: 300 } });
    const o = await core.createOrder({ amountFen: 100, method: 'qr' });
    expect(o.status).toBe('FAILED');
    expect(o.message).toMatch(message);
  });

  it('business errors carry code, sub_code and words; TRADE_NOT_EXIST before a scan', async () => {
    env = await withEmulator();
    const provider = new AlipayProvider(env.config.alipay, memoryLogger());
    const q = await provider.query('NO-SUCH-TRADE');
    expect(q).toMatchObject({
      kind: 'business',
      failure: 'NOT_FOUND',
      code: '40004',
      subCode: 'ACQ.TRADE_NOT_EXIST',
      message: expect.stringMatching(/交易不存在 \/ Trade does not exist/),
    });
    const pay = await provider.payWithCode({
      outTradeNo: `T${Date.now()}`,
      amountFen: 100,
      subject: 's',
      timeoutMinutes: 1,
      expiresAt: Date.now() + 60_000,
      notifyUrl: null,
      authCode: '284000000000000004',
    });
    expect(pay).toMatchObject({
      kind: 'business',
      failure: 'INSUFFICIENT_FUNDS',
      subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH',
      message: '余额不足 / Insufficient balance',
    });
  });

  it('accepts keys as bare base64 too (as the Alipay console shows them)', async () => {
    env = await withEmulator();
    const bare = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const provider = new AlipayProvider(
      { ...env.config.alipay, privateKey: bare(env.config.alipay.privateKey), alipayPublicKey: bare(env.config.alipay.alipayPublicKey) },
      memoryLogger(),
    );
    const r = await provider.createQr({
      outTradeNo: `T${Date.now()}`,
      amountFen: 100,
      subject: 's',
      timeoutMinutes: 5,
      expiresAt: Date.now() + 5 * 60_000,
      notifyUrl: null,
    });
    expect(r.kind).toBe('ok');
  });

  it('faults while polling do not stop convergence', async () => {
    env = await withEmulator({ core: { notify: { port: 0, publicUrl: null } } });
    const o = await env.core.createOrder({ amountFen: 100, method: 'qr' });
    await env.control.fault({ kind: 'http500', method: 'alipay.trade.query', count: 2 });
    await env.control.fault({ kind: 'unsigned-error', method: 'alipay.trade.query', count: 1 });
    await env.control.pay(o.id);
    await waitFor(() => env!.core.getOrder(o.id)?.status === 'PAID', 'PAID despite faults');
  });

  it('cashier cancel when Alipay does not answer → clear error, order still waiting; later it works', async () => {
    env = await withEmulator({ core: { poll: { initialMs: 60_000, maxMs: 60_000 } } });
    const o = await env.core.createOrder({ amountFen: 100, method: 'qr' });
    await env.control.scan(o.id);
    await env.control.fault({ kind: 'http500', method: 'alipay.trade.close' });
    await expect(env.core.cancelOrder(o.id)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/ \/ /) });
    expect(env.core.getOrder(o.id)?.status).toBe('AWAITING_PAYMENT');
    expect(await env.core.cancelOrder(o.id)).toMatchObject({ status: 'CLOSED' });
  });
});
