/** keys.import / keys.test: key material into the vault (fingerprints out), and 测试连接. */
import type { Environment, KeyTestDto, ParsedInput } from '../../../shared/contract';
import { runConnectionTest } from '../../providers/alipay/connection-test';
import type { WechatSettings } from '../../providers/wechat/config';
import { testWechatConnection } from '../../providers/wechat/keys';
import { demoPlan, WECHAT_EMULATOR_MISSING_MESSAGE, wechatMissingMessage, wechatSettingsFrom } from '../providers';
import { ConsoleError, KEYS_MISSING_MESSAGE } from '../errors';
import type { Runtime } from '../runtime';
import { toSettingsDto } from '../settings';
import type { Handlers } from './types';

export function keyHandlers(rt: Runtime): Handlers<'keys.import' | 'keys.test'> {
  return {
    'keys.import': rt.serialized(async ({ provider, which, text, pin }: ParsedInput<'keys.import'>) => {
      const { keys } = rt;
      if (!keys) {
        throw new ConsoleError('VAULT_UNAVAILABLE', rt.vaultProblem ?? '密钥库不可用 / The key vault is not available');
      }
      await rt.managerPin.authorize(pin, 'keys');
      switch (provider) {
        case 'alipay':
          if (which === 'appPrivateKey') keys.importAppPrivateKey(text);
          else keys.importAlipayPublicKey(text);
          break;
        case 'wechat': {
          if (!rt.wechatKeys) throw new ConsoleError('VAULT_UNAVAILABLE', rt.vaultProblem ?? '密钥库不可用 / The key vault is not available');
          // The adapter's checks against what is stored; a refused text throws and stores nothing.
          const { serialNo } = rt.wechatKeys.import(which, text);
          // The merchant certificate's serial is the one WeChat Pay knows: it fills 商户API证书序列号.
          const settings = rt.state.settings;
          if (serialNo && serialNo !== settings.wechat.merchantSerialNo && !rt.state.settingsBlocked) {
            await rt.applySettings({ ...settings, wechat: { ...settings.wechat, merchantSerialNo: serialNo } });
          }
          break;
        }
      }
      await rt.enableIfReady();
      rt.emit('status.changed', rt.status());
      return toSettingsDto(rt.state.settings, rt.keysForSettings());
    }),
    'keys.test': async ({ provider }) => {
      const { settings, emulator } = rt.state;
      // The environment being set up: a start-up override is the one this run uses.
      const mode = rt.environmentOverride ?? settings.environment;
      const started = Date.now();
      if (provider === 'wechat') return testWechat(rt, mode, started);
      const done = (r: { ok: true; detail: string } | { ok: false; code: string; message: string }): KeyTestDto => ({
        ok: r.ok,
        code: r.ok ? null : r.code,
        message: r.ok ? r.detail : r.message,
        provider: 'alipay',
        environment: mode,
        durationMs: Date.now() - started,
      });
      if (mode === 'demo') {
        if (!emulator) {
          return done({
            ok: false,
            code: 'RESTART_REQUIRED',
            message: '演示模式将在重启后启用，届时再测试 / Demo mode starts after a restart; test the connection then',
          });
        }
        const c = emulator.credentials;
        return done(
          await runConnectionTest({
            appId: c.appId,
            gateway: c.gateway,
            privateKeyPem: c.appPrivateKey,
            alipayPublicKeyPem: c.alipayPublicKey,
            log: rt.logger,
          }),
        );
      }
      if (!rt.keys) return done({ ok: false, code: 'KEYS_MISSING', message: rt.vaultProblem ?? KEYS_MISSING_MESSAGE });
      // KEYS_MISSING, then a missing app id, are answered without calling the gateway.
      return done(await rt.keys.testConnection({ appId: settings.alipay.appId, gateway: rt.gatewayFor(mode) }));
    },
  };
}

/**
 * 测试连接 for WeChat Pay: one signed 查询订单 of a random out_trade_no (providers/wechat/keys.ts). Demo asks
 * the embedded emulator; sandbox and production ask WeChat Pay's production API with the saved settings and
 * keys (WeChat Pay v3 has no sandbox; the query changes nothing). ORDER_NOT_EXIST means signing and
 * verification work; a 401 SIGN_ERROR says which key or id is wrong.
 */
async function testWechat(rt: Runtime, mode: Environment, started: number): Promise<KeyTestDto> {
  const done = (r: { ok: boolean; code: string; message: string }): KeyTestDto => ({
    ok: r.ok,
    code: r.ok ? null : r.code,
    message: r.message,
    provider: 'wechat',
    environment: mode,
    durationMs: Date.now() - started,
  });
  let config: WechatSettings | null;
  if (mode === 'demo') {
    if (!rt.state.emulator) {
      return done({
        ok: false,
        code: 'RESTART_REQUIRED',
        message: '演示模式将在重启后启用，届时再测试 / Demo mode starts after a restart; test the connection then',
      });
    }
    config = demoPlan(rt.state.emulator).wechat;
    if (!config) return done({ ok: false, code: 'KEYS_MISSING', message: WECHAT_EMULATOR_MISSING_MESSAGE });
  } else {
    const built = wechatSettingsFrom({
      environment: 'production',
      wechatKeys: rt.wechatKeys,
      vaultProblem: rt.vaultProblem,
      wechatAccount: rt.state.settings.wechat,
      ...(rt.config.wechatBase !== undefined ? { wechatBase: rt.config.wechatBase } : {}),
    });
    if (!built.config) return done({ ok: false, code: 'KEYS_MISSING', message: built.reason ?? wechatMissingMessage([]) });
    config = built.config;
  }
  const result = await testWechatConnection(config);
  if (result.ok) rt.logger.info('WeChat Pay connection test ok', { environment: mode, ms: Date.now() - started });
  else rt.logger.warn('WeChat Pay connection test failed', { environment: mode, code: result.code, ms: Date.now() - started });
  return done(result);
}
