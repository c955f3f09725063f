/** A logger that keeps what it is given, so that tests can assert what was (and was not) logged. */
import type { Logger } from '../../src/main/kernel';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export interface MemoryLogger extends Logger {
  /** Every entry, in order. */
  entries: LogEntry[];
  /** Every entry as the JSON line the real logger would write (for "no secret in the log" checks). */
  readonly lines: string[];
}

export function memoryLogger(): MemoryLogger {
  const entries: LogEntry[] = [];
  const put = (level: LogEntry['level']) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return {
    entries,
    get lines() {
      return entries.map((e) => JSON.stringify({ level: e.level, message: e.message, ...e.fields }));
    },
    info: put('info'),
    warn: put('warn'),
    error: put('error'),
  };
}
