/** Everything Alipay: the adapter of the provider port, its config, notification checks and 测试连接. */
import type { PaymentProvider } from '../../domain';
import type { ProviderDeps } from '../registry';
import { alipaySettingsSchema, type AlipaySettings } from './config';
import { AlipayProvider } from './provider';

export { AlipayProvider } from './provider';
export { alipaySettingsSchema, type AlipayConfig, type AlipaySettings } from './config';
export { parseForm } from './notification';
export { createNotifyVerifier } from './notify-verify';
export { alipayMessage, UNKNOWN_MESSAGES } from './messages';

/** The registry entry: an Alipay adapter from its settings (app, keys, gateway, environment). */
export const alipayFactory = {
  schema: alipaySettingsSchema,
  create(settings: AlipaySettings, deps: ProviderDeps): PaymentProvider {
    const { environment, ...config } = settings;
    return new AlipayProvider(config, deps.logger, environment);
  },
};
