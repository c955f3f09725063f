import type { OrderMethodDto } from '../../../../shared/contract';

/** The Alipay "支" mark (drawn inline: no external assets under the CSP) with the method's glyph. */
export function MethodLogo({ method, size = 28 }: { method: OrderMethodDto; size?: number }): React.JSX.Element {
  return (
    <span className="pd-method-logo" data-testid="method-logo" data-method={method}>
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="#1677ff" />
        <text x="16" y="23" textAnchor="middle" fontSize="19" fontWeight="700" fill="#fff">
          支
        </text>
      </svg>
    </span>
  );
}
