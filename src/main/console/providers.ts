/**
 * Which providers the payment core hosts, and each one's readiness (StatusDto.providers). Demo: both,
 * from the embedded emulator's credentials (one process and port for Alipay's gateway and WeChat Pay v3).
 * Sandbox / production: a provider is ready when its settings and its keys in the vault are complete;
 * WeChat Pay v3 has no sandbox, so in sandbox it is never ready. The core starts with whichever are ready.
 */
import type { Environment, OrderDto, ProviderIdDto, StatusDto } from '../../shared/contract';
import { KeyError } from '../keys/key-errors';
import type { KeyService } from '../keys/key-service';
import type { WechatKeyStore } from '../keys/wechat-keys';
import type { AlipayConfig } from '../providers/alipay';
import { WECHAT_API_BASE, type WechatSettings } from '../providers/wechat/config';
import { KEYS_MISSING_MESSAGE } from './errors';
import type { EmulatorHandle } from './runtime-types';
import type { WechatAccountSettings } from './settings';

export type ProviderReadiness = StatusDto['providers'];

/** What the core is built from: each provider's adapter settings, or null (not ready: see readiness). */
export interface ProviderPlan {
  alipay: AlipayConfig | null;
  wechat: WechatSettings | null;
  readiness: ProviderReadiness;
}

export const WECHAT_NO_SANDBOX_MESSAGE =
  '微信支付 API v3 没有沙箱环境：沙箱模式下只能使用支付宝；微信支付请用演示模式试用，或在正式模式下收款（「测试连接」是一次无害的正式查询）/ ' +
  'WeChat Pay API v3 has no sandbox: in sandbox mode only Alipay works; try WeChat Pay in demo mode or take payments in production ' +
  '(the connection test is a harmless production query)';

export const WECHAT_EMULATOR_MISSING_MESSAGE =
  '内置模拟器未提供微信支付商户，演示模式下无法使用微信支付 / The embedded emulator offers no WeChat Pay merchant: WeChat Pay is unavailable in demo mode';

const WECHAT_FIELD_NAMES: Record<string, [string, string]> = {
  mchId: ['商户号', 'merchant id (mchid)'],
  appId: ['AppID', 'AppID'],
  merchantSerialNo: ['商户API证书序列号', 'certificate serial number'],
  publicKeyId: ['微信支付公钥ID', 'WeChat Pay public key id'],
  merchantPrivateKey: ['商户API私钥', 'merchant API private key'],
  apiV3Key: ['APIv3密钥', 'APIv3 key'],
  wechatpayPublicKey: ['微信支付公钥', 'WeChat Pay public key'],
};

/** Bilingual: which WeChat Pay settings or keys are still missing. */
export function wechatMissingMessage(missing: readonly string[]): string {
  const zh = missing.map((m) => WECHAT_FIELD_NAMES[m]?.[0] ?? m).join('、');
  const en = missing.map((m) => WECHAT_FIELD_NAMES[m]?.[1] ?? m).join(', ');
  return `微信支付尚未设置完整（缺少：${zh}），暂不能用微信收款；请在「设置 → 微信支付」中填写并导入密钥 / WeChat Pay is not fully set up (missing: ${en}): it cannot take payments until they are filled in and imported in Settings → WeChat Pay`;
}

/** The WeChat Pay adapter's settings for the embedded emulator's merchant (demo). */
export function wechatDemoSettings(w: NonNullable<EmulatorHandle['wechat']>): WechatSettings {
  return {
    environment: 'demo',
    baseUrl: w.baseUrl,
    mchid: w.mchid,
    appid: w.appid,
    merchantSerialNo: w.merchantSerialNo,
    merchantPrivateKey: w.merchantPrivateKey,
    apiV3Key: w.apiV3Key,
    wechatpayPublicKeyId: w.wechatpayPublicKeyId,
    wechatpayPublicKey: w.wechatpayPublicKey,
  };
}

/** Demo: both providers from the embedded emulator. */
export function demoPlan(emulator: EmulatorHandle): ProviderPlan {
  const c = emulator.credentials;
  const alipay: AlipayConfig = { appId: c.appId, sellerId: c.sellerId, privateKey: c.appPrivateKey, alipayPublicKey: c.alipayPublicKey, gateway: c.gateway };
  const wechat: WechatSettings | null = emulator.wechat ? wechatDemoSettings(emulator.wechat) : null;
  return {
    alipay,
    wechat,
    readiness: [
      { id: 'alipay', ready: true, reason: null },
      { id: 'wechat', ready: wechat !== null, reason: wechat ? null : WECHAT_EMULATOR_MISSING_MESSAGE },
    ],
  };
}

export interface RealPlanInput {
  environment: Exclude<Environment, 'demo'>;
  keys: KeyService | null;
  wechatKeys: WechatKeyStore | null;
  /** Why the vault cannot be used (bilingual), if so. */
  vaultProblem: string | null;
  alipayAccount: { appId: string; sellerId: string };
  wechatAccount: WechatAccountSettings;
  alipayGateway: string;
  /** WeChat Pay's API origin (the real one unless a test points it at an emulator). */
  wechatBase?: string;
}

/** Sandbox / production: each provider from its settings and the vault's keys, or why not. */
export function realPlan(input: RealPlanInput): ProviderPlan {
  const alipay = realAlipay(input);
  const wechat = realWechat(input);
  return {
    alipay: alipay.config,
    wechat: wechat.config,
    readiness: [
      { id: 'alipay', ready: alipay.config !== null, reason: alipay.reason },
      { id: 'wechat', ready: wechat.config !== null, reason: wechat.reason },
    ],
  };
}

interface Built<T> {
  config: T | null;
  reason: string | null;
}

function realAlipay(input: RealPlanInput): Built<AlipayConfig> {
  if (!input.keys) return { config: null, reason: input.vaultProblem ?? KEYS_MISSING_MESSAGE };
  if (!input.alipayAccount.appId) return { config: null, reason: KEYS_MISSING_MESSAGE };
  try {
    return {
      config: input.keys.alipayConfig({ appId: input.alipayAccount.appId, sellerId: input.alipayAccount.sellerId, gateway: input.alipayGateway }),
      reason: null,
    };
  } catch (err) {
    const reason = err instanceof KeyError && err.code === 'KEYS_MISSING' ? KEYS_MISSING_MESSAGE : err instanceof Error ? err.message : String(err);
    return { config: null, reason };
  }
}

/** The WeChat Pay adapter settings from the saved account and the vault, or what is missing. */
export function wechatSettingsFrom(input: Omit<RealPlanInput, 'alipayAccount' | 'alipayGateway' | 'keys'>): Built<WechatSettings> {
  if (input.environment === 'sandbox') return { config: null, reason: WECHAT_NO_SANDBOX_MESSAGE };
  if (!input.wechatKeys) return { config: null, reason: input.vaultProblem ?? wechatMissingMessage(['merchantPrivateKey', 'apiV3Key', 'wechatpayPublicKey']) };
  const a = input.wechatAccount;
  const missing: string[] = (['mchId', 'appId', 'merchantSerialNo', 'publicKeyId'] as const).filter((f) => a[f].trim() === '');
  let material: ReturnType<WechatKeyStore['material']>;
  try {
    material = input.wechatKeys.material();
  } catch (err) {
    return { config: null, reason: err instanceof Error ? err.message : String(err) };
  }
  if (!material.ok) missing.push(...material.missing);
  if (missing.length > 0 || !material.ok) return { config: null, reason: wechatMissingMessage(missing) };
  return {
    config: {
      environment: input.environment,
      baseUrl: input.wechatBase ?? WECHAT_API_BASE,
      mchid: a.mchId,
      appid: a.appId,
      merchantSerialNo: a.merchantSerialNo,
      merchantPrivateKey: material.keys.merchantPrivateKey,
      apiV3Key: material.keys.apiV3Key,
      wechatpayPublicKeyId: a.publicKeyId,
      wechatpayPublicKey: material.keys.wechatpayPublicKey,
    },
    reason: null,
  };
}

function realWechat(input: RealPlanInput): Built<WechatSettings> {
  return wechatSettingsFrom(input);
}

/** The providers of a plan in the order the core hosts them (the first carries orders that name none). */
export function hostedIds(plan: ProviderPlan): ProviderIdDto[] {
  return [...(plan.alipay ? (['alipay'] as const) : []), ...(plan.wechat ? (['wechat'] as const) : [])];
}

/**
 * Demo only (`emulatorUrl` given): where a simulated buyer pays the order on the embedded emulator. Alipay's
 * QR / pay link already is such a page; a WeChat Pay `weixin://wxpay/bizpayurl?pr=T` is opened as the
 * emulator's `/wxpay/bizpayurl?pr=T` (docs/emulator.md "WeChat Pay"). null otherwise.
 */
export function demoCustomerUrl(dto: Pick<OrderDto, 'provider' | 'qrCode' | 'payUrl'>, emulatorUrl: string | null): string | null {
  if (!emulatorUrl) return null;
  if (dto.provider === 'wechat') {
    const m = dto.qrCode ? /^weixin:\/\/wxpay\/bizpayurl\?pr=([A-Za-z0-9]+)$/.exec(dto.qrCode) : null;
    return m ? `${emulatorUrl}/wxpay/bizpayurl?pr=${m[1]}` : null;
  }
  const url = dto.qrCode ?? dto.payUrl;
  return url && url.startsWith(`${emulatorUrl}/`) ? url : null;
}
