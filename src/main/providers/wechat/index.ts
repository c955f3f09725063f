/** WeChat Pay API v3 (direct merchant): the provider adapter, its configuration and key checks. */
import type { PaymentProvider } from '../../domain';
import type { ProviderDeps } from '../registry';
import { wechatSettingsSchema, type WechatSettings } from './config';
import { WechatProvider } from './provider';

export { WechatProvider, type WechatProviderDeps } from './provider';
export { WECHAT_API_BASE, POLL_ONLY_NOTIFY_URL, wechatSettingsSchema, type WechatConfig, type WechatSettings } from './config';
export { wechatAck, NOTIFY_MAX_SKEW_MS } from './notification';
export * from './keys';

/** The registry entry: a WeChat Pay adapter from its settings (merchant, keys, API base, environment). */
export const wechatFactory = {
  schema: wechatSettingsSchema,
  create(settings: WechatSettings, deps: ProviderDeps): PaymentProvider {
    return new WechatProvider(settings, { logger: deps.logger, clock: deps.clock });
  },
};
