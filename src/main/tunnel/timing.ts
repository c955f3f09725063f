/**
 * Timing helpers of the tunnel module: the default clock (the payment core's, with unref'd timers, so a
 * forgotten reconnect never keeps the process alive) and the exponential backoff with jitter used for
 * reconnects.
 */
import { systemClock, type Clock, type Logger } from '../kernel';

export const defaultClock: Clock = systemClock;

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction (0..1) of the delay taken off at random. Default 0.2. */
  jitter?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): min(maxMs, initialMs·2^attempt), minus up to
 * `jitter` of it at random — so many counters behind one tunnel server do not reconnect in lockstep,
 * and the delay never exceeds maxMs.
 */
export function backoffDelay(b: BackoffOptions, attempt: number, random: () => number = Math.random): number {
  const jitter = Math.min(1, Math.max(0, b.jitter ?? 0.2));
  const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  return Math.max(0, Math.round(base * (1 - jitter * random())));
}
