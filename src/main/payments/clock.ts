import { createRedactingLogger } from '../log/redact';
import type { Clock, Logger } from './api';

/** The real clock. Timers are unref'd so a forgotten tracker never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A logger writing one JSON line per entry to stderr. Callers never pass secrets (design.md principle 7);
 * keys, `sign` values and tokens are redacted anyway.
 */
export const stderrLogger: Logger = createRedactingLogger({
  info: (message, fields) => write('info', message, fields),
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
});

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

/** Sleep on the injected clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, Math.max(0, ms));
  });
}
