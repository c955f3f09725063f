/** settings.get / settings.update: validated, PIN-checked, saved, and applied live where they can be. */
import { SHOP_NAME_MAX, type Environment, type ParsedInput } from '../../../shared/contract';
import { validateCustomNotifyUrl } from '../../../shared/notify-urls';
import { checkPublicKeyId, checkSerialNo } from '../../providers/wechat/keys';
import { tunnelConfigError } from '../../tunnel/tunnel-manager';
import { ConsoleError } from '../errors';
import type { Runtime } from '../runtime';
import { saleLimitsPatch } from '../sale-guard';
import { defaultNotifyMode, settingsSchema, toSettingsDto, type ReceiptSettings, type Settings, type WechatAccountSettings } from '../settings';
import { textColumns } from '../../../shared/receipt';
import type { Handlers } from './types';

export function settingsHandlers(rt: Runtime): Handlers<'settings.get' | 'settings.update'> {
  return {
    'settings.get': async () => toSettingsDto(rt.state.settings, rt.keysForSettings()),
    'settings.update': rt.serialized(async ({ pin, alipay, wechat, receipt, ...raw }: ParsedInput<'settings.update'>) => {
      const settings = rt.state.settings;
      const patch = { ...raw, ...(raw.shopName !== undefined ? { shopName: checkShopName(raw.shopName) } : {}) };
      const alipayPatch = stripUndefined(alipay ?? {});
      // WeChat Pay's account fields are checked (and normalised) before anything else: a bad one changes nothing.
      const wechatPatch = checkWechatAccount(stripUndefined(wechat ?? {}));
      const receiptPatch = checkReceipt(stripUndefined(receipt ?? {}));
      // Language and voice are the cashier's own preferences (header buttons): no PIN for those alone.
      const fields = [
        ...Object.keys(stripUndefined(patch)),
        ...(Object.keys(alipayPatch).length > 0 ? ['alipay'] : []),
        ...(Object.keys(wechatPatch).length > 0 ? ['wechat'] : []),
        ...(Object.keys(receiptPatch).length > 0 ? ['receipt'] : []),
      ];
      if (fields.some((f) => f !== 'language' && f !== 'voice')) await rt.managerPin.authorize(pin, 'settings');
      const merged = {
        ...settings,
        ...stripUndefined(patch),
        alipay: { ...settings.alipay, ...alipayPatch },
        wechat: { ...settings.wechat, ...wechatPatch },
        receipt: { ...settings.receipt, ...receiptPatch },
        ...saleLimitsPatch(patch, settings),
      };
      // Switching environment without choosing a notify mode: the sensible default for the new one.
      if (patch.environment && patch.environment !== settings.environment && patch.notifyMode === undefined) {
        if (settings.notifyMode === defaultNotifyMode(settings.environment)) merged.notifyMode = defaultNotifyMode(patch.environment);
      }
      const next = settingsSchema.parse(merged);
      checkNotifySettings(next);
      if (Object.keys(alipayPatch).length > 0 || patch.environment !== undefined) {
        checkSellerId(next, rt.environmentOverride); // the account fields are being saved
      }
      await rt.applySettings(next);
      rt.emit('status.changed', rt.status());
      return toSettingsDto(rt.state.settings, rt.keysForSettings());
    }),
  };
}

/** The customer display's shop name: trimmed, 1–SHOP_NAME_MAX characters, no control characters (bilingual INVALID_INPUT). */
export function checkShopName(raw: string): string {
  const v = raw.trim();
  const length = v.length;
  // eslint-disable-next-line no-control-regex
  if (length < 1 || length > SHOP_NAME_MAX || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new ConsoleError(
      'INVALID_INPUT',
      `店名须为 1–${SHOP_NAME_MAX} 个字符，且不含控制字符 / The shop name must be 1–${SHOP_NAME_MAX} characters with no control characters`,
    );
  }
  return v;
}

/** Custom mode needs a valid custom URL; the tunnel server and subdomain must be usable. */
function checkNotifySettings(next: Settings): void {
  if (next.customNotifyUrl !== '' || next.notifyMode === 'custom') {
    if (next.customNotifyUrl === '') {
      throw new ConsoleError('INVALID_INPUT', '自定义通知模式需要填写通知地址 / Custom notify mode needs a notify URL');
    }
    const check = validateCustomNotifyUrl(next.customNotifyUrl);
    if (!check.ok) throw new ConsoleError('INVALID_INPUT', check.message);
  }
  const tunnel = tunnelConfigError(next.tunnelHost, next.tunnelSubdomain);
  if (tunnel) throw new ConsoleError('INVALID_INPUT', tunnel);
}

/** Outside demo a blank seller id (PID) would turn every genuine notification into a seller_id mismatch. */
function checkSellerId(next: Settings, environmentOverride: Environment | null): void {
  if ((environmentOverride ?? next.environment) !== 'demo' && next.alipay.sellerId.trim() === '') {
    throw new ConsoleError(
      'INVALID_INPUT',
      '沙箱/正式模式必须填写 PID（卖家支付宝用户 ID，2088 开头），否则支付宝的通知会全部被拒绝 / Sandbox and production need the seller id (PID, starts with 2088); without it every Alipay notification is refused',
    );
  }
}

/**
 * WeChat Pay's account fields as saved: trimmed, '' clears a field; otherwise 商户号 is digits, the AppID
 * letters and digits, the merchant certificate's serial 40 hex digits (stored upper-case) and the WeChat
 * Pay public key id PUB_KEY_ID_…. A bad field is refused with a bilingual INVALID_INPUT.
 */
function checkWechatAccount(patch: Partial<WechatAccountSettings>): Partial<WechatAccountSettings> {
  const out: Partial<WechatAccountSettings> = {};
  const refuse = (message: string): never => {
    throw new ConsoleError('INVALID_INPUT', message);
  };
  const checked = (check: (v: string) => string, v: string): string => {
    try {
      return check(v);
    } catch (err) {
      return refuse(err instanceof Error ? err.message : String(err));
    }
  };
  for (const [field, raw] of Object.entries(patch) as [keyof WechatAccountSettings, string][]) {
    const v = raw.trim();
    if (v === '') {
      out[field] = '';
      continue;
    }
    switch (field) {
      case 'mchId':
        if (!/^\d{1,32}$/.test(v))
          refuse(
            '微信支付商户号应为纯数字（商户平台右上角可见，通常 10 位） / The WeChat Pay merchant id (mchid) is digits only (shown at the top right of the merchant platform, usually 10)',
          );
        out.mchId = v;
        break;
      case 'appId':
        if (!/^[A-Za-z0-9]{1,32}$/.test(v))
          refuse(
            '微信支付 AppID 只含字母和数字（通常以 wx 开头，共 18 位） / The WeChat Pay AppID has letters and digits only (usually wx followed by 16 characters)',
          );
        out.appId = v;
        break;
      case 'merchantSerialNo':
        out.merchantSerialNo = checked(checkSerialNo, v);
        break;
      case 'publicKeyId':
        out.publicKeyId = checked(checkPublicKeyId, v);
        break;
    }
  }
  return out;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/* ── Receipts (小票) ── */

/** The longest shop name: two lines of the 58 mm roll's title (docs/architecture.md, "Receipts (小票)"). */
export const SHOP_NAME_MAX_COLUMNS = 40;

/** The receipt group as saved: the shop name trimmed, printable, at most SHOP_NAME_MAX_COLUMNS columns (CJK = 2). */
function checkReceipt(patch: Partial<ReceiptSettings>): Partial<ReceiptSettings> {
  if (patch.shopName === undefined) return patch;
  const shopName = patch.shopName.trim();
  if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(shopName)) {
    throw new ConsoleError('INVALID_INPUT', '店名不能包含换行或控制字符 / The shop name must not contain line breaks or control characters');
  }
  if (textColumns(shopName) > SHOP_NAME_MAX_COLUMNS) {
    throw new ConsoleError(
      'INVALID_INPUT',
      `店名太长：最多 ${SHOP_NAME_MAX_COLUMNS / 2} 个汉字或 ${SHOP_NAME_MAX_COLUMNS} 个字母 / The shop name is too long: at most ${SHOP_NAME_MAX_COLUMNS / 2} Chinese characters or ${SHOP_NAME_MAX_COLUMNS} letters`,
    );
  }
  return { ...patch, shopName };
}
