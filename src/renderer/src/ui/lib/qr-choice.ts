import type { ProviderIdDto, QrChoiceDto, StatusDto } from '../../../../shared/contract';
import { QR_CHOICES } from '../../../../shared/contract';

/** Where the counter remembers the last QR choice (支付宝 / 微信 / 双码) across restarts. */
export const QR_CHOICE_KEY = 'paydesk.qrChoice';

export interface ChoiceState {
  choice: QrChoiceDto;
  ready: boolean;
  /** why not (a provider's bilingual reason from main), when not ready */
  reason: string | null;
  /** the providers this choice needs that are not ready */
  missing: ProviderIdDto[];
}

/** A provider's readiness as main reports it; without a status yet, nothing is ready. */
function providerReady(status: StatusDto | null, id: ProviderIdDto): { ready: boolean; reason: string | null } {
  const entry = status?.providers?.find((p) => p.id === id);
  return entry ? { ready: entry.ready, reason: entry.reason } : { ready: false, reason: null };
}

/** Each choice ready or not: 双码 needs both providers ready. */
export function choiceStates(status: StatusDto | null): ChoiceState[] {
  return QR_CHOICES.map((choice) => {
    const needs: ProviderIdDto[] = choice === 'dual' ? ['alipay', 'wechat'] : [choice];
    const missing = needs.filter((id) => !providerReady(status, id).ready);
    const reason = missing.map((id) => providerReady(status, id).reason).find((r) => r) ?? null;
    return { choice, ready: missing.length === 0, reason, missing };
  });
}

export function loadChoice(): QrChoiceDto {
  try {
    const saved = globalThis.localStorage?.getItem(QR_CHOICE_KEY);
    return (QR_CHOICES as readonly string[]).includes(saved ?? '') ? (saved as QrChoiceDto) : 'alipay';
  } catch {
    return 'alipay';
  }
}

export function saveChoice(choice: QrChoiceDto): void {
  try {
    globalThis.localStorage?.setItem(QR_CHOICE_KEY, choice);
  } catch {
    // storage unavailable (private mode): the choice lasts for this session only
  }
}

/**
 * The choice a QR sale uses: the remembered one when ready, else the first ready provider (Alipay, then
 * WeChat Pay), else the remembered one (the sale is then refused by main with its reason).
 */
export function effectiveChoice(wanted: QrChoiceDto, states: ChoiceState[]): QrChoiceDto {
  if (states.find((s) => s.choice === wanted)?.ready) return wanted;
  return states.find((s) => s.choice !== 'dual' && s.ready)?.choice ?? wanted;
}
