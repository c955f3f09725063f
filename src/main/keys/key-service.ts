/**
 * Key setup: import the app private key and the Alipay public key into the vault (validated,
 * normalised PEM), report their status (fingerprints only), build the AlipayConfig, and 测试连接.
 * Electron-free; takes its vault, clock and logger.
 */
import { createRedactingLogger, type Logger } from '../kernel';
import type { AlipayConfig } from '../providers/alipay/config';
import type { Vault } from '../vault/types';
import { KeyError, keyMessages, type KeyField } from './key-errors';
import { checkKeyPair, parsePrivateKey, parsePublicKey, type ParsedPrivateKey, type ParsedPublicKey } from './key-import';
import { runConnectionTest, testTradeNo, type ConnectionTestResult } from '../providers/alipay/connection-test';

export type { ConnectionTestResult, ConnectionTestCode } from '../providers/alipay/connection-test';

/** Vault entry names. */
export const VAULT_NAMES: Record<KeyField, string> = {
  appPrivateKey: 'alipay.appPrivateKey',
  alipayPublicKey: 'alipay.alipayPublicKey',
};

/** What Settings may show: never key material, except the derived app PUBLIC key (meant to be pasted). */
export interface KeyStatus {
  appPrivateKey: { configured: boolean; fingerprint: string | null };
  alipayPublicKey: { configured: boolean; fingerprint: string | null };
  /** SPKI PEM derived from the app private key — what the merchant uploads as 应用公钥. */
  appPublicKeyPem: string | null;
  /** Bilingual: vault backend warnings and stored keys that cannot be read. */
  warnings: string[];
}

export interface KeyServiceOptions {
  vault: Vault;
  clock?: { now(): number };
  logger?: Logger;
}

export interface KeyService {
  /** Validate and store the app private key (PEM PKCS#1/PKCS#8 or bare base64). Throws KeyError / VaultError. */
  importAppPrivateKey(text: string): KeyStatus;
  /** Validate and store the Alipay public key; refuses the app's own public key. Throws KeyError / VaultError. */
  importAlipayPublicKey(text: string): KeyStatus;
  /** Remove one stored key. */
  remove(which: KeyField): KeyStatus;
  status(): KeyStatus;
  /** The provider config from stored keys; throws KeyError KEYS_MISSING when a key is not configured. */
  alipayConfig(base: { appId: string; sellerId: string; gateway: string; signType?: 'RSA2' | 'RSA'; timeoutMs?: number }): AlipayConfig;
  /** 测试连接: a harmless signed alipay.trade.query of a random, non-existent trade. Never throws. */
  testConnection(input: { appId: string; gateway: string; timeoutMs?: number }): Promise<ConnectionTestResult>;
}

const noopLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Create the key service over a vault. */
export function createKeyService(options: KeyServiceOptions): KeyService {
  const { vault } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const log = createRedactingLogger(options.logger ?? noopLogger);

  const storedPrivate = (): ParsedPrivateKey | null => {
    const pem = vault.get(VAULT_NAMES.appPrivateKey);
    return pem === null ? null : parsePrivateKey(pem);
  };
  const storedPublic = (): ParsedPublicKey | null => {
    const pem = vault.get(VAULT_NAMES.alipayPublicKey);
    return pem === null ? null : parsePublicKey(pem);
  };
  /** A stored key that cannot be read is reported, not thrown, so Settings still opens. */
  const safely = <T>(fn: () => T, warnings: string[]): T | null => {
    try {
      return fn();
    } catch (err) {
      warnings.push(err instanceof Error ? err.message : String(err));
      return null;
    }
  };

  const status = (): KeyStatus => {
    const warnings: string[] = [];
    const backendWarning = vault.backend().warning;
    if (backendWarning) warnings.push(backendWarning);
    const priv = safely(storedPrivate, warnings);
    const pub = safely(storedPublic, warnings);
    return {
      appPrivateKey: { configured: vault.has(VAULT_NAMES.appPrivateKey), fingerprint: priv?.fingerprint ?? null },
      alipayPublicKey: { configured: vault.has(VAULT_NAMES.alipayPublicKey), fingerprint: pub?.fingerprint ?? null },
      appPublicKeyPem: priv?.publicPem ?? null,
      warnings,
    };
  };

  /** The other stored key, or null when absent or unreadable (then there is nothing to compare). */
  const other = <T>(fn: () => T | null): T | null => {
    try {
      return fn();
    } catch {
      return null;
    }
  };

  const loadBoth = (): { priv: ParsedPrivateKey; pub: ParsedPublicKey } => {
    const priv = storedPrivate();
    const pub = storedPublic();
    const missing: KeyField[] = [];
    if (!priv) missing.push('appPrivateKey');
    if (!pub) missing.push('alipayPublicKey');
    if (!priv || !pub) throw new KeyError('KEYS_MISSING', keyMessages.missing(missing));
    return { priv, pub };
  };

  return {
    importAppPrivateKey(text) {
      const priv = parsePrivateKey(text);
      const pub = other(storedPublic);
      if (pub && pub.fingerprint === priv.fingerprint) {
        // The earlier "Alipay public key" was this key's own public half: the mistake is in that field.
        throw new KeyError('SAME_AS_APP_PUBLIC_KEY', keyMessages.storedAlipayIsApp());
      }
      vault.set(VAULT_NAMES.appPrivateKey, priv.pem);
      log.info('app private key imported', { fingerprint: priv.fingerprint, format: priv.format, source: priv.source, bits: priv.bits });
      return status();
    },
    importAlipayPublicKey(text) {
      const pub = parsePublicKey(text);
      const priv = other(storedPrivate);
      if (priv) checkKeyPair(priv, pub);
      vault.set(VAULT_NAMES.alipayPublicKey, pub.pem);
      log.info('Alipay public key imported', { fingerprint: pub.fingerprint, format: pub.format, source: pub.source, bits: pub.bits });
      return status();
    },
    remove(which) {
      vault.delete(VAULT_NAMES[which]);
      log.info('key removed', { which });
      return status();
    },
    status,
    alipayConfig(base) {
      const { priv, pub } = loadBoth();
      return {
        appId: base.appId,
        sellerId: base.sellerId,
        gateway: base.gateway,
        // Always PKCS#8 PEM: the SDK re-wraps a key by `keyType` (default PKCS1), so consumers must pass
        // keyType 'PKCS8' — see privateKeyKeyType().
        privateKey: priv.pem,
        alipayPublicKey: pub.pem,
        ...(base.signType ? { signType: base.signType } : {}),
        ...(base.timeoutMs !== undefined ? { timeoutMs: base.timeoutMs } : {}),
      };
    },
    async testConnection(input) {
      let keys: { priv: ParsedPrivateKey; pub: ParsedPublicKey };
      try {
        keys = loadBoth();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { ok: false, code: 'KEYS_MISSING', message };
      }
      const started = clock.now();
      const result = await runConnectionTest({
        appId: input.appId,
        gateway: input.gateway,
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
        privateKeyPem: keys.priv.pem,
        alipayPublicKeyPem: keys.pub.pem,
        outTradeNo: testTradeNo(clock.now()),
        log,
      });
      const ms = clock.now() - started;
      if (result.ok) log.info('connection test ok', { appId: input.appId, gateway: input.gateway, ms });
      else log.warn('connection test failed', { appId: input.appId, gateway: input.gateway, code: result.code, ms });
      return result;
    },
  };
}

/** The `keyType` to give alipay-sdk for a private key PEM (it re-wraps the key text by this). */
export function privateKeyKeyType(pem: string): 'PKCS1' | 'PKCS8' {
  return pem.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8';
}
