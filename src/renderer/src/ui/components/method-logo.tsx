import type { OrderMethodDto } from '../../../../shared/contract';

/** Each provider's colour at the counter (Alipay blue, WeChat Pay green); an unknown id is grey. */
export const PROVIDER_COLORS: Readonly<Record<string, string>> = { alipay: '#1677FF', wechat: '#07C160' };
const UNKNOWN_COLOR = '#8c8c8c';

export function providerColor(provider: string): string {
  return Object.hasOwn(PROVIDER_COLORS, provider) ? (PROVIDER_COLORS[provider] ?? UNKNOWN_COLOR) : UNKNOWN_COLOR;
}

/**
 * A provider's mark, drawn inline (no external assets under the CSP, no trademark images): Alipay's
 * blue square with 支, WeChat Pay's green square with two speech bubbles, else a grey square with the
 * id's first letter.
 */
export function ProviderLogo({ provider, size = 28 }: { provider: string; size?: number }): React.JSX.Element {
  const color = providerColor(provider);
  return (
    <span className="pd-method-logo" data-testid="provider-logo" data-provider={provider} data-color={color}>
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill={color} />
        {provider === 'alipay' && (
          <text x="16" y="23" textAnchor="middle" fontSize="19" fontWeight="700" fill="#fff">
            支
          </text>
        )}
        {provider === 'wechat' && (
          <g fill="#fff">
            <ellipse cx="13" cy="13.5" rx="8.5" ry="7" />
            <path d="M8 18.5 L7 23 L11.5 20 Z" />
            <ellipse cx="20.5" cy="19" rx="7" ry="5.8" stroke={color} strokeWidth="1.4" />
            <path d="M24.5 23 L26 26.5 L21.5 24.2 Z" />
            <circle cx="10.2" cy="12" r="1.3" fill={color} />
            <circle cx="15.8" cy="12" r="1.3" fill={color} />
            <circle cx="18.2" cy="18" r="1" fill={color} />
            <circle cx="22.8" cy="18" r="1" fill={color} />
          </g>
        )}
        {provider !== 'alipay' && provider !== 'wechat' && (
          <text x="16" y="22" textAnchor="middle" fontSize="16" fontWeight="700" fill="#fff">
            {provider.slice(0, 1).toUpperCase()}
          </text>
        )}
      </svg>
    </span>
  );
}

/** An order's mark: its provider's logo (the method is named beside it where it shows). */
export function MethodLogo({ method, provider = 'alipay', size = 28 }: { method: OrderMethodDto; provider?: string; size?: number }): React.JSX.Element {
  return (
    <span className="pd-method-logo-wrap" data-testid="method-logo" data-method={method} data-provider={provider}>
      <ProviderLogo provider={provider} size={size} />
    </span>
  );
}
