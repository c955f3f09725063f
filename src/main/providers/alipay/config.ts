/** What the Alipay adapter needs to talk to one Alipay app (open platform gateway.do v2). */
import { z } from 'zod';

export interface AlipayConfig {
  appId: string;
  /** The merchant's PID (2088…): notifications naming another seller are refused. */
  sellerId: string;
  /** PEM (PKCS1 or PKCS8) or bare base64. Never logged. */
  privateKey: string;
  alipayPublicKey: string;
  gateway: string;
  signType?: 'RSA2' | 'RSA';
  timeoutMs?: number;
}

/** The settings the provider registry builds an Alipay adapter from: the app, its keys, and where it runs. */
export const alipaySettingsSchema = z.object({
  environment: z.enum(['demo', 'sandbox', 'production']),
  appId: z.string().min(1).max(64),
  sellerId: z.string().max(64),
  privateKey: z.string().min(1),
  alipayPublicKey: z.string().min(1),
  gateway: z.string().url(),
  signType: z.enum(['RSA2', 'RSA']).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

export type AlipaySettings = z.infer<typeof alipaySettingsSchema>;
