/**
 * The provider registry: provider id → a factory that builds a PaymentProvider from that provider's own
 * settings and keys plus the kernel's services. The composition root (the console) builds the adapters
 * here and hands them to the payment core; the payment services never import it.
 */
import type { z } from 'zod';
import { PaymentError, type Clock, type Logger } from '../kernel';
import type { PaymentProvider, ProviderId } from '../domain';
import { alipayFactory } from './alipay';
import { wechatFactory } from './wechat';

/** What every adapter may use from the kernel. */
export interface ProviderDeps {
  logger: Logger;
  clock: Clock;
}

/** How to build one provider's adapter: its settings are checked with `schema` before `create`. */
export interface ProviderFactory<S> {
  schema: z.ZodType<S>;
  create(settings: S, deps: ProviderDeps): PaymentProvider;
}

export interface ProviderRegistry {
  /** Add a provider. Ids are the `/notify/<id>` path segment and the orders.provider value. */
  register<S>(id: ProviderId, factory: ProviderFactory<S>): void;
  has(id: string): boolean;
  ids(): ProviderId[];
  /** Build an adapter; throws PaymentError PROVIDER_UNKNOWN / PROVIDER_SETTINGS_INVALID (bilingual). */
  build(id: ProviderId, settings: unknown, deps: ProviderDeps): PaymentProvider;
}

/** Provider ids: lower-case letters, digits, '-' and '_', 1–32 characters (orders.provider's limit). */
const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** An empty registry (tests register toy providers here). */
export function createProviderRegistry(): ProviderRegistry {
  const factories = new Map<ProviderId, ProviderFactory<unknown>>();
  return {
    register(id, factory) {
      if (!PROVIDER_ID.test(id)) {
        throw new PaymentError('PROVIDER_ID_INVALID', `支付机构标识无效：${id} / Invalid provider id: ${id}`);
      }
      if (factories.has(id)) {
        throw new PaymentError('PROVIDER_DUPLICATE', `支付机构已登记：${id} / Provider already registered: ${id}`);
      }
      factories.set(id, factory);
    },
    has: (id) => factories.has(id),
    ids: () => [...factories.keys()],
    build(id, settings, deps) {
      const factory = factories.get(id);
      if (!factory) throw new PaymentError('PROVIDER_UNKNOWN', `未知的支付机构：${id} / Unknown payment provider: ${id}`);
      const parsed = factory.schema.safeParse(settings);
      if (!parsed.success) {
        const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
        throw new PaymentError(
          'PROVIDER_SETTINGS_INVALID',
          `支付机构 ${id} 的设置不完整或有误（${where}）/ Settings of provider ${id} are incomplete or invalid (${where})`,
        );
      }
      const provider = factory.create(parsed.data, deps);
      if (provider.id !== id) throw new Error(`provider factory for ${id} built an adapter with id ${provider.id}`);
      return provider;
    },
  };
}

/** The registry PayDesk ships with: every provider it can carry. */
export function defaultProviderRegistry(): ProviderRegistry {
  const registry = createProviderRegistry();
  registry.register('alipay', alipayFactory);
  registry.register('wechat', wechatFactory);
  return registry;
}
