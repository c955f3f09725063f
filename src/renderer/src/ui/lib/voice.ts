/**
 * "支付宝收款 12.34 元" / "微信收款 12.34 元" (the paid order's provider) — exactly once per trade, even when the notification and the poll both report
 * the payment (and whichever of command answer / pushed event comes first). The set lives in this module
 * so every screen shares it.
 */
import type { OrderDto } from '../../../../shared/contract';

const announced = new Set<string>();

// Chromium loads the speech voices lazily: ask once early so the first payment can already speak.
try {
  globalThis.speechSynthesis?.getVoices();
} catch {
  // no speech support: the chime is used
}
const listeners = new Set<(text: string, orderId: string, amount: string) => void>();

/** A payment older than this (e.g. an old order refreshed by a refund event) is not announced. */
const FRESH_MS = 10 * 60_000;

export interface AnnounceOptions {
  muted: boolean;
  text: string;
  lang: string;
  now?: number;
}

/** Subscribe to announcements (the live region shows them; tests count them). */
export function onAnnounce(listener: (text: string, orderId: string, amount: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Announce a paid order once. Returns whether it was announced now. */
export function announcePaid(order: OrderDto, options: AnnounceOptions): boolean {
  if (order.status !== 'PAID' || announced.has(order.id)) return false;
  const now = options.now ?? Date.now();
  if (order.paidAt !== null && now - order.paidAt > FRESH_MS) return false;
  announced.add(order.id);
  for (const l of [...listeners]) l(options.text, order.id, order.amount);
  if (!options.muted) speak(options.text, options.lang);
  return true;
}

/** Forget what was announced (tests). */
export function resetAnnouncements(): void {
  announced.clear();
}

function speak(text: string, lang: string): void {
  try {
    const synth = globalThis.speechSynthesis;
    const Utterance = globalThis.SpeechSynthesisUtterance;
    if (synth && Utterance && synth.getVoices().length > 0) {
      const u = new Utterance(text);
      u.lang = lang;
      synth.speak(u);
      return;
    }
  } catch {
    // fall through to the chime
  }
  chime();
}

/** Two short tones through WebAudio when no speech voice is available. */
function chime(): void {
  try {
    const Ctx = globalThis.AudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    [880, 1320].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.2, ctx.currentTime + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + i * 0.18 + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.18);
      osc.stop(ctx.currentTime + i * 0.18 + 0.17);
    });
    setTimeout(() => void ctx.close(), 800);
  } catch {
    // no audio device: nothing to do
  }
}
