/**
 * WeChat Pay's keys in the vault, beside Alipay's: the merchant API private key (apiclient_key.pem), the
 * APIv3 key, the WeChat Pay public key (微信支付公钥) and, optionally, the merchant API certificate
 * (apiclient_cert.pem). Every import runs the adapter's checks (providers/wechat/keys.ts) against what is
 * already stored, and a refused text changes nothing. Only `configured` + a fingerprint ever leave here:
 * `SHA256:<hex>` of the public key (for the private key and the certificate: of their public half), and
 * for the APIv3 key — a secret with no public half — a SHA-256 over a fixed label and the key, so the
 * fingerprint tells two keys apart without being the key's plain hash.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { KeyStateDto, WechatKeyFieldDto } from '../../shared/contract';
import { createRedactingLogger, type Logger } from '../kernel';
import { checkApiV3Key, checkMerchantKey, checkWechatpayPublicKey, parseMerchantPrivateKey, WechatKeyError } from '../providers/wechat/keys';
import type { Vault } from '../vault/types';
import { fingerprintOf } from './key-import';

/** Vault entry names of WeChat Pay's keys. */
export const WECHAT_VAULT_NAMES: Record<WechatKeyFieldDto, string> = {
  merchantPrivateKey: 'wechat.merchantPrivateKey',
  apiV3Key: 'wechat.apiV3Key',
  wechatpayPublicKey: 'wechat.wechatpayPublicKey',
  merchantCertificate: 'wechat.merchantCertificate',
};

/** The keys a WeChat Pay adapter needs (the certificate is only a check of the private key and the serial). */
export const WECHAT_REQUIRED_KEYS = ['merchantPrivateKey', 'apiV3Key', 'wechatpayPublicKey'] as const;

export type WechatKeyStatus = Record<WechatKeyFieldDto, KeyStateDto>;

export interface WechatKeyMaterial {
  merchantPrivateKey: string;
  apiV3Key: string;
  wechatpayPublicKey: string;
}

export interface WechatKeyStore {
  /**
   * Check and store one key. Answers the merchant certificate's serial when a certificate is stored (it
   * fills merchantSerialNo). Throws WechatKeyError (bilingual) and stores nothing when the text is refused.
   */
  import(which: WechatKeyFieldDto, text: string): { serialNo: string | null };
  status(): WechatKeyStatus;
  /** The stored key material, or the fields still missing. */
  material(): { ok: true; keys: WechatKeyMaterial } | { ok: false; missing: WechatKeyFieldDto[] };
}

const apiV3Fingerprint = (key: string): string => `SHA256:${createHash('sha256').update('paydesk wechat apiv3 key\n').update(key, 'utf8').digest('hex')}`;

function certificateOf(text: string): X509Certificate {
  try {
    return new X509Certificate(text.trim());
  } catch {
    throw new WechatKeyError(
      'NOT_A_KEY',
      '无法识别商户API证书：请粘贴 apiclient_cert.pem 的完整内容（含 -----BEGIN CERTIFICATE----- 行）/ Not a recognisable merchant certificate: paste the whole apiclient_cert.pem (with the -----BEGIN CERTIFICATE----- line)',
    );
  }
}

/** A stored entry that cannot be read is shown as configured without a fingerprint, so Settings still opens. */
function readable(read: () => string | null): string | null {
  try {
    return read();
  } catch {
    return null;
  }
}

export function createWechatKeyStore(options: { vault: Vault; logger?: Logger }): WechatKeyStore {
  const { vault } = options;
  const log = options.logger ? createRedactingLogger(options.logger) : null;
  const get = (which: WechatKeyFieldDto): string | null => vault.get(WECHAT_VAULT_NAMES[which]);

  const fingerprint = (which: WechatKeyFieldDto, text: string): string | null => {
    try {
      switch (which) {
        case 'merchantPrivateKey':
          return fingerprintOf(createPublicKey(createPrivateKey(text)));
        case 'wechatpayPublicKey':
          return fingerprintOf(createPublicKey(text));
        case 'merchantCertificate':
          return fingerprintOf(new X509Certificate(text).publicKey);
        case 'apiV3Key':
          return apiV3Fingerprint(text);
      }
    } catch {
      return null;
    }
  };

  return {
    import(which, text) {
      let stored: string;
      let serial: string | null = null;
      switch (which) {
        case 'merchantPrivateKey': {
          const cert = get('merchantCertificate');
          // Against the stored certificate (same pair) when there is one; the serial then comes from it.
          serial = checkMerchantKey({ privateKey: text, ...(cert ? { certificate: cert } : {}) }).serialNo;
          const pub = get('wechatpayPublicKey');
          if (pub) checkWechatpayPublicKey(pub, text); // the stored "WeChat Pay public key" must not be this key's own
          stored = parseMerchantPrivateKey(text).export({ type: 'pkcs8', format: 'pem' }).toString();
          break;
        }
        case 'merchantCertificate': {
          const cert = certificateOf(text);
          const priv = get('merchantPrivateKey');
          serial = priv ? checkMerchantKey({ privateKey: priv, certificate: text }).serialNo : cert.serialNumber.toUpperCase().padStart(40, '0');
          stored = cert.toString();
          break;
        }
        case 'apiV3Key':
          stored = checkApiV3Key(text);
          break;
        case 'wechatpayPublicKey':
          stored = checkWechatpayPublicKey(text, get('merchantPrivateKey') ?? undefined)
            .export({ type: 'spki', format: 'pem' })
            .toString();
          break;
      }
      vault.set(WECHAT_VAULT_NAMES[which], stored);
      log?.info('WeChat Pay key imported', { which, fingerprint: fingerprint(which, stored), serialFromCertificate: serial !== null });
      return { serialNo: serial };
    },
    status() {
      const out = {} as WechatKeyStatus;
      for (const which of Object.keys(WECHAT_VAULT_NAMES) as WechatKeyFieldDto[]) {
        const text = readable(() => get(which));
        out[which] = { configured: vault.has(WECHAT_VAULT_NAMES[which]), fingerprint: text === null ? null : fingerprint(which, text) };
      }
      return out;
    },
    material() {
      const missing = WECHAT_REQUIRED_KEYS.filter((k) => !vault.has(WECHAT_VAULT_NAMES[k]));
      if (missing.length > 0) return { ok: false, missing };
      return {
        ok: true,
        keys: {
          merchantPrivateKey: get('merchantPrivateKey') ?? '',
          apiV3Key: get('apiV3Key') ?? '',
          wechatpayPublicKey: get('wechatpayPublicKey') ?? '',
        },
      };
    },
  };
}
