/** WeChat Pay API v3 (direct merchant): the provider adapter, its configuration and key checks. */
export { WechatProvider, type WechatProviderDeps } from './provider';
export { WECHAT_API_BASE, POLL_ONLY_NOTIFY_URL, type WechatConfig } from './config';
export { wechatAck, NOTIFY_MAX_SKEW_MS } from './notification';
export * from './keys';
