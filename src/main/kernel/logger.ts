/**
 * The one logger of the main process: one JSON line per entry on stderr, every message and field
 * redacted (kernel/redact.ts). Callers still never pass secrets; redaction is the safety net.
 */
import { createRedactingLogger } from './redact';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = keyof Logger;

/** One line: `{"level":…,"message":…,…fields}`. */
export function formatLogLine(level: LogLevel, message: string, fields?: Record<string, unknown>): string {
  return `${JSON.stringify({ level, message, ...fields })}\n`;
}

export const stderrLogger: Logger = createRedactingLogger({
  info: (message, fields) => process.stderr.write(formatLogLine('info', message, fields)),
  warn: (message, fields) => process.stderr.write(formatLogLine('warn', message, fields)),
  error: (message, fields) => process.stderr.write(formatLogLine('error', message, fields)),
});

/** The message of anything thrown, for a log field (never the stack). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A logger that writes nothing (tools and tests that do not care). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
