/** orders.create with 双码 ('dual'): one sale, an Alipay QR and a WeChat Pay QR side by side. */
import type { CreatedOrderDto } from '../../../shared/contract';
import type { PaymentCore } from '../../payments/api';
import { toOrderDto } from '../dto';
import { ConsoleError } from '../errors';
import type { Runtime } from '../runtime';

/** The two providers of a 双码 sale, in the answer's order: the order itself, then `paired`. */
const DUAL_PROVIDERS = ['alipay', 'wechat'] as const;

const NAMES: Record<(typeof DUAL_PROVIDERS)[number], { zh: string; en: string }> = {
  alipay: { zh: '支付宝', en: 'Alipay' },
  wechat: { zh: '微信支付', en: 'WeChat Pay' },
};

/**
 * Create both orders through the core's pair entry (it links them and closes one if the other cannot
 * be created). Refused before anything is stored when the running core does not host both providers.
 */
export async function createDualSale(rt: Runtime, core: PaymentCore, input: { amountFen: number; subject?: string }): Promise<CreatedOrderDto> {
  const missing = DUAL_PROVIDERS.filter((p) => !core.providers().includes(p));
  const first = missing[0];
  if (first !== undefined) {
    const zh = missing.map((p) => NAMES[p].zh).join('、');
    const en = missing.map((p) => NAMES[p].en).join(' and ');
    throw new ConsoleError(
      'PROVIDER_NOT_CONFIGURED',
      `双码需要同时设置支付宝和微信支付；${zh}尚未设置，请改用单个收款码 / 双码 needs both Alipay and WeChat Pay set up; ${en} is not set up yet, use a single QR instead`,
    );
  }
  const [order, paired] = await core.createPair({
    amountFen: input.amountFen,
    providers: DUAL_PROVIDERS,
    // 订单有效期 applies to new orders at once (no restart).
    expiryMs: rt.state.running.orderExpiryMinutes * 60_000,
    ...(input.subject !== undefined ? { subject: input.subject } : {}),
  });
  return { ...rt.withLink(toOrderDto(order)), paired: rt.withLink(toOrderDto(paired)) };
}
