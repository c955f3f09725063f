import type { TFunction } from 'i18next';

/**
 * A provider id ('alipay', …) as the cashier reads it (支付宝); an id this version has no name for is
 * shown as it is. Looked up in the translation table, never used as a translation key itself.
 */
export function providerName(t: TFunction, id: string): string {
  const names = t('providers', { returnObjects: true }) as unknown;
  if (typeof names === 'object' && names !== null && Object.hasOwn(names, id)) {
    const name = (names as Record<string, unknown>)[id];
    if (typeof name === 'string') return name;
  }
  return id;
}
