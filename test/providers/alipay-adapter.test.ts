/**
 * The Alipay adapter speaks the provider port: Alipay's trade states and ACQ.* codes become the neutral
 * words, a notification is verified from its raw form body (signature, fields, then our app and our
 * seller), and the answer is Alipay's own (`success` / `fail`, text/plain). Keys are generated here.
 */
import { describe, expect, it } from 'vitest';
import { AlipayProvider } from '../../src/main/providers/alipay';
import { tradeFactsFrom } from '../../src/main/providers/alipay/parse';
import { defaultProviderRegistry } from '../../src/main/providers/registry';
import { systemClock } from '../../src/main/kernel';
import { formBody, rsaKeyPair, signNotify } from '../main/helpers';
import { memoryLogger } from '../support';

const app = rsaKeyPair();
const alipay = rsaKeyPair();
const attacker = rsaKeyPair();
const CONFIG = {
  appId: '2021000000000001',
  sellerId: '2088000000000001',
  privateKey: app.privateKey,
  alipayPublicKey: alipay.publicKey,
  gateway: 'http://127.0.0.1:9/gateway.do',
};

const fields = (over: Record<string, string> = {}) => ({
  notify_id: 'n1',
  app_id: CONFIG.appId,
  seller_id: CONFIG.sellerId,
  out_trade_no: 'PD1',
  trade_no: 'T1',
  trade_status: 'TRADE_SUCCESS',
  total_amount: '12.34',
  ...over,
});
const request = (f: Record<string, string>, key = alipay.privateKey) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  rawBody: Buffer.from(formBody(signNotify(f, key))),
});

describe('Alipay adapter (provider port)', () => {
  const provider = new AlipayProvider(CONFIG, memoryLogger(), 'sandbox');

  it('is built by the registry from its settings, with its id, methods, environment and account', () => {
    const built = defaultProviderRegistry().build('alipay', { ...CONFIG, environment: 'production' }, { logger: memoryLogger(), clock: systemClock });
    expect(built).toMatchObject({ id: 'alipay', methods: ['qr', 'code', 'link'], environment: 'production', accountId: CONFIG.appId });
    expect(() =>
      defaultProviderRegistry().build('alipay', { ...CONFIG, gateway: 'not a url', environment: 'demo' }, { logger: memoryLogger(), clock: systemClock }),
    ).toThrow(expect.objectContaining({ code: 'PROVIDER_SETTINGS_INVALID' }));
  });

  it('maps trade_status to the neutral states (TRADE_FINISHED is still a payment)', () => {
    const state = (s: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_FINISHED' | 'TRADE_CLOSED') => tradeFactsFrom({ trade_status: s }).state;
    expect([state('WAIT_BUYER_PAY'), state('TRADE_SUCCESS'), state('TRADE_FINISHED'), state('TRADE_CLOSED')]).toEqual(['WAITING', 'PAID', 'PAID', 'CLOSED']);
    expect(tradeFactsFrom({ trade_status: 'TRADE_SUCCESS', total_amount: '12.34', gmt_payment: '2026-01-02 08:00:00' })).toMatchObject({
      totalFen: 1234,
      paidAt: Date.UTC(2026, 0, 2, 0, 0, 0),
    });
  });

  it('verifies a genuine notification from the raw body into neutral facts; a refund notice carries the cumulative refund_fee', async () => {
    const paid = await provider.verifyNotification(request(fields()));
    expect(paid).toEqual({
      ok: true,
      notification: {
        notifyId: 'n1',
        outTradeNo: 'PD1',
        totalFen: 1234,
        facts: { state: 'PAID', tradeNo: 'T1', totalFen: 1234, buyerLogonId: null, paidAt: null },
        refund: null,
      },
    });
    const refund = await provider.verifyNotification(request(fields({ trade_status: 'TRADE_CLOSED', refund_fee: '12.34', out_biz_no: 'RF1' })));
    expect(refund).toMatchObject({
      ok: true,
      notification: { facts: { state: 'CLOSED' }, refund: { outRequestNo: 'RF1', state: 'SUCCESS', cumulativeFen: 1234, amountFen: null } },
    });
  });

  it('refuses forged, malformed, other-app and other-seller notices; a seller-only mismatch says which seller id was sent', async () => {
    expect(await provider.verifyNotification(request(fields(), attacker.privateKey))).toEqual({
      ok: false,
      reason: 'signature verification failed',
      outTradeNo: 'PD1',
    });
    expect(await provider.verifyNotification({ headers: {}, rawBody: Buffer.from('a=1&a=2') })).toEqual({
      ok: false,
      reason: 'malformed form body',
      outTradeNo: null,
    });
    expect(await provider.verifyNotification(request(fields({ app_id: '2021000000000999' })))).toEqual({
      ok: false,
      reason: 'app_id mismatch',
      outTradeNo: 'PD1',
    });
    expect(await provider.verifyNotification(request(fields({ seller_id: '2088000000000999' })))).toEqual({
      ok: false,
      reason: 'seller_id mismatch',
      detail: { sellerIdSent: '2088000000000999' },
      outTradeNo: 'PD1',
    });
  });

  it('acknowledges the way Alipay expects: exactly `success` stops its retries', () => {
    const text = { 'content-type': 'text/plain; charset=utf-8' };
    expect(provider.ack('accepted')).toEqual({ status: 200, headers: text, body: 'success' });
    expect(provider.ack('rejected')).toEqual({ status: 200, headers: text, body: 'fail' });
    expect(provider.ack('retry')).toEqual({ status: 500, headers: text, body: 'fail' });
  });
});
