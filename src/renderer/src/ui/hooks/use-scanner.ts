/**
 * The scan detector on the whole window (README "Scanner timing"): every keydown goes through it first
 * (capture phase), wherever the focus is. Digits are held back briefly; what a person typed is replayed
 * to where it was typed, in order; a scan or another machine burst never reaches any field.
 */
import { useEffect, useRef } from 'react';
import { createScanDetector, type HeldKey } from '../lib/scan-detector';

export type ScannerOutcome = { kind: 'scan'; code: string } | { kind: 'rejected'; length: number };

/** Replayed events are ours: the detector must not see them again. */
const replayed = new WeakSet<Event>();

const TEXT_INPUT = /^(text|search|tel|number|password|email|url|)$/;

/** Give one held key back: a keydown on its target (React handlers see it); text fields also get the character. */
export function replayKey({ key, target }: HeldKey<EventTarget | null>): void {
  const el = target instanceof HTMLElement && target.isConnected ? target : ((document.activeElement as HTMLElement | null) ?? document.body);
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  replayed.add(event);
  const notHandled = el.dispatchEvent(event);
  if (!notHandled) return;
  const field = el instanceof HTMLInputElement && TEXT_INPUT.test(el.type) ? el : el instanceof HTMLTextAreaElement ? el : null;
  if (!field || field.readOnly || field.disabled) return;
  const proto = field instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'value');
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  descriptor?.set?.call(field, field.value.slice(0, start) + key + field.value.slice(end));
  try {
    field.setSelectionRange(start + key.length, start + key.length);
  } catch {
    // type=number has no selection
  }
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Install the detector while mounted; `onOutcome` gets scans and rejected bursts. */
export function useScanner(maxGapMs: number, onOutcome: (outcome: ScannerOutcome) => void): void {
  const latest = useRef(onOutcome);
  latest.current = onOutcome;
  const detector = useRef<ReturnType<typeof createScanDetector<EventTarget | null>> | null>(null);

  useEffect(() => {
    const d = createScanDetector<EventTarget | null>({
      maxGapMs,
      clock: { now: () => performance.now(), setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h as number) },
      onEvent: (e) => {
        if (e.kind === 'flush') e.keys.forEach(replayKey);
        else if (e.kind === 'scan') latest.current({ kind: 'scan', code: e.code });
        else latest.current({ kind: 'rejected', length: e.length });
      },
    });
    detector.current = d;
    const onKey = (e: KeyboardEvent): void => {
      if (replayed.has(e) || e.isComposing) return;
      const modifiers = e.ctrlKey || e.altKey || e.metaKey;
      if (d.key(e.key, e.target, modifiers, e.timeStamp) === 'hold') {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    };
    const onBlur = (): void => d.flush();
    window.addEventListener('keydown', onKey, { capture: true });
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKey, { capture: true });
      window.removeEventListener('blur', onBlur);
      d.flush();
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => detector.current?.setMaxGap(maxGapMs), [maxGapMs]);
}
