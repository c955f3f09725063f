/**
 * The WeChat part of `state.json` (keys, default merchant, signer mode, transactions), checked with zod
 * when loaded (docs/emulator.md "Start": credentials and trades survive restarts).
 * Not modelled: pending notification retries (not persisted, as on the Alipay side).
 */
import { z } from 'zod';
import type { WxSignerMode } from './control';
import type { WechatKeys } from './keys';
import type { WxTrade } from './types';

/** What is persisted. */
export interface WechatState {
  keys: WechatKeys;
  signer: WxSignerMode;
  trades: WxTrade[];
}

const pair = { privateKeyPem: z.string(), publicKeyPem: z.string() };

export const wechatStateSchema = z.object({
  keys: z.object({
    mchid: z.string(),
    appid: z.string(),
    apiV3Key: z.string().length(32),
    merchant: z.object({ ...pair, serialNo: z.string() }),
    platform: z.object({ ...pair, serialNo: z.string(), certificatePem: z.string().optional(), effectiveTime: z.number(), expireTime: z.number() }),
    wechatpay: z.object({ ...pair, publicKeyId: z.string() }),
  }),
  signer: z.enum(['publicKey', 'platform']),
  // Trades are written by this code only; checked shallowly.
  trades: z.array(
    z.object({ mchid: z.string(), outTradeNo: z.string(), transactionId: z.string(), state: z.string(), refunds: z.array(z.unknown()) }).passthrough(),
  ),
});

/** Narrow a parsed state. */
export function toWechatState(parsed: z.output<typeof wechatStateSchema>): WechatState {
  const k = parsed.keys;
  const keys: WechatKeys = { ...k, platform: { ...k.platform } };
  if (k.platform.certificatePem === undefined) delete keys.platform.certificatePem;
  return { keys, signer: parsed.signer, trades: parsed.trades as unknown as WxTrade[] };
}
