/** keys.import / keys.test: key material into the vault (fingerprints out), and 测试连接. */
import type { KeyTestDto, ParsedInput } from '../../../shared/contract';
import { runConnectionTest } from '../../providers/alipay/connection-test';
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
      }
      await rt.enableIfReady();
      rt.emit('status.changed', rt.status());
      return toSettingsDto(rt.state.settings, rt.keysForSettings());
    }),
    'keys.test': async () => {
      const { settings, emulator } = rt.state;
      // The environment being set up: a start-up override is the one this run uses.
      const mode = rt.environmentOverride ?? settings.environment;
      const started = Date.now();
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
